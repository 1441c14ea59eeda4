// SPDX-License-Identifier: GPL-2.0
/*
 * ail: read Amoeba Interface Language files, check them, and list what
 * they declare.  Code generation is added to this front end next; until
 * then ail is the checker every interface goes through.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ail.h"

static void print_help(FILE *f)
{
	fprintf(f,
		"usage: ail [-l] FILE...\n"
		"Check Amoeba Interface Language files: every name declared before\n"
		"use, command codes within their class's range, inherited classes\n"
		"without clashing names or ranges, rights of one bit, bounds and\n"
		"header fields that fit, messages within 1 MiB.  The first error\n"
		"of a file is printed as FILE:LINE:COLUMN with the line and a caret.\n"
		"\n"
		"  -l, --list  print each class and its operations: command code,\n"
		"              largest request and reply data, rights needed\n"
		"  -h, --help  print this help and exit\n"
		"\n"
		"Exit status: 0 all files are sound, 1 one is not (or cannot be\n"
		"read), 2 bad usage.  The language: Documentation/ail.rst, ail(1).\n");
}

/* The whole of @path, NUL-terminated, in *len bytes; NULL on error. */
static char *slurp(const char *path, size_t *len)
{
	size_t size = 0, cap = 4096, n;
	FILE *f = fopen(path, "re");
	char *buf = NULL, *p;

	if (!f)
		return NULL;
	for (;;) {
		p = realloc(buf, cap + 1);
		if (!p)
			break;
		buf = p;
		n = fread(buf + size, 1, cap - size, f);
		size += n;
		if (size < cap || size > AIL_FILE_MAX)
			break;
		cap *= 2;
	}
	if (ferror(f) || !p) {
		fclose(f);
		free(buf);
		errno = p ? EIO : ENOMEM;
		return NULL;
	}
	fclose(f);
	buf[size] = '\0';
	*len = size;
	return buf;
}

static void list(const struct ail_unit *u)
{
	const struct ail_inherit *in;
	const struct ail_class *c;
	const struct ail_op *op;

	for (c = u->classes; c; c = c->next) {
		printf("class %s", c->name);
		if (c->has_range)
			printf(" [%u..%u]", c->lo, c->hi);
		for (in = c->inherits; in; in = in->next)
			printf("%s%s", in == c->inherits ? " inherits " : ", ",
			       in->cls->name);
		putchar('\n');
		for (op = c->ops; op; op = op->next)
			printf("\t%u %s request %llu reply %llu rights 0x%02x\n",
			       op->code, op->name,
			       (unsigned long long)op->req_wire,
			       (unsigned long long)op->rep_wire, op->rights);
	}
}

static int compile(const char *path, bool listing)
{
	struct ail_unit u;
	size_t len = 0;
	char *text;
	int err;

	text = slurp(path, &len);
	if (!text) {
		fprintf(stderr, "ail: %s: %s\n", path, strerror(errno));
		return 1;
	}
	ail_unit_init(&u, path, text, len);
	err = ail_parse(&u);
	if (err)
		ail_print_error(&u, stderr);
	else if (listing)
		list(&u);
	ail_unit_free(&u);
	free(text);
	return err ? 1 : 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "list", no_argument, NULL, 'l' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	bool listing = false;
	int c, i, status = 0;

	while ((c = getopt_long(argc, argv, "lh", opts, NULL)) != -1) {
		switch (c) {
		case 'l':
			listing = true;
			break;
		case 'h':
			print_help(stdout);
			return 0;
		default:
			fprintf(stderr, "Try 'ail --help'.\n");
			return 2;
		}
	}
	if (optind == argc) {
		fprintf(stderr, "ail: no interface file given\nTry 'ail --help'.\n");
		return 2;
	}
	for (i = optind; i < argc; i++)
		status |= compile(argv[i], listing);
	return status;
}
