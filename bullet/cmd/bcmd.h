/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What put, get, del and bstat share beyond userland/cmd/common.h.  Each
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
