// SPDX-License-Identifier: GPL-2.0
/*
 * Port set-up of the DPDK host (see port.h): the EAL from one string of
 * arguments, a mempool, and one port with one rx and one tx queue, started,
 * promiscuous and with its link up.  It follows DPDK's examples/skeleton
 * and examples/l2fwd step by step, and turns each failure into one message
 * that says what to change, since a failure here is nearly always a set-up
 * mistake that the user can fix in the arguments.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_common.h>
#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>

#include "port.h"

/* EAL arguments of one string: enough for a handful of --vdev options. */
#define DP_MAX_ARGS	64
#define DP_ARGS_LEN	4096
/* Per-lcore mbuf cache: l2fwd's value, and it divides the pool evenly. */
#define DP_POOL_CACHE	256
/*
 * Frames a host may hold besides the rings and bursts: the fragments of
 * one 1 MiB message in 1500-byte frames are about 750, and a sender keeps
 * them until they are acknowledged.
 */
#define DP_INFLIGHT	2048
/* l2fwd's floor; 2^n - 1 is the size rte_mempool stores best. */
#define DP_MIN_MBUFS	8191
/* How often the link status is read while dp_open() waits for it. */
#define DP_LINK_POLL_US	50000
/* memif's own defaults, named in messages when the arguments omit them. */
#define MEMIF_DEF_SOCKET	"/run/memif.sock"
#define MEMIF_DEF_ROLE		"client"

/*
 * rte_eal_init() runs once per process, successful or not: a second call
 * fails with EALREADY even after a failed first one.  So the outcome and
 * its message are kept and given to every later caller.  The EAL may keep
 * pointers into argv, so argv and the strings it points to are static.
 */
static enum { EAL_NONE, EAL_UP, EAL_FAILED } eal_state;
static char eal_fail[512];
static char eal_args[DP_ARGS_LEN];
/* The program name EAL messages show, then the arguments. */
#define DP_PROG		"amoeba"
static char eal_words[sizeof(DP_PROG) + DP_ARGS_LEN];
static char *eal_argv[DP_MAX_ARGS + 2];

/* The likely fix for rte_eal_init() failing with rte_errno @err. */
static const char *eal_fix(int err)
{
	switch (err) {
	case EACCES:
		return "no usable hugepages or no permission: give --no-huge -m 512, or reserve hugepages and mount hugetlbfs, or run as root (Documentation/dpdk.rst)";
	case ENOMEM:
		return "not enough memory: give -m 512 with --no-huge, or reserve more hugepages";
	case EINVAL:
		return "an EAL argument is wrong (see the EAL's message above; --in-memory does not work with --no-huge)";
	case EALREADY:
		return "the EAL was initialised already in this process";
	case EBUSY:
	case EEXIST:
		return "another DPDK process uses this file prefix: give each process its own --file-prefix=NAME";
	case ENODEV:
		return "a --vdev or PCI device could not be probed: check the --vdev string and the device binding";
	case ENOTSUP:
	case ENOEXEC:
		return "this system lacks what the EAL needs (see the EAL's message above)";
	default:
		return "see the EAL's message above; each process needs its own --file-prefix, and hosts without hugepages need --no-huge -m 512";
	}
}

/* Split @args into eal_argv after the program name; the argument count. */
static int eal_split(const char *args, char *why, size_t len)
{
	char *save = NULL, *w;
	int argc = 0;

	if (strlen(args) >= sizeof(eal_args)) {
		snprintf(why, len, "EAL arguments longer than %zu bytes",
			 sizeof(eal_args) - 1);
		return -1;
	}
	strcpy(eal_args, args);
	snprintf(eal_words, sizeof(eal_words), "%s %s", DP_PROG, args);
	for (w = strtok_r(eal_words, " \t\n", &save); w;
	     w = strtok_r(NULL, " \t\n", &save)) {
		if (argc > DP_MAX_ARGS) {
			snprintf(why, len, "more than %d EAL arguments",
				 DP_MAX_ARGS);
			return -1;
		}
		eal_argv[argc++] = w;
	}
	eal_argv[argc] = NULL;
	return argc;
}

