// SPDX-License-Identifier: GPL-2.0
/*
 * std_restrict: derive a capability with fewer rights.
 */
#include <stdio.h>

#include "common.h"

static const char help[] =
"usage: std_restrict CAPABILITY|PATH MASK\n"
"Print a capability for the same object with only the rights in both the\n"
"capability and MASK (0 to 255, decimal or 0x hexadecimal).  Rights can\n"
"be removed, never added.  An owner capability (rights ff) is restricted\n"
"locally; any other is sent to its service, which checks it.\n"
"The first operand is a capability, PPPPPPPPPPPP:OOOOOO:RR:CCCCCCCCCCCC in\n"
"hexadecimal, or a path name looked up from AMOEBA_ROOT (a relative one\n"
"from AMOEBA_WORK, if set); of the replicas a name holds, an owner\n"
"capability is restricted locally, else the first whose service answers.\n"
"Exit status: 0 on success, 1 if the call failed, 2 for a usage error.\n";

struct restrict_arg {
	uint8_t		mask;
	struct am_cap	out;
};

static errstat restrict_one(const struct am_cap *cap, void *arg)
{
	struct restrict_arg *r = arg;

	return std_restrict(cap, r->mask, &r->out);
}

int main(int argc, char **argv)
{
	int first = cmd_init(argc, argv, help, 2, 2);
	char text[AM_CAP_TEXTLEN + 1];
	struct restrict_arg r;
	struct sp_capset set;
	errstat err = STD_DENIED;
	uint32_t i;

	/* Both operands' form before a path's lookup needs the network. */
	r.mask = (uint8_t)cmd_number(argv[first + 1], 0xff, "rights mask");
	cmd_capset(argv[first], &set);
	/* An owner capability holds the secret: no need to ask. */
	for (i = 0; i < set.caps_len && err != STD_OK; i++)
		err = am_cap_restrict_owner(&set.caps[i], r.mask, &r.out);
	if (err != STD_OK)
		err = am_capset_try(&set, restrict_one, &r);
	if (err != STD_OK) {
		cmd_error(argv[first], err);
		return EXIT_FAIL;
	}
	am_cap_format(&r.out, text, sizeof(text));
	printf("%s\n", text);
	return EXIT_OK;
}
