// SPDX-License-Identifier: GPL-2.0
/*
 * ail_roundtrip: the golden test of the stubs ail(1) generates.  A server
 * of ail/tests/ok/types.ail and a client of it, in this process, over the
 * transport AMOEBA_TRANSPORT names (udp on the host, kernel in the VM):
 * every type, direction and bound goes through and comes back intact;
 * arguments beyond a bound are refused before anything is sent; hostile
 * requests (unknown command, too long, truncated, counts beyond bounds,
 * bad bools, NULs in strings, header values out of range, missing rights,
 * forged capabilities) get their named error; and replies that break the
 * interface, from a rogue server, are STD_SYSERR at the client.
 * Prints TAP.
 */
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <amoeba.h>

#include "types_ail.h"

#define SERVERS		2
#define BIG_N		(BIG - 64)

static int n, failed;
static struct am_objtab *tab;
static atomic_int writes;		/* t_write calls the server ran */

static void ok(int good, const char *fmt, ...)
{
	va_list ap;

	printf("%sok %d - ", good ? "" : "not ", ++n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
	failed += !good;
}

static void is(errstat got, errstat want, const char *what)
{
	ok(got == want, "%s (%s)", what, err_name(got) ? err_name(got) : "?");
}

static uint8_t pattern(uint32_t i)
{
	return (uint8_t)(i * 131 + 7);
}

/* The server's side of each operation: check what came, answer. */

static errstat do_ping(const struct am_call *call)
{
	return call->obj ? STD_OK : STD_SYSERR;
}

static errstat do_lput(const struct am_call *call, int8_t a, int16_t b,
		       int32_t c, int64_t d, uint8_t e, uint16_t f,
		       uint32_t g, uint64_t h)
{
	(void)call;
	return a == INT8_MIN && b == INT16_MAX && c == INT32_MIN &&
	       d == INT64_MIN + 1 && e == UINT8_MAX && f == 0xbeef &&
	       g == UINT32_MAX && h == UINT64_MAX - 1 ? STD_OK : STD_SYSERR;
}

static errstat do_rget(const struct am_call *call, float *x, double *y,
		       char *ch, bool *flag, struct am_cap *c, struct pair *p)
{
	*x = 1.5f;
	*y = -2.25e300;
	*ch = 'Z';
	*flag = true;
	c->cap_port = call->hdr->h_port;
	c->cap_priv = call->hdr->h_priv;
	p->k = -7;
	p->v = M_PI;
	return STD_OK;
}

/* A trick offset makes the service break its own bound. */
#define LIAR_OFFSET	0xdeadbeefU

static errstat do_t_read(const struct am_call *call, uint32_t offset,
			 uint16_t bytes, uint16_t *got, char *data)
{
	uint32_t i;

	(void)call;
	*got = bytes < PAGE ? bytes : PAGE;
	for (i = 0; i < *got; i++)
		data[i] = (char)pattern(offset + i);
	if (offset == LIAR_OFFSET)
		*got = PAGE + 1;
	return STD_OK;
}

static errstat do_t_write(const struct am_call *call, uint32_t len,
			  const char *data)
{
	uint32_t i;

	(void)call;
	atomic_fetch_add(&writes, 1);
	for (i = 0; i < len; i++)
		if ((uint8_t)data[i] != pattern(i))
			return STD_SYSERR;
	return STD_OK;
}

static errstat do_t_next(const struct am_call *call, int32_t *cursor,
			 struct extent *e, uint32_t *e_len)
{
	struct extent t;
	uint32_t i;

	(void)call;
	*cursor += 1;
	for (i = 0; i < *e_len / 2; i++) {
		t = e[i];
		e[i] = e[*e_len - 1 - i];
		e[*e_len - 1 - i] = t;
	}
	if (*e_len < 16)
		e[(*e_len)++] = (struct extent){ UINT64_MAX, 1, false };
	return STD_OK;
}

static errstat do_t_name(const struct am_call *call, const char *s, char *t,
			 const struct pair *q)
{
	int32_t sum = 0;
	int i;

	(void)call;
	for (i = 0; i < 4; i++)
		sum += q[i].k;
	snprintf(t, 256, "%zu:%d:%.200s", strlen(s), sum, s);
	return STD_OK;
}

static errstat do_grid(const struct am_call *call, int16_t *code,
		       const struct extent *fixed, int8_t tiny)
{
	int i;

	(void)call;
	*code = tiny;
	for (i = 0; i < 3; i++)
		*code = (int16_t)(*code + (int16_t)fixed[i].length +
				  (fixed[i].used ? 1000 : 0));
	return STD_OK;
}

static const struct all_impl impl = {
	.ping = do_ping,	.lput = do_lput,	.rget = do_rget,
	.t_read = do_t_read,	.t_write = do_t_write,	.t_next = do_t_next,
	.t_name = do_t_name,	.grid = do_grid,
};

static struct am_port getport, rogue_get;

static void *serve(void *arg)
{
	struct am_service svc = { .tab = tab };
	uint8_t *req = malloc(ALL_REQ_MAX), *rep = malloc(ALL_REP_MAX);
	struct am_hdr hdr;
	size_t len;
	int32_t got;

	(void)arg;
	if (!req || !rep)
		abort();
	for (;;) {
		memset(&hdr, 0, sizeof(hdr));
		hdr.h_port = getport;
		got = getreq(&hdr, req, ALL_REQ_MAX);
		if (got < 0)
			continue;
		len = all_serve(&impl, &svc, &hdr, req, (size_t)got, rep,
				ALL_REP_MAX);
		putrep(&hdr, rep, len);
	}
	return NULL;
}

/*
 * A rogue server of the same interface: its replies break it, each in
 * its own way, and the client stubs must notice.
 */
static void *rogue(void *arg)
{
	static uint8_t rep[64];
	struct am_hdr hdr;
	size_t len;

	(void)arg;
	for (;;) {
		memset(&hdr, 0, sizeof(hdr));
		hdr.h_port = rogue_get;
		if (getreq(&hdr, NULL, 0) < 0)
			continue;
		memset(rep, 0, sizeof(rep));
		len = 0;
		switch (hdr.h_command) {
		case T_READ:		/* h_size says 10, the data is 11 */
			hdr.h_size = 10;
			len = 11;
			break;
		case T_NEXT:		/* 17 extents, one past the bound */
			rep[7] = 17;
			len = 8;
			break;
		case T_NAME:		/* a NUL inside the string */
			rep[3] = 2;
			rep[4] = 'a';
			len = 6;
			break;
		case RGET:		/* a bool of 2 */
			rep[13] = 2;
			len = 42;
			break;
		case PING:		/* data where none belongs */
			len = 1;
			break;
		}
		hdr.h_status = STD_OK;
		putrep(&hdr, rep, len);
	}
	return NULL;
}

static void start(void)
{
	pthread_t t;
	int i;

	for (i = 0; i < SERVERS + 1; i++)
		if (pthread_create(&t, NULL, i < SERVERS ? serve : rogue, NULL))
			abort();
}

static void test_values(const struct am_cap *cap)
{
	float x = 0;
	double y = 0;
	char ch = 0;
	bool flag = false;
	struct am_cap c;
	struct pair p;

	is(ping(cap), STD_OK, "ping, no parameters");
	is(lput(cap, INT8_MIN, INT16_MAX, INT32_MIN, INT64_MIN + 1, UINT8_MAX,
		0xbeef, UINT32_MAX, UINT64_MAX - 1), STD_OK,
	   "lput: every integer type at its edge arrives intact");
	is(rget(cap, &x, &y, &ch, &flag, &c, &p), STD_OK, "rget");
	ok(x == 1.5f && y == -2.25e300 && ch == 'Z' && flag &&
	   !memcmp(&c, cap, sizeof(c)) && p.k == -7 && p.v == M_PI,
	   "rget: float, double, char, bool, capability, record come back");
}

static void test_arrays(const struct am_cap *cap)
{
	static char data[BIG_N + 1];
	struct extent e[16];
	int32_t cursor = 41;
	uint16_t got = 0;
	uint32_t i, len;
	int16_t code = 0;
	char t[256];
	char s[MAX + 2];
	struct pair q[4] = { { 1, 0 }, { 2, 0 }, { 3, 0 }, { -10, 0 } };
	int good, want;

	is(t_read(cap, 1000, 3000, &got, data), STD_OK,
	   "t_read: header in and out, bytes into the caller's buffer");
	for (good = got == 3000, i = 0; i < got; i++)
		good &= (uint8_t)data[i] == pattern(1000 + i);
	ok(good, "t_read: 3000 bytes of the pattern at offset 1000");
	is(t_read(cap, 0, 0, &got, data), STD_OK, "t_read of 0 bytes");
	ok(got == 0, "t_read of 0 bytes gives 0");
	is(t_read(cap, LIAR_OFFSET, 10, &got, data), STD_SYSERR,
	   "a service breaking an out bound is answered STD_SYSERR");

	for (i = 0; i < BIG_N; i++)
		data[i] = (char)pattern(i);
	for (len = 0; len <= BIG_N; len = len ? len * 4 + 1 : 1)
		if (t_write(cap, len, data) != STD_OK)
			break;
	ok(len > BIG_N, "t_write: 0 B to 1 MiB - 64 arrive intact");
	is(t_write(cap, BIG_N, data), STD_OK, "t_write at its bound");
	i = atomic_load(&writes);
	is(t_write(cap, BIG_N + 1, data), STD_ARGBAD,
	   "t_write past its bound");
	ok(atomic_load(&writes) == (int)i,
	   "an argument past its bound is never sent");

	for (i = 0; i < 3; i++)
		e[i] = (struct extent){ i * 1000000000000ULL, i + 10, i == 1 };
	len = 3;
	is(t_next(cap, &cursor, e, &len), STD_OK, "t_next: in out array");
	ok(cursor == 42 && len == 4 && e[0].start == 2000000000000ULL &&
	   e[0].length == 12 && !e[0].used && e[1].used &&
	   e[2].start == 0 && e[3].start == UINT64_MAX && e[3].length == 1,
	   "t_next: cursor and records both ways, the count grown");
	len = 16;
	is(t_next(cap, &cursor, e, &len), STD_OK, "t_next at its bound");
	len = 17;
	is(t_next(cap, &cursor, e, &len), STD_ARGBAD, "t_next past it");

	memset(s, 'x', MAX);
	s[MAX] = '\0';
	is(t_name(cap, s, t, q), STD_OK, "t_name: a string at its bound");
	ok(!strncmp(t, "8191:-4:xxx", 11) && strlen(t) == 208,
	   "t_name: the strings and the fixed records arrive");
	s[MAX] = 'x';
	s[MAX + 1] = '\0';
	is(t_name(cap, s, t, q), STD_ARGBAD, "t_name: a string past it");

	e[0].used = true;
	for (want = -100, i = 0; i < 3; i++)
		want += (int)e[i].length + (e[i].used ? 1000 : 0);
	is(grid(cap, &code, e, -100), STD_OK, "grid");
	ok(code == want, "grid: int8 in h_extra, int16 back in h_extra");
}

/* Send a hand-made request; the reply's status. */
static errstat raw(const struct am_cap *cap, uint16_t command,
		   const void *req, size_t len, int32_t h_extra)
{
	struct am_hdr hdr, rhdr;
	int32_t got;

	am_hdr_init(&hdr, cap, command);
	hdr.h_extra = (uint16_t)h_extra;
	got = trans(&hdr, req, len, &rhdr, NULL, 0);
	return got < 0 ? got : rhdr.h_status;
}

static void test_hostile(const struct am_cap *cap)
{
	static uint8_t big[ALL_REQ_MAX + 8];
	uint8_t req[64] = { 0 };

	is(raw(cap, 199, NULL, 0, 0), STD_COMBAD, "an unknown command");
	is(raw(cap, PING, req, 1, 0), STD_ARGBAD, "ping with data");
	is(raw(cap, LPUT, req, 29, 0), STD_ARGBAD, "lput cut short");
	is(raw(cap, LPUT, req, 31, 0), STD_ARGBAD, "lput with a byte more");
	req[3] = 10;			/* t_write: n = 10, 9 bytes */
	is(raw(cap, T_WRITE, req, 13, 0), STD_ARGBAD,
	   "t_write whose count says more than it holds");
	memset(req, 0xff, 4);		/* n past the bound */
	is(raw(cap, T_WRITE, req, 4, 0), STD_ARGBAD,
	   "t_write whose count is past its bound");
	is(raw(cap, T_WRITE, big, sizeof(big), 0), STD_ARGBAD,
	   "a request longer than any of the class");
	memset(req, 0, sizeof(req));
	req[12] = 2;			/* grid: the first extent's bool */
	is(raw(cap, GRID, req, 39, 0), STD_ARGBAD, "a bool of 2");
	req[12] = 1;
	is(raw(cap, GRID, req, 39, 200), STD_ARGBAD,
	   "an int8 header parameter of 200");
	is(raw(cap, GRID, req, 39, -128), STD_OK,
	   "an int8 header parameter of -128");
	memset(req, 0, sizeof(req));	/* t_name: "a\0" then 4 pairs */
	req[3] = 2;
	req[4] = 'a';
	is(raw(cap, T_NAME, req, 6 + 48, 0), STD_ARGBAD,
	   "a string with a NUL inside");
	req[5] = 'b';
	is(raw(cap, T_NAME, req, 6 + 48, 0), STD_OK, "the same without");
	memset(req, 0, sizeof(req));
	req[7] = 17;			/* t_next: cursor, then 17 extents */
	is(raw(cap, T_NEXT, req, 8, 0), STD_ARGBAD,
	   "an array count past its bound");
}

static void test_rights(const struct am_cap *cap)
{
	struct am_cap r, forged = *cap;
	float x;
	double y;
	char ch;
	bool flag;
	struct am_cap c;
	struct pair p;
	uint16_t got;
	char data[16];

	is(am_cap_restrict_owner(cap, R, &r), STD_OK, "restrict to R");
	is(rget(&r, &x, &y, &ch, &flag, &c, &p), STD_DENIED,
	   "rget needs W: STD_DENIED");
	is(t_read(&r, 0, 1, &got, data), STD_DENIED,
	   "t_read needs R and W: STD_DENIED");
	is(ping(&r), STD_OK, "ping needs nothing");
	forged.cap_priv.prv_random.p[0] ^= 1;
	is(ping(&forged), STD_CAPBAD, "a forged capability: STD_CAPBAD");
}

static void test_rogue(const struct am_cap *cap)
{
	struct am_cap rc = *cap;
	struct extent e[16];
	uint32_t len = 0;
	int32_t cursor = 0;
	float x;
	double y;
	char ch, data[PAGE], t[256];
	bool flag;
	struct am_cap c;
	struct pair p, q[4] = { { 0, 0 } };
	uint16_t got;

	am_fbox(&rogue_get, &rc.cap_port);
	is(t_read(&rc, 0, 10, &got, data), STD_SYSERR,
	   "a reply longer than its header count: STD_SYSERR");
	is(t_next(&rc, &cursor, e, &len), STD_SYSERR,
	   "a reply array past its bound: STD_SYSERR");
	is(t_name(&rc, "s", t, q), STD_SYSERR,
	   "a reply string with a NUL inside: STD_SYSERR");
	is(rget(&rc, &x, &y, &ch, &flag, &c, &p), STD_SYSERR,
	   "a reply bool of 2: STD_SYSERR");
	is(ping(&rc), STD_SYSERR, "reply data where none belongs: STD_SYSERR");
}

int main(void)
{
	struct am_port putport;
	struct am_cap cap;
	static int obj;

	if (am_port_random(&getport) || am_port_random(&rogue_get)) {
		printf("1..0 # SKIP no randomness\n");
		return 1;
	}
	am_fbox(&getport, &putport);
	tab = am_objtab_new(&putport, 16, NULL);
	if (!tab || am_obj_create(tab, &obj, &cap) != STD_OK) {
		printf("Bail out! no object table\n");
		return 1;
	}
	printf("# ail round trip over the %s transport\n", am_transport());
	start();
	test_values(&cap);
	test_arrays(&cap);
	test_hostile(&cap);
	test_rights(&cap);
	test_rogue(&cap);
	printf("1..%d\n", n);
	/* The server threads never return; leave with them running. */
	fflush(stdout);
	_exit(failed ? 1 : 0);
}