static int eal_open(const char *args, char *why, size_t len)
{
	int argc, ret;

	if (eal_state == EAL_UP)
		return 0;
	if (eal_state == EAL_FAILED) {
		snprintf(why, len, "%s", eal_fail);
		return -1;
	}
	/* Arguments the EAL never saw may be corrected and tried again. */
	argc = eal_split(args ? args : "", why, len);
	if (argc < 0)
		return -1;
	eal_state = EAL_FAILED;
	rte_errno = 0;
	ret = rte_eal_init(argc, eal_argv);
	/*
	 * A file prefix in use fails before rte_errno is set ("Cannot init
	 * config"), so no errno is a name of its own, not "Success".
	 */
	if (ret < 0 && !rte_errno) {
		snprintf(eal_fail, sizeof(eal_fail),
			 "rte_eal_init: cannot init config: another DPDK process probably uses this file prefix: give each process its own --file-prefix=NAME");
		snprintf(why, len, "%s", eal_fail);
		return -1;
	}
	if (ret < 0) {
		snprintf(eal_fail, sizeof(eal_fail), "rte_eal_init: %s: %s",
			 rte_strerror(rte_errno), eal_fix(rte_errno));
		snprintf(why, len, "%s", eal_fail);
		return -1;
	}
	/*
	 * The EAL stops at the first word that is not one of its options;
	 * silently ignoring the rest would hide a typo.
	 */
	if (ret + 1 < argc) {
		snprintf(eal_fail, sizeof(eal_fail),
			 "\"%s\" is not an EAL option: remove it from the EAL arguments",
			 eal_argv[ret + 1]);
		snprintf(why, len, "%s", eal_fail);
		rte_eal_cleanup();
		return -1;
	}
	eal_state = EAL_UP;
	return 0;
}

/*
 * Copy the value of @key ("socket=") in the --vdev option of device
 * @dev into @out, or @def when the option does not give it.
 */
static void vdev_param(const char *dev, const char *key, const char *def,
		       char *out, size_t len)
{
	size_t dlen = strlen(dev), klen = strlen(key), n;
	const char *s, *end = NULL, *v;

	snprintf(out, len, "%s", def);
	/* The device's own option: "net_memif1," is not in "net_memif10,". */
	for (s = strstr(eal_args, dev); s; s = strstr(end, dev)) {
		end = s + dlen;
		if ((s == eal_args || s[-1] == '=' || s[-1] == ' ') &&
		    *end == ',')
			break;
	}
	if (!s)
		return;
	end = s + strcspn(s, " \t\n");
	for (v = strstr(s, key); v && v < end; v = strstr(v + 1, key)) {
		if (v[-1] != ',')
			continue;
		v += klen;
		n = strcspn(v, ", \t\n");
		if (n >= len)
			n = len - 1;
		memcpy(out, v, n);
		out[n] = '\0';
		return;
	}
}

/*
 * The message for a port that did not start (@err, a negative errno) or,
 * with @err 0, whose link is still down after the wait.  A memif client
 * fails to start when no server listens on its socket, and a memif link
 * stays down until the peer connects: both mean "start the other side".
 */
static void link_why(uint16_t port_id, const char *driver, int err,
		     char *why, size_t len)
{
	char dev[RTE_ETH_NAME_MAX_LEN], sock[256], role[16];
	bool server;

	if (rte_eth_dev_get_name_by_port(port_id, dev))
		snprintf(dev, sizeof(dev), "port%u", port_id);
	if (strcmp(driver, "net_memif") && err) {
		snprintf(why, len, "port %u (%s, %s): start: %s", port_id,
			 dev, driver, rte_strerror(-err));
		return;
	}
	if (strcmp(driver, "net_memif")) {
		snprintf(why, len,
			 "link of port %u (%s, %s) is down: bring the interface or cable up, or raise AMOEBA_DPDK_LINK_WAIT",
			 port_id, dev, driver);
		return;
	}
	vdev_param(dev, "socket=", MEMIF_DEF_SOCKET, sock, sizeof(sock));
	vdev_param(dev, "role=", MEMIF_DEF_ROLE, role, sizeof(role));
	server = !strcmp(role, "server");
	if (err) {
		snprintf(why, len,
			 "memif client cannot connect to socket %s (%s): start the server side (role=server, same socket=) first",
			 sock, rte_strerror(-err));
		return;
	}
	snprintf(why, len,
		 "memif peer not connected on socket %s: start the other side (role=%s, same socket=), or raise AMOEBA_DPDK_LINK_WAIT",
		 sock, server ? "client" : "server");
}

