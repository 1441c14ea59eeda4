// SPDX-License-Identifier: GPL-2.0
/*
 * std_destroy: destroy objects.
 */
#include "common.h"

static const char help[] =
"usage: std_destroy CAPABILITY|PATH...\n"
"Ask each object's service to destroy it (this needs the delete right).\n"
"Afterwards every capability for the object is invalid (STD_CAPBAD).\n"
"All operands are checked, and paths looked up, before the first object is\n"
"destroyed; a path's directory entry stays, holding a dead capability.\n"
"An operand is a capability, PPPPPPPPPPPP:OOOOOO:RR:CCCCCCCCCCCC in\n"
"hexadecimal, or a path name looked up from AMOEBA_ROOT (a relative one\n"
"from AMOEBA_WORK, if set); of the replicas a name holds, the first whose\n"
"service answers is used.\n"
"Exit status: 0 if every call succeeded, 1 if one failed, 2 for a usage\n"
"error.\n";

static errstat destroy(const struct am_cap *cap, const char *text)
{
	(void)text;
	return std_destroy(cap);
}

int main(int argc, char **argv)
{
	int first = cmd_init(argc, argv, help, 1, -1);

	return cmd_each_cap(argc, argv, first, destroy);
}
