// SPDX-License-Identifier: GPL-2.0
/*
 * The slot for the kernel-bypass transport.  Choosing it in a library
 * built without DPDK says so, rather than falling back to another path
 * the user did not ask for.
 */
#include "am.h"

static int32_t dpdk_open(void)
{
	return am_fail(RPC_FAILURE,
		       "the dpdk transport is not built into this libamoeba; use kernel or udp");
}

const struct am_tp am_tp_dpdk = {
	.name	= "dpdk",
	.open	= dpdk_open,
};
