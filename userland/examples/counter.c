// SPDX-License-Identifier: GPL-2.0
/*
 * counter: the client of counterd (see counterd.c and porting.rst).  The
 * calls are the stubs ail generates from counter.ail.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <amoeba.h>

#include "counter_ail.h"

static const char help[] =
"usage: counter create SUPERCAPABILITY\n"
"       counter add CAPABILITY AMOUNT\n"
"       counter read CAPABILITY\n"
"create prints the capability of a new counter of the counterd whose\n"
"super capability is given; add adds AMOUNT (a signed 32-bit number) to\n"
"a counter and prints the new value; read prints its value.\n"
"Exit status: 0 on success, 1 if the call failed, 2 for a usage error.\n";

static void usage(const char *msg, const char *arg)
{
	fprintf(stderr, "counter: %s%s\nTry 'counter --help'.\n", msg, arg);
	exit(2);
}

static void parse_cap(const char *text, struct am_cap *cap)
{
	struct am_parse_err err;

	if (am_cap_parse(text, cap, &err))
		fprintf(stderr, "counter: bad capability '%s': at character %zu: %s\n",
			text, err.pos + 1, err.msg), exit(2);
}

/* Why a call failed, on stderr; the exit status that says it did. */
static int failed(errstat err)
{
	const char *name = err_name(err);

	/* A call that went wrong (RPC_*) has a reason; an answer is enough. */
	if (err < 0 && err > STD_CAPBAD)
		fprintf(stderr, "counter: %s: %s\n", err_why(err),
			am_rpc_error());
	else
		fprintf(stderr, "counter: %s (%s)\n", err_why(err),
			name ? name : "?");
	return 1;
}

int main(int argc, char **argv)
{
	char text[AM_CAP_TEXTLEN + 1];
	struct am_cap cap, made;
	int32_t value;
	long amount;
	errstat err;
	char *end;

	if (argc == 2 && (!strcmp(argv[1], "-h") ||
			  !strcmp(argv[1], "--help"))) {
		fputs(help, stdout);
		return 0;
	}
	if (argc < 3)
		usage("too few operands", "");
	parse_cap(argv[2], &cap);
	if (!strcmp(argv[1], "create") && argc == 3) {
		err = counter_create(&cap, &made);
		if (err != STD_OK)
			return failed(err);
		am_cap_format(&made, text, sizeof(text));
		printf("%s\n", text);
		return 0;
	}
	if (!strcmp(argv[1], "read") && argc == 3) {
		err = counter_read(&cap, &value);
		if (err != STD_OK)
			return failed(err);
		printf("%d\n", value);
		return 0;
	}
	if (!strcmp(argv[1], "add") && argc == 4) {
		errno = 0;
		amount = strtol(argv[3], &end, 0);
		if (errno || *end || end == argv[3] || amount < INT32_MIN ||
		    amount > INT32_MAX)
			usage("AMOUNT must be a signed 32-bit number, not ",
			      argv[3]);
		err = counter_add(&cap, (int32_t)amount, &value);
		if (err != STD_OK)
			return failed(err);
		printf("%d\n", value);
		return 0;
	}
	usage("unknown command or wrong operands: ", argv[1]);
	return 2;
}
