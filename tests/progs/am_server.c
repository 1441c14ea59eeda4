// SPDX-License-Identifier: GPL-2.0
/*
 * am_server: an echo service for testing AF_AMOEBA.  It binds a get-port,
 * prints the matching put-port on stdout for the script that started it,
 * then serves requests with getreq/putrep: the reply header is the request
 * header with h_status 0 and h_offset one higher, the reply data the
 * request data, of any size up to AM_MAXBUF; a request with h_command
 * AMT_CMD_SIZED gets instead a reply of the size it asks for, filled with
 * pseudo-random bytes from its seed (see common.h).  It remembers every
 * (h_extra, h_offset) pair it executed so that tests under packet loss and
 * duplication can tell whether a request ran more than once (at-most-once),
 * and says so when it exits.  Every failed putrep is reported on stderr
 * with its errno, size and duration, and counted by errno in the summary,
 * because a client that went away is seen only there.  With -H it prints
 * the SHA-256 of every request and reply, for a test to compare with what
 * the client hashed.  With -t, several threads serve one socket; SIGTERM or
 * SIGINT stops them through shutdown(SHUT_RD), which wakes every blocked
 * getreq.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "common.h"

#define MAX_THREADS	64
/* putrep failures are counted per errno below this; others as "other". */
#define MAX_ERRNO	256

/* Set of executed (h_extra, h_offset) pairs: open addressing, 0 = empty. */
struct exec_set {
	uint64_t *slot;
	size_t size;	/* power of two */
	size_t used;
};

/* What the serving threads share; @lock guards the records and counts. */
struct server {
	int		fd;
	unsigned long	count;		/* stop after this many; 0: never */
	unsigned long	delay_ms;
	unsigned long	putrep_ms;	/* AMIOC_PUTREP_TIMEO, or 0 */
	bool		hash;		/* -H: print SHA-256 of each call */
	pthread_t	main;
	pthread_mutex_t	lock;
	struct exec_set	seen;
	unsigned long	served, repeated, failed;
	unsigned long	putrep_err[MAX_ERRNO + 1];	/* [MAX_ERRNO]: other */
	unsigned int	alive;
};

static bool quiet;

static void usage(FILE *f, int status)
{
	fprintf(f,
		"usage: %s -g GETPORT [-n COUNT] [-d MS] [-T MS] [-t THREADS] [-c CPU]\n"
		"       %*s [-P MS] [-H] [-q]\n"
		"  -g GETPORT  get-port to serve, 12 hex digits (secret)\n"
		"  -n COUNT    exit after COUNT requests (default 0: forever)\n"
		"  -d MS       work MS milliseconds on each request before\n"
		"              replying (a slow server, to kill mid-call)\n"
		"  -T MS       a reply larger than one frame fails when the\n"
		"              client takes nothing new of it for MS milliseconds\n"
		"              (SO_SNDTIMEO; default 0: trans_timeout_ms)\n"
		"  -P MS       the same for each putrep on its own\n"
		"              (AMIOC_PUTREP_TIMEO; overrides -T)\n"
		"  -t THREADS  serve with THREADS threads on one socket\n"
		"  -c CPU      pin to CPU\n"
		"  -H          print on stdout, for every call answered,\n"
		"              \"served h_extra E h_offset O: request N bytes\n"
		"              sha256 X, reply M bytes sha256 Y\"\n"
		"  -q          no messages on stderr but errors\n"
		"Prints the put-port on stdout, then answers every request: with\n"
		"its own data (echo, up to %u bytes), or, if h_command is %d, with\n"
		"the number of pseudo-random bytes it asks for (see am_client -r).\n"
		"A failed putrep is reported on stderr as\n"
		"  %s: putrep id I (N bytes, after MS ms): ERRNO (message)\n"
		"and counted by errno in the summary line printed on exit:\n"
		"  %s: served N requests, R repeated (h_extra,h_offset), E errors\n"
		"  [; putrep failed: ERRNO COUNT ...]\n"
		"Exits 1 if any getreq or putrep failed.\n",
		progname, (int)strlen(progname), "", AM_MAXBUF, AMT_CMD_SIZED,
		progname, progname);
	exit(status);
}

