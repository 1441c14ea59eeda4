// SPDX-License-Identifier: GPL-2.0
/*
 * memif_pp: a raw Ethernet ping-pong over one DPDK port, the floor that the
 * DPDK RPC is judged against.  The server echoes every frame with its MAC
 * addresses swapped; the client sends one frame, busy-polls until the echo
 * is back, and does that WARMUP untimed and N timed times, one frame in
 * flight.  A timed round trip covers what an RPC would also do per frame:
 * mbuf allocation, filling the header, tx burst, rx bursts until the echo,
 * freeing it.  The client prints the same RESULT line as am_lat:
 *   RESULT memif_pp n=N median_us=X p99_us=X min_us=X max_us=X
 *          size=FRAME reply=FRAME MBps=X
 * It takes any DPDK port; the benchmark uses memif, the only one tried.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <rte_byteorder.h>
#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_ether.h>
#include <rte_mbuf.h>

#include "../port.h"

/* IEEE 802 local experimental ethertype: never a FLIP frame by mistake. */
#define PP_ETHERTYPE	0x88b5
/* Smallest Ethernet frame without its CRC; 64 bytes is the default. */
#define PP_MIN_FRAME	(RTE_ETHER_MIN_LEN - RTE_ETHER_CRC_LEN)
#define PP_DEF_FRAME	64
#define PP_DEF_ITERS	200000
#define PP_DEF_WARMUP	10000
#define PP_DEF_TIMEOUT	1000
/* Empty polls between two clock reads while waiting for an echo. */
#define PP_CLOCK_EVERY	1024
#define PP_ARGS_LEN	4096

struct pp_opts {
	bool server;
	unsigned long iters;
	unsigned long warmup;
	unsigned long size;
	unsigned long timeout_ms;
	unsigned long port;
	char eal[PP_ARGS_LEN];
};

/* A client frame carries the number of its round trip after the header. */
#define PP_SEQ_OFF	RTE_ETHER_HDR_LEN
/*
 * The last frame of a client, "bye": the server echoes it and stops polling
 * until the link is down.  DPDK 22.11's memif unmaps the rings in its
 * control thread when the peer disconnects, while rte_eth_rx_burst() may be
 * reading them: a server polling through a disconnect can crash.
 */
#define PP_BYE		UINT64_MAX
/* How long the server waits for a client's disconnect after its bye. */
#define PP_BYE_WAIT_MS	5000

/*
 * Set by SIGINT and SIGTERM to end the busy loops.  A lock-free C11 atomic
 * is safe to store from a signal handler, and a relaxed load costs the
 * poll loop nothing.
 */
static atomic_int quit;

static void on_signal(int sig)
{
	(void)sig;
	atomic_store_explicit(&quit, 1, memory_order_relaxed);
}

static const char help_fmt[] =
"usage: memif_pp server|client [-n N] [-w WARMUP] [-s FRAME_BYTES]\n"
"                [-t TIMEOUT_MS] [-p PORT] [-- EAL ARGUMENTS]\n"
"The EAL arguments come after --, or from AMOEBA_DPDK_ARGS; the port\n"
"from -p, or AMOEBA_DPDK_PORT, or 0.  The client sends N (default %d)\n"
"timed frames of FRAME_BYTES (default %d, at least %d, without CRC)\n"
"after WARMUP (default %d) untimed ones, waits up to TIMEOUT_MS\n"
"(default %d) for each echo and prints\n"
"  RESULT memif_pp n=N median_us=X p99_us=X min_us=X max_us=X\n"
"         size=FRAME reply=FRAME MBps=X\n"
"The server echoes frames until SIGINT or SIGTERM.  Example:\n"
"  memif_pp server -- -l 1 --no-huge -m 512 --no-pci --file-prefix=pps \\\n"
"      --vdev=net_memif0,role=server,socket=/tmp/pp.sock &\n"
"  memif_pp client -- -l 0 --no-huge -m 512 --no-pci --file-prefix=ppc \\\n"
"      --vdev=net_memif0,role=client,socket=/tmp/pp.sock\n";

