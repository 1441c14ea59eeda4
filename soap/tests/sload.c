// SPDX-License-Identifier: GPL-2.0
/*
 * sload: load for the SOAP directory server's tests and benchmark: the
 * concurrency test (cas, check), the crash test (churn, verify), the
 * benchmark (bench-lookup, bench-install) and single requests that the
 * commands cannot make (append).  The capabilities it stores are made up:
 * a port no server has, the object number carrying a value.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <amoeba.h>

static const char help[] =
"usage: sload cas DIR CLIENTS ITERS\n"
"       sload check DIR N\n"
"       sload churn DIR ACKFILE [COUNT]\n"
"       sload verify DIR ACKFILE\n"
"       sload bench-lookup DIR THREADS SECONDS\n"
"       sload bench-install DIR THREADS SECONDS K\n"
"       sload append DIR NAME\n"
"Load for the SOAP directory server's tests.  DIR is a directory's\n"
"capability, or a path looked up from AMOEBA_ROOT; it needs every column\n"
"and the modify right.\n"
"  cas      CLIENTS threads each make ITERS increments of the counter named\n"
"           'counter' in DIR (made if missing), each an sp_lookup and an\n"
"           sp_install on the condition SP_MATCH, again on SP_CLASH; and\n"
"           after each, one sp_install sets g0..g9 all to one capability\n"
"           of (client, iteration).  Prints acked=N clashes=N groups=N.\n"
"  check    the counter is N, and g0..g9 hold the same capability.\n"
"  churn    random sp_installs of 1 to 10 names (n00..n39, condition\n"
"           SP_ANY: set or remove) across DIR and two directories it\n"
"           makes and enters as c1 and c2 (c2 encrypted), and small\n"
"           directories made, entered as t00..t11 and destroyed.  Each\n"
"           change is written to ACKFILE as 'TRY' before it is sent and\n"
"           'ACK' (or 'NAK', refused) once answered, each line one\n"
"           write(2).  Runs COUNT changes, or until killed or 3 calls in a\n"
"           row fail.  DIR should hold nothing else: verify reports any\n"
"           other row.\n"
"  verify   what DIR and its c1 and c2 hold is what ACKFILE says: every\n"
"           acknowledged change there, every change whose answer was lost\n"
"           there whole or not at all, the destroyed directories gone.\n"
"           Appends 'RES' lines saying how the lost answers turned out.\n"
"  bench-lookup   THREADS threads sp_lookup one name ('bench', which it\n"
"           enters) for SECONDS; prints 'SOAP lookup ops/s=...\n"
"           median_us=... p99_us=...'.\n"
"  bench-install  the same for sp_installs of K names each ('SOAP\n"
"           installK ...'), removed again at the end.\n"
"  append   sp_append NAME (any bytes, even none) to DIR and print the\n"
"           status's name.\n"
"Exit status: 0 on success, 1 on a failure or a mismatch, 2 for a usage\n"
"error.  AMOEBA_TRANS_TIMEOUT_MS defaults to 2000 for churn and verify.\n";

#define NDIRS		3
#define NNAMES		40
#define NTDIRS		12
#define NKEYS		(NNAMES + NTDIRS)
#define MAXFAIL		3
#define NGROUP		10
/* Masks in hexadecimal, '/', the capabilities with ',' between. */
#define VAL_MAX		(2 * SP_COLS_MAX + 1 + \
			 SP_CAPSET_MAX * (AM_CAP_TEXTLEN + 1) + 1)
#define LINE_LEN	(64 + NGROUP * (16 + VAL_MAX))
/* Destroyed directories verify checks again, the latest ones. */
#define NGONE		64
#define DFS_MAX		(1u << 20)

/* The port of the capabilities sload stores: no server has it. */
static const struct am_port fake_port = {
	{ 0x5a, 0x0a, 0x50, 0x10, 0xad, 0x01 }
};

static const struct sp_col cols3[3] = {
	{ "owner" }, { "group" }, { "other" }
};

static const char *ename(errstat err)
{
	const char *n = err_name(err);

	return n ? n : err_why(err);
}

static void bad_usage(void)
{
	fprintf(stderr, "sload: bad usage; try 'sload --help'\n");
	exit(2);
}