static uint64_t mix(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	return x;
}

/* Record @key; true if it was already there. */
static bool exec_set_add(struct exec_set *s, uint64_t key)
{
	uint64_t *old = s->slot;
	size_t old_size = s->size, i, j;

	key++;	/* keep 0 for empty slots */
	if (2 * (s->used + 1) > s->size) {
		s->size = s->size ? 2 * s->size : 1024;
		s->slot = calloc(s->size, sizeof(*s->slot));
		if (!s->slot) {
			warnx_msg("out of memory for %zu request records",
				  s->size);
			exit(1);
		}
		for (i = 0; i < old_size; i++) {
			if (!old[i])
				continue;
			j = mix(old[i]) & (s->size - 1);
			while (s->slot[j])
				j = (j + 1) & (s->size - 1);
			s->slot[j] = old[i];
		}
		free(old);
	}
	i = mix(key) & (s->size - 1);
	while (s->slot[i]) {
		if (s->slot[i] == key)
			return true;
		i = (i + 1) & (s->size - 1);
	}
	s->slot[i] = key;
	s->used++;
	return false;
}

/* Wake main(), which stops everything: the count is reached or all died. */
static void finish(struct server *srv)
{
	shutdown(srv->fd, SHUT_RD);
	pthread_kill(srv->main, SIGUSR1);
}

/* Wait for the next request into @buf; its full length, or -1 at the end. */
static long next_request(struct server *srv, struct am_io *req,
			 unsigned char *buf)
{
	long n;

	for (;;) {
		memset(req, 0, sizeof(*req));
		req->buf = (uintptr_t)buf;
		req->size = AM_MAXBUF;
		n = ioctl(srv->fd, AMIOC_GETREQ, req);
		if (n >= 0)
			return n;
		if (errno == EINTR)
			continue;
		if (errno != ESHUTDOWN) {
			warn_errno(errno, "getreq");
			pthread_mutex_lock(&srv->lock);
			srv->failed++;
			pthread_mutex_unlock(&srv->lock);
		}
		return -1;
	}
}

/* Note a request's (h_extra, h_offset); say so if it ran before. */
static void record(struct server *srv, const struct am_io *req)
{
	uint64_t key = (uint64_t)req->hdr.h_extra << 32 |
		       (uint32_t)req->hdr.h_offset;
	bool again;

	pthread_mutex_lock(&srv->lock);
	again = exec_set_add(&srv->seen, key);
	if (again)
		srv->repeated++;
	/* One line per event, but a storm should not flood. */
	if (again && srv->repeated <= 10 && !quiet)
		fprintf(stderr,
			"%s: request h_extra %u h_offset %d (id %u) executed again\n",
			progname, req->hdr.h_extra, req->hdr.h_offset, req->id);
	pthread_mutex_unlock(&srv->lock);
}

/*
 * Turn the request in @buf (@len bytes) into its reply in place: the echo,
 * or the pseudo-random data a sized request asks for.  Returns the reply
 * length.
 */
static int putrep(const struct server *srv, struct am_io *rep)
{
	struct am_putrep p = {
		.rep = *rep,
		.timeout_ms = (uint32_t)srv->putrep_ms,
	};

	if (!srv->putrep_ms)
		return ioctl(srv->fd, AMIOC_PUTREP, rep);
	return ioctl(srv->fd, AMIOC_PUTREP_TIMEO, &p);
}

static uint32_t make_reply(const struct am_io *req, struct am_io *rep,
			   unsigned char *buf, uint32_t len)
{
	uint32_t size;
	uint64_t seed;

	memset(rep, 0, sizeof(*rep));
	rep->hdr = req->hdr;
	rep->hdr.h_status = STD_OK;
	rep->hdr.h_offset = (__s32)((uint32_t)req->hdr.h_offset + 1);
	rep->id = req->id;
	rep->buf = (uintptr_t)buf;
	if (amt_get_sized(&req->hdr, &size, &seed)) {
		/* A reply the kernel would refuse is the client's mistake. */
		if (size > AM_MAXBUF) {
			rep->hdr.h_status = STD_ARGBAD;
			size = 0;
		}
		fill_random(buf, size, seed);
		len = size;
	}
	rep->hdr.h_size = amt_h_size(len);
	rep->size = len;
	return len;
}

