// SPDX-License-Identifier: GPL-2.0
/*
 * std_restrict: derive a capability with fewer rights.
 */
#include <stdio.h>

#include "common.h"

static const char help[] =
"usage: std_restrict CAPABILITY MASK\n"
"Print a capability for the same object with only the rights in both the\n"
"capability and MASK (0 to 255, decimal or 0x hexadecimal).  Rights can\n"
"be removed, never added.  An owner capability (rights ff) is restricted\n"
"locally; any other is sent to its service, which checks it.\n"
"A capability is PPPPPPPPPPPP:OOOOOO:RR:CCCCCCCCCCCC in hexadecimal.\n"
"Exit status: 0 on success, 1 if the call failed, 2 for a usage error.\n";

int main(int argc, char **argv)
{
	int first = cmd_init(argc, argv, help, 2, 2);
	char text[AM_CAP_TEXTLEN + 1];
	struct am_cap cap, out;
	unsigned long mask;
	errstat err;

	cmd_cap(argv[first], &cap);
	mask = cmd_number(argv[first + 1], 0xff, "rights mask");
	/* An owner capability holds the secret: no need to ask. */
	err = am_cap_restrict_owner(&cap, (uint8_t)mask, &out);
	if (err != STD_OK)
		err = std_restrict(&cap, (uint8_t)mask, &out);
	if (err != STD_OK) {
		cmd_error(argv[first], err);
		return EXIT_FAIL;
	}
	am_cap_format(&out, text, sizeof(text));
	printf("%s\n", text);
	return EXIT_OK;
}
