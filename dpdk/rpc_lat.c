// SPDX-License-Identifier: GPL-2.0
/*
 * rpc_lat: round-trip latency of libamoeba's trans over whichever
 * transport AMOEBA_TRANSPORT names (built against libamoeba_dpdk.a, so
 * dpdk among them), for the DPDK tests and benchmark.  The server
 * answers every request with the reply size the request asks for (in
 * h_offset) and prints its put-port; the client does WARMUP untimed and
 * ITERS timed calls, checks each reply's size, and prints one line in
 * am_lat's format (self: the same, to a server thread of its own process,
 * found by LOCATE within the process):
 *   RESULT rpc_lat transport=T n=N median_us=X p99_us=X min_us=X
 *          max_us=X size=REQ reply=REP MBps=X
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <amoeba.h>

/* The largest message libamoeba moves. */
#define LAT_MAXBUF	(1U << 20)
#define LAT_CMD		1

static unsigned char buf[LAT_MAXBUF], rep[LAT_MAXBUF];

static void bad_usage(void)
{
	fprintf(stderr,
		"usage: rpc_lat server [-i IDLE_MS]\n"
		"       rpc_lat client -p PUTPORT [-n ITERS] [-w WARMUP] [-s REQSIZE] [-r REPSIZE] [-t MS]\n"
		"       rpc_lat self [-n ITERS] [-w WARMUP] [-s REQSIZE] [-r REPSIZE] [-t MS]\n");
	exit(2);
}

static unsigned long number(const char *s, unsigned long max, const char *what)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || end == s || *end || *s == '-' || v > max) {
		fprintf(stderr, "rpc_lat: %s \"%s\": expected 0 to %lu\n",
			what, s, max);
		exit(2);
	}
	return v;
}

/*
 * Open the transport now, so that its failure is reported before the
 * port is printed: a trans to the null port opens it and, once open, is
 * refused with RPC_BADPORT without touching the network.
 */
static int open_transport(void)
{
	struct am_hdr hdr = { 0 }, rhdr;
	int32_t n = trans(&hdr, NULL, 0, &rhdr, NULL, 0);

	if (n == RPC_BADPORT)
		return 0;
	fprintf(stderr, "rpc_lat: %s\n", am_rpc_error());
	return -1;
}

/* Answer requests on @get until none comes for @idle ms (0: never). */
static int serve(const struct am_port *get, unsigned long idle)
{
	struct am_hdr hdr;
	uint32_t size;
	int32_t n;

	for (;;) {
		memset(&hdr, 0, sizeof(hdr));
		hdr.h_port = *get;
		n = getreq_timeout(&hdr, buf, sizeof(buf), (uint32_t)idle);
		if (n < 0)
			break;
		size = (uint32_t)hdr.h_offset;
		if (size > LAT_MAXBUF)
			size = LAT_MAXBUF;
		hdr.h_status = STD_OK;
		n = putrep(&hdr, buf, size);
		if (n < 0)
			fprintf(stderr, "rpc_lat: putrep: %s\n",
				am_rpc_error());
	}
	if (n == RPC_FAILURE && idle)
		return 0;	/* idle for -i ms: done */
	fprintf(stderr, "rpc_lat: getreq: %s\n", am_rpc_error());
	return 1;
}

static int server(int argc, char **argv)
{
	char text[AM_PORT_TEXTLEN + 1];
	struct am_port get, put;
	unsigned long idle = 0;
	int ch;

	while ((ch = getopt(argc, argv, "i:")) != -1) {
		if (ch != 'i')
			bad_usage();
		idle = number(optarg, 86400000, "-i");
	}
	if (am_port_random(&get)) {
		fprintf(stderr, "rpc_lat: no random port\n");
		return 1;
	}
	/* First: a memif server's transport opens once its client comes. */
	am_fbox(&get, &put);
	am_port_format(&put, text, sizeof(text));
	printf("%s\n", text);
	fflush(stdout);
	if (open_transport())
		return 1;
	return serve(&get, idle);
}

