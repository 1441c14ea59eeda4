/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the small commands share: the program name in messages, option
 * and operand parsing with Amoeba exit codes, operands that are
 * capabilities or path names, the loop over them, and the directory
 * operations of the commands that change names.  Linked into every
 * command of userland/cmd, bullet/cmd and soap/cmd.
 */
#ifndef AMOEBA_CMD_COMMON_H
#define AMOEBA_CMD_COMMON_H

#include <stdbool.h>
#include <stdint.h>

#include <amoeba.h>

/* Exit codes: success, the operation failed, the command line is wrong. */
#define EXIT_OK		0
#define EXIT_FAIL	1
#define EXIT_USAGE	2

extern const char *progname;

/*
 * Parse the options every command takes (-h/--help); print @help and exit
 * 0 for help, or a short message and exit EXIT_USAGE for anything else.
 * Returns the index of the first operand, after checking that there are
 * between @min and @max operands (-1: no limit).
 */
int cmd_init(int argc, char **argv, const char *help, int min, int max);

/*
 * cmd_init() for a command with options of its own: @optstring in
 * getopt's form ("qn:r:"), each option found handed to @opt with its
 * argument (NULL if it takes none).  An option missing its argument is a
 * usage error, as is one not in @optstring.
 */
int cmd_getopt(int argc, char **argv, const char *help,
	       const char *optstring, void (*opt)(int ch, char *arg),
	       int min, int max);

/*
 * A usage error: "PROGNAME: " and @fmt with @arg on stderr, then where
 * help is, and exit EXIT_USAGE, so that every command words them alike.
 */
void cmd_usage(const char *fmt, const char *arg);

/*
 * An operand naming an object: a capability in text form, or a path name
 * resolved from AMOEBA_ROOT or AMOEBA_WORK (see libamoeba(3)) to the set
 * of capabilities its last name holds.  A text with a ':' and no '/' is
 * meant as a capability, so a malformed one is a usage error (a message
 * naming the position, exit 2) rather than a missing name; a path that
 * does not resolve is reported and exits 1.
 */
void cmd_capset(const char *text, struct sp_capset *set);

/* As cmd_capset, for a command that needs one capability: the first. */
void cmd_cap(const char *text, struct am_cap *cap);

/*
 * Whether @text is a path rather than a capability, decided as
 * cmd_capset decides: a text meant as a capability but malformed is a
 * usage error naming the fault.
 */
bool cmd_is_path(const char *text);

/* Report a path that did not resolve, as cmd_capset reports it. */
void cmd_path_error(const char *path, errstat err);

/*
 * As cmd_capset, for a command that goes on to its next operand when one
 * does not resolve: that is reported, and its error returned (STD_OK
 * else).  An empty set is not refused.
 */
errstat cmd_lookup(const char *text, struct sp_capset *set);

/*
 * The set of the directory holding @path's last name, and that name
 * (room for SP_NAME_MAX + 1); a failure is reported and returned, as
 * cmd_lookup's is.
 */
errstat cmd_parent(const char *path, struct sp_capset *dir, char *name);

/* A number operand in [0, @max] (decimal, or hex with 0x), or exit 2. */
unsigned long cmd_number(const char *text, unsigned long max,
			 const char *what);

/* Report a failed operation on @text on stderr. */
void cmd_error(const char *text, errstat err);

/* Report a failed system call on @what (a path, or a step) from errno. */
void cmd_syserr(const char *what);

/*
 * Run @op on each operand argv[first..argc-1] (see cmd_capset), on the
 * members of its set in turn until one's server answers; report each
 * failure and go on.  Every operand is resolved before @op first runs.
 * Returns EXIT_OK if every one succeeded.
 */
int cmd_each_cap(int argc, char **argv, int first,
		 errstat (*op)(const struct am_cap *cap, const char *text));

/*
 * The whole of a command that prints, one line per operand (see
 * cmd_capset), the text @get answers (a generated stub: at most @max
 * bytes).
 */
int cmd_print_text(int argc, char **argv, const char *help,
		   errstat (*get)(const struct am_cap *cap, char *buf),
		   size_t max);

/*
 * Operations on one name of a directory, for am_capset_try on the
 * directory's set, so that a replica that does not answer hands over to
 * the next one.  @arg is a struct cmd_name_op.
 */
struct cmd_name_op {
	const char		*name;		/* one component */
	const struct sp_capset	*set;		/* in */
	const uint8_t		*masks;		/* in; NULL: every right */
	uint32_t		nmasks;
	struct sp_capset	found;		/* out */
};

/* Enter @set under @name, with @masks for the directory's columns. */
errstat cmd_try_append(const struct am_cap *dir, void *arg);

/* The set @name holds, into @found. */
errstat cmd_try_lookup(const struct am_cap *dir, void *arg);

/*
 * cmd_try_append through @dir's set, with the first op->nmasks masks and
 * then fewer, until the directory takes them: a caller need not know how
 * many columns it has.
 */
errstat cmd_append(const struct sp_capset *dir, struct cmd_name_op *op);

/*
 * Whether @name in @dir now holds the object @cap names: what a call to
 * enter it did, when its reply was lost (an RPC_* error), before taking
 * back an object it may have named after all.
 */
bool cmd_entered(const struct sp_capset *dir, const char *name,
		 const struct am_cap *cap);

/*
 * Remove @name: the objects it holds are left alone.  After a lookup
 * (@found not empty), only if it still holds what was found: SP_CLASH.
 */
errstat cmd_try_delete(const struct am_cap *dir, void *arg);

/* std_destroy of @cap itself, one member of a set; @arg is unused. */
errstat cmd_try_destroy(const struct am_cap *cap, void *arg);

#endif /* AMOEBA_CMD_COMMON_H */