/* True if @port_id is the server side of a memif link. */
static bool memif_server(uint16_t port_id, const char *driver)
{
	char dev[RTE_ETH_NAME_MAX_LEN], role[16];

	if (strcmp(driver, "net_memif") ||
	    rte_eth_dev_get_name_by_port(port_id, dev))
		return false;
	vdev_param(dev, "role=", MEMIF_DEF_ROLE, role, sizeof(role));
	return !strcmp(role, "server");
}

/* Milliseconds to wait for the link: AMOEBA_DPDK_LINK_WAIT is in seconds. */
static unsigned long link_wait_ms(void)
{
	const char *s = getenv("AMOEBA_DPDK_LINK_WAIT");
	unsigned long v;
	char *end;

	if (!s || !*s)
		return DP_LINK_WAIT_MS;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v > 86400)
		return DP_LINK_WAIT_MS;
	return v * 1000;
}

static int link_up(uint16_t port_id)
{
	unsigned long waited = 0, limit = link_wait_ms() * 1000;
	struct rte_eth_link link;

	for (;;) {
		memset(&link, 0, sizeof(link));
		if (rte_eth_link_get_nowait(port_id, &link) == 0 &&
		    link.link_status == RTE_ETH_LINK_UP)
			return 1;
		if (waited >= limit)
			return 0;
		/* Sleep, not rte_delay_ms(): that spins on a core. */
		rte_delay_us_sleep(DP_LINK_POLL_US);
		waited += DP_LINK_POLL_US;
	}
}

/*
 * Mbuf data room for the port's MTU: the default 2 KiB room holds a
 * 1514-byte frame; a larger MTU gets a room for one whole frame, so that
 * a jumbo frame arrives in one mbuf.
 */
static uint16_t data_room(uint16_t port_id, uint16_t *mtu)
{
	uint32_t room;

	if (rte_eth_dev_get_mtu(port_id, mtu) || *mtu < RTE_ETHER_MTU)
		*mtu = RTE_ETHER_MTU;
	room = RTE_PKTMBUF_HEADROOM + *mtu + RTE_ETHER_HDR_LEN +
	       RTE_ETHER_CRC_LEN + 2 * RTE_VLAN_HLEN;
	if (room < RTE_MBUF_DEFAULT_BUF_SIZE)
		room = RTE_MBUF_DEFAULT_BUF_SIZE;
	return room > UINT16_MAX ? UINT16_MAX : (uint16_t)room;
}