static uint64_t rng_next(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static uint32_t number(const char *s)
{
	unsigned long v;
	char *end;

	errno = 0;
	v = strtoul(s, &end, 0);
	if (errno || end == s || *end || v > UINT32_MAX)
		bad_usage();
	return (uint32_t)v;
}

/* A capability, or the first of the set a path names. */
static void dir_arg(const char *text, struct am_cap *cap)
{
	struct sp_capset set;
	errstat err;

	err = am_name_lookup(text, &set);
	if (err != STD_OK) {
		fprintf(stderr, "sload: %s: %s (%s)\n", text, am_path_error(),
			ename(err));
		exit(1);
	}
	*cap = set.caps[0];
}

/* A made-up capability for object @obj, its check taken from @salt. */
static void fake_cap(uint32_t obj, uint64_t salt, struct am_cap *cap)
{
	struct am_port check;
	int i;

	cap->cap_port = fake_port;
	for (i = 0; i < AM_PORTSIZE; i++)
		check.p[i] = (uint8_t)(salt >> (8 * i));
	check.p[0] |= 1;
	am_priv_encode(&cap->cap_priv, obj & AM_OBJ_MAX, AM_RIGHTS_ALL,
		       &check);
}

/* The set @name holds in @dir, whole: STD_OK or the error. */
static errstat lookup_set(const struct am_cap *dir, const char *name,
			  struct sp_capset *set)
{
	uint32_t used;
	errstat err;

	err = sp_lookup(dir, name, &used, set);
	if (err == STD_OK && (!set->caps_len || used != strlen(name)))
		err = STD_SYSERR;
	return err;
}

static errstat lookup1(const struct am_cap *dir, const char *name,
		       struct am_cap *cap)
{
	struct sp_capset set;
	errstat err;

	err = lookup_set(dir, name, &set);
	if (err == STD_OK)
		*cap = set.caps[0];
	return err;
}

/* An update: @name of @dir gets @ncaps of @caps (none: goes). */
static void update(struct sp_update *u, const struct am_cap *dir,
		   const char *name, uint8_t cond, const struct am_cap *old,
		   const struct am_cap *caps, uint32_t ncaps,
		   const uint8_t *masks, uint32_t nmasks)
{
	memset(u, 0, sizeof(*u));
	u->dir = *dir;
	snprintf(u->name, sizeof(u->name), "%s", name);
	u->cond = cond;
	if (old)
		u->old = *old;
	u->set.caps_len = ncaps;
	memcpy(u->set.caps, caps, ncaps * sizeof(*caps));
	u->masks_len = nmasks;
	memcpy(u->masks, masks, nmasks);
}

/* --- cas and check ------------------------------------------------- */

#define COUNTER_SALT	0xc0c0c0c0c0c1ull

struct cas {
	pthread_t	thread;
	struct am_cap	dir;
	uint32_t	client, iters;
	uint32_t	acked, clashes, groups;
	errstat		err;
	const char	*what;
};

static void group_cap(uint32_t client, uint32_t iter, struct am_cap *cap)
{
	fake_cap(client << 16 | (iter & 0xffff),
		 (uint64_t)client << 32 | iter | 1ull << 47, cap);
}

static void *cas_thread(void *arg)
{
	struct sp_update ups[NGROUP];
	struct cas *c = arg;
	struct am_cap cur, next, g;
	char name[8];
	uint32_t i, j, v;
	errstat err = STD_OK;

	for (i = 0; i < c->iters; i++) {
		for (;;) {
			c->what = "sp_lookup counter";
			err = lookup1(&c->dir, "counter", &cur);
			if (err != STD_OK)
				goto out;
			v = am_priv_object(&cur.cap_priv);
			fake_cap(v + 1, COUNTER_SALT, &next);
			update(&ups[0], &c->dir, "counter", SP_MATCH, &cur,
			       &next, 1, NULL, 0);
			c->what = "sp_install counter";
			err = sp_install(&c->dir, ups, 1);
			if (err != SP_CLASH)
				break;
			c->clashes++;
		}
		if (err != STD_OK)
			goto out;
		c->acked++;
		group_cap(c->client, i, &g);
		for (j = 0; j < NGROUP; j++) {
			snprintf(name, sizeof(name), "g%u", j);
			update(&ups[j], &c->dir, name, SP_ANY, NULL, &g, 1,
			       NULL, 0);
		}
		c->what = "sp_install g0..g9";
		err = sp_install(&c->dir, ups, NGROUP);
		if (err != STD_OK)
			goto out;
		c->groups++;
	}
out:
	c->err = err;
	return NULL;
}

static int cas(const char *dirtext, uint32_t clients, uint32_t iters)
{
	uint32_t i, acked = 0, clashes = 0, groups = 0;
	struct am_cap dir, zero;
	struct sp_capset set;
	struct cas *c;
	errstat err;
	int rc = 0;

	if (!clients || clients > 255 || iters > 0xffff)
		bad_usage();
	dir_arg(dirtext, &dir);
	fake_cap(0, COUNTER_SALT, &zero);
	set.caps_len = 1;
	set.caps[0] = zero;
	err = sp_append(&dir, "counter", &set, NULL, 0);
	if (err != STD_OK && err != STD_EXISTS) {
		fprintf(stderr, "sload: sp_append counter: %s (%s)\n",
			err_why(err), ename(err));
		return 1;
	}
	c = calloc(clients, sizeof(*c));
	if (!c)
		return 1;
	for (i = 0; i < clients; i++) {
		c[i].dir = dir;
		c[i].client = i;
		c[i].iters = iters;
		if (pthread_create(&c[i].thread, NULL, cas_thread, &c[i])) {
			fprintf(stderr, "sload: cannot start a thread\n");
			exit(1);
		}
	}
	for (i = 0; i < clients; i++) {
		pthread_join(c[i].thread, NULL);
		acked += c[i].acked;
		clashes += c[i].clashes;
		groups += c[i].groups;
		if (c[i].err != STD_OK) {
			fprintf(stderr, "sload: client %u: %s: %s (%s)\n", i,
				c[i].what, err_why(c[i].err),
				ename(c[i].err));
			rc = 1;
		}
	}
	printf("acked=%u clashes=%u groups=%u\n", acked, clashes, groups);
	free(c);
	return rc;
}

static int check(const char *dirtext, uint32_t n)
{
	struct sp_capset g0, g;
	struct am_cap dir, cur;
	char name[8];
	uint32_t j, v;
	errstat err;
	int rc = 0;

	dir_arg(dirtext, &dir);
	err = lookup1(&dir, "counter", &cur);
	if (err != STD_OK) {
		printf("counter: %s (%s)\n", err_why(err), ename(err));
		return 1;
	}
	v = am_priv_object(&cur.cap_priv);
	if (v != n) {
		printf("counter is %u, but %u increments were acknowledged: %u %s\n",
		       v, n, v > n ? v - n : n - v,
		       v > n ? "too many" : "lost");
		rc = 1;
	}
	err = lookup_set(&dir, "g0", &g0);
	if (err == STD_NOTFOUND && !n)
		goto done;
	if (err != STD_OK) {
		printf("g0: %s (%s)\n", err_why(err), ename(err));
		return 1;
	}
	for (j = 1; j < NGROUP; j++) {
		snprintf(name, sizeof(name), "g%u", j);
		err = lookup_set(&dir, name, &g);
		if (err != STD_OK) {
			printf("%s: %s (%s)\n", name, err_why(err),
			       ename(err));
			rc = 1;
		} else if (g.caps_len != g0.caps_len ||
			   memcmp(g.caps, g0.caps,
				  g.caps_len * sizeof(g.caps[0]))) {
			printf("%s holds object %06x, g0 %06x: not one install\n",
			       name, am_priv_object(&g.caps[0].cap_priv),
			       am_priv_object(&g0.caps[0].cap_priv));
			rc = 1;
		}
	}
	v = am_priv_object(&g0.caps[0].cap_priv);
done:
	if (!rc)
		printf("counter=%u; g0..g9 equal (client %u, iteration %u)\n",
		       n, n ? v >> 16 : 0, n ? v & 0xffff : 0);
	return rc;
}

/* --- Values, as churn writes them and verify reads them ------------- */

/* "ff0604/CAP,CAP", or "-" for no row. */
static void val_format(char *out, const uint8_t *masks, uint32_t nmasks,
		       const struct am_cap *caps, uint32_t ncaps)
{
	char *p = out;
	uint32_t i;

	for (i = 0; i < nmasks; i++)
		p += sprintf(p, "%02x", masks[i]);
	*p++ = '/';
	for (i = 0; i < ncaps; i++) {
		if (i)
			*p++ = ',';
		am_cap_format(&caps[i], p, AM_CAP_TEXTLEN + 1);
		p += AM_CAP_TEXTLEN;
	}
	*p = '\0';
}

static void key_name(uint32_t key, char *name)
{
	if (key < NNAMES)
		sprintf(name, "n%02u", key);
	else
		sprintf(name, "t%02u", key - NNAMES);
}

/* The key of a row name, or -1 if churn never makes it. */
static int name_key(const char *name)
{
	char *end;
	unsigned long v;

	if ((name[0] != 'n' && name[0] != 't') || strlen(name) != 3 ||
	    name[1] < '0' || name[1] > '9')
		return -1;
	v = strtoul(name + 1, &end, 10);
	if (*end)
		return -1;
	if (name[0] == 'n')
		return v < NNAMES ? (int)v : -1;
	return v < NTDIRS ? (int)(NNAMES + v) : -1;
}

/* --- churn ------------------------------------------------------------ */

struct churn {
	struct am_cap	dirs[NDIRS];
	uint32_t	ncols[NDIRS];
	int		fd;
	uint64_t	run, seq;
	uint64_t	rng;
	uint32_t	fails;
	bool		stale;		/* the model needs reading again */
	bool		tpresent[NTDIRS];
	struct am_cap	tcap[NTDIRS];
	uint32_t	acked, refused, lost;
};

/* One whole line, one write(2): a kill leaves it whole or absent. */
static void emit(struct churn *c, const char *line)
{
	size_t n = strlen(line);

	if (write(c->fd, line, n) != (ssize_t)n) {
		fprintf(stderr, "sload: cannot write the ack file: %s\n",
			strerror(errno));
		exit(1);
	}
}

static errstat ncols_of(const struct am_cap *dir, uint32_t *ncols)
{
	static struct sp_row rows[SP_LIST_MAX];
	struct sp_col cols[SP_COLS_MAX];
	uint32_t total, nrows;
	errstat err;

	err = sp_list(dir, 0, &total, cols, ncols, rows, &nrows);
	if (err == STD_OK && (!*ncols || *ncols > SP_COLS_MAX))
		err = STD_SYSERR;
	return err;
}

/* What the small directories' names hold now. */
static errstat churn_read(struct churn *c)
{
	char name[8];
	uint32_t j;
	errstat err;

	for (j = 0; j < NTDIRS; j++) {
		key_name(NNAMES + j, name);
		err = lookup1(&c->dirs[j % NDIRS], name, &c->tcap[j]);
		if (err != STD_OK && err != STD_NOTFOUND)
			return err;
		c->tpresent[j] = err == STD_OK;
	}
	c->stale = false;
	return STD_OK;
}

/* cK of DIR, made and entered if it is missing (c2 encrypted). */
static errstat churn_subdir(struct churn *c, uint32_t k)
{
	uint8_t masks[SP_COLS_MAX] = { 0xff, 0xff, 0xff, 0xff };
	struct sp_capset set;
	struct am_cap made;
	char name[4];
	errstat err;

	sprintf(name, "c%u", k);
	err = lookup1(&c->dirs[0], name, &c->dirs[k]);
	if (err == STD_NOTFOUND) {
		err = sp_create(&c->dirs[0], cols3, 3, k == 2 ? SP_ENCRYPT : 0,
				&made);
		if (err != STD_OK)
			return err;
		set.caps_len = 1;
		set.caps[0] = made;
		err = sp_append(&c->dirs[0], name, &set, masks, c->ncols[0]);
		if (err == STD_OK || err == STD_EXISTS)
			err = lookup1(&c->dirs[0], name, &c->dirs[k]);
	}
	if (err == STD_OK)
		err = ncols_of(&c->dirs[k], &c->ncols[k]);
	return err;
}

/* DIR, c1 and c2; their DIR lines. */
static errstat churn_setup(struct churn *c)
{
	char line[64 + AM_CAP_TEXTLEN];
	errstat err;
	uint32_t k;

	err = ncols_of(&c->dirs[0], &c->ncols[0]);
	for (k = 1; k < NDIRS && err == STD_OK; k++)
		err = churn_subdir(c, k);
	if (err != STD_OK)
		return err;
	for (k = 0; k < NDIRS; k++) {
		sprintf(line, "DIR %u ", k);
		am_cap_format(&c->dirs[k], line + strlen(line),
			      AM_CAP_TEXTLEN + 1);
		strcat(line, "\n");
		emit(c, line);
	}
	return churn_read(c);
}

/* The answer to change @id: ACK, NAK, or nothing if it was lost. */
static bool churn_done(struct churn *c, const char *id, errstat err,
		       const char *what)
{
	char line[96];

	if (err == STD_OK) {
		snprintf(line, sizeof(line), "ACK %s\n", id);
		emit(c, line);
		c->acked++;
		c->fails = 0;
		return true;
	}
	fprintf(stderr, "sload: churn: %s %s: %s (%s)\n", what, id,
		err_why(err), ename(err));
	c->stale = true;
	if (am_err_rpc(err)) {
		c->lost++;
		c->fails++;
		return false;
	}
	snprintf(line, sizeof(line), "NAK %s %s\n", id, ename(err));
	emit(c, line);
	c->refused++;
	return false;
}

static uint64_t rnd(struct churn *c, uint64_t n)
{
	return rng_next(&c->rng) % n;
}

static void new_id(struct churn *c, char *id)
{
	sprintf(id, "%" PRIx64 ".%" PRIu64, c->run, c->seq++);
}

/* Some names of the three directories set or removed, in one install. */
static void churn_install(struct churn *c)
{
	static struct sp_update ups[NGROUP];
	struct am_cap caps[3];
	uint8_t masks[SP_COLS_MAX];
	char line[LINE_LEN], id[48], name[8], val[VAL_MAX];
	uint32_t n, i, j, d, key, ncaps, m;
	uint32_t picked[NGROUP];
	char *p;
	errstat err;

	n = 1 + (uint32_t)rnd(c, NGROUP);
	new_id(c, id);
	p = line + sprintf(line, "TRY %s", id);
	for (i = 0; i < n; i++) {
		do {
			d = (uint32_t)rnd(c, NDIRS);
			key = (uint32_t)rnd(c, NNAMES);
			for (j = 0; j < i; j++)
				if (picked[j] == d * NKEYS + key)
					break;
		} while (j < i);
		picked[i] = d * NKEYS + key;
		key_name(key, name);
		if (rnd(c, 10) < 3) {
			update(&ups[i], &c->dirs[d], name, SP_ANY, NULL, NULL,
			       0, NULL, 0);
			strcpy(val, "-");
		} else {
			ncaps = 1 + (uint32_t)rnd(c, 3);
			for (j = 0; j < ncaps; j++)
				fake_cap((uint32_t)rnd(c, AM_OBJ_MAX + 1),
					 rng_next(&c->rng), &caps[j]);
			/* Column 1 all: lookups give the caps unchanged. */
			masks[0] = 0xff;
			for (m = 1; m < c->ncols[d]; m++)
				masks[m] = (uint8_t)rnd(c, 256);
			update(&ups[i], &c->dirs[d], name, SP_ANY, NULL, caps,
			       ncaps, masks, c->ncols[d]);
			val_format(val, masks, c->ncols[d], caps, ncaps);
		}
		p += sprintf(p, " %u/%s=%s", d, name, val);
	}
	strcpy(p, "\n");
	emit(c, line);
	err = sp_install(&c->dirs[rnd(c, NDIRS)], ups, n);
	churn_done(c, id, err, "sp_install");
}

/* A small directory made and entered as a free tNN. */
static void churn_mkdir(struct churn *c, uint32_t j)
{
	uint8_t masks[SP_COLS_MAX] = { 0xff, 0xff, 0xff, 0xff };
	char line[LINE_LEN], id[48], name[8], val[VAL_MAX];
	struct sp_update u;
	struct am_cap made;
	uint32_t d = j % NDIRS;
	errstat err;

	err = sp_create(&c->dirs[0], cols3, 1 + (uint32_t)rnd(c, 3),
			rnd(c, 4) ? 0 : SP_ENCRYPT, &made);
	if (err != STD_OK) {
		fprintf(stderr, "sload: churn: sp_create: %s (%s)\n",
			err_why(err), ename(err));
		c->stale = true;
		if (am_err_rpc(err))
			c->fails++;
		else
			c->refused++;
		return;
	}
	key_name(NNAMES + j, name);
	update(&u, &c->dirs[d], name, SP_ANY, NULL, &made, 1, masks,
	       c->ncols[d]);
	val_format(val, masks, c->ncols[d], &made, 1);
	new_id(c, id);
	snprintf(line, sizeof(line), "TRY %s %u/%s=%s\n", id, d, name, val);
	emit(c, line);
	err = sp_install(&c->dirs[d], &u, 1);
	if (churn_done(c, id, err, "sp_install")) {
		c->tpresent[j] = true;
		c->tcap[j] = made;
	}
}

/* The small directory of tNN: its name removed, then it destroyed. */
static void churn_rmdir(struct churn *c, uint32_t j)
{
	char line[LINE_LEN], id[48], name[8], text[AM_CAP_TEXTLEN + 1];
	struct sp_update u;
	uint32_t d = j % NDIRS;
	errstat err;

	key_name(NNAMES + j, name);
	update(&u, &c->dirs[d], name, SP_ANY, NULL, NULL, 0, NULL, 0);
	new_id(c, id);
	snprintf(line, sizeof(line), "TRY %s %u/%s=-\n", id, d, name);
	emit(c, line);
	err = sp_install(&c->dirs[d], &u, 1);
	if (!churn_done(c, id, err, "sp_install"))
		return;
	c->tpresent[j] = false;
	new_id(c, id);
	am_cap_format(&c->tcap[j], text, sizeof(text));
	snprintf(line, sizeof(line), "TRYD %s %s\n", id, text);
	emit(c, line);
	err = std_destroy(&c->tcap[j]);
	churn_done(c, id, err, "std_destroy");
}

static int run_churn(const char *dirtext, const char *ackfile, uint32_t count)
{
	struct churn c = { 0 };
	uint32_t n, j, r;
	struct am_port seed;
	errstat err;

	dir_arg(dirtext, &c.dirs[0]);
	c.fd = open(ackfile, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
	if (c.fd < 0) {
		fprintf(stderr, "sload: %s: %s\n", ackfile, strerror(errno));
		return 1;
	}
	if (am_port_random(&seed))
		return 1;
	memcpy(&c.rng, seed.p, sizeof(seed.p));
	c.rng |= 1;
	c.run = (uint64_t)time(NULL) << 24 | (c.rng & 0xffffff);
	err = churn_setup(&c);
	if (err != STD_OK) {
		fprintf(stderr, "sload: churn: setup: %s (%s)\n", err_why(err),
			ename(err));
		return 1;
	}
	for (n = 0; (!count || n < count) && c.fails < MAXFAIL; n++) {
		if (c.stale && churn_read(&c) != STD_OK) {
			c.fails++;
			continue;
		}
		r = (uint32_t)rnd(&c, 100);
		j = (uint32_t)rnd(&c, NTDIRS);
		if (r < 80)
			churn_install(&c);
		else if (r < 90 && !c.tpresent[j])
			churn_mkdir(&c, j);
		else if (c.tpresent[j])
			churn_rmdir(&c, j);
		else
			churn_install(&c);
	}
	printf("churn: %u acknowledged, %u refused, %u without an answer\n",
	       c.acked, c.refused, c.lost);
	return c.refused ? 1 : 0;
}

/* --- verify ----------------------------------------------------------- */

/* A change whose answer was lost: its writes, and how it turned out. */
struct amb {
	char		id[48];
	bool		destroy;
	char		cap[AM_CAP_TEXTLEN + 1];	/* destroyed */
	uint32_t	nw;
	uint16_t	wdir[NGROUP], wkey[NGROUP];
	int		outcome;	/* 1: it happened */
};

struct kwrite {
	uint32_t	amb;
	char		val[VAL_MAX];
};

struct key {
	char		base[VAL_MAX];	/* after the last certain change */
	struct kwrite	*w;		/* lost ones since, in order */
	uint32_t	nw, room;
	char		obs[VAL_MAX];
};

struct res {
	char		id[48];
	int		applied;
};

/* A change as read from its TRY or TRYD line. */
struct pending {
	bool		valid, destroy;
	char		id[48];
	char		cap[AM_CAP_TEXTLEN + 1];
	uint32_t	n;
	uint16_t	dir[NGROUP], key[NGROUP];
	char		val[NGROUP][VAL_MAX];
};

struct verify {
	struct key	keys[NDIRS][NKEYS];
	struct amb	*amb;
	uint32_t	namb, ambroom;
	struct res	*res;
	uint32_t	nres, resroom;
	char		gone[NGONE][AM_CAP_TEXTLEN + 1];
	uint32_t	ngone;
	char		dirs[NDIRS][AM_CAP_TEXTLEN + 1];
	uint32_t	acked, refused, resolved;
	uint64_t	steps;
	const char	*file;
	uint32_t	lineno;
};

static void *grow(void *p, uint32_t *room, uint32_t n, size_t size)
{
	if (n < *room)
		return p;
	*room = *room ? 2 * *room : 64;
	p = realloc(p, *room * size);
	if (!p) {
		fprintf(stderr, "sload: no memory\n");
		exit(1);
	}
	return p;
}

static void bad_line(struct verify *v, const char *line)
{
	fprintf(stderr, "sload: %s:%u: not a line churn writes: %.80s\n",
		v->file, v->lineno, line);
	exit(1);
}

static int res_of(const struct verify *v, const char *id)
{
	uint32_t i;

	for (i = v->nres; i--;)
		if (!strcmp(v->res[i].id, id))
			return v->res[i].applied;
	return -1;
}

static void apply(struct verify *v, const struct pending *p)
{
	struct key *k;
	uint32_t i;

	if (p->destroy) {
		strcpy(v->gone[v->ngone++ % NGONE], p->cap);
		return;
	}
	for (i = 0; i < p->n; i++) {
		k = &v->keys[p->dir[i]][p->key[i]];
		strcpy(k->base, p->val[i]);
		k->nw = 0;
	}
}

/* The change in @p has had its answer, or none will come. */
static void settle(struct verify *v, struct pending *p, int answered)
{
	struct kwrite *w;
	struct amb *a;
	struct key *k;
	uint32_t i;

	if (!p->valid)
		return;
	p->valid = false;
	if (answered < 0)
		answered = res_of(v, p->id);
	if (answered == 1)
		apply(v, p);
	if (answered >= 0)
		return;
	v->amb = grow(v->amb, &v->ambroom, v->namb, sizeof(*v->amb));
	a = &v->amb[v->namb];
	memset(a, 0, sizeof(*a));
	strcpy(a->id, p->id);
	a->destroy = p->destroy;
	strcpy(a->cap, p->cap);
	a->nw = p->n;
	for (i = 0; i < p->n; i++) {
		a->wdir[i] = p->dir[i];
		a->wkey[i] = p->key[i];
		k = &v->keys[p->dir[i]][p->key[i]];
		k->w = grow(k->w, &k->room, k->nw, sizeof(*k->w));
		w = &k->w[k->nw++];
		w->amb = v->namb;
		strcpy(w->val, p->val[i]);
	}
	v->namb++;
}

static void parse_try(struct verify *v, char *line, struct pending *p)
{
	char *tok, *save, *eq, *slash;
	int key;

	memset(p, 0, sizeof(*p));
	line[strcspn(line, "\n")] = '\0';
	tok = strtok_r(line, " ", &save);
	if (!tok || strlen(tok) >= sizeof(p->id))
		bad_line(v, line);
	strcpy(p->id, tok);
	for (tok = strtok_r(NULL, " ", &save); tok;
	     tok = strtok_r(NULL, " ", &save)) {
		eq = strchr(tok, '=');
		slash = strchr(tok, '/');
		if (p->n == NGROUP || !eq || slash != tok + 1 ||
		    tok[0] < '0' || tok[0] >= '0' + NDIRS ||
		    strlen(eq + 1) >= VAL_MAX)
			bad_line(v, tok);
		*eq = '\0';
		key = name_key(tok + 2);
		if (key < 0)
			bad_line(v, tok);
		p->dir[p->n] = (uint16_t)(tok[0] - '0');
		p->key[p->n] = (uint16_t)key;
		strcpy(p->val[p->n], eq + 1);
		p->n++;
	}
	p->valid = true;
}

static void read_ackfile(struct verify *v, FILE *f)
{
	static char line[LINE_LEN + 2];
	static struct pending p;
	char id[48], word[48];
	uint32_t d, i, k;
	size_t len;

	for (d = 0; d < NDIRS; d++)
		for (k = 0; k < NKEYS; k++)
			strcpy(v->keys[d][k].base, "-");
	/* The RES lines first: they settle changes written before them. */
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "RES %47s %u", id, &i) == 2) {
			v->res = grow(v->res, &v->resroom, v->nres,
				      sizeof(*v->res));
			strcpy(v->res[v->nres].id, id);
			v->res[v->nres++].applied = !!i;
		}
	rewind(f);
	v->lineno = 0;
	while (fgets(line, sizeof(line), f)) {
		v->lineno++;
		len = strlen(line);
		/* A line without its end was cut by a kill: never sent. */
		if (!len || line[len - 1] != '\n')
			continue;
		if (!strncmp(line, "TRY ", 4)) {
			settle(v, &p, -1);
			parse_try(v, line + 4, &p);
		} else if (!strncmp(line, "TRYD ", 5)) {
			settle(v, &p, -1);
			memset(&p, 0, sizeof(p));
			if (sscanf(line, "TRYD %47s %35s", p.id, p.cap) != 2)
				bad_line(v, line);
			p.destroy = true;
			p.valid = true;
		} else if (sscanf(line, "ACK %47s", id) == 1) {
			if (!p.valid || strcmp(id, p.id))
				bad_line(v, line);
			settle(v, &p, 1);
			v->acked++;
		} else if (sscanf(line, "NAK %47s %47s", id, word) == 2) {
			if (!p.valid || strcmp(id, p.id))
				bad_line(v, line);
			settle(v, &p, 0);
			v->refused++;
		} else if (sscanf(line, "DIR %u %47s", &d, word) == 2) {
			settle(v, &p, -1);
			if (d >= NDIRS || strlen(word) != AM_CAP_TEXTLEN)
				bad_line(v, line);
			strcpy(v->dirs[d], word);
		} else if (strncmp(line, "RES ", 4)) {
			bad_line(v, line);
		}
	}
	settle(v, &p, -1);
}

