// SPDX-License-Identifier: GPL-2.0
/*
 * am_lat: round-trip latency of an AF_AMOEBA transaction next to a TCP and
 * a UDP request/response of the same size between the same two hosts, for
 * "make demo" and "make bench".  Each request/response client does WARMUP
 * untimed round trips, then ITERS timed ones, and prints one
 * machine-readable RESULT line with the median, p99, min and max in
 * microseconds and the payload moved both ways per second; the servers run
 * until killed.  TCP uses TCP_NODELAY and blocking reads and writes, UDP
 * blocking send and recv on a connected socket: the fairest simple
 * equivalents of one trans.  client-tcp-stream measures the throughput of
 * one TCP stream into server-tcp-sink, the baseline for large messages;
 * client-amoeba -s 1048576 -r 0 (1 MiB requests, header-only replies) is
 * the AF_AMOEBA transfer that compares with it.
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
#include <sys/time.h>
#include <unistd.h>

#include "common.h"

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#endif

#define MAX_TCP_SIZE	65536
/* Largest payload of one UDP datagram over IPv4. */
#define MAX_UDP_SIZE	65507
/* Largest -b of client-tcp-stream: 1 TiB. */
#define MAX_STREAM_BYTES	(1UL << 40)
/* client-tcp-stream writes in chunks of this many bytes: one "message". */
#define STREAM_CHUNK	(1 << 20)
/* How long a TCP client keeps retrying while its server starts. */
#define CONNECT_WAIT_MS	5000
/* How long a UDP client waits for a reply before it gives up. */
#define UDP_REPLY_MS	2000

enum lat_mode {
	SERVER_AMOEBA, CLIENT_AMOEBA, SERVER_TCP, CLIENT_TCP,
	SERVER_UDP, CLIENT_UDP, SERVER_TCP_SINK, CLIENT_TCP_STREAM,
};

static const struct lat_mode_info {
	const char *name;
	const char *opts;
	bool server;
	bool amoeba;
} modes[] = {
	[SERVER_AMOEBA]		= { "server-amoeba", "g:c:h", true, true },
	[CLIENT_AMOEBA]		= { "client-amoeba", "p:g:n:w:s:r:t:c:h", false, true },
	[SERVER_TCP]		= { "server-tcp", "l:c:h", true, false },
	[CLIENT_TCP]		= { "client-tcp", "a:n:w:s:c:h", false, false },
	[SERVER_UDP]		= { "server-udp", "l:c:h", true, false },
	[CLIENT_UDP]		= { "client-udp", "a:n:w:s:c:h", false, false },
	[SERVER_TCP_SINK]	= { "server-tcp-sink", "l:c:h", true, false },
	[CLIENT_TCP_STREAM]	= { "client-tcp-stream", "a:b:c:h", false, false },
};

struct lat_opts {
	struct am_port port;	/* get-port (servers) or put-port (clients) */
	bool have_port;
	struct sockaddr_in sin;
	bool have_addr;
	unsigned long iters;
	unsigned long warmup;
	unsigned long size;
	bool have_rsize;	/* -r: a sized reply, not the echo */
	unsigned long rsize;
	unsigned long bytes;
	unsigned long timeout;
	long cpu;
};

