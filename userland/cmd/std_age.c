// SPDX-License-Identifier: GPL-2.0
/*
 * std_age: run one garbage-collection cycle of a service.
 */
#include "common.h"

static const char help[] =
"usage: std_age SUPERCAPABILITY|PATH...\n"
"Run one garbage-collection cycle in each service: every object's\n"
"lifetime goes down by one, and objects not touched (std_touch) for\n"
"their whole lifetime are destroyed.  Needs the service's super\n"
"capability (object 0) with all rights.\n"
"An operand is a capability, PPPPPPPPPPPP:OOOOOO:RR:CCCCCCCCCCCC in\n"
"hexadecimal, or a path name looked up from AMOEBA_ROOT (a relative one\n"
"from AMOEBA_WORK, if set); of the replicas a name holds, the first whose\n"
"service answers is used.\n"
"Exit status: 0 if every call succeeded, 1 if one failed, 2 for a usage\n"
"error.\n";

static errstat age(const struct am_cap *cap, const char *text)
{
	(void)text;
	return std_age(cap);
}

int main(int argc, char **argv)
{
	int first = cmd_init(argc, argv, help, 1, -1);

	return cmd_each_cap(argc, argv, first, age);
}
