// SPDX-License-Identifier: GPL-2.0
/*
 * std_touch: keep objects from being garbage-collected.
 */
#include "common.h"

static const char help[] =
"usage: std_touch CAPABILITY|PATH...\n"
"Reset each object's lifetime, so that it survives the next age cycles of\n"
"its service (see std_age).  Any valid capability for the object will do.\n"
"An operand is a capability, PPPPPPPPPPPP:OOOOOO:RR:CCCCCCCCCCCC in\n"
"hexadecimal, or a path name looked up from AMOEBA_ROOT (a relative one\n"
"from AMOEBA_WORK, if set); of the replicas a name holds, the first whose\n"
"service answers is used.\n"
"Exit status: 0 if every call succeeded, 1 if one failed, 2 for a usage\n"
"error.\n";

static errstat touch(const struct am_cap *cap, const char *text)
{
	(void)text;
	return std_touch(cap);
}

int main(int argc, char **argv)
{
	int first = cmd_init(argc, argv, help, 1, -1);

	return cmd_each_cap(argc, argv, first, touch);
}
