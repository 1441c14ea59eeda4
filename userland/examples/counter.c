// SPDX-License-Identifier: GPL-2.0
/*
 * counter: the client of counterd (see counterd.c and porting.rst).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <amoeba.h>

#include "counter.h"

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

/* One call with the capability in the header; the status it ends with. */
static errstat call(const struct am_cap *cap, uint16_t command,
		    int32_t *offset)
{
	struct am_hdr req, rep;
	int32_t n;

	memset(&req, 0, sizeof(req));
	req.h_port = cap->cap_port;
	req.h_priv = cap->cap_priv;
	req.h_command = command;
	req.h_offset = *offset;
	n = trans(&req, NULL, 0, &rep, NULL, 0);
	if (n < 0) {
		fprintf(stderr, "counter: %s: %s\n", err_why(n),
			am_rpc_error());
		return n;
	}
	if (rep.h_status != STD_OK) {
		fprintf(stderr, "counter: %s (%s)\n", err_why(rep.h_status),
			err_name(rep.h_status) ? err_name(rep.h_status) : "?");
		return rep.h_status;
	}
	*offset = rep.h_offset;
	if (command == COUNTER_CREATE) {
		struct am_cap made = { cap->cap_port, rep.h_priv };
		char text[AM_CAP_TEXTLEN + 1];

		am_cap_format(&made, text, sizeof(text));
		printf("%s\n", text);
	}
	return STD_OK;
}

int main(int argc, char **argv)
{
	struct am_cap cap;
	int32_t value = 0;
	long amount;
	char *end;

	if (argc == 2 && (!strcmp(argv[1], "-h") ||
			  !strcmp(argv[1], "--help"))) {
		fputs(help, stdout);
		return 0;
	}
	if (argc < 3)
		usage("too few operands", "");
	parse_cap(argv[2], &cap);
	if (!strcmp(argv[1], "create") && argc == 3)
		return call(&cap, COUNTER_CREATE, &value) ? 1 : 0;
	if (!strcmp(argv[1], "read") && argc == 3) {
		if (call(&cap, COUNTER_READ, &value))
			return 1;
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
		value = (int32_t)amount;
		if (call(&cap, COUNTER_ADD, &value))
			return 1;
		printf("%d\n", value);
		return 0;
	}
	usage("unknown command or wrong operands: ", argv[1]);
	return 2;
}
