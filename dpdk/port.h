/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Port set-up of the DPDK host: EAL initialisation from one string of
 * arguments and one Ethernet port started with one rx and one tx queue,
 * the way DPDK's examples/skeleton and examples/l2fwd do it.  Everything
 * that can go wrong ends in a message that names the fix, because the
 * usual causes (no hugepages, a file prefix in use, a memif peer not
 * started, a wrong port id) are set-up mistakes, not bugs.
 * Documentation/dpdk.rst describes the arguments.
 */
#ifndef AMOEBA_DPDK_PORT_H
#define AMOEBA_DPDK_PORT_H

#include <stddef.h>
#include <stdint.h>

#include <rte_ether.h>
#include <rte_mempool.h>

/* rx and tx ring sizes asked for; the driver may round them. */
#define DP_NB_RXD	1024
#define DP_NB_TXD	1024
/* Most frames one rte_eth_rx_burst() or rte_eth_tx_burst() moves. */
#define DP_BURST	32
/* How long dp_open() waits for the link, unless AMOEBA_DPDK_LINK_WAIT. */
#define DP_LINK_WAIT_MS	5000

struct dp_port {
	uint16_t id;
	struct rte_mempool *pool;
	struct rte_ether_addr mac;
};

/*
 * EAL from @args (one string, split on spaces) and port @port_id started
 * with one rx and one tx queue; 0, or -1 with a message in @why naming the
 * fix.  The EAL is initialised by the first call of the process only: later
 * calls ignore @args and open another port of the same EAL.  On 0 the link
 * is up (waited for up to AMOEBA_DPDK_LINK_WAIT seconds, default 5), except
 * on a memif server, whose link comes up whenever its client connects.
 * After -1 the port is closed and cannot be opened again.  Not thread-safe:
 * the caller opens its ports from one thread, before polling them.
 */
int dp_open(const char *args, uint16_t port_id, struct dp_port *p, char *why,
	    size_t len);

#endif /* AMOEBA_DPDK_PORT_H */
