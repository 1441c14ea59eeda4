// SPDX-License-Identifier: GPL-2.0
/*
 * Helpers shared by the AF_AMOEBA test programs (see common.h).  Ports
 * are parsed, printed and put through the F-box by libamoeba, so every
 * program that compares its put-port with the module's checks libamoeba's
 * F against the kernel's too.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

/*
 * The one-shot SHA256() and EVP_Digest() of OpenSSL 3 go through the
 * provider framework, which puts dlopen and the resolver into every static
 * binary (5 MB each, and link warnings); the plain SHA-256 functions are
 * deprecated but maintained and cost a few kilobytes.
 */
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/sha.h>

#include "common.h"

#define FAMILY_PARAM	"/sys/module/amoeba/parameters/family"

const char *progname = "am_test";

void set_progname(const char *argv0)
{
	const char *slash = strrchr(argv0, '/');

	progname = slash ? slash + 1 : argv0;
}

int am_family(void)
{
	static int family = -1;
	unsigned long v;
	char line[32];
	FILE *f;

	if (family >= 0)
		return family;
	family = AF_AMOEBA;
	f = fopen(FAMILY_PARAM, "r");
	if (!f)
		return family;
	if (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		if (parse_ulong(line, 1, 255, &v) == 0)
			family = (int)v;
		else
			warnx_msg("%s: unexpected value \"%s\", using %d",
				  FAMILY_PARAM, line, AF_AMOEBA);
	}
	fclose(f);
	return family;
}

int am_socket(int flags)
{
	return socket(am_family(), SOCK_DGRAM | flags, 0);
}

void warn_errno(int err, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", progname);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, ": %s (%s)\n", errno_name(err), strerror(err));
}

void warnx_msg(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", progname);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

char *port_format(const struct am_port *port, char *buf)
{
	am_port_format(port, buf, PORT_STRLEN + 1);
	return buf;
}

void sam_fill(void *sam, const struct am_port *get)
{
	struct sockaddr_amoeba *a = sam;

	memset(a, 0, sizeof(*a));
	a->sam_family = (__kernel_sa_family_t)am_family();
	a->sam_port = *get;
}

int am_bind(int fd, const struct am_port *get)
{
	struct sockaddr_amoeba sam;

	sam_fill(&sam, get);
	return bind(fd, (struct sockaddr *)&sam, sizeof(sam));
}

void amt_set_sized(struct am_hdr *h, uint32_t size, uint64_t seed)
{
	int i;

	h->h_command = AMT_CMD_SIZED;
	for (i = 0; i < 3; i++)
		h->h_priv.prv_object[i] = (__u8)(size >> (8 * i));
	for (i = 0; i < AM_PORTSIZE; i++)
		h->h_signature.p[i] = (__u8)(seed >> (8 * i));
}

bool amt_get_sized(const struct am_hdr *h, uint32_t *size, uint64_t *seed)
{
	int i;

	if (h->h_command != AMT_CMD_SIZED)
		return false;
	*size = 0;
	for (i = 0; i < 3; i++)
		*size |= (uint32_t)h->h_priv.prv_object[i] << (8 * i);
	*seed = 0;
	for (i = 0; i < AM_PORTSIZE; i++)
		*seed |= (uint64_t)h->h_signature.p[i] << (8 * i);
	return true;
}

static uint64_t splitmix64(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

void fill_random(void *buf, size_t len, uint64_t seed)
{
	unsigned char *p = buf;
	uint64_t state = seed, v;
	size_t i;

	/* Byte by byte, so that the stream does not depend on alignment. */
	while (len) {
		v = splitmix64(&state);
		for (i = 0; i < 8 && len; i++, len--) {
			*p++ = (unsigned char)v;
			v >>= 8;
		}
	}
}

uint64_t seed_mix(uint64_t a, uint64_t b)
{
	uint64_t state = a ^ (b * 0xd1342543de82ef95ULL);

	return splitmix64(&state);
}

char *sha256_hex(const void *buf, size_t len, char *out)
{
	static const char digits[] = "0123456789abcdef";
	unsigned char md[SHA256_DIGEST_LENGTH];
	SHA256_CTX ctx;
	int i;

	if (!SHA256_Init(&ctx) || !SHA256_Update(&ctx, buf, len) ||
	    !SHA256_Final(md, &ctx)) {
		/* A check that cannot hash must not pass: stop loudly. */
		warnx_msg("SHA-256 from libcrypto failed");
		exit(1);
	}
	for (i = 0; i < SHA256_DIGEST_LENGTH; i++) {
		out[2 * i] = digits[md[i] >> 4];
		out[2 * i + 1] = digits[md[i] & 0xf];
	}
	out[SHA256_STRLEN] = '\0';
	return out;
}

int parse_ulong(const char *s, unsigned long min, unsigned long max,
		unsigned long *out)
{
	unsigned long v;
	char *end;

	/* strtoul accepts "-1" and leading blanks; a test tool should not. */
	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

/*
 * The value of option -@opt, a whole number from @min to @max; anything
 * else gets a message naming @what and the range, then the program's
 * usage(stderr, EXIT_USAGE).
 */
unsigned long opt_ulong(int opt, const char *arg, unsigned long min,
			unsigned long max, const char *what,
			void (*usage)(FILE *f, int status))
{
	unsigned long v;

	if (parse_ulong(arg, min, max, &v)) {
		warnx_msg("-%c %s: not %s from %lu to %lu", opt, arg, what, min,
			  max);
		usage(stderr, EXIT_USAGE);
	}
	return v;
}

void opt_no_operands(int argc, char **argv,
		     void (*usage)(FILE *f, int status))
{
	if (optind != argc) {
		warnx_msg("unexpected argument \"%s\"", argv[optind]);
		usage(stderr, EXIT_USAGE);
	}
}

int errno_from_name(const char *name)
{
	const char *n;
	int e;

	/* The C library knows every name; asking it avoids a stale table. */
	for (e = 1; e < 256; e++) {
		n = strerrorname_np(e);
		if (n && strcmp(n, name) == 0)
			return e;
	}
	return -1;
}

const char *errno_name(int err)
{
	const char *n = strerrorname_np(err);

	return n ? n : "E?";
}

int pin_cpu(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return sched_setaffinity(0, sizeof(set), &set);
}

uint64_t now_ns(void)
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

void sort_doubles(double *v, size_t n)
{
	qsort(v, n, sizeof(*v), cmp_double);
}

double percentile_sorted(const double *v, size_t n, double p)
{
	size_t rank;

	if (n == 0)
		return 0.0;
	/* Nearest rank: the smallest value with at least p% at or below it. */
	rank = (size_t)((p / 100.0) * (double)n + 0.999999);
	if (rank < 1)
		rank = 1;
	if (rank > n)
		rank = n;
	return v[rank - 1];
}

static unsigned int tap_n, tap_nfail;

bool tap_ok(bool cond, const char *fmt, ...)
{
	va_list ap;

	tap_n++;
	if (!cond)
		tap_nfail++;
	printf("%sok %u - ", cond ? "" : "not ", tap_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
	return cond;
}

void tap_diag(const char *fmt, ...)
{
	va_list ap;

	fputs("# ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

int tap_done(void)
{
	printf("1..%u\n", tap_n);
	fflush(stdout);
	return tap_nfail ? 1 : 0;
}

unsigned int tap_count(void)
{
	return tap_n;
}

unsigned int tap_failed(void)
{
	return tap_nfail;
}