/* What the server holds: each key's value, in keys[][].obs. */
static int observe(struct verify *v, struct am_cap *dirs)
{
	static struct sp_row rows[SP_LIST_MAX];
	struct sp_col cols[SP_COLS_MAX];
	uint32_t d, k, i, total, ncols, nrows, start;
	struct sp_capset set;
	const char *name;
	errstat err;
	int key, bad = 0;

	for (d = 0; d < NDIRS; d++)
		for (k = 0; k < NKEYS; k++)
			strcpy(v->keys[d][k].obs, "-");
	for (d = 0; d < NDIRS; d++) {
		if (!v->dirs[d][0] && d)
			continue;
		start = 0;
		do {
			err = sp_list(&dirs[d], start, &total, cols, &ncols,
				      rows, &nrows);
			if (err != STD_OK) {
				printf("BAD directory %u: sp_list: %s (%s)\n",
				       d, err_why(err), ename(err));
				return 1;
			}
			for (i = 0; i < nrows; i++) {
				name = rows[i].name;
				key = name_key(name);
				if (key >= 0) {
					err = lookup_set(&dirs[d], name, &set);
					if (err != STD_OK) {
						printf("BAD %u/%s: listed, but sp_lookup: %s (%s)\n",
						       d, name, err_why(err),
						       ename(err));
						bad = 1;
						continue;
					}
					val_format(v->keys[d][key].obs,
						   rows[i].masks,
						   rows[i].masks_len, set.caps,
						   set.caps_len);
					continue;
				}
				if (d == 0 && (!strcmp(name, "c1") ||
					       !strcmp(name, "c2")))
					continue;
				printf("BAD %u/%s: a row no change made\n", d,
				       name);
				bad = 1;
			}
			start += nrows;
		} while (nrows && start < total);
	}
	return bad;
}