static void usage(FILE *f, int status)
{
	fprintf(f, help_fmt,
		PP_DEF_ITERS, PP_DEF_FRAME, PP_MIN_FRAME, PP_DEF_WARMUP,
		PP_DEF_TIMEOUT);
	exit(status);
}

static unsigned long opt_num(int ch, const char *s, unsigned long lo,
			     unsigned long hi)
{
	unsigned long v;
	char *end;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || end == s || *end || *s == '-' || v < lo || v > hi) {
		fprintf(stderr, "memif_pp: -%c %s: not a number from %lu to %lu\n",
			ch, s, lo, hi);
		usage(stderr, 2);
	}
	return v;
}

/* Join @argc words of @argv into @out with spaces: dp_open() takes one. */
static int join_args(int argc, char **argv, char *out, size_t len)
{
	size_t used = 0, n;
	int i;

	out[0] = '\0';
	for (i = 0; i < argc; i++) {
		n = strlen(argv[i]);
		if (used + n + 2 > len)
			return -1;
		if (used)
			out[used++] = ' ';
		memcpy(out + used, argv[i], n + 1);
		used += n;
	}
	return 0;
}

static void parse(int argc, char **argv, struct pp_opts *o)
{
	const char *env;
	int ch;

	if (argc < 2)
		usage(stderr, 2);
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))
		usage(stdout, 0);
	if (strcmp(argv[1], "server") && strcmp(argv[1], "client")) {
		fprintf(stderr, "memif_pp: unknown mode \"%s\"\n", argv[1]);
		usage(stderr, 2);
	}
	o->server = !strcmp(argv[1], "server");
	o->iters = PP_DEF_ITERS;
	o->warmup = PP_DEF_WARMUP;
	o->size = PP_DEF_FRAME;
	o->timeout_ms = PP_DEF_TIMEOUT;
	env = getenv("AMOEBA_DPDK_PORT");
	o->port = env && *env ? opt_num('p', env, 0, RTE_MAX_ETHPORTS - 1) : 0;

	argc--, argv++;
	/* '+': stop at "--", whatever follows is the EAL's. */
	while ((ch = getopt(argc, argv, "+n:w:s:t:p:h")) != -1) {
		switch (ch) {
		case 'n':
			o->iters = opt_num('n', optarg, 1, 100000000);
			break;
		case 'w':
			o->warmup = opt_num('w', optarg, 0, 100000000);
			break;
		case 's':
			o->size = opt_num('s', optarg, PP_MIN_FRAME, 65535);
			break;
		case 't':
			o->timeout_ms = opt_num('t', optarg, 1, 3600000);
			break;
		case 'p':
			o->port = opt_num('p', optarg, 0, RTE_MAX_ETHPORTS - 1);
			break;
		case 'h':
			usage(stdout, 0);
			break;
		default:
			usage(stderr, 2);
		}
	}
	if (optind < argc && strcmp(argv[optind - 1], "--")) {
		fprintf(stderr, "memif_pp: unexpected \"%s\": EAL arguments go after --\n",
			argv[optind]);
		usage(stderr, 2);
	}
	if (optind < argc) {
		if (join_args(argc - optind, argv + optind, o->eal,
			      sizeof(o->eal))) {
			fprintf(stderr, "memif_pp: EAL arguments longer than %zu bytes\n",
				sizeof(o->eal) - 1);
			exit(2);
		}
		return;
	}
	env = getenv("AMOEBA_DPDK_ARGS");
	if (!env || !*env) {
		fprintf(stderr, "memif_pp: no EAL arguments: give them after -- or in AMOEBA_DPDK_ARGS\n");
		usage(stderr, 2);
	}
	snprintf(o->eal, sizeof(o->eal), "%s", env);
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Nearest rank, as tests/progs/common.c computes it for am_lat. */
static double percentile(const double *v, size_t n, double p)
{
	size_t rank = (size_t)((p / 100.0) * (double)n + 0.999999);

	if (rank < 1)
		rank = 1;
	if (rank > n)
		rank = n;
	return v[rank - 1];
}