/* One serving thread: getreq, echo, putrep, until the socket shuts down. */
static void *serve(void *arg)
{
	char qhash[SHA256_STRLEN + 1], rhash[SHA256_STRLEN + 1];
	unsigned char *buf = malloc(AM_MAXBUF);
	struct server *srv = arg;
	struct am_io req, rep;
	uint32_t qlen, rlen;
	uint64_t t0;
	long n;
	int err;

	if (!buf) {
		warnx_msg("out of memory for a %u-byte buffer", AM_MAXBUF);
		pthread_mutex_lock(&srv->lock);
		srv->failed++;
		pthread_mutex_unlock(&srv->lock);
		goto out;
	}
	while ((n = next_request(srv, &req, buf)) >= 0) {
		/* The kernel cut the copy to the buffer; the rest is lost. */
		qlen = n > AM_MAXBUF ? AM_MAXBUF : (uint32_t)n;
		record(srv, &req);
		if (srv->hash)
			sha256_hex(buf, qlen, qhash);
		if (srv->delay_ms)
			usleep(srv->delay_ms * 1000);
		rlen = make_reply(&req, &rep, buf, qlen);
		if (srv->hash)
			sha256_hex(buf, rlen, rhash);

		t0 = now_ns();
		n = putrep(srv, &rep);
		err = errno;
		if (n < 0)
			warn_errno(err, "putrep id %u (%u bytes, after %.0f ms)",
				   req.id, rlen,
				   (double)(now_ns() - t0) / 1e6);
		pthread_mutex_lock(&srv->lock);
		if (n < 0) {
			srv->failed++;
			srv->putrep_err[err > 0 && err < MAX_ERRNO ? err :
					MAX_ERRNO]++;
		} else {
			srv->served++;
			if (srv->hash) {
				printf("%s: served h_extra %u h_offset %d: request %u bytes sha256 %s, reply %u bytes sha256 %s\n",
				       progname, req.hdr.h_extra,
				       req.hdr.h_offset, qlen, qhash, rlen,
				       rhash);
				fflush(stdout);
			}
		}
		if (srv->count && srv->served == srv->count)
			finish(srv);
		pthread_mutex_unlock(&srv->lock);
	}
out:
	free(buf);
	pthread_mutex_lock(&srv->lock);
	if (--srv->alive == 0)
		finish(srv);
	pthread_mutex_unlock(&srv->lock);
	return NULL;
}