/* Whether the outcomes chosen for lost changes i.. agree with @i's. */
static bool consistent(struct verify *v, uint32_t i)
{
	const struct amb *a = &v->amb[i];
	const struct key *k;
	const char *pred;
	uint32_t j, p, q;
	bool later;

	for (j = 0; j < a->nw; j++) {
		k = &v->keys[a->wdir[j]][a->wkey[j]];
		for (p = 0; p < k->nw && k->w[p].amb != i; p++)
			;
		if (p == k->nw)
			continue;	/* a certain change wrote it since */
		for (q = p + 1, later = false; q < k->nw; q++)
			if (v->amb[k->w[q].amb].outcome)
				later = true;
		if (later)
			continue;
		if (a->outcome)
			pred = k->w[p].val;
		else if (p == 0)
			pred = k->base;
		else
			continue;
		if (strcmp(pred, k->obs))
			return false;
	}
	return true;
}

/* Outcomes for lost changes @i and before that explain what is there. */
static bool explain(struct verify *v, long i)
{
	struct amb *a;
	int o;

	if (i < 0)
		return true;
	a = &v->amb[i];
	if (a->destroy)
		return explain(v, i - 1);
	for (o = 1; o >= 0; o--) {
		if (++v->steps > DFS_MAX)
			return false;
		a->outcome = o;
		if (consistent(v, (uint32_t)i) && explain(v, i - 1))
			return true;
	}
	a->outcome = 0;
	return false;
}

