// SPDX-License-Identifier: GPL-2.0
/*
 * am_client: drives am_server from another namespace or host.  It does N
 * transactions with patterned data and checks each reply is the echo
 * am_server promises (status 0, h_offset one higher, same data), or, with
 * -e, checks that every transaction fails with the errno the test expects.
 * It prints one summary line and exits 0 only if everything checked out,
 * so shell scripts can use it as a single test point.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "common.h"

/* Largest -s: beyond AM_MAXBUF_SMALL only to test EMSGSIZE. */
#define MAX_SIZE	65536
#define MAX_EXPECT	8

static void usage(FILE *f, int status)
{
	fprintf(f,
		"usage: %s -p PUTPORT | -g GETPORT [-n N] [-s SIZE] [-t TIMEOUT_MS]\n"
		"       %*s [-e ERRNO[,ERRNO...]]\n"
		"  -p PUTPORT     service put-port, 12 hex digits\n"
		"  -g GETPORT     service get-port; the put-port is computed\n"
		"  -n N           number of transactions (default 1)\n"
		"  -s SIZE        request bytes, echoed back (default 0; the\n"
		"                 kernel takes at most %d)\n"
		"  -t TIMEOUT_MS  per-transaction timeout (default 0: kernel's)\n"
		"  -e ERRNO       expect every transaction to fail with one of\n"
		"                 these errno names, e.g. EHOSTUNREACH\n",
		progname, (int)strlen(progname), "", AM_MAXBUF_SMALL);
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

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned long n = 1, size = 0, timeout = 0, i, ok = 0;
	int expect[MAX_EXPECT], nexpect = 0, fd, ch, err;
	unsigned char *req_buf, *rep_buf;
	char pbuf[PORT_STRLEN + 1], *elist = NULL;
	struct am_port port, get;
	bool have_port = false;
	struct am_trans t;
	unsigned int id;
	uint64_t t0, t1;
	double *lat, worst = 0;
	size_t j, bad;
	long ret;

	set_progname(argv[0]);
	while ((ch = getopt_long(argc, argv, "p:g:n:s:t:e:h", longopts,
				 NULL)) != -1) {
		switch (ch) {
		case 'p':
		case 'g':
			if (have_port) {
				warnx_msg("give one of -p and -g, once");
				usage(stderr, EXIT_USAGE);
			}
			if (port_parse(optarg, ch == 'p' ? &port : &get)) {
				warnx_msg("-%c %s: not a port of 12 hex digits",
					  ch, optarg);
				usage(stderr, EXIT_USAGE);
			}
			if (ch == 'g')
				port_from_getport(&get, &port);
			have_port = true;
			break;
		case 'n':
			if (parse_ulong(optarg, 1, 100000000, &n)) {
				warnx_msg("-n %s: not a count from 1 to 100000000",
					  optarg);
				usage(stderr, EXIT_USAGE);
			}
			break;
		case 's':
			if (parse_ulong(optarg, 0, MAX_SIZE, &size)) {
				warnx_msg("-s %s: not a size from 0 to %d",
					  optarg, MAX_SIZE);
				usage(stderr, EXIT_USAGE);
			}
			break;
		case 't':
			if (parse_ulong(optarg, 0, 3600000, &timeout)) {
				warnx_msg("-t %s: not milliseconds from 0 to 3600000",
					  optarg);
				usage(stderr, EXIT_USAGE);
			}
			break;
		case 'e':
			elist = optarg;
			nexpect = parse_expect(elist, expect);
			if (nexpect < 0)
				usage(stderr, EXIT_USAGE);
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
	if (!have_port) {
		warnx_msg("one of -p PUTPORT and -g GETPORT is required");
		usage(stderr, EXIT_USAGE);
	}
	port_format(&port, pbuf);

	req_buf = malloc(size ? size : 1);
	rep_buf = malloc(size ? size : 1);
	lat = malloc(n * sizeof(*lat));
	if (!req_buf || !rep_buf || !lat) {
		warnx_msg("out of memory for %lu transactions of %lu bytes",
			  n, size);
		return 1;
	}

	fd = am_socket(0);
	if (fd < 0) {
		warn_errno(errno, "socket(family %d, SOCK_DGRAM) (is amoeba.ko loaded?)",
			   am_family());
		return 1;
	}

	/* h_extra tells this client's requests apart at am_server. */
	id = (unsigned int)getpid() & 0xffff;
	for (i = 0; i < n; i++) {
		for (j = 0; j < size; j++)
			req_buf[j] = pattern(i, j, id);
		memset(rep_buf, 0, size ? size : 1);
		memset(&t, 0, sizeof(t));
		t.req.hdr.h_port = port;
		t.req.hdr.h_command = 1;
		t.req.hdr.h_offset = (__s32)i;
		t.req.hdr.h_size = (__u16)size;
		t.req.hdr.h_extra = (__u16)id;
		t.req.buf = (uintptr_t)req_buf;
		t.req.size = (__u32)size;
		t.rep.buf = (uintptr_t)rep_buf;
		t.rep.size = (__u32)size;
		t.timeout_ms = (__u32)timeout;

		t0 = now_ns();
		ret = ioctl(fd, AMIOC_TRANS, &t);
		err = errno;
		t1 = now_ns();
		lat[i] = (double)(t1 - t0) / 1000.0;
		if (lat[i] > worst)
			worst = lat[i];

		if (nexpect) {
			if (ret >= 0) {
				warnx_msg("trans %lu to %s: succeeded, expected %s",
					  i, pbuf, elist);
				break;
			}
			if (!expected(err, expect, nexpect)) {
				warn_errno(err, "trans %lu to %s: expected %s, got",
					   i, pbuf, elist);
				break;
			}
			ok++;
			continue;
		}
		if (ret < 0) {
			warn_errno(err, "trans %lu to %s (%lu bytes, after %.1f ms)",
				   i, pbuf, size, lat[i] / 1000.0);
			break;
		}
		if ((unsigned long)ret != size) {
			warnx_msg("trans %lu: reply has %ld bytes, sent %lu",
				  i, ret, size);
			break;
		}
		if (t.rep.hdr.h_status != STD_OK ||
		    t.rep.hdr.h_offset != (__s32)(i + 1) ||
		    t.rep.hdr.h_extra != id) {
			warnx_msg("trans %lu: reply header status %d offset %d extra %u, expected 0 %lu %u",
				  i, t.rep.hdr.h_status, t.rep.hdr.h_offset,
				  t.rep.hdr.h_extra, i + 1, id);
			break;
		}
		for (bad = 0; bad < size; bad++)
			if (rep_buf[bad] != req_buf[bad])
				break;
		if (bad < size) {
			warnx_msg("trans %lu: reply byte %zu is 0x%02x, sent 0x%02x",
				  i, bad, rep_buf[bad], req_buf[bad]);
			break;
		}
		ok++;
	}
	close(fd);

	if (nexpect) {
		printf("%s: %lu/%lu trans to %s failed as expected with %s (slowest %.1f ms)\n",
		       progname, ok, n, pbuf, elist, worst / 1000.0);
	} else {
		sort_doubles(lat, ok);
		printf("%s: %lu/%lu trans to %s verified, %lu bytes: median %.1f us, p99 %.1f us, max %.1f us\n",
		       progname, ok, n, pbuf, size,
		       percentile_sorted(lat, ok, 50),
		       percentile_sorted(lat, ok, 99), worst);
	}
	return ok == n ? 0 : 1;
}
