// SPDX-License-Identifier: GPL-2.0
/*
 * Shared by the commands; see common.h.
 */
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"

const char *progname = "amoeba";

static void set_progname(const char *argv0)
{
	const char *slash = strrchr(argv0, '/');

	progname = slash ? slash + 1 : argv0;
}

void cmd_usage(const char *fmt, const char *arg)
{
	fprintf(stderr, "%s: ", progname);
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\nTry '%s --help' for more information.\n",
		progname);
	exit(EXIT_USAGE);
}

int cmd_getopt(int argc, char **argv, const char *help,
	       const char *optstring, void (*opt)(int ch, char *arg),
	       int min, int max)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	/* The leading ':': a missing argument is ':', not '?'. */
	char opts[32] = ":h";
	char flag[3] = "-?";
	int ch, n;

	set_progname(argv[0]);
	strncat(opts, optstring, sizeof(opts) - strlen(opts) - 1);
	opterr = 0;
	while ((ch = getopt_long(argc, argv, opts, longopts, NULL)) != -1) {
		if (ch == 'h') {
			fputs(help, stdout);
			exit(EXIT_OK);
		}
		if (ch == ':') {
			flag[1] = (char)optopt;
			cmd_usage("option '%s' needs an argument", flag);
		}
		if (ch == '?')
			cmd_usage("unknown option '%s'", argv[optind - 1]);
		opt(ch, optarg);
	}
	n = argc - optind;
	if (n < min)
		cmd_usage("%s", n ? "too few operands" : "no operand given");
	if (max >= 0 && n > max)
		cmd_usage("unexpected operand '%s'", argv[optind + max]);
	return optind;
}

int cmd_init(int argc, char **argv, const char *help, int min, int max)
{
	/* No option but -h: @opt is never called. */
	return cmd_getopt(argc, argv, help, "", NULL, min, max);
}

static void bad_cap(const char *text)
{
	struct am_parse_err err;
	struct am_cap cap;

	am_cap_parse(text, &cap, &err);
	fprintf(stderr, "%s: bad capability '%s': at character %zu: %s\n",
		progname, text, err.pos + 1, err.msg);
	fprintf(stderr, "%s: a capability is PPPPPPPPPPPP:OOOOOO:RR:CCCCCCCCCCCC (hexadecimal port, object, rights, check)\n",
		progname);
	exit(EXIT_USAGE);
}

/*
 * Capabilities are full of ':' and paths need a '/' only past their first
 * name, so this tells a mistyped capability from a name that is missing.
 */
static bool meant_as_cap(const char *text)
{
	return strchr(text, ':') && !strchr(text, '/');
}

bool cmd_is_path(const char *text)
{
	if (am_name_is_cap(text))
		return false;
	if (meant_as_cap(text))
		bad_cap(text);
	return true;
}

void cmd_path_error(const char *path, errstat err)
{
	fprintf(stderr, "%s: %s: %s (%s)\n", progname, path, err_why(err),
		am_path_error());
}

errstat cmd_lookup(const char *text, struct sp_capset *set)
{
	errstat err;

	/* A malformed capability is a usage error, not a missing name. */
	(void)cmd_is_path(text);
	err = am_name_lookup(text, set);
	if (err != STD_OK)
		cmd_path_error(text, err);
	return err;
}

void cmd_capset(const char *text, struct sp_capset *set)
{
	if (cmd_lookup(text, set) != STD_OK)
		exit(EXIT_FAIL);
	if (set->caps_len == 0) {
		fprintf(stderr, "%s: %s: holds no capability\n", progname,
			text);
		exit(EXIT_FAIL);
	}
}

void cmd_cap(const char *text, struct am_cap *cap)
{
	struct sp_capset set;

	cmd_capset(text, &set);
	*cap = set.caps[0];
}

errstat cmd_parent(const char *path, struct sp_capset *dir, char *name)
{
	errstat err = am_lookup_parent(path, dir, name);

	if (err != STD_OK)
		cmd_path_error(path, err);
	return err;
}

unsigned long cmd_number(const char *text, unsigned long max,
			 const char *what)
{
	unsigned long v;
	char *end;

	errno = 0;
	v = strtoul(text, &end, 0);
	if (errno || end == text || *end || text[0] == '-' || v > max) {
		fprintf(stderr, "%s: bad %s '%s': expected 0 to %lu (or 0x0 to 0x%lx)\n",
			progname, what, text, max, max);
		exit(EXIT_USAGE);
	}
	return v;
}