/* sp_list of the directory @text names: its status and rows. */
static errstat dir_state(const char *text, uint32_t *total)
{
	static struct sp_row rows[SP_LIST_MAX];
	struct sp_col cols[SP_COLS_MAX];
	uint32_t ncols, nrows;
	struct am_cap cap;

	if (am_cap_parse(text, &cap, NULL))
		return STD_ARGBAD;
	return sp_list(&cap, 0, total, cols, &ncols, rows, &nrows);
}

static int check_dirs(struct verify *v)
{
	uint32_t d, k, i, total;
	char text[AM_CAP_TEXTLEN + 1];
	const char *obs;
	errstat err;
	int bad = 0;

	/* Each tNN there holds a live, empty directory. */
	for (d = 0; d < NDIRS; d++)
		for (k = NNAMES; k < NKEYS; k++) {
			obs = v->keys[d][k].obs;
			if (!strcmp(obs, "-"))
				continue;
			snprintf(text, sizeof(text), "%s", strchr(obs, '/') + 1);
			err = dir_state(text, &total);
			if (err != STD_OK || total) {
				printf("BAD %u/t%02u holds %s: %s, %u rows\n", d,
				       k - NNAMES, text, ename(err), total);
				bad = 1;
			}
		}
	/* The latest destroyed ones are gone. */
	for (i = 0; i < NGONE && i < v->ngone; i++) {
		err = dir_state(v->gone[i], &total);
		if (err != STD_CAPBAD) {
			printf("BAD directory %s was destroyed, but sp_list says %s\n",
			       v->gone[i], ename(err));
			bad = 1;
		}
	}
	/* A lost destroy happened or not: the directory says which. */
	for (i = 0; i < v->namb; i++) {
		if (!v->amb[i].destroy)
			continue;
		err = dir_state(v->amb[i].cap, &total);
		if (err == STD_CAPBAD) {
			v->amb[i].outcome = 1;
		} else if (err == STD_OK && !total) {
			v->amb[i].outcome = 0;
		} else {
			printf("BAD directory %s (destroy %s lost): %s, %u rows\n",
			       v->amb[i].cap, v->amb[i].id, ename(err), total);
			bad = 1;
		}
	}
	return bad;
}

