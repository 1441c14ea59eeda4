// SPDX-License-Identifier: GPL-2.0
/*
 * The dpdk transport: the user-space host of the flip/ engine (uh.h)
 * over a DPDK port, framed exactly as amoeba.ko's Ethernet link: frames
 * of type ETH_P_FLIP, LOCATE to ff:ff:ff:ff:ff:ff, everything else to
 * the MAC address the peer's packets came from.  There is no receiver
 * thread: a thread that waits for a packet polls the port itself (rx
 * burst, dispatch each frame under uh.lock, return so the caller
 * re-checks what it waits for), so a header-only call costs no system
 * call and no wake-up.  One thread polls at a time; others nap on their
 * condition variables until it dispatches their packets, so give each
 * busy thread a core of its own.  Frames are parsed straight from the
 * mbufs; a packet sent is written into one mbuf, headers and the
 * caller's data, the one copy it needs.  Frames to this process itself
 * (its own MAC; LOCATE while it serves ports) go through a software ring
 * the poller drains with the port.  Settings:
 *
 *   dpdk_args         EAL arguments, one string split on spaces
 *   dpdk_port         the port id (default 0)
 *   dpdk_mtu          largest FLIP packet sent, 576 to the port's MTU
 *                     (default 1500)
 *   dpdk_mac          "own" (the default): a random locally administered
 *                     MAC of this process's own, received in promiscuous
 *                     mode; "port": the port's.  With net_af_packet the
 *                     port's MAC is the interface's, whose frames the
 *                     kernel takes too, and amoeba.ko there would
 *                     answer NOTHERE to what is this process's.
 *   trans_timeout_ms  default trans and putrep timeout (default 5000)
 *
 * Linking libamoeba_dpdk.a before libamoeba.a puts this am_tp_dpdk in
 * place of the library's stub.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <rte_branch_prediction.h>
#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_errno.h>
#include <rte_ether.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>
#include <rte_pause.h>
#include <rte_ring.h>
#include <rte_spinlock.h>
#include <linux/amoeba.h>

#include "port.h"
#include "uh.h"

#define DP_MTU_DEFAULT	RTE_ETHER_MTU
#define DP_MTU_MIN	576
/*
 * A thread waiting while another polls sleeps at most this long before
 * it looks again: the poller dispatches its packets and signals it, but
 * nothing tells it when the poller stops.
 */
#define DP_NAP_NS	200000ULL
/* Frames a process sends itself, waiting for its poller. */
#define DP_LOOP_SIZE	1024
/* How long a sender waits for room in a full tx ring. */
#define DP_TX_WAIT_NS	100000ULL
/* How long a poller spins on an empty ring before it returns. */
#define DP_SPIN_NS	1000000ULL

static struct {
	struct dp_port	port;
	struct rte_ether_addr mac;	/* this node's, on the segment */
	struct rte_ring	*loop;		/* frames to ourselves */
	rte_spinlock_t	txlock;		/* one tx queue, any thread */
	bool		polling;	/* a thread owns the rx queue */
	u64		tsc0;		/* rte_rdtsc() at ns0 */
	u64		ns0;		/* CLOCK_MONOTONIC at tsc0 */
	u64		mult;		/* ns per TSC tick, times 2^32 */
} dp = {
	.txlock	= RTE_SPINLOCK_INITIALIZER,
};

/* The TSC in nanoseconds, starting from CLOCK_MONOTONIC's reading. */
static u64 dp_now(void)
{
	u64 t = rte_rdtsc() - dp.tsc0;

	return dp.ns0 + (u64)(((__uint128_t)t * dp.mult) >> 32);
}

static u64 mono_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (u64)ts.tv_sec * 1000000000ULL + (u64)ts.tv_nsec;
}

static void dp_clock_init(void)
{
	/* A multiplication in dp_now(), not a division. */
	dp.mult = (u64)((1000000000ULL << 32) / rte_get_tsc_hz());
	dp.ns0 = mono_now();
	dp.tsc0 = rte_rdtsc();
}

/*
 * A frame to this process itself, which the port would not bring back:
 * the next poll takes it, as amoeba.ko delivers to a socket of its own
 * namespace without a device.
 */
static int dp_loop(struct rte_mbuf *m)
{
	if (unlikely(!m))
		return -ENOBUFS;
	if (unlikely(rte_ring_enqueue(dp.loop, m))) {
		rte_pktmbuf_free(m);
		return -EAGAIN;
	}
	return 0;
}