static void usage(FILE *f, int status)
{
	fprintf(f,
		"usage: %s server-amoeba -g GETPORT [-c CPU]\n"
		"       %s client-amoeba -p PUTPORT | -g GETPORT -n ITERS -w WARMUP\n"
		"                 [-s SIZE] [-r REPLYSIZE] [-t TIMEOUT_MS] [-c CPU]\n"
		"       %s server-tcp -l ADDR:PORT [-c CPU]\n"
		"       %s client-tcp -a ADDR:PORT -n ITERS -w WARMUP [-s SIZE] [-c CPU]\n"
		"       %s server-udp -l ADDR:PORT [-c CPU]\n"
		"       %s client-udp -a ADDR:PORT -n ITERS -w WARMUP [-s SIZE] [-c CPU]\n"
		"       %s server-tcp-sink -l ADDR:PORT [-c CPU]\n"
		"       %s client-tcp-stream -a ADDR:PORT -b BYTES [-c CPU]\n"
		"Request/response clients send SIZE bytes and expect SIZE bytes back:\n"
		"client-amoeba 0 to %u (default 0, header only; the server echoes\n"
		"the request), client-tcp 1 to %d, client-udp 1 to %d (default 32).\n"
		"client-amoeba -r asks server-amoeba for REPLYSIZE bytes (0 to %u)\n"
		"back instead: -s 1048576 -r 0 moves 1 MiB one way per call, to\n"
		"compare with client-tcp-stream.  They print\n"
		"  RESULT <amoeba|tcp|udp> n=ITERS median_us=X p99_us=X min_us=X max_us=X\n"
		"         size=SIZE reply=REPLYSIZE MBps=X\n"
		"where MBps is the payload moved both ways ((SIZE + REPLYSIZE) x ITERS\n"
		"bytes) per second of the timed loop, in 10^6 bytes, and REPLYSIZE is\n"
		"SIZE but for client-amoeba -r.  client-tcp-stream writes BYTES\n"
		"(up to 2^40) in 1 MiB writes, shuts down its side and waits for the\n"
		"one-byte answer server-tcp-sink sends after end of file; it prints\n"
		"  RESULT tcp_stream bytes=BYTES seconds=X MBps=X\n"
		"server-amoeba prints its put-port, the other servers\n"
		"\"listening ADDR:PORT\".\n",
		progname, progname, progname, progname, progname, progname,
		progname, progname, AM_MAXBUF, MAX_TCP_SIZE, MAX_UDP_SIZE,
		AM_MAXBUF);
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

/*
 * Print the RESULT line of @n round trips of @size bytes out and @rsize
 * back, which took @ns nanoseconds in all (the timed loop, wall clock).
 */
static void print_result(const char *path, double *lat, unsigned long n,
			 unsigned long size, unsigned long rsize, uint64_t ns)
{
	double bytes = (double)(size + rsize) * (double)n;
	double mbps = ns ? bytes * 1000.0 / (double)ns : 0;

	sort_doubles(lat, n);
	printf("RESULT %s n=%lu median_us=%.2f p99_us=%.2f min_us=%.2f max_us=%.2f size=%lu reply=%lu MBps=%.2f\n",
	       path, n, percentile_sorted(lat, n, 50),
	       percentile_sorted(lat, n, 99), lat[0], lat[n - 1], size, rsize,
	       mbps);
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

/*
 * Echo every request, or send the reply size a sized request asks for.
 * The data are whatever the buffer holds: only their size is measured.
 */
static int server_amoeba(const struct lat_opts *o)
{
	static unsigned char buf[AM_MAXBUF];
	struct sockaddr_amoeba sam;
	char pbuf[PORT_STRLEN + 1];
	struct am_io req, rep;
	socklen_t len = sizeof(sam);
	int fd = open_amoeba(), n;
	uint32_t rsize;
	uint64_t seed;

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
		if (amt_get_sized(&req.hdr, &rsize, &seed))
			n = (int)(rsize > AM_MAXBUF ? AM_MAXBUF : rsize);
		memset(&rep, 0, sizeof(rep));
		rep.hdr = req.hdr;
		rep.hdr.h_status = STD_OK;
		rep.hdr.h_size = amt_h_size((unsigned long)n);
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
	static unsigned char req_buf[AM_MAXBUF], rep_buf[AM_MAXBUF];
	unsigned long total = o->warmup + o->iters, i;
	unsigned long rsize = o->have_rsize ? o->rsize : o->size;
	double *lat = malloc(o->iters * sizeof(*lat));
	char pbuf[PORT_STRLEN + 1];
	int fd = open_amoeba(), n;
	uint64_t t0, start = 0;
	struct am_trans t;

	if (!lat) {
		warnx_msg("out of memory for %lu samples", o->iters);
		return 1;
	}
	memset(req_buf, 0xa5, o->size);
	for (i = 0; i < total; i++) {
		memset(&t, 0, sizeof(t));
		t.req.hdr.h_port = o->port;
		if (o->have_rsize)
			amt_set_sized(&t.req.hdr, (uint32_t)rsize, 0);
		t.req.hdr.h_offset = (__s32)i;
		t.req.hdr.h_size = amt_h_size(o->size);
		t.req.buf = (uintptr_t)req_buf;
		t.req.size = (__u32)o->size;
		t.rep.buf = (uintptr_t)rep_buf;
		t.rep.size = (__u32)rsize;
		t.timeout_ms = (__u32)o->timeout;
		t0 = now_ns();
		if (i == o->warmup)
			start = t0;
		n = ioctl(fd, AMIOC_TRANS, &t);
		if (n < 0) {
			warn_errno(errno, "trans %lu to %s", i,
				   port_format(&o->port, pbuf));
			return 1;
		}
		if (i >= o->warmup)
			lat[i - o->warmup] = (double)(now_ns() - t0) / 1000.0;
		if ((unsigned long)n != rsize) {
			warnx_msg("trans %lu: %d reply bytes, expected %lu",
				  i, n, rsize);
			return 1;
		}
	}
	print_result("amoeba", lat, o->iters, o->size, rsize,
		     now_ns() - start);
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

/* A TCP socket bound to o->sin and listening; -1 after a message. */
static int listen_tcp(const struct lat_opts *o)
{
	char abuf[INET_ADDRSTRLEN];
	int lfd, one = 1;

	lfd = socket(AF_INET, SOCK_STREAM, 0);
	if (lfd < 0) {
		warn_errno(errno, "socket(AF_INET, SOCK_STREAM)");
		return -1;
	}
	setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	inet_ntop(AF_INET, &o->sin.sin_addr, abuf, sizeof(abuf));
	if (bind(lfd, (const struct sockaddr *)&o->sin, sizeof(o->sin))) {
		warn_errno(errno, "bind %s:%u", abuf, ntohs(o->sin.sin_port));
		return -1;
	}
	if (listen(lfd, 16)) {
		warn_errno(errno, "listen");
		return -1;
	}
	printf("listening %s:%u\n", abuf, ntohs(o->sin.sin_port));
	fflush(stdout);
	return lfd;
}

static int accept_tcp(int lfd)
{
	int fd;

	for (;;) {
		fd = accept(lfd, NULL, NULL);
		if (fd >= 0)
			return fd;
		if (errno != EINTR && errno != ECONNABORTED) {
			warn_errno(errno, "accept");
			return -1;
		}
	}
}

/* A TCP socket connected to o->sin, retrying while the server starts. */
static int connect_tcp(const struct lat_opts *o)
{
	uint64_t deadline = now_ns() + (uint64_t)CONNECT_WAIT_MS * 1000000;
	int fd;

	for (;;) {
		fd = socket(AF_INET, SOCK_STREAM, 0);
		if (fd < 0) {
			warn_errno(errno, "socket(AF_INET, SOCK_STREAM)");
			return -1;
		}
		if (connect(fd, (const struct sockaddr *)&o->sin,
			    sizeof(o->sin)) == 0)
			return fd;
		/* The server may still be starting in its namespace. */
		if (errno != ECONNREFUSED || now_ns() > deadline) {
			warn_errno(errno, "connect");
			close(fd);
			return -1;
		}
		close(fd);
		usleep(50000);
	}
}

static int server_tcp(const struct lat_opts *o)
{
	static unsigned char buf[MAX_TCP_SIZE];
	int lfd = listen_tcp(o), fd;
	ssize_t n;

	if (lfd < 0)
		return 1;
	for (;;) {
		fd = accept_tcp(lfd);
		if (fd < 0)
			return 1;
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
	uint64_t t0, start = 0;
	int fd, r;

	if (!lat || !out || !in) {
		warnx_msg("out of memory for %lu samples", o->iters);
		return 1;
	}
	memset(out, 0xa5, o->size);
	fd = connect_tcp(o);
	if (fd < 0)
		return 1;
	set_nodelay(fd);
	for (i = 0; i < total; i++) {
		t0 = now_ns();
		if (i == o->warmup)
			start = t0;
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
	print_result("tcp", lat, o->iters, o->size, o->size, now_ns() - start);
	return 0;
}

static int server_udp(const struct lat_opts *o)
{
	static unsigned char buf[MAX_UDP_SIZE];
	char abuf[INET_ADDRSTRLEN];
	struct sockaddr_in peer;
	socklen_t plen;
	ssize_t n;
	int fd;

	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0) {
		warn_errno(errno, "socket(AF_INET, SOCK_DGRAM)");
		return 1;
	}
	inet_ntop(AF_INET, &o->sin.sin_addr, abuf, sizeof(abuf));
	if (bind(fd, (const struct sockaddr *)&o->sin, sizeof(o->sin))) {
		warn_errno(errno, "bind %s:%u", abuf, ntohs(o->sin.sin_port));
		return 1;
	}
	printf("listening %s:%u\n", abuf, ntohs(o->sin.sin_port));
	fflush(stdout);
	for (;;) {
		plen = sizeof(peer);
		n = recvfrom(fd, buf, sizeof(buf), 0, (struct sockaddr *)&peer,
			     &plen);
		if (n < 0) {
			/* An ICMP error for an earlier reply: not fatal. */
			if (errno == EINTR || errno == ECONNREFUSED)
				continue;
			warn_errno(errno, "recvfrom");
			return 1;
		}
		if (sendto(fd, buf, (size_t)n, 0, (struct sockaddr *)&peer,
			   plen) < 0 && errno != ECONNREFUSED)
			warn_errno(errno, "sendto");
	}
}

static int client_udp(const struct lat_opts *o)
{
	struct timeval tv = { .tv_sec = UDP_REPLY_MS / 1000,
			      .tv_usec = (UDP_REPLY_MS % 1000) * 1000 };
	unsigned long total = o->warmup + o->iters, i;
	double *lat = malloc(o->iters * sizeof(*lat));
	unsigned char *out = malloc(o->size), *in = malloc(o->size + 1);
	uint64_t t0, start = 0, deadline;
	ssize_t n;
	int fd;

	if (!lat || !out || !in) {
		warnx_msg("out of memory for %lu samples", o->iters);
		return 1;
	}
	memset(out, 0xa5, o->size);
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0) {
		warn_errno(errno, "socket(AF_INET, SOCK_DGRAM)");
		return 1;
	}
	if (connect(fd, (const struct sockaddr *)&o->sin, sizeof(o->sin))) {
		warn_errno(errno, "connect");
		return 1;
	}
	if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)))
		warn_errno(errno, "setsockopt SO_RCVTIMEO");
	deadline = now_ns() + (uint64_t)CONNECT_WAIT_MS * 1000000;
	for (i = 0; i < total; i++) {
		t0 = now_ns();
		if (i == o->warmup)
			start = t0;
		if (send(fd, out, o->size, 0) < 0) {
			/* The server may still be starting in its namespace. */
			if (i == 0 && errno == ECONNREFUSED && now_ns() < deadline) {
				usleep(50000);
				i--;
				continue;
			}
			warn_errno(errno, "send round trip %lu", i);
			return 1;
		}
		n = recv(fd, in, o->size + 1, 0);
		if (n < 0) {
			if (i == 0 && errno == ECONNREFUSED && now_ns() < deadline) {
				usleep(50000);
				i--;
				continue;
			}
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				warnx_msg("round trip %lu: no reply in %d ms (datagram lost?)",
					  i, UDP_REPLY_MS);
			else
				warn_errno(errno, "recv round trip %lu", i);
			return 1;
		}
		if (i >= o->warmup)
			lat[i - o->warmup] = (double)(now_ns() - t0) / 1000.0;
		if ((unsigned long)n != o->size) {
			warnx_msg("round trip %lu: %zd reply bytes, expected %lu",
				  i, n, o->size);
			return 1;
		}
	}
	close(fd);
	print_result("udp", lat, o->iters, o->size, o->size, now_ns() - start);
	return 0;
}