static void explain_fail(struct verify *v)
{
	const struct amb *a;
	const struct key *k;
	uint32_t i, j, p;
	char name[8];
	bool shown;

	printf("BAD no outcome of the %u changes whose answers were lost explains what is there%s:\n",
	       v->namb, v->steps > DFS_MAX ? " (search cut short)" : "");
	for (i = 0; i < v->namb; i++) {
		a = &v->amb[i];
		if (a->destroy)
			continue;
		for (j = 0, shown = false; j < a->nw; j++) {
			k = &v->keys[a->wdir[j]][a->wkey[j]];
			for (p = 0; p < k->nw && k->w[p].amb != i; p++)
				;
			/* A certain change wrote it since: nothing to see. */
			if (p == k->nw)
				continue;
			if (!shown)
				printf("  change %s:\n", a->id);
			shown = true;
			key_name(a->wkey[j], name);
			printf("    %u/%s: before %s\n      after %s\n      there %s\n",
			       a->wdir[j], name, p ? "(another lost change)" :
			       k->base, k->w[p].val, k->obs);
		}
	}
}

static int verify(const char *dirtext, const char *ackfile)
{
	static struct verify v;
	struct am_cap dirs[NDIRS];
	char text[AM_CAP_TEXTLEN + 1], name[8], line[96];
	uint32_t d, k, i, checked = 0, present = 0, happened = 0;
	struct key *key;
	FILE *f;
	int bad = 0, fd;
	errstat err;

	dir_arg(dirtext, &dirs[0]);
	v.file = ackfile;
	f = fopen(ackfile, "re");
	if (!f) {
		fprintf(stderr, "sload: %s: %s\n", ackfile, strerror(errno));
		return 1;
	}
	read_ackfile(&v, f);
	fclose(f);
	/* c1 and c2 are the directories churn wrote down. */
	for (d = 1; d < NDIRS; d++) {
		sprintf(name, "c%u", d);
		err = lookup1(&dirs[0], name, &dirs[d]);
		if (err == STD_NOTFOUND && !v.dirs[d][0])
			continue;
		am_cap_format(&dirs[d], text, sizeof(text));
		/* Made and entered by a churn killed before it said so. */
		if (err == STD_OK && !v.dirs[d][0])
			strcpy(v.dirs[d], text);
		if (err != STD_OK || strcmp(text, v.dirs[d])) {
			printf("BAD %s: %s, churn wrote down %s\n", name,
			       err == STD_OK ? text : ename(err),
			       v.dirs[d][0] ? v.dirs[d] : "nothing");
			return 1;
		}
	}
	bad |= observe(&v, dirs);
	bad |= check_dirs(&v);
	/* What no lost answer touches must be exactly so. */
	for (d = 0; d < NDIRS; d++)
		for (k = 0; k < NKEYS; k++) {
			key = &v.keys[d][k];
			checked++;
			present += strcmp(key->obs, "-") != 0;
			if (key->nw || !strcmp(key->base, key->obs))
				continue;
			key_name(k, name);
			printf("BAD %u/%s: acknowledged %s\n  there %s\n", d,
			       name, key->base, key->obs);
			bad = 1;
		}
	if (!bad && !explain(&v, (long)v.namb - 1)) {
		explain_fail(&v);
		bad = 1;
	}
	if (bad)
		return 1;
	/* How the lost ones turned out, for the next verify to build on. */
	fd = open(ackfile, O_WRONLY | O_APPEND | O_CLOEXEC);
	for (i = 0; i < v.namb && fd >= 0; i++) {
		happened += v.amb[i].outcome;
		snprintf(line, sizeof(line), "RES %s %d\n", v.amb[i].id,
			 v.amb[i].outcome);
		if (write(fd, line, strlen(line)) != (ssize_t)strlen(line))
			break;
	}
	if (fd < 0 || i < v.namb) {
		fprintf(stderr, "sload: cannot append to %s: %s\n", ackfile,
			strerror(errno));
		return 1;
	}
	close(fd);
	printf("verified: %u changes acknowledged, %u refused, %u with lost answers (%u happened, %u earlier ones settled), %u names (%u there), %u destroyed directories gone\n",
	       v.acked, v.refused, v.namb, happened, v.nres, checked, present,
	       v.ngone < NGONE ? v.ngone : NGONE);
	return 0;
}

