/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the AF_AMOEBA test programs: finding the address family
 * the module registered, reading and printing ports, computing a put-port
 * from a get-port the way the kernel does, time stamps and percentiles for
 * the benchmarks, errno names for messages and for -e options, a tiny TAP
 * emitter for the test programs, and for large messages the sized-reply
 * convention of the servers, reproducible pseudo-random data and SHA-256.
 * Every program links this so that all of them agree on these details.
 */
#ifndef AM_TESTS_COMMON_H
#define AM_TESTS_COMMON_H

#include <stdbool.h>
#include <stdio.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/amoeba.h>
#include <amoeba/cap.h>

/* Exit status for usage errors, as getopt-style tools conventionally use. */
#define EXIT_USAGE	2

/* Highest CPU number -c accepts. */
#define MAX_CPU		1023

/* Characters in a printed port: 6 bytes as 12 lowercase hex digits. */
#define PORT_STRLEN	AM_PORT_TEXTLEN

/* Characters in a printed SHA-256: 32 bytes as 64 lowercase hex digits. */
#define SHA256_STRLEN	64

/*
 * What a request to am_server or am_lat's server-amoeba asks for, in
 * h_command.  Anything but AMT_CMD_SIZED is echoed.  AMT_CMD_SIZED asks
 * for a reply of its own size, filled by fill_random() from a seed, so that
 * requests and replies of different sizes (a 1 MiB request with an empty
 * reply, a tiny request with a 1 MiB reply) can be tested and measured.
 * The size travels in h_priv.prv_object (24 bits, low byte first, as an
 * object number) and the seed in h_signature (48 bits): fields the kernel
 * carries untouched and the servers have no other use for.
 */
#define AMT_CMD_ECHO	1
#define AMT_CMD_SIZED	2
#define AMT_SIZED_MAX	((1UL << 24) - 1)
#define AMT_SEED_MASK	((1ULL << 48) - 1)

void amt_set_sized(struct am_hdr *h, uint32_t size, uint64_t seed);
/* True if @h asks for a sized reply; then sets @size and @seed. */
bool amt_get_sized(const struct am_hdr *h, uint32_t *size, uint64_t *seed);

/* h_size is 16 bits and only informative: saturate rather than wrap. */
static inline uint16_t amt_h_size(unsigned long size)
{
	return size > 0xffff ? 0xffff : (uint16_t)size;
}

extern const char *progname;

void set_progname(const char *argv0);

/*
 * The address family to pass to socket(2): the module's "family" parameter
 * if the module is loaded, else AF_AMOEBA from the header.
 */
int am_family(void);

/* socket(am_family(), SOCK_DGRAM | @flags, 0); -1 and errno on failure. */
int am_socket(int flags);

/* Print "progname: what: ENAME (strerror)" for errno @err on stderr. */
void warn_errno(int err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Print "progname: message" on stderr. */
void warnx_msg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * Format @port as 12 lowercase hex digits into @buf (PORT_STRLEN + 1) and
 * return @buf, for use inside printf.  Parsing, the null test and the
 * F-box are libamoeba's am_port_parse, am_port_null and am_fbox.
 */
char *port_format(const struct am_port *port, char *buf);

/* Fill a struct sockaddr_amoeba for bind(2) of get-port @get. */
void sam_fill(void *sam, const struct am_port *get);

/* bind(2) @fd to get-port @get; 0, or -1 and errno. */
int am_bind(int fd, const struct am_port *get);

/*
 * The value of option -@opt, a decimal number in [@min, @max] (@what names
 * it); anything else is reported and ends the program through @usage.
 */
unsigned long opt_ulong(int opt, const char *arg, unsigned long min,
			unsigned long max, const char *what,
			void (*usage)(FILE *f, int status));

/* After getopt(): any operand left is reported and ends it through @usage. */
void opt_no_operands(int argc, char **argv,
		     void (*usage)(FILE *f, int status));

/*
 * Parse a decimal unsigned number in [@min, @max] from @s; 0, or -1 if it
 * is not one (with no message: callers say which option was wrong).
 */
int parse_ulong(const char *s, unsigned long min, unsigned long max,
		unsigned long *out);

/*
 * Fill @buf with @len pseudo-random bytes, a stream that depends only on
 * @seed (splitmix64, little-endian), so that both ends of a test can
 * produce the same data without sending it.
 */
void fill_random(void *buf, size_t len, uint64_t seed);

/* One 64-bit value mixed from @a and @b, for per-call seeds. */
uint64_t seed_mix(uint64_t a, uint64_t b);

/* SHA-256 of @len bytes at @buf, as 64 hex digits in @out (65 bytes). */
char *sha256_hex(const void *buf, size_t len, char *out);

/* Errno value of a name such as "EHOSTUNREACH"; -1 if unknown. */
int errno_from_name(const char *name);

/* Name of an errno value ("EHOSTUNREACH"), or "E?" if not in the table. */
const char *errno_name(int err);

/* Pin the calling thread to @cpu; 0, or -1 and errno. */
int pin_cpu(int cpu);

/* CLOCK_MONOTONIC in nanoseconds. */
uint64_t now_ns(void);

/* Sort @v in place and return its @p-th percentile (0..100, nearest rank). */
double percentile_sorted(const double *v, size_t n, double p);
void sort_doubles(double *v, size_t n);

/*
 * TAP output.  tap_ok() prints one test point and returns @cond so callers
 * can add diagnostics on failure; tap_diag() prints a "# " line; tap_done()
 * prints the plan and returns the exit status (0 only if all passed).
 */
bool tap_ok(bool cond, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void tap_diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int tap_done(void);
/* Number of test points printed so far, and of those that failed. */
unsigned int tap_count(void);
unsigned int tap_failed(void);

#endif /* AM_TESTS_COMMON_H */