/* Read each connection to its end, then answer one byte. */
static int server_tcp_sink(const struct lat_opts *o)
{
	static unsigned char buf[STREAM_CHUNK];
	int lfd = listen_tcp(o), fd;
	ssize_t n;

	if (lfd < 0)
		return 1;
	for (;;) {
		fd = accept_tcp(lfd);
		if (fd < 0)
			return 1;
		while ((n = read(fd, buf, sizeof(buf))) > 0 ||
		       (n < 0 && errno == EINTR))
			;
		if (n == 0 && write_full(fd, buf, 1))
			warn_errno(errno, "write the answer");
		close(fd);
	}
}

static int client_tcp_stream(const struct lat_opts *o)
{
	unsigned char *buf = malloc(STREAM_CHUNK), ack;
	unsigned long left = o->bytes;
	uint64_t t0, ns;
	size_t chunk;
	int fd, r;

	if (!buf) {
		warnx_msg("out of memory for a %d-byte buffer", STREAM_CHUNK);
		return 1;
	}
	memset(buf, 0xa5, STREAM_CHUNK);
	fd = connect_tcp(o);
	if (fd < 0)
		return 1;
	t0 = now_ns();
	while (left) {
		chunk = left < STREAM_CHUNK ? left : STREAM_CHUNK;
		if (write_full(fd, buf, chunk)) {
			warn_errno(errno, "write after %lu bytes",
				   o->bytes - left);
			return 1;
		}
		left -= chunk;
	}
	if (shutdown(fd, SHUT_WR)) {
		warn_errno(errno, "shutdown");
		return 1;
	}
	r = read_full(fd, &ack, 1);
	ns = now_ns() - t0;
	if (r) {
		if (r > 0)
			warnx_msg("server closed without its answer");
		else
			warn_errno(errno, "read the answer");
		return 1;
	}
	close(fd);
	printf("RESULT tcp_stream bytes=%lu seconds=%.3f MBps=%.2f\n",
	       o->bytes, (double)ns / 1e9,
	       (double)o->bytes * 1000.0 / (double)(ns ? ns : 1));
	fflush(stdout);
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct lat_opts o = { .cpu = -1 };
	bool server, amoeba, have_n = false, have_w = false, have_s = false;
	bool have_b = false;
	const char *mode, *opts;
	enum lat_mode m;
	struct am_port get;
	unsigned long v, max_size;
	size_t i;
	int ch;

	set_progname(argv[0]);
	if (argc < 2)
		usage(stderr, EXIT_USAGE);
	mode = argv[1];
	if (!strcmp(mode, "--help") || !strcmp(mode, "-h"))
		usage(stdout, 0);
	for (i = 0; i < ARRAY_SIZE(modes); i++)
		if (!strcmp(mode, modes[i].name))
			break;
	if (i == ARRAY_SIZE(modes)) {
		warnx_msg("unknown mode \"%s\"", mode);
		usage(stderr, EXIT_USAGE);
	}
	m = (enum lat_mode)i;
	server = modes[m].server;
	amoeba = modes[m].amoeba;
	opts = modes[m].opts;

	argc--, argv++;
	while ((ch = getopt_long(argc, argv, opts, longopts, NULL)) != -1) {
		switch (ch) {
		case 'p':
		case 'g':
			if (o.have_port) {
				warnx_msg("give one of -p and -g, once");
				usage(stderr, EXIT_USAGE);
			}
			if (am_port_parse(optarg, ch == 'g' ? &get : &o.port, NULL) ||
			    am_port_null(ch == 'g' ? &get : &o.port)) {
				warnx_msg("-%c %s: not a non-null port of 12 hex digits",
					  ch, optarg);
				usage(stderr, EXIT_USAGE);
			}
			/* Servers bind the get-port; clients need F of it. */
			if (ch == 'g')
				o.port = get;
			if (ch == 'g' && !server)
				am_fbox(&get, &o.port);
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
			o.iters = opt_ulong('n', optarg, 1, 100000000,
					    "a count", usage);
			have_n = true;
			break;
		case 'w':
			o.warmup = opt_ulong('w', optarg, 0, 100000000,
					     "a count", usage);
			have_w = true;
			break;
		case 's':
			/* The mode's own limit is checked below. */
			o.size = opt_ulong('s', optarg, 0, AM_MAXBUF,
					   "a size", usage);
			have_s = true;
			break;
		case 'r':
			o.rsize = opt_ulong('r', optarg, 0, AM_MAXBUF,
					    "a size", usage);
			o.have_rsize = true;
			break;
		case 'b':
			o.bytes = opt_ulong('b', optarg, 1, MAX_STREAM_BYTES,
					    "a byte count", usage);
			have_b = true;
			break;
		case 't':
			o.timeout = opt_ulong('t', optarg, 0, 3600000,
					      "milliseconds", usage);
			break;
		case 'c':
			v = opt_ulong('c', optarg, 0, MAX_CPU,
				      "a CPU number", usage);
			o.cpu = (long)v;
			break;
		case 'h':
			usage(stdout, 0);
			break;
		default:
			usage(stderr, EXIT_USAGE);
		}
	}
	opt_no_operands(argc, argv, usage);
	if (amoeba && !o.have_port) {
		warnx_msg("%s: a port (-g or -p) is required", mode);
		usage(stderr, EXIT_USAGE);
	}
	if (!amoeba && !o.have_addr) {
		warnx_msg("%s: an address (%s) is required", mode,
			  server ? "-l" : "-a");
		usage(stderr, EXIT_USAGE);
	}
	if (m == CLIENT_TCP_STREAM && !have_b) {
		warnx_msg("%s: -b BYTES is required", mode);
		usage(stderr, EXIT_USAGE);
	}
	if (!server && m != CLIENT_TCP_STREAM && (!have_n || !have_w)) {
		warnx_msg("%s: -n ITERS and -w WARMUP are required", mode);
		usage(stderr, EXIT_USAGE);
	}
	/* Header only for AF_AMOEBA, 32 bytes (the header's size) otherwise. */
	if (!have_s)
		o.size = amoeba ? 0 : 32;
	max_size = m == CLIENT_AMOEBA ? AM_MAXBUF :
		   m == CLIENT_UDP ? MAX_UDP_SIZE : MAX_TCP_SIZE;
	if (o.size > max_size || (!amoeba && o.size == 0)) {
		warnx_msg("%s: -s %lu: not a size from %d to %lu", mode,
			  o.size, amoeba ? 0 : 1, max_size);
		usage(stderr, EXIT_USAGE);
	}
	if (o.cpu >= 0 && pin_cpu((int)o.cpu)) {
		warn_errno(errno, "pin to CPU %ld", o.cpu);
		return 1;
	}

	switch (m) {
	case SERVER_AMOEBA:
		return server_amoeba(&o);
	case CLIENT_AMOEBA:
		return client_amoeba(&o);
	case SERVER_TCP:
		return server_tcp(&o);
	case CLIENT_TCP:
		return client_tcp(&o);
	case SERVER_UDP:
		return server_udp(&o);
	case CLIENT_UDP:
		return client_udp(&o);
	case SERVER_TCP_SINK:
		return server_tcp_sink(&o);
	case CLIENT_TCP_STREAM:
		return client_tcp_stream(&o);
	}
	return 1;
}