/* --- Benchmarks ------------------------------------------------------- */

struct bench {
	pthread_t	thread;
	struct am_cap	dir;
	uint32_t	id, k;
	uint64_t	end;
	uint64_t	*lat;
	size_t		n, room;
	errstat		err;
};

static void bench_record(struct bench *b, uint64_t ns)
{
	uint64_t *p;

	if (b->n == b->room) {
		b->room = b->room ? 2 * b->room : 4096;
		p = realloc(b->lat, b->room * sizeof(*p));
		if (!p) {
			fprintf(stderr, "sload: no memory\n");
			exit(1);
		}
		b->lat = p;
	}
	b->lat[b->n++] = ns;
}

static void bench_names(struct bench *b, struct sp_update *ups, bool remove,
			uint32_t iter)
{
	struct am_cap cap;
	char name[32];
	uint32_t j;

	fake_cap(iter, (uint64_t)b->id << 32 | 3, &cap);
	for (j = 0; j < b->k; j++) {
		snprintf(name, sizeof(name), "b%u.%u", b->id, j);
		update(&ups[j], &b->dir, name, SP_ANY, NULL, &cap,
		       remove ? 0 : 1, NULL, 0);
	}
}

static void *bench_thread(void *arg)
{
	struct sp_update *ups = calloc(SP_INSTALL_MAX, sizeof(*ups));
	struct bench *b = arg;
	struct sp_capset set;
	uint64_t t;
	uint32_t used, iter = 0;

	if (!ups) {
		b->err = STD_NOMEM;
		return NULL;
	}
	for (t = now_ns(); t < b->end; t = now_ns()) {
		if (b->k) {
			bench_names(b, ups, false, iter++);
			b->err = sp_install(&b->dir, ups, b->k);
		} else {
			b->err = sp_lookup(&b->dir, "bench", &used, &set);
		}
		if (b->err != STD_OK)
			break;
		bench_record(b, now_ns() - t);
	}
	if (b->k && b->err == STD_OK) {
		bench_names(b, ups, true, 0);
		sp_install(&b->dir, ups, b->k);
	}
	free(ups);
	return NULL;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static int run_bench(const char *dirtext, uint32_t threads, uint32_t seconds,
		 uint32_t k)
{
	struct sp_update u;
	struct am_cap dir, cap;
	struct bench *b;
	uint64_t *all, start, t;
	size_t n = 0, at;
	uint32_t i;
	errstat err;
	char what[16];

	if (!threads || threads > 256 || !seconds || k > SP_INSTALL_MAX)
		bad_usage();
	dir_arg(dirtext, &dir);
	fake_cap(1, 0xbe, &cap);
	update(&u, &dir, "bench", SP_ANY, NULL, &cap, 1, NULL, 0);
	err = sp_install(&dir, &u, 1);
	if (err != STD_OK) {
		fprintf(stderr, "sload: sp_install bench: %s (%s)\n",
			err_why(err), ename(err));
		return 1;
	}
	b = calloc(threads, sizeof(*b));
	if (!b)
		return 1;
	start = now_ns();
	for (i = 0; i < threads; i++) {
		b[i].dir = dir;
		b[i].id = i;
		b[i].k = k;
		b[i].end = start + (uint64_t)seconds * 1000000000u;
		if (pthread_create(&b[i].thread, NULL, bench_thread, &b[i])) {
			fprintf(stderr, "sload: cannot start a thread\n");
			return 1;
		}
	}
	for (i = 0; i < threads; i++) {
		pthread_join(b[i].thread, NULL);
		n += b[i].n;
	}
	t = now_ns() - start;
	all = malloc((n ? n : 1) * sizeof(*all));
	if (!all)
		return 1;
	for (i = 0, at = 0; i < threads; i++) {
		memcpy(all + at, b[i].lat, b[i].n * sizeof(*all));
		at += b[i].n;
		if (b[i].err != STD_OK) {
			fprintf(stderr, "sload: thread %u: %s (%s)\n", i,
				err_why(b[i].err), ename(b[i].err));
			return 1;
		}
	}
	if (!n) {
		fprintf(stderr, "sload: no call finished\n");
		return 1;
	}
	qsort(all, n, sizeof(*all), cmp_u64);
	if (k)
		snprintf(what, sizeof(what), "install%u", k);
	else
		snprintf(what, sizeof(what), "lookup");
	printf("SOAP %s ops/s=%.0f median_us=%.1f p99_us=%.1f\n", what,
	       n / (t / 1e9), all[n / 2] / 1e3, all[n * 99 / 100] / 1e3);
	return 0;
}

/* --- append ----------------------------------------------------------- */

static int append(const char *dirtext, const char *name)
{
	struct sp_capset set;
	struct am_cap dir;
	errstat err;

	dir_arg(dirtext, &dir);
	set.caps_len = 1;
	fake_cap(7, 0xa99e4d, &set.caps[0]);
	err = sp_append(&dir, name, &set, NULL, 0);
	printf("%s\n", err == STD_OK ? "STD_OK" : ename(err));
	return err == STD_OK ? 0 : 1;
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";

	if (!strcmp(mode, "--help") || !strcmp(mode, "-h")) {
		fputs(help, stdout);
		return 0;
	}
	/* A lost answer is noticed soon, so that churn stops soon. */
	if (!strcmp(mode, "churn") || !strcmp(mode, "verify"))
		setenv("AMOEBA_TRANS_TIMEOUT_MS", "2000", 0);
	if (!strcmp(mode, "cas") && argc == 5)
		return cas(argv[2], number(argv[3]), number(argv[4]));
	if (!strcmp(mode, "check") && argc == 4)
		return check(argv[2], number(argv[3]));
	if (!strcmp(mode, "churn") && (argc == 4 || argc == 5))
		return run_churn(argv[2], argv[3], argc == 5 ? number(argv[4]) : 0);
	if (!strcmp(mode, "verify") && argc == 4)
		return verify(argv[2], argv[3]);
	if (!strcmp(mode, "bench-lookup") && argc == 5)
		return run_bench(argv[2], number(argv[3]), number(argv[4]), 0);
	if (!strcmp(mode, "bench-install") && argc == 6 && number(argv[5]))
		return run_bench(argv[2], number(argv[3]), number(argv[4]),
			     number(argv[5]));
	if (!strcmp(mode, "append") && argc == 4)
		return append(argv[2], argv[3]);
	bad_usage();
	return 2;
}