/* The summary line: how many calls, and every putrep errno seen. */
static void print_summary(const struct server *srv)
{
	const char *sep = "; putrep failed:";
	int e;

	fprintf(stderr,
		"%s: served %lu requests, %lu repeated (h_extra,h_offset), %lu errors",
		progname, srv->served, srv->repeated, srv->failed);
	for (e = 1; e <= MAX_ERRNO; e++) {
		if (!srv->putrep_err[e])
			continue;
		fprintf(stderr, "%s %s %lu", sep,
			e == MAX_ERRNO ? "other" : errno_name(e),
			srv->putrep_err[e]);
		sep = ",";
	}
	fputc('\n', stderr);
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static struct server srv = { .lock = PTHREAD_MUTEX_INITIALIZER };
	char pbuf[PORT_STRLEN + 1], fbuf[PORT_STRLEN + 1];
	unsigned long cpu, nthreads = 1, sndtimeo = 0, k;
	struct am_port get, put, kput;
	struct sockaddr_amoeba sam;
	bool have_get = false;
	pthread_t *threads;
	sigset_t sigs;
	socklen_t len;
	int fd, ch, sig;

	set_progname(argv[0]);
	while ((ch = getopt_long(argc, argv, "g:n:d:T:P:t:c:Hqh", longopts, NULL)) != -1) {
		switch (ch) {
		case 'g':
			if (am_port_parse(optarg, &get, NULL) || am_port_null(&get)) {
				warnx_msg("-g %s: not a non-null port of 12 hex digits",
					  optarg);
				usage(stderr, EXIT_USAGE);
			}
			have_get = true;
			break;
		case 'n':
			srv.count = opt_ulong('n', optarg, 0, 1UL << 40,
					      "a count", usage);
			break;
		case 'd':
			srv.delay_ms = opt_ulong('d', optarg, 0, 3600000,
						 "a number of milliseconds", usage);
			break;
		case 'T':
			sndtimeo = opt_ulong('T', optarg, 0, 3600000,
					     "a number of milliseconds", usage);
			break;
		case 'P':
			srv.putrep_ms = opt_ulong('P', optarg, 0, 3600000,
						  "a number of milliseconds",
						  usage);
			break;
		case 't':
			nthreads = opt_ulong('t', optarg, 1, MAX_THREADS,
					     "a thread count", usage);
			break;
		case 'c':
			cpu = opt_ulong('c', optarg, 0, MAX_CPU,
					"a CPU number", usage);
			if (pin_cpu((int)cpu)) {
				warn_errno(errno, "pin to CPU %lu", cpu);
				exit(1);
			}
			break;
		case 'H':
			srv.hash = true;
			break;
		case 'q':
			quiet = true;
			break;
		case 'h':
			usage(stdout, 0);
			break;
		default:
			usage(stderr, EXIT_USAGE);
		}
	}
	opt_no_operands(argc, argv, usage);
	if (!have_get) {
		warnx_msg("-g GETPORT is required");
		usage(stderr, EXIT_USAGE);
	}

	/* Signals go to main() alone, which stops the serving threads. */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGUSR1);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);

	fd = am_socket(0);
	if (fd < 0) {
		warn_errno(errno, "socket(family %d, SOCK_DGRAM) (is amoeba.ko loaded?)",
			   am_family());
		exit(1);
	}
	if (sndtimeo) {
		struct timeval tv = {
			.tv_sec = (time_t)(sndtimeo / 1000),
			.tv_usec = (suseconds_t)(sndtimeo % 1000 * 1000),
		};

		if (setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv))) {
			warn_errno(errno, "setsockopt SO_SNDTIMEO %lu ms",
				   sndtimeo);
			exit(1);
		}
	}
	if (am_bind(fd, &get)) {
		warn_errno(errno, "bind get-port %s", port_format(&get, pbuf));
		exit(1);
	}

	/* Print what the kernel says; complain if it disagrees with F. */
	am_fbox(&get, &put);
	len = sizeof(sam);
	if (getsockname(fd, (struct sockaddr *)&sam, &len)) {
		warn_errno(errno, "getsockname");
		kput = put;
	} else {
		kput = sam.sam_port;
		if (memcmp(&kput, &put, sizeof(put)))
			warnx_msg("kernel put-port %s differs from F(get-port) %s",
				  port_format(&kput, pbuf),
				  port_format(&put, fbuf));
	}
	printf("%s\n", port_format(&kput, pbuf));
	fflush(stdout);

	srv.fd = fd;
	srv.main = pthread_self();
	srv.alive = nthreads;
	threads = calloc(nthreads, sizeof(*threads));
	if (!threads) {
		warnx_msg("out of memory for %lu threads", nthreads);
		exit(1);
	}
	for (k = 0; k < nthreads; k++) {
		if (pthread_create(&threads[k], NULL, serve, &srv)) {
			warnx_msg("cannot start thread %lu", k);
			exit(1);
		}
	}
	/* Until a signal, the count, or the end of every thread. */
	sigwait(&sigs, &sig);
	shutdown(fd, SHUT_RD);
	for (k = 0; k < nthreads; k++)
		pthread_join(threads[k], NULL);
	free(threads);
	close(fd);
	if (!quiet || srv.failed)
		print_summary(&srv);
	return srv.failed ? 1 : 0;
}
