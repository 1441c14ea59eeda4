// SPDX-License-Identifier: GPL-2.0
/*
 * chm: change the rights masks of directory entries, Amoeba's chmod.  A
 * mask is what the holders of one column of the directory get of the
 * entry's capabilities, so the masks are given per column, in order.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"

static const char help[] =
"usage: chm MASKS PATH...\n"
"Set the rights masks of the entry each PATH names, in the directory that\n"
"holds its last name (sp_chmod).  MASKS is one mask per column of that\n"
"directory, in column order, in hexadecimal, separated by ':' (ff:02:00):\n"
"a lookup through a directory capability that selects some columns gives\n"
"the entry's capabilities restricted to the union of those columns' masks.\n"
"Give as many masks as the directory has columns (dir -l shows them):\n"
"fewer set the first columns and leave the others as they are, more are\n"
"refused (STD_ARGBAD).  The directory capability needs the modify right\n"
"(40).\n"
"A failure is reported and the other PATHs are still changed.\n"
"Exit status: 0 if every entry was changed, 1 if one was not, 2 for a usage\n"
"error.\n"
"Environment: AMOEBA_ROOT (the root directory's capability; else the file\n"
"AMOEBA_ROOTFILE or ~/.amoeba/root holds it), AMOEBA_WORK (the working\n"
"directory's capability, for a PATH not starting with '/'; default the\n"
"root), AMOEBA_TRANSPORT (see libamoeba(3)).\n";

/* "ff:2:0" into @masks; the count, or a usage error. */
static uint32_t parse_masks(const char *text, uint8_t *masks)
{
	const char *p = text;
	unsigned long v;
	uint32_t n = 0;
	char *end;

	for (;;) {
		if (n == SP_COLS_MAX)
			cmd_usage("more than 4 masks in '%s'", text);
		/* strtoul would take a sign, blanks and 0x: only hex digits. */
		if (!*p || !strchr("0123456789abcdefABCDEF", *p))
			cmd_usage("bad masks '%s': expected hexadecimal masks separated by ':' (ff:02:00)",
				  text);
		v = strtoul(p, &end, 16);
		if (end - p > 2 || v > 0xff || (*end && *end != ':'))
			cmd_usage("bad masks '%s': expected hexadecimal masks separated by ':' (ff:02:00)",
				  text);
		masks[n++] = (uint8_t)v;
		if (!*end)
			return n;
		p = end + 1;
	}
}

static errstat try_chmod(const struct am_cap *dir, void *arg)
{
	struct cmd_name_op *op = arg;

	return sp_chmod(dir, op->name, op->masks, op->nmasks);
}

int main(int argc, char **argv)
{
	int first = cmd_init(argc, argv, help, 2, -1);
	char name[SP_NAME_MAX + 1];
	uint8_t masks[SP_COLS_MAX];
	struct cmd_name_op op;
	struct sp_capset dir;
	int i, status = EXIT_OK;
	uint32_t n;
	errstat err;

	n = parse_masks(argv[first], masks);
	for (i = first + 1; i < argc; i++) {
		if (cmd_parent(argv[i], &dir, name) != STD_OK) {
			status = EXIT_FAIL;
			continue;
		}
		memset(&op, 0, sizeof(op));
		op.name = name;
		op.masks = masks;
		op.nmasks = n;
		err = am_capset_try(&dir, try_chmod, &op);
		if (err != STD_OK) {
			cmd_error(argv[i], err);
			status = EXIT_FAIL;
		}
	}
	return status;
}
