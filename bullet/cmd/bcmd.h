/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What put, get, del and bstat share beyond userland/cmd/common.h:
 * option parsing, and the SOAP side of the commands that take path names
 * (messages for paths that do not resolve and for the directory
 * service's errors, directory operations run with failover).  Each
 * cmd/NAME.c is a program of its own, so this holds static inline
 * functions, not a .c file.
 */
#ifndef BULLET_BCMD_H
#define BULLET_BCMD_H

#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <amoeba/path.h>
#include "common.h"

/* As common.c's, so that every command words its usage errors alike. */
static inline void bcmd_usage(const char *fmt, const char *arg)
{
	fprintf(stderr, "%s: ", progname);
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\nTry '%s --help' for more information.\n",
		progname);
	exit(EXIT_USAGE);
}

/*
 * cmd_init() for a command with flags of its own: @flags lists their
 * letters (no arguments), and set[i] becomes true if flags[i] is given.
 */
static inline int bcmd_init(int argc, char **argv, const char *help,
			    const char *flags, bool *set, int min, int max)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *slash = strrchr(argv[0], '/');
	char optstring[16] = "h";
	const char *f;
	int ch, n;

	progname = slash ? slash + 1 : argv[0];
	strncat(optstring, flags, sizeof(optstring) - 2);
	memset(set, 0, strlen(flags) * sizeof(*set));
	opterr = 0;
	while ((ch = getopt_long(argc, argv, optstring, longopts,
				 NULL)) != -1) {
		if (ch == 'h') {
			fputs(help, stdout);
			exit(EXIT_OK);
		}
		f = ch != '?' ? strchr(flags, ch) : NULL;
		if (!f)
			bcmd_usage("unknown option '%s'", argv[optind - 1]);
		set[f - flags] = true;
	}
	n = argc - optind;
	if (n < min)
		bcmd_usage("%s", n ? "too few operands" : "no operand given");
	if (max >= 0 && n > max)
		bcmd_usage("unexpected operand '%s'", argv[optind + max]);
	return optind;
}

/*
 * bcmd_init() for options that take arguments: @optstring in getopt's
 * form ("qn:r:"), each option found handed to @opt with its argument
 * (NULL if it takes none).
 */
static inline int bcmd_getopt(int argc, char **argv, const char *help,
			      const char *optstring,
			      void (*opt)(int ch, char *arg), int min, int max)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *slash = strrchr(argv[0], '/');
	char opts[32] = ":h";
	char flag[3] = "-?";
	int ch, n;

	progname = slash ? slash + 1 : argv[0];
	strncat(opts, optstring, sizeof(opts) - strlen(opts) - 1);
	opterr = 0;
	while ((ch = getopt_long(argc, argv, opts, longopts, NULL)) != -1) {
		if (ch == 'h') {
			fputs(help, stdout);
			exit(EXIT_OK);
		}
		if (ch == ':') {
			flag[1] = (char)optopt;
			bcmd_usage("option '%s' needs an argument", flag);
		}
		if (ch == '?')
			bcmd_usage("unknown option '%s'", argv[optind - 1]);
		opt(ch, optarg);
	}
	n = argc - optind;
	if (n < min)
		bcmd_usage("%s", n ? "too few operands" : "no operand given");
	if (max >= 0 && n > max)
		bcmd_usage("unexpected operand '%s'", argv[optind + max]);
	return optind;
}

/* A path that did not resolve, worded as cmd_capset() words it. */
static inline void bcmd_path_error(const char *path, errstat err)
{
	fprintf(stderr, "%s: %s: %s (%s)\n", progname, path, err_why(err),
		am_path_error());
}

/*
 * Whether @text is a path rather than a capability.  As cmd_capset()
 * decides: a text with a ':' and no '/' is meant as a capability, and
 * cmd_cap() turns a malformed one into a usage error naming the fault.
 */
static inline bool bcmd_is_path(const char *text)
{
	struct am_cap cap;

	if (am_name_is_cap(text))
		return false;
	if (strchr(text, ':') && !strchr(text, '/'))
		cmd_cap(text, &cap);
	return true;
}

/* The directory holding @path's last name, and the name, or a message. */
static inline errstat bcmd_parent(const char *path, struct sp_capset *dir,
				  char *name)
{
	errstat err = am_lookup_parent(path, dir, name);

	if (err != STD_OK)
		bcmd_path_error(path, err);
	return err;
}

/*
 * Whether a name of @dir can be changed, as far as the rights its
 * capabilities show tell: asked before work that a refusal would waste
 * or leave half done.  The server decides in the end.
 */
static inline bool bcmd_may_modify(const struct sp_capset *dir)
{
	uint8_t rights;
	uint32_t i;

	for (i = 0; i < dir->caps_len; i++) {
		rights = dir->caps[i].cap_priv.prv_rights;
		if ((rights & SP_MODRGT) && (rights & SP_COLMASK))
			return true;
	}
	return false;
}

/* Arguments of the directory operations below. */
struct bcmd_name_op {
	const char		*name;
	const struct sp_capset	*set;		/* in */
	struct sp_capset	found;		/* out */
	uint8_t			cond;		/* of sp_install */
};

static inline errstat bcmd_try_append(const struct am_cap *dir, void *arg)
{
	struct bcmd_name_op *op = arg;

	/* No masks: the new row gets every right in every column. */
	return sp_append(dir, op->name, op->set, NULL, 0);
}

/* One sp_install: set (or remove, with an empty set) under @cond. */
static inline errstat bcmd_try_install(const struct am_cap *dir, void *arg)
{
	struct bcmd_name_op *op = arg;
	struct sp_update up;

	memset(&up, 0, sizeof(up));
	up.dir = *dir;
	snprintf(up.name, sizeof(up.name), "%s", op->name);
	up.cond = op->cond;
	up.set = *op->set;
	return sp_install(dir, &up, 1);
}

static inline errstat bcmd_try_delete(const struct am_cap *dir, void *arg)
{
	struct bcmd_name_op *op = arg;

	return sp_delete(dir, op->name);
}

/* A name's set, through the directory alone: the name is one component. */
static inline errstat bcmd_try_lookup(const struct am_cap *dir, void *arg)
{
	struct bcmd_name_op *op = arg;
	uint32_t used;

	return sp_lookup(dir, op->name, &used, &op->found);
}

/* Report a failed system call on @what (a path, or a step) from errno. */
static inline void bcmd_syserr(const char *what)
{
	fprintf(stderr, "%s: %s: %s\n", progname, what, strerror(errno));
}

/*
 * Write all @len bytes: a pipe or a terminal may take fewer per write,
 * and a signal may interrupt one.  0, or -1 with errno set.
 */
static inline int bcmd_write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	ssize_t n;

	while (len) {
		n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0) {
			/* Never for a file or a pipe; do not spin on it. */
			errno = EIO;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

#endif /* BULLET_BCMD_H */