/* The get-port of self's server thread, and its put-port for the client. */
static struct am_port self_get, self_put;
static bool self;

static void *self_server(void *arg)
{
	(void)arg;
	serve(&self_get, 0);
	return NULL;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static int client(int argc, char **argv)
{
	unsigned long iters = 10000, warmup = 1000, size = 0, rsize = 0, ms = 0;
	unsigned long i, p99;
	struct am_hdr hdr, rhdr;
	struct am_port put;
	bool have_port = false;
	uint64_t t0, start = 0;
	double *lat, secs;
	int32_t n;
	int ch;

	while ((ch = getopt(argc, argv, "p:n:w:s:r:t:")) != -1) {
		switch (ch) {
		case 'p':
			if (am_port_parse(optarg, &put, NULL) ||
			    am_port_null(&put)) {
				fprintf(stderr, "rpc_lat: -p \"%s\": not a port\n",
					optarg);
				return 2;
			}
			have_port = true;
			break;
		case 'n':
			iters = number(optarg, 100000000, "-n");
			break;
		case 'w':
			warmup = number(optarg, 100000000, "-w");
			break;
		case 's':
			size = number(optarg, LAT_MAXBUF, "-s");
			break;
		case 'r':
			rsize = number(optarg, LAT_MAXBUF, "-r");
			break;
		case 't':
			ms = number(optarg, 86400000, "-t");
			break;
		default:
			bad_usage();
		}
	}
	if (self) {
		put = self_put;
		have_port = true;
	}
	if (!have_port || !iters)
		bad_usage();
	if (open_transport())
		return 1;
	lat = calloc(iters, sizeof(*lat));
	if (!lat) {
		fprintf(stderr, "rpc_lat: out of memory\n");
		return 1;
	}
	memset(buf, 0xa5, size);
	for (i = 0; i < warmup + iters; i++) {
		memset(&hdr, 0, sizeof(hdr));
		hdr.h_port = put;
		hdr.h_command = LAT_CMD;
		hdr.h_offset = (int32_t)rsize;
		t0 = now_ns();
		if (i == warmup)
			start = t0;
		n = trans_timeout(&hdr, buf, size, &rhdr, rep, sizeof(rep),
				  (uint32_t)ms);
		if (n < 0) {
			fprintf(stderr, "rpc_lat: trans %lu: %s\n", i,
				am_rpc_error());
			return 1;
		}
		if ((unsigned long)n != rsize) {
			fprintf(stderr, "rpc_lat: trans %lu: %d reply bytes, expected %lu\n",
				i, n, rsize);
			return 1;
		}
		if (i >= warmup)
			lat[i - warmup] = (double)(now_ns() - t0) / 1000.0;
	}
	secs = (double)(now_ns() - start) / 1e9;
	qsort(lat, iters, sizeof(*lat), cmp);
	p99 = iters * 99 / 100;
	printf("RESULT rpc_lat transport=%s n=%lu median_us=%.2f p99_us=%.2f min_us=%.2f max_us=%.2f size=%lu reply=%lu MBps=%.1f\n",
	       am_transport(), iters, lat[iters / 2], lat[p99], lat[0],
	       lat[iters - 1], size, rsize,
	       (double)(size + rsize) * (double)iters / secs / 1e6);
	free(lat);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 2)
		bad_usage();
	if (!strcmp(argv[1], "server"))
		return server(argc - 1, argv + 1);
	if (!strcmp(argv[1], "client"))
		return client(argc - 1, argv + 1);
	if (!strcmp(argv[1], "self")) {
		pthread_t t;

		if (am_port_random(&self_get) || open_transport())
			return 1;
		am_fbox(&self_get, &self_put);
		self = true;
		if (pthread_create(&t, NULL, self_server, NULL))
			return 1;
		return client(argc - 1, argv + 1);
	}
	bad_usage();
	return 2;
}
