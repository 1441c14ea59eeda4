// SPDX-License-Identifier: GPL-2.0
/*
 * std_status: print the status text of the service managing each object.
 */
#include <stdio.h>

#include "common.h"

static const char help[] =
"usage: std_status CAPABILITY...\n"
"Print the status report of the service each capability belongs to (any\n"
"valid capability of the service will do).\n"
"A capability is PPPPPPPPPPPP:OOOOOO:RR:CCCCCCCCCCCC in hexadecimal.\n"
"Exit status: 0 if every call succeeded, 1 if one failed, 2 for a usage\n"
"error.\n";

static errstat status(const struct am_cap *cap, const char *text)
{
	static char buf[AM_STD_STATUS_MAX + 1];
	errstat err = std_status(cap, buf, sizeof(buf));

	(void)text;
	if (err == STD_OK)
		printf("%s\n", buf);
	return err;
}

int main(int argc, char **argv)
{
	int first = cmd_init(argc, argv, help, 1, -1);

	return cmd_each_cap(argc, argv, first, status);
}
