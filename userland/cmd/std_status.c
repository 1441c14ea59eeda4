// SPDX-License-Identifier: GPL-2.0
/*
 * std_status: print the status text of the service managing each object.
 */
#include "common.h"

static const char help[] =
"usage: std_status CAPABILITY|PATH...\n"
"Print the status report of the service each capability belongs to (any\n"
"valid capability of the service will do).\n"
"An operand is a capability, PPPPPPPPPPPP:OOOOOO:RR:CCCCCCCCCCCC in\n"
"hexadecimal, or a path name looked up from AMOEBA_ROOT (a relative one\n"
"from AMOEBA_WORK, if set); of the replicas a name holds, the first whose\n"
"service answers is used.\n"
"Exit status: 0 if every call succeeded, 1 if one failed, 2 for a usage\n"
"error.\n";

int main(int argc, char **argv)
{
	return cmd_print_text(argc, argv, help, std_status, AM_STD_STATUS_MAX);
}
