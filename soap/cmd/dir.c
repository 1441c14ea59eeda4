// SPDX-License-Identifier: GPL-2.0
/*
 * dir: list SOAP directories, as ls(1) lists Unix ones: the names, or
 * with -l each row's masks, time and number of capabilities, and with -c
 * the capabilities themselves.  A directory is read whole, page by page,
 * before its first line is printed, so that when a replica fails part
 * way the next one is read from the start and no line is printed twice.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common.h"

static const char help[] =
"usage: dir [-l] [-c] [PATH|CAPABILITY]...\n"
"List the names in each SOAP directory, one a line, in name order; with no\n"
"operand, the working directory '.' (the root directory '/' unless\n"
"AMOEBA_WORK is set).  A path starting with '/' is resolved from the root\n"
"directory, any other from the working directory.  An operand that is not\n"
"a directory (a Bullet file, say) is printed itself, as ls prints a file.\n"
"With more than one operand each directory's list is headed by a line\n"
"'OPERAND:' and set apart from the rest by an empty line.\n"
"  -l  long format: a header line with the directory's column names, then\n"
"      for each name the rights mask of each column in hexadecimal\n"
"      (ff:06:04), the time its entry last changed (local time), the\n"
"      number of capabilities it holds, and the name\n"
"  -c  under each name, the capabilities it holds as the columns this\n"
"      directory capability selects give them, one a line after a tab\n"
"A capability is PPPPPPPPPPPP:OOOOOO:RR:CCCCCCCCCCCC in hexadecimal.\n"
"Exit status: 0 on success, 1 if an operand or a name could not be read,\n"
"2 for a usage error.\n"
"Environment: AMOEBA_ROOT (the root directory's capability; else the file\n"
"AMOEBA_ROOTFILE or ~/.amoeba/root holds it), AMOEBA_WORK (the working\n"
"directory's capability; default the root), AMOEBA_TRANSPORT (see\n"
"libamoeba(3)).\n";

/* Readings of a directory that changes while it is read, at most. */
#define READ_TRIES	5

static bool opt_long, opt_caps;
/* What was printed last, so that a list is set apart from the rest. */
static enum { NOTHING, FILE_LINE, LIST } printed;

struct listing {
	struct sp_col	cols[SP_COLS_MAX];
	uint32_t	ncols;
	struct sp_row	*rows;
	uint32_t	nrows;
	uint32_t	room;
};

static void option(int ch, char *arg)
{
	(void)arg;
	if (ch == 'l')
		opt_long = true;
	else
		opt_caps = true;
}

/* Room for one more full page after the rows read so far. */
static int grow(struct listing *ls)
{
	struct sp_row *rows;
	uint32_t room;

	if (ls->room - ls->nrows >= SP_LIST_MAX)
		return 0;
	room = ls->room ? ls->room * 2 : SP_LIST_MAX;
	if (room - ls->nrows < SP_LIST_MAX)
		room = ls->nrows + SP_LIST_MAX;
	rows = realloc(ls->rows, (size_t)room * sizeof(*rows));
	if (!rows)
		return -1;
	ls->rows = rows;
	ls->room = room;
	return 0;
}

/*
 * Every row of one replica of the directory, a page at a time.  Pages
 * are asked for by index, so a row added or removed between two of them
 * would shift the rest: a listing whose total changed on the way (or
 * whose next page is past the end, STD_ARGBAD) is read again, a few
 * times, before what the last reading gave is taken.
 */
static errstat read_dir(const struct am_cap *dir, void *arg)
{
	struct listing *ls = arg;
	uint32_t total, first_total = 0, n;
	bool changed;
	errstat err;
	int tries;

	for (tries = 1; ; tries++) {
		ls->nrows = 0;
		changed = false;
		do {
			if (grow(ls))
				return STD_NOMEM;
			err = sp_list(dir, ls->nrows, &total, ls->cols,
				      &ls->ncols, ls->rows + ls->nrows, &n);
			if (err != STD_OK) {
				changed = ls->nrows && err == STD_ARGBAD;
				break;
			}
			if (!ls->nrows)
				first_total = total;
			changed = total != first_total;
			ls->nrows += n;
		} while (n && ls->nrows < total && !changed);
		if (!changed || tries == READ_TRIES)
			return err;
	}
}

static void print_caps(const struct sp_capset *set)
{
	char text[AM_CAP_TEXTLEN + 1];
	uint32_t i;

	for (i = 0; i < set->caps_len; i++) {
		am_cap_format(&set->caps[i], text, sizeof(text));
		printf("\t%s\n", text);
	}
}

