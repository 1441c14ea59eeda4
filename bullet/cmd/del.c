// SPDX-License-Identifier: GPL-2.0
/*
 * del: delete Bullet files.
 */
#include "common.h"

static const char help[] =
"usage: del CAPABILITY...\n"
"Delete each Bullet file (std_destroy), which needs the delete right.\n"
"Deletion is permanent: the file's space is freed and every capability\n"
"for it becomes invalid (STD_CAPBAD).  A failure is reported and the\n"
"other files are still deleted; all operands are checked first.\n"
"A capability is PPPPPPPPPPPP:OOOOOO:RR:CCCCCCCCCCCC in hexadecimal.\n"
"Exit status: 0 if every file was deleted, 1 if one was not, 2 for a usage\n"
"error.  The transport is chosen by AMOEBA_TRANSPORT (see libamoeba(3)).\n";

static errstat del(const struct am_cap *cap, const char *text)
{
	(void)text;
	return std_destroy(cap);
}

int main(int argc, char **argv)
{
	int first = cmd_init(argc, argv, help, 1, -1);

	return cmd_each_cap(argc, argv, first, del);
}
