// SPDX-License-Identifier: GPL-2.0
/*
 * std_info: print the description each object's service gives of it.
 */
#include "common.h"

static const char help[] =
"usage: std_info CAPABILITY|PATH...\n"
"Print, one line per capability, the short description its service gives\n"
"of the object (std_info needs the read right).  By convention the first\n"
"character tells the kind: '/' directory, '-' file, '@' disk, '+' terminal.\n"
"An operand is a capability, PPPPPPPPPPPP:OOOOOO:RR:CCCCCCCCCCCC in\n"
"hexadecimal, or a path name looked up from AMOEBA_ROOT (a relative one\n"
"from AMOEBA_WORK, if set); of the replicas a name holds, the first whose\n"
"service answers is used.\n"
"Exit status: 0 if every call succeeded, 1 if one failed, 2 for a usage\n"
"error.  The transport is chosen by AMOEBA_TRANSPORT (see libamoeba(3)).\n";

int main(int argc, char **argv)
{
	return cmd_print_text(argc, argv, help, std_info, AM_STD_INFO_MAX);
}