/* The masks of a row, "ff:06:04", in @buf (room for 3 * SP_COLS_MAX). */
static void format_masks(const uint8_t *masks, uint32_t n, char *buf)
{
	char *p = buf;
	uint32_t i;

	*p = '\0';
	for (i = 0; i < n && i < SP_COLS_MAX; i++)
		p += sprintf(p, "%s%02x", i ? ":" : "", masks[i]);
}

static void format_time(int64_t mtime, char *buf, size_t len)
{
	time_t t = (time_t)mtime;
	struct tm tm;

	if (!localtime_r(&t, &tm) || !strftime(buf, len, "%Y-%m-%d %H:%M", &tm))
		snprintf(buf, len, "?");
}

/* Width of the masks field: the widest of the header and the masks. */
static int masks_width(const struct listing *ls)
{
	size_t w = 0;
	uint32_t i;

	for (i = 0; i < ls->ncols; i++)
		w += strlen(ls->cols[i].name) + (i ? 1 : 0);
	if (ls->ncols && w < 3 * ls->ncols - 1)
		w = 3 * ls->ncols - 1;
	return (int)w;
}

static void print_header(const struct listing *ls, int width)
{
	char names[SP_COLS_MAX * (SP_COLNAME_MAX + 1) + 1] = "";
	uint32_t i;

	for (i = 0; i < ls->ncols && i < SP_COLS_MAX; i++) {
		if (i)
			strcat(names, ":");
		strcat(names, ls->cols[i].name);
	}
	printf("%-*s  %-16s  %4s  %s\n", width, names, "modified", "caps",
	       "name");
}

/*
 * Print the listing of @operand, whose set is @dir.  -c asks the
 * directory for each name's set; a name it cannot give is reported and
 * the others still printed.
 */
static int print_listing(const char *operand, const struct sp_capset *dir,
			 const struct listing *ls)
{
	char masks[3 * SP_COLS_MAX + 1], when[32];
	char what[SP_PATH_MAX + SP_NAME_MAX + 3];
	const struct sp_row *row;
	struct cmd_name_op op;
	int status = EXIT_OK;
	int width = 0;
	errstat err;
	uint32_t i;

	if (opt_long) {
		width = masks_width(ls);
		print_header(ls, width);
	}
	for (i = 0; i < ls->nrows; i++) {
		row = &ls->rows[i];
		if (opt_long) {
			format_masks(row->masks, row->masks_len, masks);
			format_time(row->mtime, when, sizeof(when));
			printf("%-*s  %-16s  %4u  %s\n", width, masks, when,
			       (unsigned int)row->ncaps, row->name);
		} else {
			printf("%s\n", row->name);
		}
		if (!opt_caps)
			continue;
		memset(&op, 0, sizeof(op));
		op.name = row->name;
		err = am_capset_try(dir, cmd_try_lookup, &op);
		if (err != STD_OK) {
			/* After what was printed so far, not before it. */
			fflush(stdout);
			snprintf(what, sizeof(what), "%s: %s", operand,
				 row->name);
			cmd_error(what, err);
			status = EXIT_FAIL;
			continue;
		}
		print_caps(&op.found);
	}
	return status;
}

static int list(const char *operand, bool headed, struct listing *ls)
{
	struct sp_capset set;
	int status;
	errstat err;

	if (cmd_lookup(operand, &set) != STD_OK)
		return EXIT_FAIL;
	err = am_capset_try(&set, read_dir, ls);
	if (err == STD_COMBAD) {
		/* Not a directory: its server knows no sp_list. */
		printf("%s%s\n", printed == LIST ? "\n" : "", operand);
		if (opt_caps)
			print_caps(&set);
		printed = FILE_LINE;
		return EXIT_OK;
	}
	if (err != STD_OK) {
		cmd_error(operand, err);
		return EXIT_FAIL;
	}
	if (headed)
		printf("%s%s:\n", printed != NOTHING ? "\n" : "", operand);
	status = print_listing(operand, &set, ls);
	printed = LIST;
	return status;
}

int main(int argc, char **argv)
{
	int first = cmd_getopt(argc, argv, help, "lc", option, 0, -1);
	struct listing ls = { .rows = NULL };
	int i, status = EXIT_OK;

	if (first == argc) {
		status = list(".", false, &ls);
	} else {
		for (i = first; i < argc; i++) {
			if (list(argv[i], argc - first > 1, &ls) != EXIT_OK)
				status = EXIT_FAIL;
		}
	}
	free(ls.rows);
	if (fflush(stdout) || ferror(stdout)) {
		cmd_syserr("standard output");
		return EXIT_FAIL;
	}
	return status;
}
