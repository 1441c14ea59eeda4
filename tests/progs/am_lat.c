// SPDX-License-Identifier: GPL-2.0
/*
 * am_lat: round-trip latency of a header-only AF_AMOEBA transaction next to
 * a TCP request/response of the same 32 bytes between the same two hosts,
 * for "make demo".  Each client does WARMUP untimed round trips, then ITERS
 * timed ones, and prints one machine-readable RESULT line with the median,
 * p99, min and max in microseconds; the servers run until killed.  TCP uses
 * TCP_NODELAY and blocking reads and writes, the fairest simple equivalent
 * of one trans.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common.h"

#define MAX_TCP_SIZE	65536
/* How long a TCP client keeps retrying while its server starts. */
#define CONNECT_WAIT_MS	5000

struct lat_opts {
	struct am_port port;	/* get-port (servers) or put-port (clients) */
	bool have_port;
	struct sockaddr_in sin;
	bool have_addr;
	unsigned long iters;
	unsigned long warmup;
	unsigned long size;
	unsigned long timeout;
	long cpu;
};

static void usage(FILE *f, int status)
{
	fprintf(f,
		"usage: %s server-amoeba -g GETPORT [-c CPU]\n"
		"       %s client-amoeba -p PUTPORT | -g GETPORT -n ITERS -w WARMUP\n"
		"                 [-t TIMEOUT_MS] [-c CPU]\n"
		"       %s server-tcp -l ADDR:PORT [-c CPU]\n"
		"       %s client-tcp -a ADDR:PORT -n ITERS -w WARMUP [-s SIZE] [-c CPU]\n"
		"Clients print: RESULT <amoeba|tcp> n=ITERS median_us=X p99_us=X min_us=X max_us=X\n"
		"server-amoeba prints its put-port, server-tcp \"listening ADDR:PORT\".\n",
		progname, progname, progname, progname);
	exit(status);
}

static int parse_addr(const char *s, struct sockaddr_in *sin)
{
	char host[64];
	const char *colon = strrchr(s, ':');
	unsigned long port;

	if (!colon || (size_t)(colon - s) >= sizeof(host))
		return -1;
	memcpy(host, s, colon - s);
	host[colon - s] = '\0';
	if (parse_ulong(colon + 1, 1, 65535, &port))
		return -1;
	memset(sin, 0, sizeof(*sin));
	sin->sin_family = AF_INET;
	sin->sin_port = htons((uint16_t)port);
	return inet_pton(AF_INET, host, &sin->sin_addr) == 1 ? 0 : -1;
}

static void print_result(const char *path, double *lat, unsigned long n)
{
	sort_doubles(lat, n);
	printf("RESULT %s n=%lu median_us=%.2f p99_us=%.2f min_us=%.2f max_us=%.2f\n",
	       path, n, percentile_sorted(lat, n, 50),
	       percentile_sorted(lat, n, 99), lat[0], lat[n - 1]);
	fflush(stdout);
}

static int open_amoeba(void)
{
	int fd = am_socket(0);

	if (fd < 0) {
		warn_errno(errno, "socket(family %d, SOCK_DGRAM) (is amoeba.ko loaded?)",
			   am_family());
		exit(1);
	}
	return fd;
}

static int server_amoeba(const struct lat_opts *o)
{
	static unsigned char buf[AM_MAXBUF_SMALL];
	struct sockaddr_amoeba sam;
	char pbuf[PORT_STRLEN + 1];
	struct am_io req, rep;
	socklen_t len = sizeof(sam);
	int fd = open_amoeba(), n;

	if (am_bind(fd, &o->port)) {
		warn_errno(errno, "bind get-port %s", port_format(&o->port, pbuf));
		return 1;
	}
	if (getsockname(fd, (struct sockaddr *)&sam, &len)) {
		warn_errno(errno, "getsockname");
		return 1;
	}
	printf("%s\n", port_format(&sam.sam_port, pbuf));
	fflush(stdout);
	for (;;) {
		memset(&req, 0, sizeof(req));
		req.buf = (uintptr_t)buf;
		req.size = sizeof(buf);
		n = ioctl(fd, AMIOC_GETREQ, &req);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			warn_errno(errno, "getreq");
			return 1;
		}
		if ((size_t)n > sizeof(buf))
			n = sizeof(buf);
		memset(&rep, 0, sizeof(rep));
		rep.hdr = req.hdr;
		rep.hdr.h_status = STD_OK;
		rep.buf = (uintptr_t)buf;
		rep.size = (__u32)n;
		rep.id = req.id;
		if (ioctl(fd, AMIOC_PUTREP, &rep) < 0) {
			warn_errno(errno, "putrep id %u", req.id);
			return 1;
		}
	}
}

