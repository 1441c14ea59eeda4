/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What dir, mkd and chm share beyond userland/cmd/common.h: options that
 * take arguments, messages for path names that do not resolve and for
 * this service's own errors, and directory operations run on a
 * capability set with failover (am_capset_try).  Each cmd/NAME.c is a
 * program of its own, so this holds static inline functions, not a .c
 * file.
 */
#ifndef SOAP_SCMD_H
#define SOAP_SCMD_H

#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <amoeba/path.h>
#include "common.h"

/* As common.c's, so that every command words its usage errors alike. */
static inline void scmd_usage(const char *fmt, const char *arg)
{
	fprintf(stderr, "%s: ", progname);
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\nTry '%s --help' for more information.\n",
		progname);
	exit(EXIT_USAGE);
}

/*
 * cmd_init() for a command with options of its own: @optstring in
 * getopt's form ("ls:"), each option found handed to @opt with its
 * argument (NULL if it takes none).  Returns the first operand's index.
 */
static inline int scmd_init(int argc, char **argv, const char *help,
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
			scmd_usage("option '%s' needs an argument", flag);
		}
		if (ch == '?')
			scmd_usage("unknown option '%s'", argv[optind - 1]);
		opt(ch, optarg);
	}
	n = argc - optind;
	if (n < min)
		scmd_usage("%s", n ? "too few operands" : "no operand given");
	if (max >= 0 && n > max)
		scmd_usage("unexpected operand '%s'", argv[optind + max]);
	return optind;
}

/* A path that did not resolve, worded as cmd_capset() words it. */
static inline void scmd_path_error(const char *path, errstat err)
{
	fprintf(stderr, "%s: %s: %s (%s)\n", progname, path, err_why(err),
		am_path_error());
}

/*
 * Whether @text is a path rather than a capability.  As cmd_capset()
 * decides: a text with a ':' and no '/' is meant as a capability, and
 * cmd_cap() turns a malformed one into a usage error naming the fault.
 */
static inline bool scmd_is_path(const char *text)
{
	struct am_cap cap;

	if (am_name_is_cap(text))
		return false;
	if (strchr(text, ':') && !strchr(text, '/'))
		cmd_cap(text, &cap);
	return true;
}

/* An operand's set, a capability or a path, or a message. */
static inline errstat scmd_lookup(const char *operand, struct sp_capset *set)
{
	errstat err;

	(void)scmd_is_path(operand);
	err = am_name_lookup(operand, set);
	if (err != STD_OK)
		scmd_path_error(operand, err);
	return err;
}

/* The directory holding @path's last name, and the name, or a message. */
static inline errstat scmd_parent(const char *path, struct sp_capset *dir,
				  char *name)
{
	errstat err = am_lookup_parent(path, dir, name);

	if (err != STD_OK)
		scmd_path_error(path, err);
	return err;
}

/* Arguments of the name operations below. */
struct scmd_name_op {
	const char		*name;
	const uint8_t		*masks;
	uint32_t		nmasks;
	const struct sp_capset	*set;		/* in */
	struct sp_capset	found;		/* out */
};

static inline errstat scmd_try_append(const struct am_cap *dir, void *arg)
{
	struct scmd_name_op *op = arg;

	return sp_append(dir, op->name, op->set, op->masks, op->nmasks);
}

static inline errstat scmd_try_chmod(const struct am_cap *dir, void *arg)
{
	struct scmd_name_op *op = arg;

	return sp_chmod(dir, op->name, op->masks, op->nmasks);
}

/* A name's set, through the directory alone: the name is one component. */
static inline errstat scmd_try_lookup(const struct am_cap *dir, void *arg)
{
	struct scmd_name_op *op = arg;
	uint32_t used;

	return sp_lookup(dir, op->name, &used, &op->found);
}

static inline errstat scmd_try_destroy(const struct am_cap *cap, void *arg)
{
	(void)arg;
	return std_destroy(cap);
}

#endif /* SOAP_SCMD_H */
