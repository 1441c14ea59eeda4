// SPDX-License-Identifier: GPL-2.0
/*
 * FLIP over UDP in user space, driven by the flip/ engine: not written
 * yet.  Choosing it says so rather than silently using another path.
 */
#include "am.h"

static int32_t udp_open(void)
{
	return am_fail(RPC_FAILURE,
		       "the udp transport is not available in this libamoeba yet; use kernel");
}

const struct am_tp am_tp_udp = {
	.name	= "udp",
	.open	= udp_open,
};