static int client_amoeba(const struct lat_opts *o)
{
	unsigned long total = o->warmup + o->iters, i;
	double *lat = malloc(o->iters * sizeof(*lat));
	char pbuf[PORT_STRLEN + 1];
	int fd = open_amoeba();
	struct am_trans t;
	uint64_t t0;

	if (!lat) {
		warnx_msg("out of memory for %lu samples", o->iters);
		return 1;
	}
	for (i = 0; i < total; i++) {
		memset(&t, 0, sizeof(t));
		t.req.hdr.h_port = o->port;
		t.req.hdr.h_offset = (__s32)i;
		t.timeout_ms = (__u32)o->timeout;
		t0 = now_ns();
		if (ioctl(fd, AMIOC_TRANS, &t) < 0) {
			warn_errno(errno, "trans %lu to %s", i,
				   port_format(&o->port, pbuf));
			return 1;
		}
		if (i >= o->warmup)
			lat[i - o->warmup] = (double)(now_ns() - t0) / 1000.0;
	}
	print_result("amoeba", lat, o->iters);
	return 0;
}

static int write_full(int fd, const unsigned char *p, size_t n)
{
	ssize_t r;

	while (n) {
		r = write(fd, p, n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		p += r;
		n -= (size_t)r;
	}
	return 0;
}

/* 0 when @n bytes were read, 1 on end of file, -1 on error. */
static int read_full(int fd, unsigned char *p, size_t n)
{
	ssize_t r;

	while (n) {
		r = read(fd, p, n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -1;
		if (r == 0)
			return 1;
		p += r;
		n -= (size_t)r;
	}
	return 0;
}

static void set_nodelay(int fd)
{
	int one = 1;

	if (setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)))
		warn_errno(errno, "setsockopt TCP_NODELAY");
}

static int server_tcp(const struct lat_opts *o)
{
	static unsigned char buf[MAX_TCP_SIZE];
	char abuf[INET_ADDRSTRLEN];
	int lfd, fd, one = 1;
	ssize_t n;

	lfd = socket(AF_INET, SOCK_STREAM, 0);
	if (lfd < 0) {
		warn_errno(errno, "socket(AF_INET, SOCK_STREAM)");
		return 1;
	}
	setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	inet_ntop(AF_INET, &o->sin.sin_addr, abuf, sizeof(abuf));
	if (bind(lfd, (const struct sockaddr *)&o->sin, sizeof(o->sin))) {
		warn_errno(errno, "bind %s:%u", abuf, ntohs(o->sin.sin_port));
		return 1;
	}
	if (listen(lfd, 16)) {
		warn_errno(errno, "listen");
		return 1;
	}
	printf("listening %s:%u\n", abuf, ntohs(o->sin.sin_port));
	fflush(stdout);
	for (;;) {
		fd = accept(lfd, NULL, NULL);
		if (fd < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			warn_errno(errno, "accept");
			return 1;
		}
		set_nodelay(fd);
		/* Echo each chunk: the client reads until it has its bytes. */
		while ((n = read(fd, buf, sizeof(buf))) > 0)
			if (write_full(fd, buf, (size_t)n))
				break;
		close(fd);
	}
}

