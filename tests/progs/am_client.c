// SPDX-License-Identifier: GPL-2.0
/*
 * am_client: drives am_server from another namespace or host.  It does N
 * transactions with patterned data and checks each reply is the echo
 * am_server promises (status 0, h_offset one higher, same data), or, with
 * -r, the pseudo-random reply of the size it asked for; with -e, it checks
 * instead that every transaction fails with the errno the test expects.
 * With -R, the request data are pseudo-random from a seed and each call
 * prints the SHA-256 of its request and reply, which a test compares with
 * what am_server -H printed: the two ends then vouch for every byte of a
 * message of up to 1 MiB independently.  With -j, several threads call at
 * once on one socket.
 * It prints one summary line and exits 0 only if everything checked out,
 * so shell scripts can use it as a single test point.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "common.h"

/* Largest -s: beyond AM_MAXBUF only to test EMSGSIZE. */
#define MAX_SIZE	(2UL * AM_MAXBUF)
#define MAX_EXPECT	8
#define MAX_JOBS	64

static void usage(FILE *f, int status)
{
	fprintf(f,
		"usage: %s -p PUTPORT | -g GETPORT [-n N] [-s SIZE] [-r REPLYSIZE]\n"
		"       %*s [-R SEED] [-t TIMEOUT_MS] [-e ERRNO[,ERRNO...]] [-j THREADS]\n"
		"  -p PUTPORT     service put-port, 12 hex digits\n"
		"  -g GETPORT     service get-port; the put-port is computed\n"
		"  -n N           number of transactions (default 1)\n"
		"  -s SIZE        request bytes, echoed back (default 0; the\n"
		"                 kernel takes at most %u, up to %lu only to\n"
		"                 test its EMSGSIZE)\n"
		"  -r REPLYSIZE   ask am_server for a reply of REPLYSIZE bytes\n"
		"                 (0 to %u) of pseudo-random data instead of\n"
		"                 the echo, and check it\n"
		"  -R SEED        request data pseudo-random from SEED (a\n"
		"                 number), and for each call print\n"
		"                 \"trans I verified: request N bytes sha256 X,\n"
		"                 reply M bytes sha256 Y\", the line am_server -H\n"
		"                 prints for it\n"
		"  -t TIMEOUT_MS  per-transaction timeout (default 0: kernel's)\n"
		"  -e ERRNO       expect every transaction to fail with one of\n"
		"                 these errno names, e.g. EHOSTUNREACH\n"
		"  -j THREADS     THREADS threads on one socket, N calls each\n"
		"A reply that differs from what was expected is reported with its\n"
		"SHA-256, the expected one and the first byte that differs.\n",
		progname, (int)strlen(progname), "", AM_MAXBUF, MAX_SIZE,
		AM_MAXBUF);
	exit(status);
}

static unsigned char pattern(unsigned long i, size_t j, unsigned int id)
{
	return (unsigned char)(i * 31 + j * 7 + id);
}

static int parse_expect(char *list, int *expect)
{
	char *name, *save = NULL;
	int n = 0, e;

	for (name = strtok_r(list, ",", &save); name;
	     name = strtok_r(NULL, ",", &save)) {
		e = errno_from_name(name);
		if (e < 0) {
			warnx_msg("-e %s: unknown errno name", name);
			return -1;
		}
		if (n == MAX_EXPECT) {
			warnx_msg("-e: at most %d errno names", MAX_EXPECT);
			return -1;
		}
		expect[n++] = e;
	}
	if (n == 0)
		warnx_msg("-e: no errno name given");
	return n ? n : -1;
}

static bool expected(int err, const int *expect, int nexpect)
{
	int i;

	for (i = 0; i < nexpect; i++)
		if (expect[i] == err)
			return true;
	return false;
}

/* What all threads share, set once before they start. */
struct job {
	int		fd;
	struct am_port	port;
	char		pbuf[PORT_STRLEN + 1];
	unsigned long	n, size, timeout;
	bool		sized;		/* -r: a sized reply, not the echo */
	unsigned long	rsize;
	bool		random;		/* -R: random data, hashes printed */
	uint64_t	seed;
	int		expect[MAX_EXPECT];
	int		nexpect;
	const char	*elist;
};

/* One thread's calls, each verified; @id tells its requests apart. */
struct worker {
	pthread_t	thread;
	const struct job *job;
	unsigned int	index;	/* 0 .. THREADS - 1: seeds the data */
	unsigned int	id;
	double		*lat;	/* of the successful calls */
	unsigned long	ok;
	double		worst;
};

/* A call's seeds: its request data with -R, its sized reply always. */
static uint64_t call_seed(const struct worker *w, unsigned long i, bool reply)
{
	uint64_t base = w->job->random ? w->job->seed : w->id;

	return seed_mix(seed_mix(base, (uint64_t)w->index << 40 | i), reply) &
	       AMT_SEED_MASK;
}