int dp_open(const char *args, uint16_t port_id, struct dp_port *p, char *why,
	    size_t len)
{
	uint16_t nb_rxd = DP_NB_RXD, nb_txd = DP_NB_TXD, mtu;
	struct rte_eth_conf conf = { 0 };
	struct rte_eth_dev_info info;
	struct rte_eth_txconf txconf;
	char name[RTE_MEMPOOL_NAMESIZE];
	unsigned int nb_mbufs;
	int socket, ret;

	memset(p, 0, sizeof(*p));
	if (eal_open(args, why, len))
		return -1;
	if (!rte_eth_dev_is_valid_port(port_id)) {
		snprintf(why, len,
			 "no port %u: EAL found %u ports; give --vdev=net_memif0,... or bind a NIC (Documentation/dpdk.rst)",
			 port_id, rte_eth_dev_count_avail());
		return -1;
	}
	ret = rte_eth_dev_info_get(port_id, &info);
	if (ret) {
		snprintf(why, len, "port %u: device info: %s", port_id,
			 rte_strerror(-ret));
		return -1;
	}

	/* First the rings, then the pool sized for them (l2fwd's order). */
	if (info.tx_offload_capa & RTE_ETH_TX_OFFLOAD_MULTI_SEGS)
		conf.txmode.offloads |= RTE_ETH_TX_OFFLOAD_MULTI_SEGS;
	/*
	 * No RTE_ETH_TX_OFFLOAD_MBUF_FAST_FREE (skeleton sets it): a sender
	 * keeps a reference to a frame it may retransmit, and fast free
	 * assumes every mbuf it frees has a reference count of one.
	 */
	if (data_room(port_id, &mtu) > RTE_MBUF_DEFAULT_BUF_SIZE)
		conf.rxmode.mtu = mtu;
	ret = rte_eth_dev_configure(port_id, 1, 1, &conf);
	if (ret) {
		snprintf(why, len, "port %u (%s): configure 1 rx and 1 tx queue: %s",
			 port_id, info.driver_name, rte_strerror(-ret));
		return -1;
	}
	ret = rte_eth_dev_adjust_nb_rx_tx_desc(port_id, &nb_rxd, &nb_txd);
	if (ret) {
		snprintf(why, len, "port %u (%s): ring sizes: %s", port_id,
			 info.driver_name, rte_strerror(-ret));
		return -1;
	}

	socket = rte_eth_dev_socket_id(port_id);
	if (socket < 0)
		socket = (int)rte_socket_id();
	nb_mbufs = nb_rxd + nb_txd + 2 * DP_BURST + DP_POOL_CACHE + DP_INFLIGHT;
	nb_mbufs = RTE_MAX(nb_mbufs, (unsigned int)DP_MIN_MBUFS);
	snprintf(name, sizeof(name), "dp_pool_%u", port_id);
	p->pool = rte_pktmbuf_pool_create(name, nb_mbufs, DP_POOL_CACHE, 0,
					  data_room(port_id, &mtu), socket);
	if (!p->pool) {
		snprintf(why, len,
			 "port %u: mempool of %u mbufs: %s: %s",
			 port_id, nb_mbufs, rte_strerror(rte_errno),
			 rte_errno == EEXIST ? "this port is open already in this process" : "give the EAL more memory (-m 512 or more)");
		return -1;
	}

	ret = rte_eth_rx_queue_setup(port_id, 0, nb_rxd, socket, NULL, p->pool);
	if (ret) {
		snprintf(why, len, "port %u (%s): rx queue: %s", port_id,
			 info.driver_name, rte_strerror(-ret));
		goto free_pool;
	}
	txconf = info.default_txconf;
	txconf.offloads = conf.txmode.offloads;
	ret = rte_eth_tx_queue_setup(port_id, 0, nb_txd, socket, &txconf);
	if (ret) {
		snprintf(why, len, "port %u (%s): tx queue: %s", port_id,
			 info.driver_name, rte_strerror(-ret));
		goto free_pool;
	}
	ret = rte_eth_dev_start(port_id);
	if (ret) {
		link_why(port_id, info.driver_name, ret, why, len);
		goto free_pool;
	}
	/*
	 * FLIP frames come to our MAC and to broadcast; af_packet and NICs
	 * filter by MAC unless promiscuous.  memif is point to point and has
	 * no such mode: -ENOTSUP there is fine.
	 */
	ret = rte_eth_promiscuous_enable(port_id);
	if (ret && ret != -ENOTSUP) {
		snprintf(why, len, "port %u (%s): promiscuous mode: %s",
			 port_id, info.driver_name, rte_strerror(-ret));
		goto stop;
	}
	ret = rte_eth_macaddr_get(port_id, &p->mac);
	if (ret) {
		snprintf(why, len, "port %u (%s): MAC address: %s", port_id,
			 info.driver_name, rte_strerror(-ret));
		goto stop;
	}
	/*
	 * A memif link comes up only when the peer process connects.  A
	 * memif server is a listener: its clients may come much later, and
	 * an RPC server must be up (and print its port) before they start,
	 * so it does not wait.  A memif client connected in
	 * rte_eth_dev_start(), and its link follows within milliseconds.
	 */
	if (!memif_server(port_id, info.driver_name) && !link_up(port_id)) {
		link_why(port_id, info.driver_name, 0, why, len);
		goto stop;
	}
	p->id = port_id;
	return 0;

stop:
	rte_eth_dev_stop(port_id);
free_pool:
	/* The queues point into the pool: close the port before freeing it. */
	rte_eth_dev_close(port_id);
	rte_mempool_free(p->pool);
	p->pool = NULL;
	return -1;
}