/* The round-trip number of frame @m, or PP_BYE - 1 if it carries none. */
static uint64_t frame_seq(const struct rte_mbuf *m)
{
	uint64_t seq;

	if (m->data_len < PP_SEQ_OFF + sizeof(seq))
		return PP_BYE - 1;
	memcpy(&seq, rte_pktmbuf_mtod_offset(m, const void *, PP_SEQ_OFF),
	       sizeof(seq));
	return seq;
}

/* After a bye: sleep until the client's disconnect is over. */
static void wait_disconnect(uint16_t port_id)
{
	struct rte_eth_link link;
	unsigned int ms;

	for (ms = 0; ms < PP_BYE_WAIT_MS; ms += 10) {
		memset(&link, 0, sizeof(link));
		if (rte_eth_link_get_nowait(port_id, &link) == 0 &&
		    link.link_status == RTE_ETH_LINK_DOWN)
			return;
		rte_delay_us_sleep(10000);
	}
}

/* Echo every frame of our ethertype back to where it came from. */
static int pp_server(const struct dp_port *p)
{
	struct rte_mbuf *rx[DP_BURST], *tx[DP_BURST];
	unsigned long echoed = 0, dropped = 0;
	struct rte_ether_hdr *eth;
	uint16_t n, i, ntx, sent;
	bool bye;

	fprintf(stderr, "memif_pp: server on port %u, echoing until SIGTERM\n",
		p->id);
	while (!atomic_load_explicit(&quit, memory_order_relaxed)) {
		n = rte_eth_rx_burst(p->id, 0, rx, DP_BURST);
		ntx = 0;
		bye = false;
		for (i = 0; i < n; i++) {
			eth = rte_pktmbuf_mtod(rx[i], struct rte_ether_hdr *);
			if (rx[i]->data_len < sizeof(*eth) ||
			    eth->ether_type != rte_cpu_to_be_16(PP_ETHERTYPE)) {
				rte_pktmbuf_free(rx[i]);
				dropped++;
				continue;
			}
			bye |= frame_seq(rx[i]) == PP_BYE;
			eth->dst_addr = eth->src_addr;
			eth->src_addr = p->mac;
			tx[ntx++] = rx[i];
		}
		sent = ntx ? rte_eth_tx_burst(p->id, 0, tx, ntx) : 0;
		echoed += sent;
		for (i = sent; i < ntx; i++) {
			rte_pktmbuf_free(tx[i]);
			dropped++;
		}
		if (bye)
			wait_disconnect(p->id);
	}
	fprintf(stderr, "memif_pp: server: %lu frames echoed, %lu dropped\n",
		echoed, dropped);
	return 0;
}

/* Wait for the echo of frame @seq; 0, or -1 after @deadline or a signal. */
static int wait_echo(const struct dp_port *p, uint64_t seq, uint64_t deadline)
{
	struct rte_mbuf *rx[DP_BURST];
	unsigned long spins = 0;
	uint16_t n, i;
	bool got = false;

	while (!got) {
		n = rte_eth_rx_burst(p->id, 0, rx, DP_BURST);
		for (i = 0; i < n; i++) {
			/* A late echo of an earlier frame is not this one. */
			got |= frame_seq(rx[i]) == seq;
			rte_pktmbuf_free(rx[i]);
		}
		if (n || ++spins % PP_CLOCK_EVERY)
			continue;
		if (atomic_load_explicit(&quit, memory_order_relaxed) ||
		    now_ns() > deadline)
			return -1;
	}
	return 0;
}

/*
 * One round trip of frame @seq, started at @t0: allocate, fill, send, and
 * poll until the echo is back.  0, or -1 after a message.
 */