static int dp_xmit(const u8 *dst, const void *hdrs, size_t hlen,
		   const void *data, size_t len)
{
	struct rte_ether_hdr *eth;
	struct rte_mbuf *m;
	u64 until = 0;
	u8 *p;
	u16 sent;

	if (unlikely(hlen + len > uh.mtu))
		return -EMSGSIZE;
	m = rte_pktmbuf_alloc(dp.port.pool);
	if (unlikely(!m))
		return -ENOBUFS;
	p = (u8 *)rte_pktmbuf_append(m, (u16)(sizeof(*eth) + hlen + len));
	if (unlikely(!p)) {
		rte_pktmbuf_free(m);
		return -EMSGSIZE;
	}
	eth = (struct rte_ether_hdr *)p;
	memcpy(&eth->dst_addr, dst, RTE_ETHER_ADDR_LEN);
	rte_ether_addr_copy(&dp.mac, &eth->src_addr);
	eth->ether_type = rte_cpu_to_be_16(ETH_P_FLIP);
	memcpy(p + sizeof(*eth), hdrs, hlen);
	if (len)
		memcpy(p + sizeof(*eth) + hlen, data, len);
	if (unlikely(rte_is_same_ether_addr(&eth->dst_addr, &dp.mac)))
		return dp_loop(m);
	/* LOCATE: a server in this process answers it too. */
	if (rte_is_broadcast_ether_addr(&eth->dst_addr) &&
	    __atomic_load_n(&uh.nports, __ATOMIC_RELAXED))
		dp_loop(rte_pktmbuf_copy(m, dp.port.pool, 0, UINT32_MAX));
	for (;;) {
		rte_spinlock_lock(&dp.txlock);
		sent = rte_eth_tx_burst(dp.port.id, 0, &m, 1);
		rte_spinlock_unlock(&dp.txlock);
		if (likely(sent))
			return 0;
		/*
		 * A full ring: the peer polls and will drain it in
		 * microseconds, far sooner than a retransmission would
		 * mend the loss.  Past DP_TX_WAIT_NS it is a loss.
		 */
		if (!until)
			until = dp_now() + DP_TX_WAIT_NS;
		else if (dp_now() >= until)
			break;
		rte_pause();
	}
	rte_pktmbuf_free(m);
	return -EAGAIN;
}

static int dp_send(const struct flip_link *to, const void *hdrs, size_t hlen,
		   const void *data, size_t len)
{
	return dp_xmit(to->lladdr, hdrs, hlen, data, len);
}

static void dp_broadcast(const void *hdrs, size_t hlen)
{
	static const u8 all[RTE_ETHER_ADDR_LEN] = {
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff
	};

	dp_xmit(all, hdrs, hlen, NULL, 0);
}

/* One frame off the wire, uh.lock held. */
static void dp_rcv(struct rte_mbuf *m)
{
	/* ifindex 0 is "this host" (flip.h): port N is link N + 1. */
	struct flip_link from = { .ifindex = dp.port.id + 1U };
	const struct rte_ether_hdr *eth;

	if (unlikely(!rte_pktmbuf_is_contiguous(m) ||
		     m->data_len < sizeof(*eth))) {
		uh_drop(FLIP_DROP_SHORT);
		return;
	}
	eth = rte_pktmbuf_mtod(m, const struct rte_ether_hdr *);
	if (eth->ether_type != rte_cpu_to_be_16(ETH_P_FLIP))
		return;		/* not FLIP: not ours to count */
	/* The port is promiscuous, as a bridge port would be. */
	if (!rte_is_broadcast_ether_addr(&eth->dst_addr) &&
	    !rte_is_same_ether_addr(&eth->dst_addr, &dp.mac)) {
		uh_drop(FLIP_DROP_NOTFORUS);
		return;
	}
	memcpy(from.lladdr, &eth->src_addr, RTE_ETHER_ADDR_LEN);
	uh_input(eth + 1, m->data_len - sizeof(*eth), &from);
}

/*
 * uh.lock held.  One thread at a time polls the rx queue, the lock
 * released while it spins so others can send and take requests; the
 * frames it gets are dispatched under the lock.  It returns once it has
 * dispatched any, at @until, or after DP_SPIN_NS, so that its caller
 * looks again at what it waits for.
 */
