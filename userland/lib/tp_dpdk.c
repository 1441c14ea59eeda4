// SPDX-License-Identifier: GPL-2.0
/*
 * The slot for the kernel-bypass transport.  Choosing it in a program
 * linked without DPDK says so, rather than falling back to another path
 * the user did not ask for.  The definition is weak: a program that links
 * dpdk/'s libamoeba_dpdk.a (whole, before libamoeba.a) gets the real
 * transport in its place, and every other program carries no DPDK.
 */
#include "am.h"

static int32_t dpdk_open(void)
{
	return am_fail(RPC_FAILURE,
		       "the dpdk transport is not built into this program (link dpdk/libamoeba_dpdk.a); use kernel or udp");
}

__attribute__((weak)) const struct am_tp am_tp_dpdk = {
	.name	= "dpdk",
	.open	= dpdk_open,
};
