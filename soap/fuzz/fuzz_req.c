// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness for soapd's requests: the generated server stub
 * (soap_serve) and every operation behind it (service.c), against a
 * state kept in a log under /dev/shm as soapd keeps it.  Each input
 * starts from the same state (three directories, one encrypted, rows
 * that lead from one to another and round a cycle) and is a list of up
 * to MAX_REQS requests, each
 *
 *   command index, capability selector, rights, be16 h_extra,
 *   be16 h_offset, be16 body length, the body
 *
 * The command index picks among the soap and std command codes (and two
 * that are neither).  A selector below 0xf0 picks a live object (0 the
 * server, then the directories in order) and the capability is made for
 * it with those rights; from 0xf0 the body's first 10 bytes are the
 * private part as they stand.  Any 16 bytes of a body that start with
 * 0xca 0xfe, an index and rights are replaced by such a capability (an
 * index from 0xf0: another server's), so that the capabilities inside
 * sp_install, sp_append and sp_replace reach the directories too.  So a
 * single input can make a directory, enter it, look through it and
 * change it, and a crash reproduces from the input alone.
 *
 * After each request the table must be sound (rows sorted, counts
 * right); after the input, the log loaded afresh must be the state in
 * memory, row for row: whatever was answered is on disk.  Compaction is
 * set to run once the log has grown by its own size, which one input
 * can do.  Other servers' capabilities are restricted through a
 * transport that does not exist (AMOEBA_TRANSPORT=none), which fails at
 * once.  With SOAP_FUZZ_SEEDS=DIR in the environment it writes seed
 * inputs into DIR and exits.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "soap.h"

#define check(cond)	do { if (!(cond)) __builtin_trap(); } while (0)

#define MAX_REQS	16
#define REQ_HDR		9
#define CAP_MARK0	0xca
#define CAP_MARK1	0xfe
#define FOREIGN		0xf0

static const uint16_t commands[] = {
	1001, 1002, 1003, 1004, 1005, 1006, 1007,
	SP_CREATE, 2101, SP_LIST, SP_APPEND, SP_CHMOD, SP_DELETE, SP_LOOKUP,
	2107, SP_INSTALL, 2109, SP_REPLACE, SP_GETMASKS, SP_GETSEQNR,
	0, 0xffff,
};

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define NCMDS		ARRAY_SIZE(commands)

static const struct am_port getport = { { 0x50, 0x4f, 0x41, 0x50, 0, 1 } };
static const struct am_port supercheck = { { 0x53, 0x55, 0x50, 0x45, 0, 2 } };
static const struct am_port foreign = { { 0xf0, 0x4e, 0x49, 0x47, 0, 3 } };
static const uint8_t enc_key[SP_KEY_LEN] = "soap fuzz_req: a key, 32 bytes.";

static char state_dir[64];
static char log_path[96];
static uint8_t *pristine;
static size_t pristine_len;
static uint8_t rep[SOAP_REP_MAX];

void dm_log(int level, const char *fmt, ...)
{
	(void)level;
	(void)fmt;
}

void dm_fatal(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}

/* The check of the first state's directory @obj. */
static void first_check(uint32_t obj, struct am_port *check)
{
	memset(check, 0, sizeof(*check));
	check->p[0] = 0xd1;
	check->p[1] = 0x5e;
	check->p[5] = (uint8_t)obj;
}

/* ------------------------------------------------------- the state */

static struct sp_dir *new_dir(struct sp_tab *t, uint32_t obj, uint16_t flags,
			      const char *cols)
{
	struct sp_dir *d = calloc(1, sizeof(*d));
	const char *p;

	check(d && !sp_tab_reserve(t, obj));
	d->obj = obj;
	d->flags = flags;
	for (p = cols; *p; p++)
		d->cols[d->ncols++][0] = *p;
	first_check(obj, &d->check);
	if (flags & SP_ENCRYPT) {
		memcpy(d->key, enc_key, SP_KEY_LEN);
		d->wraps = malloc(SP_NWRAPS * SP_WRAP_LEN);
		check(d->wraps);
		check(!sp_wrap_all(obj, &d->check, d->key, d->wraps));
	}
	sp_tab_insert(t, d);
	return d;
}

static void cap_of(uint32_t obj, uint8_t rights, struct am_cap *cap)
{
	struct am_port check;

	am_fbox(&getport, &cap->cap_port);
	if (obj)
		first_check(obj, &check);
	else
		check = supercheck;
	am_priv_encode(&cap->cap_priv, obj, rights, &check);
}

/* A row of @d: @n capabilities, of directory @obj (0: another server's). */
static void add_row(struct sp_tab *t, struct sp_dir *d, const char *name,
		    uint32_t obj, uint8_t rights, uint8_t n)
{
	struct sp_entry *e = sp_entry_new(name);
	uint8_t i;

	check(e && !sp_dir_reserve(d, 1));
	e->mtime = 1700000000;
	e->masks[0] = 0xff;
	e->masks[1] = SP_COL2 | SP_COL3 | 0x02;
	e->masks[2] = SP_COL3;
	e->ncaps = n;
	for (i = 0; i < n; i++) {
		if (obj && !i) {
			cap_of(obj, rights, &e->caps[i]);
			continue;
		}
		e->caps[i].cap_port = foreign;
		e->caps[i].cap_port.p[5] = i;
		e->caps[i].cap_priv.prv_object[0] = i + 1;
		e->caps[i].cap_priv.prv_rights = i ? 0x0f : 0xff;
	}
	sp_dir_put(t, d, e);
}

/*
 * The first state, written as a log by compaction: the root (1), a
 * plain directory of four columns (2) and an encrypted one of two (3).
 */
static void make_state(void)
{
	struct sp_dir *root, *plain, *enc;
	struct sp_log l;
	struct sp_tab t;
	struct stat st;
	int fd;

	sp_tab_init(&t);
	t.getport = getport;
	t.supercheck = supercheck;
	am_fbox(&t.getport, &t.putport);
	root = new_dir(&t, 1, 0, "ogt");
	plain = new_dir(&t, 2, 0, "abcd");
	enc = new_dir(&t, 3, SP_ENCRYPT, "xy");
	add_row(&t, root, "home", 2, 0xff, 1);
	add_row(&t, root, "enc", 3, 0xff, 1);
	add_row(&t, root, "loop", 1, SP_COL1 | SP_COL2 | SP_MODRGT, 1);
	add_row(&t, root, "file", 0, 0, 1);
	add_row(&t, root, "replicas", 0, 0, 3);
	add_row(&t, plain, "up", 1, 0x07, 2);
	add_row(&t, plain, "x", 0, 0, 1);
	add_row(&t, enc, "secret", 0, 0, 2);
	add_row(&t, enc, "back", 1, 0xff, 1);
	memset(&l, 0, sizeof(l));
	l.fd = -1;
	l.path = strdup(log_path);
	check(l.path);
	check(!sp_log_compact(&l, &t));
	sp_log_close(&l);
	sp_tab_free(&t);
	fd = open(log_path, O_RDONLY | O_CLOEXEC);
	check(fd >= 0 && !fstat(fd, &st));
	pristine_len = (size_t)st.st_size;
	pristine = malloc(pristine_len);
	check(pristine);
	check(read(fd, pristine, pristine_len) == (ssize_t)pristine_len);
	close(fd);
}

/* soapd as it starts on the first state. */
static void reset(void)
{
	struct sp_load_err err;
	int fd;

	sp_log_close(&soap.log);
	sp_tab_free(&soap.tab);
	fd = open(log_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	check(fd >= 0);
	check(write(fd, pristine, pristine_len) == (ssize_t)pristine_len);
	close(fd);
	sp_tab_init(&soap.tab);
	check(!sp_log_open(&soap.log, &soap.tab, state_dir, &err));
	soap.log.compact_at = 1024;
}

/* ---------------------------------------------------------- checks */

static void check_tab(const struct sp_tab *t)
{
	const struct sp_dir *d;
	uint64_t rows = 0;
	uint32_t obj, n = 0, i;

	for (obj = 1; obj < t->room; obj++) {
		d = t->dirs[obj];
		if (!d)
			continue;
		n++;
		check(d->obj == obj);
		check(d->ncols >= 1 && d->ncols <= SP_COLS_MAX);
		check(!d->locked || !d->nrows);
		check(d->locked || !d->nsealed);
		rows += d->nrows;
		for (i = 0; i < d->nrows; i++) {
			check(sp_name_ok(d->rows[i]->name) == STD_OK);
			check(d->rows[i]->ncaps >= 1 &&
			      d->rows[i]->ncaps <= SP_CAPSET_MAX);
			if (i)
				check(strcmp(d->rows[i - 1]->name,
					     d->rows[i]->name) < 0);
		}
	}
	check(n == t->ndirs && rows == t->nrows);
}

static void same_rows(const struct sp_dir *a, const struct sp_dir *b)
{
	uint32_t i;

	check(a->nrows == b->nrows);
	for (i = 0; i < a->nrows; i++) {
		check(!strcmp(a->rows[i]->name, b->rows[i]->name));
		check(a->rows[i]->mtime == b->rows[i]->mtime);
		check(!memcmp(a->rows[i]->masks, b->rows[i]->masks,
			      SP_COLS_MAX));
		check(a->rows[i]->ncaps == b->rows[i]->ncaps);
		check(!memcmp(a->rows[i]->caps, b->rows[i]->caps,
			      a->rows[i]->ncaps * sizeof(struct am_cap)));
	}
}

/* What is on disk is what is in memory. */
static void check_durable(void)
{
	const struct sp_tab *a = &soap.tab;
	struct sp_load_err err;
	const struct sp_dir *x;
	struct sp_dir *y;
	struct sp_tab b;
	struct stat st;
	uint8_t *buf;
	size_t len, valid = 0;
	uint64_t seq = 0;
	uint32_t obj, i;
	int fd;

	fd = open(log_path, O_RDONLY | O_CLOEXEC);
	check(fd >= 0 && !fstat(fd, &st));
	len = (size_t)st.st_size;
	check(len == soap.log.size);
	buf = malloc(len);
	check(buf);
	check(read(fd, buf, len) == (ssize_t)len);
	close(fd);
	sp_tab_init(&b);
	check(!sp_log_replay(&b, buf, len, &valid, &seq, &err));
	check(valid == len && seq == soap.log.seq);
	check(a->ndirs == b.ndirs);
	for (obj = 1; obj < a->room || obj < b.room; obj++) {
		x = sp_dir_of(a, obj);
		y = sp_dir_of(&b, obj);
		check(!x == !y);
		if (!x)
			continue;
		check(x->flags == y->flags && x->ncols == y->ncols);
		check(!memcmp(x->cols, y->cols, sizeof(x->cols)));
		check(x->seq <= y->seq && y->seq <= seq);
		if (!(x->flags & SP_ENCRYPT)) {
			check(am_port_eq(&x->check, &y->check));
			same_rows(x, y);
			continue;
		}
		check(!memcmp(x->wraps, y->wraps, SP_NWRAPS * SP_WRAP_LEN));
		check(y->locked);
		if (!x->locked) {
			check(!sp_dir_unlock(&b, y, x->key, &x->check));
			same_rows(x, y);
			continue;
		}
		check(x->nsealed == y->nsealed);
		for (i = 0; i < x->nsealed; i++)
			check(x->sealed[i]->len == y->sealed[i]->len &&
			      !memcmp(x->sealed[i]->bytes, y->sealed[i]->bytes,
				      x->sealed[i]->len));
	}
	sp_tab_free(&b);
	free(buf);
}

/* ------------------------------------------------------- requests */

/* The @k-th live object: 0, the server, then each directory. */
static uint32_t live_obj(uint32_t k)
{
	uint32_t obj;

	k %= soap.tab.ndirs + 1;
	for (obj = 1; k && obj < soap.tab.room; obj++)
		if (soap.tab.dirs[obj] && !--k)
			return obj;
	return 0;
}

/* A capability for what @sel selects, with @rights. */
static void make_cap(uint8_t sel, uint8_t rights, struct am_cap *cap)
{
	const struct sp_dir *d;
	struct am_port check;
	uint32_t obj;

	if (sel >= FOREIGN) {
		cap->cap_port = foreign;
		am_priv_encode(&cap->cap_priv, sel, rights, &foreign);
		return;
	}
	obj = live_obj(sel);
	d = sp_dir_of(&soap.tab, obj);
	cap->cap_port = soap.tab.putport;
	if (!d)
		check = soap.tab.supercheck;
	else if (d->locked)
		first_check(obj, &check);
	else
		check = d->check;
	am_priv_encode(&cap->cap_priv, obj, rights, &check);
}

static void serve_one(uint8_t cmd, uint8_t sel, uint8_t rights,
		      uint16_t extra, uint16_t offset, uint8_t *body,
		      size_t len)
{
	struct am_hdr hdr;
	struct am_cap cap;
	size_t i, n;

	memset(&hdr, 0, sizeof(hdr));
	hdr.h_port = soap.tab.getport;
	hdr.h_command = commands[cmd % NCMDS];
	hdr.h_extra = extra;
	hdr.h_offset = offset;
	if (sel < FOREIGN) {
		make_cap(sel, rights, &cap);
		hdr.h_priv = cap.cap_priv;
	} else if (len >= sizeof(hdr.h_priv)) {
		memcpy(&hdr.h_priv, body, sizeof(hdr.h_priv));
		body += sizeof(hdr.h_priv);
		len -= sizeof(hdr.h_priv);
	}
	for (i = 0; i + sizeof(cap) <= len; i++) {
		if (body[i] != CAP_MARK0 || body[i + 1] != CAP_MARK1)
			continue;
		make_cap(body[i + 2], body[i + 3], &cap);
		memcpy(body + i, &cap, sizeof(cap));
		i += sizeof(cap) - 1;
	}
	n = soap_serve(&soap_impl, &soap.svc, &hdr, body, len, rep,
		       sizeof(rep));
	check(n <= sizeof(rep));
	check(hdr.h_status <= 0);
	check(hdr.h_status == STD_OK || !n);
	check_tab(&soap.tab);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *p = data, *end = data + size;
	uint8_t *body;
	size_t len;
	int n;

	reset();
	for (n = 0; n < MAX_REQS && end - p >= REQ_HDR; n++) {
		len = (size_t)p[7] << 8 | p[8];
		if (len > (size_t)(end - p - REQ_HDR))
			len = (size_t)(end - p - REQ_HDR);
		/* A buffer of the body's size, for the sanitizer's sake. */
		body = malloc(len + 1);
		check(body);
		memcpy(body, p + REQ_HDR, len);
		serve_one(p[0], p[1], p[2], (uint16_t)(p[3] << 8 | p[4]),
			  (uint16_t)(p[5] << 8 | p[6]), body, len);
		free(body);
		p += REQ_HDR + len;
	}
	check_durable();
	return 0;
}

/* ------------------------------------------------------------ seeds */

struct seed {
	uint8_t		buf[8192];
	size_t		len;
	size_t		req;		/* where the request being made starts */
	struct am_enc	e;		/* its body */
};

static struct am_enc *req(struct seed *s, uint16_t command, uint8_t sel,
			  uint8_t rights, uint16_t extra, uint16_t offset)
{
	uint8_t i;

	for (i = 0; i < NCMDS && commands[i] != command; i++)
		;
	check(i < NCMDS);
	s->req = s->len;
	s->buf[s->len++] = i;
	s->buf[s->len++] = sel;
	s->buf[s->len++] = rights;
	s->buf[s->len++] = (uint8_t)(extra >> 8);
	s->buf[s->len++] = (uint8_t)extra;
	s->buf[s->len++] = (uint8_t)(offset >> 8);
	s->buf[s->len++] = (uint8_t)offset;
	s->len += 2;
	am_enc_init(&s->e, s->buf + s->len, sizeof(s->buf) - s->len);
	return &s->e;
}

static void done(struct seed *s)
{
	check(!s->e.bad && s->e.pos < 0x10000);
	s->buf[s->req + 7] = (uint8_t)(s->e.pos >> 8);
	s->buf[s->req + 8] = (uint8_t)s->e.pos;
	s->len += s->e.pos;
}

/* A capability placeholder: live object @sel, or another server's. */
static void enc_cap(struct am_enc *e, uint8_t sel, uint8_t rights)
{
	static const uint8_t fill[12] = { 0 };

	am_enc_u8(e, CAP_MARK0);
	am_enc_u8(e, CAP_MARK1);
	am_enc_u8(e, sel);
	am_enc_u8(e, rights);
	am_enc_bytes(e, fill, sizeof(fill));
}

static void enc_set(struct am_enc *e, uint8_t sel, uint8_t rights, int n)
{
	am_enc_u32(e, (uint32_t)n);
	while (n--)
		enc_cap(e, n ? FOREIGN + (uint8_t)n : sel, rights);
}

static void enc_masks(struct am_enc *e, const char *masks)
{
	am_enc_u32(e, (uint32_t)strlen(masks));
	am_enc_bytes(e, masks, strlen(masks));
}

static void write_seed(const char *dir, const char *name, struct seed *s)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	check(f);
	check(fwrite(s->buf, 1, s->len, f) == s->len);
	check(!fclose(f));
	s->len = 0;
}

/* An sp_update of @name in live object @dir; its old set holds @old. */
static void update(struct am_enc *e, uint8_t dir, const char *name,
		   uint8_t cond, uint8_t old, int nset)
{
	enc_cap(e, dir, 0xff);
	am_enc_string(e, name, SP_NAME_MAX);
	am_enc_u8(e, cond);
	enc_cap(e, old, 0xff);
	enc_set(e, 2, 0xff, nset);
	enc_masks(e, nset ? "\xff\x02" : "");
}

static void write_seeds(const char *dir)
{
	static const uint16_t bare[] = {
		1001, 1003, 1004, 1006, 1007, SP_GETSEQNR, SP_LIST,
	};
	struct seed *s = calloc(1, sizeof(*s));
	struct am_enc *e;
	char name[32];
	size_t i;

	check(s);
	/* One request of each command without a body, on each object. */
	for (i = 0; i < ARRAY_SIZE(bare); i++) {
		req(s, bare[i], 0, 0xff, 0, 0);
		done(s);
		req(s, bare[i], 1, 0xff, 0, 0);
		done(s);
		req(s, bare[i], 3, 0x41, 0, 0);
		done(s);
		snprintf(name, sizeof(name), "seed-%u", bare[i]);
		write_seed(dir, name, s);
	}
	req(s, 1005, 1, 0xff, 0, 0x45);
	done(s);
	req(s, 1005, 3, 0xff, 0, 0x31);
	done(s);
	write_seed(dir, "seed-restrict", s);

	/* Make a directory, enter it, put a row in it, look through it. */
	e = req(s, SP_CREATE, 0, 0xff, 0, 0);
	am_enc_u32(e, 2);
	am_enc_string(e, "owner", SP_COLNAME_MAX);
	am_enc_string(e, "other", SP_COLNAME_MAX);
	done(s);
	e = req(s, SP_APPEND, 1, 0xff, 0, 0);
	am_enc_string(e, "new", SP_NAME_MAX);
	enc_set(e, 4, 0xff, 1);
	enc_masks(e, "\xff\x06\x04");
	done(s);
	e = req(s, SP_APPEND, 4, 0xff, 0, 0);
	am_enc_string(e, "inside", SP_NAME_MAX);
	enc_set(e, 2, 0xff, 2);
	enc_masks(e, "");
	done(s);
	e = req(s, SP_LOOKUP, 1, SP_COL3, 0, 0);
	am_enc_string(e, "new/inside", SP_PATH_MAX);
	done(s);
	e = req(s, SP_LOOKUP, 1, SP_COL2, 0, 0);
	am_enc_string(e, "loop/loop/enc/back/home/up/x", SP_PATH_MAX);
	done(s);
	write_seed(dir, "seed-create", s);

	/* The encrypted kind, changed and listed. */
	e = req(s, SP_CREATE, 1, 0xff, SP_ENCRYPT, 0);
	am_enc_u32(e, 1);
	am_enc_string(e, "only", SP_COLNAME_MAX);
	done(s);
	e = req(s, SP_APPEND, 3, 0xff, 0, 0);
	am_enc_string(e, "more", SP_NAME_MAX);
	enc_set(e, 1, 0x07, 1);
	enc_masks(e, "\x01\x02");
	done(s);
	e = req(s, SP_CHMOD, 3, 0x43, 0, 0);
	am_enc_string(e, "secret", SP_NAME_MAX);
	enc_masks(e, "\x0f\x01");
	done(s);
	e = req(s, SP_GETMASKS, 3, 0x02, 0, 0);
	am_enc_string(e, "more", SP_NAME_MAX);
	done(s);
	req(s, SP_LIST, 3, 0x01, 0, 1);
	done(s);
	write_seed(dir, "seed-encrypted", s);

	/* Changes of several rows and directories at once. */
	e = req(s, SP_INSTALL, 1, 0x40, 0, 0);
	am_enc_u32(e, 4);
	update(e, 1, "one", SP_ABSENT, 2, 1);
	update(e, 1, "home", SP_MATCH, 2, 1);
	update(e, 3, "secret", SP_PRESENT, 2, 2);
	update(e, 1, "file", SP_ANY, 2, 0);
	done(s);
	e = req(s, SP_REPLACE, 2, 0xff, 0, 0);
	am_enc_string(e, "up", SP_NAME_MAX);
	enc_set(e, 3, 0xff, 1);
	enc_cap(e, 1, 0x07);
	done(s);
	e = req(s, SP_DELETE, 1, 0xff, 0, 0);
	am_enc_string(e, "replicas", SP_NAME_MAX);
	done(s);
	write_seed(dir, "seed-install", s);

	/* Empty a directory and destroy it. */
	e = req(s, SP_DELETE, 2, 0xff, 0, 0);
	am_enc_string(e, "up", SP_NAME_MAX);
	done(s);
	e = req(s, SP_DELETE, 2, 0xff, 0, 0);
	am_enc_string(e, "x", SP_NAME_MAX);
	done(s);
	req(s, 1003, 2, 0xff, 0, 0);
	done(s);
	write_seed(dir, "seed-destroy", s);
	free(s);
}

/*
 * The state directory: NAME.PID under /dev/shm (else /tmp).  Those of
 * earlier runs that died are removed first: a crash skips atexit.
 */
static void make_state_dir(const char *name)
{
	const char *base = access("/dev/shm", W_OK) ? "/tmp" : "/dev/shm";
	size_t len = strlen(name);
	struct dirent *e;
	char path[160], *end;
	DIR *dir;
	long pid;

	dir = opendir(base);
	check(dir);
	while ((e = readdir(dir))) {
		if (strncmp(e->d_name, name, len) || e->d_name[len] != '.')
			continue;
		pid = strtol(e->d_name + len + 1, &end, 10);
		if (*end || pid <= 0 || !kill((pid_t)pid, 0) || errno != ESRCH)
			continue;
		snprintf(path, sizeof(path), "%s/%s/soap.log", base, e->d_name);
		unlink(path);
		strcat(path, ".new");
		unlink(path);
		snprintf(path, sizeof(path), "%s/%s", base, e->d_name);
		rmdir(path);
	}
	closedir(dir);
	snprintf(state_dir, sizeof(state_dir), "%s/%s.%ld", base, name,
		 (long)getpid());
	check(!mkdir(state_dir, 0700) || errno == EEXIST);
}

static void cleanup(void)
{
	sp_log_close(&soap.log);
	sp_tab_free(&soap.tab);
	free(pristine);
	unlink(log_path);
	strcat(log_path, ".new");
	unlink(log_path);
	rmdir(state_dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *seeds = getenv("SOAP_FUZZ_SEEDS");

	(void)argc;
	(void)argv;
	if (seeds) {
		write_seeds(seeds);
		exit(0);
	}
	/* Other servers are never reached: their calls fail at once. */
	setenv("AMOEBA_TRANSPORT", "none", 1);
	make_state_dir("fuzz_req");
	snprintf(log_path, sizeof(log_path), "%s/soap.log", state_dir);
	soap.log.fd = -1;
	atexit(cleanup);
	make_state();
	return 0;
}