static void dp_wait(pthread_cond_t *c, u64 until)
{
	struct rte_mbuf *pkts[DP_BURST];
	u64 now = dp_now(), stop = now + DP_SPIN_NS, nap;
	u16 i, n = 0;

	if (dp.polling) {
		/*
		 * Deadlines are on the TSC's scale, condition variables on
		 * CLOCK_MONOTONIC's, which drift apart over hours: nap for a
		 * length, not until a time.
		 */
		nap = until && until < now + DP_NAP_NS ?
		      (until > now ? until - now : 0) : DP_NAP_NS;
		uh_cond_wait(c, mono_now() + nap);
		return;
	}
	if (until && until < stop)
		stop = until;
	dp.polling = true;
	pthread_mutex_unlock(&uh.lock);
	for (;;) {
		n = (u16)rte_ring_dequeue_burst(dp.loop, (void **)pkts,
						DP_BURST, NULL);
		if (!n)
			n = rte_eth_rx_burst(dp.port.id, 0, pkts, DP_BURST);
		if (n || dp_now() >= stop)
			break;
		rte_pause();
	}
	pthread_mutex_lock(&uh.lock);
	for (i = 0; i < n; i++)
		dp_rcv(pkts[i]);
	dp.polling = false;
	if (n)
		rte_pktmbuf_free_bulk(pkts, n);
}

static const char *dp_link_name(const struct flip_link *link, char *buf,
				size_t len)
{
	const u8 *a = link->lladdr;

	snprintf(buf, len, "%02x:%02x:%02x:%02x:%02x:%02x",
		 a[0], a[1], a[2], a[3], a[4], a[5]);
	return buf;
}

static const char *dp_locate_hint(char *buf, size_t len)
{
	snprintf(buf, len, ", port %u: is the server up on the same link?",
		 dp.port.id);
	return buf;
}

static const struct uh_link dp_link = {
	.name		= "dpdk",
	.send		= dp_send,
	.broadcast	= dp_broadcast,
	.wait		= dp_wait,
	.link_name	= dp_link_name,
	.locate_hint	= dp_locate_hint,
	.now		= dp_now,
};

static int32_t dp_open_tp(void)
{
	const char *args = am_config("dpdk_args");
	const char *mac;
	unsigned long port, mtu;
	char why[512];
	u16 port_mtu;
	int32_t err;

	if (!args || !*args)
		return am_fail(RPC_FAILURE,
			       "dpdk transport: no EAL arguments: set AMOEBA_DPDK_ARGS (or dpdk_args), e.g. \"-l 0 --no-huge -m 512 --vdev=net_memif0,role=client,socket=/run/amoeba.memif\"");
	err = uh_setting("dpdk", "dpdk_port", 0, RTE_MAX_ETHPORTS - 1, 0,
			 &port);
	if (err)
		return err;
	if (dp_open(args, (u16)port, &dp.port, why, sizeof(why)))
		return am_fail(RPC_FAILURE, "%s%s",
			       strncmp(why, "dpdk", 4) ? "dpdk transport: " : "",
			       why);
	mac = am_config("dpdk_mac");
	if (!mac || !strcmp(mac, "own"))
		rte_eth_random_addr(dp.mac.addr_bytes);
	else if (!strcmp(mac, "port"))
		dp.mac = dp.port.mac;
	else
		return am_fail(RPC_FAILURE,
			       "dpdk transport: dpdk_mac \"%s\": expected own or port",
			       mac);
	dp.loop = rte_ring_create("amoeba_loop", DP_LOOP_SIZE, rte_socket_id(),
				  0);
	if (!dp.loop)
		return am_fail(RPC_FAILURE, "dpdk transport: loop ring: %s",
			       rte_strerror(rte_errno));
	if (rte_eth_dev_get_mtu(dp.port.id, &port_mtu) ||
	    port_mtu < DP_MTU_MIN)
		port_mtu = DP_MTU_DEFAULT;
	err = uh_setting("dpdk", "dpdk_mtu", DP_MTU_MIN, port_mtu,
			 port_mtu < DP_MTU_DEFAULT ? port_mtu : DP_MTU_DEFAULT,
			 &mtu);
	if (err)
		return err;
	dp_clock_init();
	/* Ethernet has no smaller packet to fit: fragments fill the MTU. */
	return uh_init(&dp_link, (u32)mtu, (u32)mtu);
}

const struct am_tp am_tp_dpdk = {
	.name	= "dpdk",
	.open	= dp_open_tp,
	.trans	= uh_trans,
	.getreq	= uh_getreq,
	.putrep	= uh_putrep,
};