static int client_tcp(const struct lat_opts *o)
{
	unsigned long total = o->warmup + o->iters, i;
	double *lat = malloc(o->iters * sizeof(*lat));
	unsigned char *out = malloc(o->size), *in = malloc(o->size);
	uint64_t t0, deadline;
	int fd, r;

	if (!lat || !out || !in) {
		warnx_msg("out of memory for %lu samples", o->iters);
		return 1;
	}
	memset(out, 0xa5, o->size);
	deadline = now_ns() + (uint64_t)CONNECT_WAIT_MS * 1000000;
	for (;;) {
		fd = socket(AF_INET, SOCK_STREAM, 0);
		if (fd < 0) {
			warn_errno(errno, "socket(AF_INET, SOCK_STREAM)");
			return 1;
		}
		if (connect(fd, (const struct sockaddr *)&o->sin,
			    sizeof(o->sin)) == 0)
			break;
		/* The server may still be starting in its namespace. */
		if (errno != ECONNREFUSED || now_ns() > deadline) {
			warn_errno(errno, "connect");
			return 1;
		}
		close(fd);
		usleep(50000);
	}
	set_nodelay(fd);
	for (i = 0; i < total; i++) {
		t0 = now_ns();
		if (write_full(fd, out, o->size)) {
			warn_errno(errno, "write round trip %lu", i);
			return 1;
		}
		r = read_full(fd, in, o->size);
		if (r) {
			if (r > 0)
				warnx_msg("read round trip %lu: server closed", i);
			else
				warn_errno(errno, "read round trip %lu", i);
			return 1;
		}
		if (i >= o->warmup)
			lat[i - o->warmup] = (double)(now_ns() - t0) / 1000.0;
	}
	close(fd);
	print_result("tcp", lat, o->iters);
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct lat_opts o = { .size = 32, .cpu = -1 };
	bool server, amoeba, have_n = false, have_w = false;
	const char *mode, *opts;
	struct am_port get;
	unsigned long v;
	int ch;

	set_progname(argv[0]);
	if (argc < 2)
		usage(stderr, EXIT_USAGE);
	mode = argv[1];
	if (!strcmp(mode, "--help") || !strcmp(mode, "-h"))
		usage(stdout, 0);
	if (!strcmp(mode, "server-amoeba")) {
		server = true, amoeba = true, opts = "g:c:h";
	} else if (!strcmp(mode, "client-amoeba")) {
		server = false, amoeba = true, opts = "p:g:n:w:t:c:h";
	} else if (!strcmp(mode, "server-tcp")) {
		server = true, amoeba = false, opts = "l:c:h";
	} else if (!strcmp(mode, "client-tcp")) {
		server = false, amoeba = false, opts = "a:n:w:s:c:h";
	} else {
		warnx_msg("unknown mode \"%s\"", mode);
		usage(stderr, EXIT_USAGE);
	}

	argc--, argv++;
	while ((ch = getopt_long(argc, argv, opts, longopts, NULL)) != -1) {
		switch (ch) {
		case 'p':
		case 'g':
			if (o.have_port) {
				warnx_msg("give one of -p and -g, once");
				usage(stderr, EXIT_USAGE);
			}
			if (port_parse(optarg, ch == 'g' ? &get : &o.port) ||
			    port_is_null(ch == 'g' ? &get : &o.port)) {
				warnx_msg("-%c %s: not a non-null port of 12 hex digits",
					  ch, optarg);
				usage(stderr, EXIT_USAGE);
			}
			/* Servers bind the get-port; clients need F of it. */
			if (ch == 'g')
				o.port = get;
			if (ch == 'g' && !server)
				port_from_getport(&get, &o.port);
			o.have_port = true;
			break;
		case 'l':
		case 'a':
			if (parse_addr(optarg, &o.sin)) {
				warnx_msg("-%c %s: not an IPv4 ADDR:PORT", ch, optarg);
				usage(stderr, EXIT_USAGE);
			}
			o.have_addr = true;
			break;
		case 'n':
			if (parse_ulong(optarg, 1, 100000000, &o.iters)) {
				warnx_msg("-n %s: not a count from 1 to 100000000",
					  optarg);
				usage(stderr, EXIT_USAGE);
			}
			have_n = true;
			break;
		case 'w':
			if (parse_ulong(optarg, 0, 100000000, &o.warmup)) {
				warnx_msg("-w %s: not a count from 0 to 100000000",
					  optarg);
				usage(stderr, EXIT_USAGE);
			}
			have_w = true;
			break;
		case 's':
			if (parse_ulong(optarg, 1, MAX_TCP_SIZE, &o.size)) {
				warnx_msg("-s %s: not a size from 1 to %d",
					  optarg, MAX_TCP_SIZE);
				usage(stderr, EXIT_USAGE);
			}
			break;
		case 't':
			if (parse_ulong(optarg, 0, 3600000, &o.timeout)) {
				warnx_msg("-t %s: not milliseconds from 0 to 3600000",
					  optarg);
				usage(stderr, EXIT_USAGE);
			}
			break;
		case 'c':
			if (parse_ulong(optarg, 0, MAX_CPU, &v)) {
				warnx_msg("-c %s: not a CPU number", optarg);
				usage(stderr, EXIT_USAGE);
			}
			o.cpu = (long)v;
			break;
		case 'h':
			usage(stdout, 0);
			break;
		default:
			usage(stderr, EXIT_USAGE);
		}
	}
	if (optind != argc) {
		warnx_msg("unexpected argument \"%s\"", argv[optind]);
		usage(stderr, EXIT_USAGE);
	}
	if (amoeba && !o.have_port) {
		warnx_msg("%s: a port (-g or -p) is required", mode);
		usage(stderr, EXIT_USAGE);
	}
	if (!amoeba && !o.have_addr) {
		warnx_msg("%s: an address (%s) is required", mode,
			  server ? "-l" : "-a");
		usage(stderr, EXIT_USAGE);
	}
	if (!server && (!have_n || !have_w)) {
		warnx_msg("%s: -n ITERS and -w WARMUP are required", mode);
		usage(stderr, EXIT_USAGE);
	}
	if (o.cpu >= 0 && pin_cpu((int)o.cpu)) {
		warn_errno(errno, "pin to CPU %ld", o.cpu);
		return 1;
	}

	if (amoeba)
		return server ? server_amoeba(&o) : client_amoeba(&o);
	return server ? server_tcp(&o) : client_tcp(&o);
}
