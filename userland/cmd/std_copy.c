// SPDX-License-Identifier: GPL-2.0
/*
 * std_copy: have a server copy an object, for a replica.
 */
#include <stdio.h>

#include "common.h"

static const char help[] =
"usage: std_copy SERVER ORIGINAL\n"
"Ask the server whose super capability is SERVER (with the create right)\n"
"to make a copy of the object ORIGINAL names, which may be on another\n"
"server of the same kind, and print the copy's capability.  The server\n"
"needs the read right in ORIGINAL.  A service that cannot copy answers\n"
"STD_COMBAD.\n"
"A capability is PPPPPPPPPPPP:OOOOOO:RR:CCCCCCCCCCCC in hexadecimal.\n"
"Exit status: 0 on success, 1 if the call failed, 2 for a usage error.\n";

int main(int argc, char **argv)
{
	int first = cmd_init(argc, argv, help, 2, 2);
	char text[AM_CAP_TEXTLEN + 1];
	struct am_cap server, orig, copy;
	errstat err;

	cmd_cap(argv[first], &server);
	cmd_cap(argv[first + 1], &orig);
	err = std_copy(&server, &orig, &copy);
	if (err != STD_OK) {
		cmd_error(argv[first + 1], err);
		return EXIT_FAIL;
	}
	am_cap_format(&copy, text, sizeof(text));
	printf("%s\n", text);
	return EXIT_OK;
}
