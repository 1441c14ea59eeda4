// SPDX-License-Identifier: GPL-2.0
/*
 * ail: read Amoeba Interface Language files, check them, list what they
 * declare, and write their C stubs.
 */
#include <errno.h>
#include <getopt.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ail.h"

static void print_help(FILE *f)
{
	fprintf(f,
		"usage: ail [-l] [-o DIR] [-I DIR]... FILE...\n"
		"Check Amoeba Interface Language files: every name declared before\n"
		"use, command codes within their class's range, inherited classes\n"
		"without clashing names or ranges, rights of one bit, bounds and\n"
		"header fields that fit, messages within 1 MiB.  The first error\n"
		"of a file is printed as FILE:LINE:COLUMN with the line and a caret.\n"
		"With -o, write the C stubs of each FILE (NAME.ail) into DIR:\n"
		"NAME_ail.h, NAME_client.c and NAME_server.c.\n"
		"\n"
		"  -o, --output DIR   write the stubs into DIR\n"
		"  -I, --import DIR   look for imported NAME.ail in DIR too (after\n"
		"                     the importing file's own directory)\n"
		"  -l, --list         print each class and its operations: command\n"
		"                     code, largest request and reply data, rights\n"
		"  -h, --help         print this help and exit\n"
		"\n"
		"Exit status: 0 all files are sound (and their stubs written), 1 one\n"
		"is not (or a file cannot be read or written), 2 bad usage.  The\n"
		"language and the stubs: Documentation/ail.rst, ail(1).\n");
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

/* Where imports are looked for after the importer's own directory. */
static const char **dirs;
static int ndirs;

/* @dir/@name.ail, read into the unit's arena, or NULL and u->err. */
static const char *load_from(struct ail_unit *u, const char *dir,
			     const char *name, const char **path,
			     size_t *len)
{
	size_t n = strlen(dir) + strlen(name) + 6;
	char *p = ail_alloc(u, n), *text, *copy;

	snprintf(p, n, "%s/%s.ail", dir, name);
	text = slurp(p, len);
	if (!text) {
		snprintf(u->err, sizeof(u->err), "%s: %s", p, strerror(errno));
		return NULL;
	}
	copy = ail_alloc(u, *len + 1);
	memcpy(copy, text, *len + 1);
	free(text);
	*path = p;
	return copy;
}

static const char *load(struct ail_unit *u, const char *name,
			const char **path, size_t *len)
{
	char *here = (char *)ail_strndup(u, u->file, strlen(u->file));
	const char *text;
	int i;

	text = load_from(u, dirname(here), name, path, len);
	for (i = 0; !text && errno == ENOENT && i < ndirs; i++)
		text = load_from(u, dirs[i], name, path, len);
	if (!text && errno == ENOENT)
		snprintf(u->err, sizeof(u->err),
			 "no %s.ail beside the importing file or in a -I directory",
			 name);
	return text;
}

/* NAME of DIR/NAME.ail, which names the stubs' files. */
static const char *base_name(struct ail_unit *u, const char *path)
{
	const char *b = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	size_t n = strlen(b);

	if (n > 4 && !strcmp(b + n - 4, ".ail"))
		n -= 4;
	return ail_strndup(u, b, n);
}

static int compile(const char *path, bool listing, const char *out)
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
	u.load = load;
	err = ail_parse(&u);
	if (!err && listing)
		list(&u);
	if (!err && out)
		err = ail_generate(&u, out, base_name(&u, path));
	if (err == -1)
		ail_print_error(&u, stderr);
	ail_unit_free(&u);
	free(text);
	return err ? 1 : 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "list", no_argument, NULL, 'l' },
		{ "output", required_argument, NULL, 'o' },
		{ "import", required_argument, NULL, 'I' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *out = NULL;
	bool listing = false;
	int c, i, status = 0;

	dirs = calloc((size_t)argc, sizeof(*dirs));
	if (!dirs)
		return 1;
	while ((c = getopt_long(argc, argv, "lo:I:h", opts, NULL)) != -1) {
		switch (c) {
		case 'l':
			listing = true;
			break;
		case 'o':
			out = optarg;
			break;
		case 'I':
			dirs[ndirs++] = optarg;
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
		status |= compile(argv[i], listing, out);
	free(dirs);
	return status;
}