static int round_trip(const struct dp_port *p, const struct pp_opts *o,
		      uint64_t seq, uint64_t t0)
{
	uint64_t deadline = t0 + o->timeout_ms * 1000000;
	struct rte_ether_hdr *eth = NULL;
	struct rte_mbuf *m;

	m = rte_pktmbuf_alloc(p->pool);
	if (m)
		eth = (struct rte_ether_hdr *)rte_pktmbuf_append(m, (uint16_t)o->size);
	if (!eth) {
		fprintf(stderr, "memif_pp: frame %" PRIu64 ": no mbuf of %lu bytes\n",
			seq, o->size);
		rte_pktmbuf_free(m);
		return -1;
	}
	memset(&eth->dst_addr, 0xff, sizeof(eth->dst_addr));
	eth->src_addr = p->mac;
	eth->ether_type = rte_cpu_to_be_16(PP_ETHERTYPE);
	memcpy((char *)eth + PP_SEQ_OFF, &seq, sizeof(seq));
	while (rte_eth_tx_burst(p->id, 0, &m, 1) == 0) {
		if (atomic_load_explicit(&quit, memory_order_relaxed) ||
		    now_ns() > deadline) {
			fprintf(stderr, "memif_pp: frame %" PRIu64 ": tx ring full for %lu ms\n",
				seq, o->timeout_ms);
			rte_pktmbuf_free(m);
			return -1;
		}
	}
	if (wait_echo(p, seq, deadline)) {
		fprintf(stderr, "memif_pp: frame %" PRIu64 ": no echo within %lu ms: is \"memif_pp server\" running on the other side?\n",
			seq, o->timeout_ms);
		return -1;
	}
	return 0;
}

static int pp_client(const struct dp_port *p, const struct pp_opts *o)
{
	unsigned long total = o->warmup + o->iters, i;
	double *lat = malloc(o->iters * sizeof(*lat));
	uint64_t t0, start = 0, ns;
	double mbps;

	if (!lat) {
		fprintf(stderr, "memif_pp: out of memory for %lu samples\n",
			o->iters);
		return 1;
	}
	for (i = 0; i < total; i++) {
		t0 = now_ns();
		if (i == o->warmup)
			start = t0;
		if (round_trip(p, o, i, t0)) {
			free(lat);
			return 1;
		}
		if (i >= o->warmup)
			lat[i - o->warmup] = (double)(now_ns() - t0) / 1000.0;
	}
	ns = now_ns() - start;
	/* Let the server stop polling before this process disconnects. */
	round_trip(p, o, PP_BYE, now_ns());
	mbps = ns ? 2.0 * (double)o->size * (double)o->iters * 1000.0 / (double)ns : 0;
	qsort(lat, o->iters, sizeof(*lat), cmp_double);
	printf("RESULT memif_pp n=%lu median_us=%.2f p99_us=%.2f min_us=%.2f max_us=%.2f size=%lu reply=%lu MBps=%.2f\n",
	       o->iters, percentile(lat, o->iters, 50),
	       percentile(lat, o->iters, 99), lat[0], lat[o->iters - 1],
	       o->size, o->size, mbps);
	fflush(stdout);
	free(lat);
	return 0;
}

int main(int argc, char **argv)
{
	static struct pp_opts o;
	struct sigaction sa;
	struct dp_port p;
	char why[512];
	int rc;

	parse(argc, argv, &o);
	/* No SA_RESTART: a signal must end the busy loops, not resume them. */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	if (dp_open(o.eal, (uint16_t)o.port, &p, why, sizeof(why))) {
		fprintf(stderr, "memif_pp: %s\n", why);
		return 1;
	}
	if (o.size + RTE_PKTMBUF_HEADROOM > rte_pktmbuf_data_room_size(p.pool)) {
		fprintf(stderr, "memif_pp: -s %lu: larger than one mbuf of port %u (%u bytes)\n",
			o.size, p.id,
			rte_pktmbuf_data_room_size(p.pool) - RTE_PKTMBUF_HEADROOM);
		rc = 1;
	} else {
		rc = o.server ? pp_server(&p) : pp_client(&p, &o);
	}
	/* Closing the port lets a memif server remove its socket file. */
	rte_eth_dev_stop(p.id);
	rte_eth_dev_close(p.id);
	rte_eal_cleanup();
	return rc;
}