static void fill_request(const struct worker *w, unsigned long i,
			 unsigned char *buf, size_t size)
{
	size_t j;

	if (w->job->random) {
		fill_random(buf, size, call_seed(w, i, false));
		return;
	}
	for (j = 0; j < size; j++)
		buf[j] = pattern(i, j, w->id);
}

/*
 * Check the @len bytes of reply @got against the @want they should be;
 * say how they differ if they do not.  With -R, print both hashes.
 */
static bool check_data(const struct worker *w, unsigned long i,
		       const unsigned char *req, size_t reqlen,
		       const unsigned char *got, const unsigned char *want,
		       size_t len)
{
	char qhash[SHA256_STRLEN + 1], ghash[SHA256_STRLEN + 1];
	char whash[SHA256_STRLEN + 1];
	size_t bad;

	if (w->job->random) {
		sha256_hex(req, reqlen, qhash);
		sha256_hex(got, len, ghash);
		sha256_hex(want, len, whash);
	}
	if (!memcmp(got, want, len)) {
		if (w->job->random)
			printf("%s: trans %lu verified: request %zu bytes sha256 %s, reply %zu bytes sha256 %s\n",
			       progname, i, reqlen, qhash, len, ghash);
		return true;
	}
	for (bad = 0; got[bad] == want[bad]; bad++)
		;
	if (w->job->random)
		warnx_msg("trans %lu: reply of %zu bytes has sha256 %s, expected %s; first difference at byte %zu: 0x%02x, expected 0x%02x",
			  i, len, ghash, whash, bad, got[bad], want[bad]);
	else
		warnx_msg("trans %lu: reply byte %zu of %zu is 0x%02x, expected 0x%02x",
			  i, bad, len, got[bad], want[bad]);
	return false;
}