void cmd_error(const char *text, errstat err)
{
	const char *name = err_name(err);

	/* A failed call says why; a service's answer is enough. */
	if (err < 0 && err > STD_CAPBAD)
		fprintf(stderr, "%s: %s: %s (%s): %s\n", progname, text,
			err_why(err), name ? name : "?", am_rpc_error());
	else
		fprintf(stderr, "%s: %s: %s (%s)\n", progname, text,
			err_why(err), name ? name : "?");
}

void cmd_syserr(const char *what)
{
	fprintf(stderr, "%s: %s: %s\n", progname, what, strerror(errno));
}

static errstat (*text_get)(const struct am_cap *cap, char *buf);
static char *text_buf;

static errstat print_text(const struct am_cap *cap, const char *text)
{
	errstat err = text_get(cap, text_buf);

	(void)text;
	if (err == STD_OK)
		printf("%s\n", text_buf);
	return err;
}

int cmd_print_text(int argc, char **argv, const char *help,
		   errstat (*get)(const struct am_cap *cap, char *buf),
		   size_t max)
{
	int first = cmd_init(argc, argv, help, 1, -1);

	text_get = get;
	text_buf = malloc(max + 1);
	if (!text_buf) {
		fprintf(stderr, "%s: out of memory\n", progname);
		return EXIT_FAIL;
	}
	return cmd_each_cap(argc, argv, first, print_text);
}

struct each_op {
	errstat		(*op)(const struct am_cap *cap, const char *text);
	const char	*text;
};

static errstat each_op(const struct am_cap *cap, void *arg)
{
	const struct each_op *e = arg;

	return e->op(cap, e->text);
}

int cmd_each_cap(int argc, char **argv, int first,
		 errstat (*op)(const struct am_cap *cap, const char *text))
{
	struct sp_capset *sets;
	struct each_op e = { .op = op };
	int i, status = EXIT_OK;
	errstat err;

	if (first >= argc)
		return EXIT_OK;
	sets = calloc((size_t)(argc - first), sizeof(*sets));
	if (!sets) {
		fprintf(stderr, "%s: out of memory\n", progname);
		return EXIT_FAIL;
	}
	/* Resolve every operand first: a typo should not half-run a list. */
	for (i = first; i < argc; i++)
		cmd_capset(argv[i], &sets[i - first]);
	for (i = first; i < argc; i++) {
		e.text = argv[i];
		err = am_capset_try(&sets[i - first], each_op, &e);
		if (err != STD_OK) {
			cmd_error(argv[i], err);
			status = EXIT_FAIL;
		}
	}
	free(sets);
	return status;
}

errstat cmd_try_append(const struct am_cap *dir, void *arg)
{
	struct cmd_name_op *op = arg;

	return sp_append(dir, op->name, op->set, op->masks, op->nmasks);
}

errstat cmd_try_lookup(const struct am_cap *dir, void *arg)
{
	struct cmd_name_op *op = arg;
	uint32_t used;

	return sp_lookup(dir, op->name, &used, &op->found);
}

errstat cmd_append(const struct sp_capset *dir, struct cmd_name_op *op)
{
	errstat err;

	/* A directory takes no more masks than its columns: try fewer. */
	do
		err = am_capset_try(dir, cmd_try_append, op);
	while (err == STD_ARGBAD && op->nmasks && --op->nmasks);
	return err;
}

bool cmd_entered(const struct sp_capset *dir, const char *name,
		 const struct am_cap *cap)
{
	struct cmd_name_op op;
	uint32_t i;

	memset(&op, 0, sizeof(op));
	op.name = name;
	if (am_capset_try(dir, cmd_try_lookup, &op) != STD_OK)
		return false;
	for (i = 0; i < op.found.caps_len; i++)
		if (am_port_eq(&op.found.caps[i].cap_port, &cap->cap_port) &&
		    am_priv_object(&op.found.caps[i].cap_priv) ==
		    am_priv_object(&cap->cap_priv))
			return true;
	return false;
}

errstat cmd_try_delete(const struct am_cap *dir, void *arg)
{
	struct cmd_name_op *op = arg;
	struct sp_update u;

	if (!op->found.caps_len)
		return sp_delete(dir, op->name);
	/* Only what was looked up: a name entered anew meanwhile stays. */
	memset(&u, 0, sizeof(u));
	u.dir = *dir;
	snprintf(u.name, sizeof(u.name), "%s", op->name);
	u.cond = SP_MATCH;
	u.old = op->found.caps[0];
	return sp_install(dir, &u, 1);
}

errstat cmd_try_destroy(const struct am_cap *cap, void *arg)
{
	(void)arg;
	return std_destroy(cap);
}
