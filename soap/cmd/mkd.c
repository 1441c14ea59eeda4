// SPDX-License-Identifier: GPL-2.0
/*
 * mkd: make a SOAP directory and enter it under a path name.  The two
 * steps (sp_create, then sp_append in the parent) are not one atomic
 * operation, so a directory that cannot be entered is destroyed again:
 * a directory nobody can name would only take space.
 */
#include <stdio.h>
#include <string.h>

#include "common.h"

static const char help[] =
"usage: mkd [-e] [-c COLUMN[,COLUMN]...] [-s SERVER] PATH\n"
"Make a new SOAP directory and enter it in the directory that holds PATH's\n"
"last name, under that name, which must not exist yet.  The new directory\n"
"is made on the SOAP server of that parent directory, or on SERVER.  Its\n"
"entry in the parent gets the rights masks ff, 06 and 04 in the parent's\n"
"first three columns (00 in a fourth): the first column (owner) gets every\n"
"right, the second (group) may use the new directory's group and other\n"
"columns, the third (other) only its other column.  chm(1) changes them.\n"
"The parent capability needs the modify right (40).\n"
"  -c COLUMN[,COLUMN]...  the new directory's column names, 1 to 4 of them\n"
"      of up to 31 bytes each (default owner,group,other)\n"
"  -e  keep the new directory's entries encrypted on the server's disk,\n"
"      under a key that only its capabilities unlock (SP_ENCRYPT)\n"
"  -s SERVER  make the directory on this SOAP server: a capability of it\n"
"      (its super capability or any directory's) or a path naming one\n"
"A capability is PPPPPPPPPPPP:OOOOOO:RR:CCCCCCCCCCCC in hexadecimal.\n"
"Exit status: 0 if the directory was made and entered, 1 if not (and then\n"
"none is left behind), 2 for a usage error.\n"
"Environment: AMOEBA_ROOT (the root directory's capability; else the file\n"
"AMOEBA_ROOTFILE or ~/.amoeba/root holds it), AMOEBA_WORK (the working\n"
"directory's capability, for a PATH not starting with '/'; default the\n"
"root), AMOEBA_TRANSPORT (see libamoeba(3)).\n";

/* What the new directory's entry gives each column of its parent. */
static const uint8_t entry_masks[SP_COLS_MAX] = {
	0xff, SP_COL2 | SP_COL3, SP_COL3, 0x00,
};

static struct sp_col cols[SP_COLS_MAX];
static uint32_t ncols;
static uint16_t flags;
static const char *server;

static void parse_cols(const char *arg)
{
	const char *p = arg, *end;
	size_t len;

	ncols = 0;
	for (;;) {
		end = strchr(p, ',');
		len = end ? (size_t)(end - p) : strlen(p);
		if (!len)
			cmd_usage("empty column name in '%s'", arg);
		if (len > SP_COLNAME_MAX)
			cmd_usage("column name longer than 31 bytes in '%s'",
				  arg);
		if (ncols == SP_COLS_MAX)
			cmd_usage("more than 4 columns in '%s'", arg);
		memcpy(cols[ncols].name, p, len);
		cols[ncols].name[len] = '\0';
		ncols++;
		if (!end)
			break;
		p = end + 1;
	}
}

static void option(int ch, char *arg)
{
	if (ch == 'c')
		parse_cols(arg);
	else if (ch == 'e')
		flags |= SP_ENCRYPT;
	else
		server = arg;
}

struct create_op {
	struct am_cap	dir;
};

static errstat try_info(const struct am_cap *cap, void *arg)
{
	return std_info(cap, arg);
}

/* Whether the parent's own rows are sealed (soapd's std_info says so). */
static bool parent_encrypted(const struct sp_capset *parent)
{
	char info[AM_STD_INFO_MAX + 1];

	return am_capset_try(parent, try_info, info) == STD_OK &&
	       strstr(info, ", encrypted");
}

static errstat try_create(const struct am_cap *cap, void *arg)
{
	struct create_op *op = arg;

	return sp_create(cap, cols, ncols, flags, &op->dir);
}


int main(int argc, char **argv)
{
	int first = cmd_getopt(argc, argv, help, "c:es:", option, 1, 1);
	const char *path = argv[first];
	char name[SP_NAME_MAX + 1], text[AM_CAP_TEXTLEN + 1];
	struct sp_capset parent, where, set;
	struct cmd_name_op entry;
	struct create_op made;
	errstat err;

	if (!ncols)
		parse_cols("owner,group,other");
	if (cmd_parent(path, &parent, name) != STD_OK)
		return EXIT_FAIL;
	if (flags & SP_ENCRYPT && !parent_encrypted(&parent))
		fprintf(stderr, "%s: warning: %s is entered in a directory that is not encrypted: its capability, which opens it, is stored there in the clear\n",
			progname, path);
	if (server)
		cmd_capset(server, &where);
	else
		where = parent;

	err = am_capset_try(&where, try_create, &made);
	if (err != STD_OK) {
		cmd_error(server ? server : path, err);
		return EXIT_FAIL;
	}

	memset(&set, 0, sizeof(set));
	set.caps[0] = made.dir;
	set.caps_len = 1;
	memset(&entry, 0, sizeof(entry));
	entry.name = name;
	entry.set = &set;
	entry.masks = entry_masks;
	entry.nmasks = SP_COLS_MAX;
	err = cmd_append(&parent, &entry);
	if (err == STD_OK ||
	    (am_err_rpc(err) && cmd_entered(&parent, name, &made.dir)))
		return EXIT_OK;
	cmd_error(path, err);
	err = std_destroy(&made.dir);
	if (err != STD_OK) {
		am_cap_format(&made.dir, text, sizeof(text));
		fprintf(stderr, "%s: the new directory %s could not be destroyed either: %s\n",
			progname, text, err_why(err));
	}
	return EXIT_FAIL;
}
