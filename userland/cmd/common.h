/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the small commands share: the program name in messages, option
 * and operand parsing with Amoeba exit codes, operands that are
 * capabilities or path names, and the loop over them.
 */
#ifndef AMOEBA_CMD_COMMON_H
#define AMOEBA_CMD_COMMON_H

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

/* A number operand in [0, @max] (decimal, or hex with 0x), or exit 2. */
unsigned long cmd_number(const char *text, unsigned long max,
			 const char *what);

/* Report a failed operation on @text on stderr. */
void cmd_error(const char *text, errstat err);

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

#endif /* AMOEBA_CMD_COMMON_H */