static void *run_calls(void *arg)
{
	struct worker *w = arg;
	const struct job *job = w->job;
	unsigned long size = job->size, i;
	unsigned long rsize = job->sized ? job->rsize : size;
	/* One byte of room more than expected shows a reply too long. */
	unsigned char *req_buf = malloc(size ? size : 1);
	unsigned char *rep_buf = malloc(rsize + 1);
	unsigned char *want = job->sized ? malloc(rsize ? rsize : 1) : req_buf;
	struct am_trans t;
	uint64_t t0;
	double us;
	long ret;
	int err;

	if (!req_buf || !rep_buf || !want) {
		warnx_msg("out of memory for %lu- and %lu-byte buffers", size,
			  rsize);
		goto out;
	}
	for (i = 0; i < job->n; i++) {
		fill_request(w, i, req_buf, size);
		memset(rep_buf, 0, rsize + 1);
		memset(&t, 0, sizeof(t));
		t.req.hdr.h_port = job->port;
		t.req.hdr.h_command = AMT_CMD_ECHO;
		if (job->sized) {
			amt_set_sized(&t.req.hdr, (uint32_t)rsize,
				      call_seed(w, i, true));
			fill_random(want, rsize, call_seed(w, i, true));
		}
		t.req.hdr.h_offset = (__s32)i;
		t.req.hdr.h_size = amt_h_size(size);
		t.req.hdr.h_extra = (__u16)w->id;
		t.req.buf = (uintptr_t)req_buf;
		t.req.size = (__u32)size;
		t.rep.buf = (uintptr_t)rep_buf;
		t.rep.size = (__u32)(rsize + 1);
		t.timeout_ms = (__u32)job->timeout;

		t0 = now_ns();
		ret = ioctl(job->fd, AMIOC_TRANS, &t);
		err = errno;
		us = (double)(now_ns() - t0) / 1000.0;
		if (us > w->worst)
			w->worst = us;

		if (job->nexpect) {
			if (ret >= 0) {
				warnx_msg("trans %lu to %s: succeeded, expected %s",
					  i, job->pbuf, job->elist);
				break;
			}
			if (!expected(err, job->expect, job->nexpect)) {
				warn_errno(err, "trans %lu to %s: expected %s, got",
					   i, job->pbuf, job->elist);
				break;
			}
			w->ok++;
			continue;
		}
		if (ret < 0) {
			warn_errno(err, "trans %lu to %s (%lu bytes, after %.1f ms)",
				   i, job->pbuf, size, us / 1000.0);
			break;
		}
		if ((unsigned long)ret != rsize) {
			warnx_msg("trans %lu: reply has %ld bytes, expected %lu",
				  i, ret, rsize);
			break;
		}
		if (t.rep.hdr.h_status != STD_OK ||
		    t.rep.hdr.h_offset != (__s32)(i + 1) ||
		    t.rep.hdr.h_extra != w->id) {
			warnx_msg("trans %lu: reply header status %d offset %d extra %u, expected 0 %lu %u",
				  i, t.rep.hdr.h_status, t.rep.hdr.h_offset,
				  t.rep.hdr.h_extra, i + 1, w->id);
			break;
		}
		if (!check_data(w, i, req_buf, size, rep_buf, want, rsize))
			break;
		w->lat[w->ok++] = us;
	}
out:
	if (want != req_buf)
		free(want);
	free(req_buf);
	free(rep_buf);
	return NULL;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static struct job job = { .n = 1 };
	unsigned long njobs = 1, ok = 0, total, k, i;
	struct worker *w;
	struct am_port get;
	bool have_port = false;
	double *lat, worst = 0;
	char *elist = NULL;
	int ch;

	set_progname(argv[0]);
	while ((ch = getopt_long(argc, argv, "p:g:n:s:r:R:t:e:j:h", longopts,
				 NULL)) != -1) {
		switch (ch) {
		case 'p':
		case 'g':
			if (have_port) {
				warnx_msg("give one of -p and -g, once");
				usage(stderr, EXIT_USAGE);
			}
			if (am_port_parse(optarg, ch == 'p' ? &job.port : &get, NULL)) {
				warnx_msg("-%c %s: not a port of 12 hex digits",
					  ch, optarg);
				usage(stderr, EXIT_USAGE);
			}
			if (ch == 'g')
				am_fbox(&get, &job.port);
			have_port = true;
			break;
		case 'n':
			job.n = opt_ulong('n', optarg, 1, 100000000,
					  "a count", usage);
			break;
		case 's':
			job.size = opt_ulong('s', optarg, 0, MAX_SIZE,
					     "a size", usage);
			break;
		case 'r':
			job.rsize = opt_ulong('r', optarg, 0, AM_MAXBUF,
					      "a size", usage);
			job.sized = true;
			break;
		case 'R':
			job.seed = opt_ulong('R', optarg, 0, ULONG_MAX,
					     "a seed", usage);
			job.random = true;
			break;
		case 't':
			job.timeout = opt_ulong('t', optarg, 0, 3600000,
						"milliseconds", usage);
			break;
		case 'e':
			elist = optarg;
			job.elist = elist;
			job.nexpect = parse_expect(elist, job.expect);
			if (job.nexpect < 0)
				usage(stderr, EXIT_USAGE);
			break;
		case 'j':
			njobs = opt_ulong('j', optarg, 1, MAX_JOBS,
					  "a thread count", usage);
			break;
		case 'h':
			usage(stdout, 0);
			break;
		default:
			usage(stderr, EXIT_USAGE);
		}
	}
	opt_no_operands(argc, argv, usage);
	if (!have_port) {
		warnx_msg("one of -p PUTPORT and -g GETPORT is required");
		usage(stderr, EXIT_USAGE);
	}
	port_format(&job.port, job.pbuf);

	total = job.n * njobs;
	w = calloc(njobs, sizeof(*w));
	lat = malloc(total * sizeof(*lat));
	if (!w || !lat) {
		warnx_msg("out of memory for %lu transactions", total);
		return 1;
	}
	job.fd = am_socket(0);
	if (job.fd < 0) {
		warn_errno(errno, "socket(family %d, SOCK_DGRAM) (is amoeba.ko loaded?)",
			   am_family());
		return 1;
	}

	/*
	 * All threads share one socket, so many transactions are in flight on
	 * it at once; h_extra tells each thread's requests apart at am_server.
	 */
	for (k = 0; k < njobs; k++) {
		w[k].job = &job;
		w[k].index = (unsigned int)k;
		/* Room for MAX_JOBS threads per pid: processes with nearby
		 * pids must not share ids.
		 */
		w[k].id = ((unsigned int)getpid() << 6 | (unsigned int)k) &
			  0xffff;
		w[k].lat = lat + k * job.n;
		if (pthread_create(&w[k].thread, NULL, run_calls, &w[k])) {
			warnx_msg("cannot start thread %lu", k);
			return 1;
		}
	}
	for (k = 0; k < njobs; k++) {
		pthread_join(w[k].thread, NULL);
		/* Pack the latencies of the successful calls together. */
		for (i = 0; i < w[k].ok && !job.nexpect; i++)
			lat[ok + i] = w[k].lat[i];
		ok += w[k].ok;
		if (w[k].worst > worst)
			worst = w[k].worst;
	}
	close(job.fd);

	if (job.nexpect) {
		printf("%s: %lu/%lu trans to %s failed as expected with %s (slowest %.1f ms)\n",
		       progname, ok, total, job.pbuf, elist, worst / 1000.0);
	} else {
		sort_doubles(lat, ok);
		printf("%s: %lu/%lu trans to %s verified, %lu bytes, reply %lu bytes (%s), %lu thread%s: median %.1f us, p99 %.1f us, max %.1f us\n",
		       progname, ok, total, job.pbuf, job.size,
		       job.sized ? job.rsize : job.size,
		       job.sized ? "sized" : "echo", njobs,
		       njobs == 1 ? "" : "s", percentile_sorted(lat, ok, 50),
		       percentile_sorted(lat, ok, 99), worst);
	}
	return ok == total ? 0 : 1;
}
