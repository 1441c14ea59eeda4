// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of soapd's durable state and the table it loads into.
 * dir.c: names a row may have, the object table, and a directory's
 * sorted rows under 10000 random puts and deletes held against a
 * reference.  log.c: a state of plain and encrypted directories made
 * with the sp_log_* calls a service makes, reloaded and compared row by
 * row, before and after compaction; a torn last record dropped at every
 * length; damage with whole records after it refused at its offset,
 * whatever byte is hit; records whose seq goes back and operations that
 * make no sense refused, each with its reason; locked encrypted
 * directories carried through compaction byte for byte.  TAP output for
 * prove.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>
#include <amoeba/crc32c.h>

#include "soap.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

/* The record header of log.c's comment. */
#define LOG_MAGIC	0x53504c47u
#define REC_HDR		20

static unsigned int crit_logged;
static char last_crit[256];

/* log.c reports through soapd's logger; here it goes to the TAP stream. */
void dm_log(int level, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (level <= LOG_CRIT) {
		crit_logged++;
		strcpy(last_crit, msg);
	}
	printf("# log <%d> %s\n", level, msg);
}

void dm_fatal(const char *fmt, ...)
{
	va_list ap;

	printf("# fatal: ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	abort();
}

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t rng(void)
{
	uint64_t x = rng_state;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	rng_state = x;
	return x;
}

static void fill_random(void *buf, size_t len)
{
	uint8_t *p = buf;

	while (len--)
		*p++ = (uint8_t)rng();
}

/* ------------------------------------------------------------ dir.c */

static void test_name_ok(void **state)
{
	static const char *const bad[] = {
		"", ".", "..", "/", "a/b", "a/", "/a", "a\001", "\037",
		"tab\there", "new\nline", "del\177", "\033[31mred",
	};
	static const char *const good[] = {
		"a", "...", ".a", "a.", ". .", " ", "~", "caf\xc3\xa9",
		"\x80\xff", "name with spaces", "UPPER-lower_123",
	};
	char name[SP_NAME_MAX + 2];
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(bad); i++)
		assert_int_equal(sp_name_ok(bad[i]), STD_ARGBAD);
	for (i = 0; i < ARRAY_SIZE(good); i++)
		assert_int_equal(sp_name_ok(good[i]), STD_OK);
	memset(name, 'n', SP_NAME_MAX);
	name[SP_NAME_MAX] = '\0';
	assert_int_equal(sp_name_ok(name), STD_OK);
	name[SP_NAME_MAX] = 'n';
	name[SP_NAME_MAX + 1] = '\0';
	assert_int_equal(sp_name_ok(name), STD_ARGBAD);
	/* A '/' or control character is refused wherever it stands. */
	memset(name, 'n', SP_NAME_MAX);
	name[SP_NAME_MAX] = '\0';
	for (i = 0; i < SP_NAME_MAX; i += 50) {
		name[i] = '/';
		assert_int_equal(sp_name_ok(name), STD_ARGBAD);
		name[i] = '\n';
		assert_int_equal(sp_name_ok(name), STD_ARGBAD);
		name[i] = 'n';
	}
}

static struct sp_dir *bare_dir(uint32_t obj)
{
	struct sp_dir *d = calloc(1, sizeof(*d));

	assert_non_null(d);
	d->obj = obj;
	d->ncols = 1;
	strcpy(d->cols[0], "owner");
	d->check.p[0] = 1;
	return d;
}

static void test_tab_objects(void **state)
{
	struct sp_tab t;
	uint32_t obj;

	(void)state;
	sp_tab_init(&t);
	assert_int_equal(sp_tab_free_obj(&t), 1);
	assert_null(sp_dir_of(&t, 0));
	assert_null(sp_dir_of(&t, 1));
	assert_null(sp_dir_of(&t, AM_OBJ_MAX));
	assert_int_equal(sp_tab_reserve(&t, AM_OBJ_MAX + 1), -ENOSPC);
	for (obj = 1; obj <= 100; obj++) {
		assert_int_equal(sp_tab_free_obj(&t), obj);
		assert_int_equal(sp_tab_reserve(&t, obj), 0);
		assert_true(t.room > obj);
		sp_tab_insert(&t, bare_dir(obj));
	}
	assert_int_equal(t.ndirs, 100);
	sp_tab_remove(&t, 42);
	sp_tab_remove(&t, 7);
	/* Removing what is not there changes nothing. */
	sp_tab_remove(&t, 42);
	sp_tab_remove(&t, 5000);
	assert_int_equal(t.ndirs, 98);
	assert_null(sp_dir_of(&t, 42));
	assert_non_null(sp_dir_of(&t, 43));
	assert_int_equal(sp_tab_free_obj(&t), 7);
	/* Object 0 is the server: never a directory. */
	t.dirs[0] = NULL;
	assert_null(sp_dir_of(&t, 0));
	sp_tab_free(&t);
	assert_int_equal(t.room, 0);
	assert_null(t.dirs);
}

/* The reference of test_dir_random: a pool of names, each present or not. */
#define POOL	300

struct ref {
	char		*names[POOL];	/* sorted by strcmp */
	bool		present[POOL];
	int64_t		value[POOL];
	uint32_t	count;
};

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void ref_init(struct ref *r)
{
	char name[SP_NAME_MAX + 1];
	size_t len, i, j;

	memset(r, 0, sizeof(*r));
	for (i = 0; i < POOL; i++) {
		do {
			len = 1 + rng() % (i % 10 ? 12 : SP_NAME_MAX);
			for (j = 0; j < len; j++)
				name[j] = (char)(0x20 + rng() % 0x5f);
			name[len] = '\0';
			for (j = 0; j < i; j++)
				if (!strcmp(r->names[j], name))
					break;
		} while (j < i || sp_name_ok(name) != STD_OK);
		r->names[i] = strdup(name);
		assert_non_null(r->names[i]);
	}
	qsort(r->names, POOL, sizeof(r->names[0]), cmp_names);
}

static void ref_check(const struct ref *r, const struct sp_tab *t,
		      const struct sp_dir *d)
{
	uint32_t i, k = 0;
	long at;

	assert_int_equal(d->nrows, r->count);
	assert_int_equal(t->nrows, r->count);
	for (i = 0; i < POOL; i++) {
		at = sp_dir_find(d, r->names[i]);
		if (!r->present[i]) {
			/* The insertion point: between its neighbours. */
			assert_true(at < 0);
			at = -at - 1;
			assert_int_equal(at, k);
			continue;
		}
		assert_int_equal(at, k);
		assert_string_equal(d->rows[k]->name, r->names[i]);
		assert_true(d->rows[k]->mtime == r->value[i]);
		k++;
	}
	for (i = 1; i < d->nrows; i++)
		assert_true(strcmp(d->rows[i - 1]->name, d->rows[i]->name) < 0);
}

static void test_dir_random(void **state)
{
	struct sp_tab t;
	struct sp_dir *d;
	struct sp_entry *e;
	struct ref r;
	uint32_t op, i;

	(void)state;
	ref_init(&r);
	sp_tab_init(&t);
	assert_int_equal(sp_tab_reserve(&t, 1), 0);
	d = bare_dir(1);
	sp_tab_insert(&t, d);
	ref_check(&r, &t, d);
	for (op = 0; op < 10000; op++) {
		/* Mostly one end of the pool at a time: long runs of rows. */
		i = (uint32_t)(rng() % (op % 2000 < 1000 ? POOL : POOL / 3));
		if (rng() % 10 < 6) {
			e = sp_entry_new(r.names[i]);
			assert_non_null(e);
			e->mtime = (int64_t)rng();
			assert_int_equal(sp_dir_reserve(d, 1), 0);
			sp_dir_put(&t, d, e);
			if (!r.present[i])
				r.count++;
			r.present[i] = true;
			r.value[i] = e->mtime;
		} else {
			sp_dir_del(&t, d, r.names[i]);
			if (r.present[i])
				r.count--;
			r.present[i] = false;
		}
		if (op % 97 == 0 || op == 9999)
			ref_check(&r, &t, d);
		else
			assert_int_equal(d->nrows, r.count);
	}
	/* Empty it: every delete finds its row. */
	for (i = 0; i < POOL; i++) {
		sp_dir_del(&t, d, r.names[i]);
		r.present[i] = false;
	}
	r.count = 0;
	ref_check(&r, &t, d);
	sp_tab_free(&t);
	for (i = 0; i < POOL; i++)
		free(r.names[i]);
}

/* ------------------------------------------------------ a live state */

struct st {
	char		dir[64];
	struct sp_tab	tab;
	struct sp_log	log;
};

static char *path_of(const struct st *s, const char *name)
{
	static char path[128];

	snprintf(path, sizeof(path), "%s/%s", s->dir, name);
	return path;
}

static void st_new(struct st *s)
{
	struct sp_load_err err;
	const char *why = NULL;

	memset(s, 0, sizeof(*s));
	snprintf(s->dir, sizeof(s->dir), "%s/log_test.XXXXXX",
		 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	assert_non_null(mkdtemp(s->dir));
	assert_int_equal(sp_log_create(s->dir, false, &why), 0);
	sp_tab_init(&s->tab);
	assert_int_equal(sp_log_open(&s->log, &s->tab, s->dir, &err), 0);
	assert_int_equal(s->tab.ndirs, 1);
}

static void st_free(struct st *s)
{
	sp_log_close(&s->log);
	sp_tab_free(&s->tab);
	unlink(path_of(s, "soap.log"));
	unlink(path_of(s, "soap.log.new"));
	rmdir(s->dir);
}

/* Read the whole log. */
static uint8_t *read_log(const struct st *s, size_t *len)
{
	struct stat st;
	uint8_t *buf;
	int fd;

	fd = open(path_of(s, "soap.log"), O_RDONLY);
	assert_true(fd >= 0);
	assert_int_equal(fstat(fd, &st), 0);
	*len = (size_t)st.st_size;
	buf = malloc(*len + 1);
	assert_non_null(buf);
	assert_int_equal(pread(fd, buf, *len, 0), (ssize_t)*len);
	close(fd);
	return buf;
}

static void write_log(const struct st *s, const uint8_t *buf, size_t len)
{
	int fd = open(path_of(s, "soap.log"), O_WRONLY | O_TRUNC);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, buf, len), (ssize_t)len);
	close(fd);
}

static off_t log_size(const struct st *s)
{
	struct stat st;

	assert_int_equal(stat(path_of(s, "soap.log"), &st), 0);
	return st.st_size;
}

/* A directory made as sp_create makes one: logged, then in the table. */
static struct sp_dir *make_dir(struct st *s, uint16_t flags, uint8_t ncols)
{
	struct sp_dir *d = calloc(1, sizeof(*d));
	uint32_t obj = sp_tab_free_obj(&s->tab);
	uint8_t i;

	assert_non_null(d);
	assert_int_not_equal(obj, 0);
	assert_int_equal(sp_tab_reserve(&s->tab, obj), 0);
	d->obj = obj;
	d->flags = flags;
	d->ncols = ncols;
	for (i = 0; i < ncols; i++)
		snprintf(d->cols[i], sizeof(d->cols[i]), "column %u", i + 1);
	assert_int_equal(am_port_random(&d->check), 0);
	if (flags & SP_ENCRYPT) {
		d->wraps = malloc(SP_NWRAPS * SP_WRAP_LEN);
		assert_non_null(d->wraps);
		assert_int_equal(sp_random(d->key, SP_KEY_LEN), 0);
		assert_int_equal(sp_wrap_all(obj, &d->check, d->key, d->wraps),
				 0);
	}
	sp_log_begin(&s->log);
	sp_log_mkdir(&s->log, d);
	assert_int_equal(sp_log_commit(&s->log), 0);
	d->seq = s->log.seq;
	sp_tab_insert(&s->tab, d);
	return d;
}

static struct sp_entry *new_row(const char *name)
{
	struct sp_entry *e = sp_entry_new(name);
	uint8_t i;

	assert_non_null(e);
	e->mtime = (int64_t)(rng() % 4000000000u);
	fill_random(e->masks, sizeof(e->masks));
	e->ncaps = (uint8_t)(1 + rng() % SP_CAPSET_MAX);
	for (i = 0; i < e->ncaps; i++) {
		fill_random(&e->caps[i], sizeof(e->caps[i]));
		e->caps[i].cap_port.p[0] |= 1;
	}
	return e;
}

/* One update of a change: @row goes in, or with @row NULL @name goes. */
struct upd {
	struct sp_dir	*d;
	const char	*name;
	struct sp_entry	*row;
};

/* A change as the service commits one: logged whole, then applied. */
static void change(struct st *s, struct upd *u, size_t n)
{
	size_t i;

	sp_log_begin(&s->log);
	for (i = 0; i < n; i++) {
		if (u[i].row)
			sp_log_put(&s->log, u[i].d, u[i].row);
		else
			sp_log_del(&s->log, u[i].d, u[i].name);
	}
	assert_int_equal(sp_log_commit(&s->log), 0);
	for (i = 0; i < n; i++) {
		if (u[i].row) {
			assert_int_equal(sp_dir_reserve(u[i].d, 1), 0);
			sp_dir_put(&s->tab, u[i].d, u[i].row);
		} else {
			sp_dir_del(&s->tab, u[i].d, u[i].name);
		}
		u[i].d->seq = s->log.seq;
	}
}

static void put_row(struct st *s, struct sp_dir *d, const char *name)
{
	struct upd u = { d, name, new_row(name) };

	change(s, &u, 1);
}

static void del_row(struct st *s, struct sp_dir *d, const char *name)
{
	struct upd u = { d, name, NULL };

	change(s, &u, 1);
}

static void rm_dir(struct st *s, uint32_t obj)
{
	sp_log_begin(&s->log);
	sp_log_rmdir(&s->log, obj);
	assert_int_equal(sp_log_commit(&s->log), 0);
	sp_tab_remove(&s->tab, obj);
}

/*
 * Directories: the root (1), a plain one of four columns, an encrypted
 * one of three and one of one column; two more made and removed again.
 * Rows put, replaced, deleted, a name of the longest length, and one
 * change across three directories.
 */
struct built {
	struct sp_dir	*root, *plain, *enc, *enc1;
};

static void build(struct st *s, struct built *b)
{
	char name[SP_NAME_MAX + 1];
	struct sp_dir *gone;
	struct upd u[3];
	int i;

	b->root = sp_dir_of(&s->tab, 1);
	assert_non_null(b->root);
	b->plain = make_dir(s, 0, 4);
	b->enc = make_dir(s, SP_ENCRYPT, 3);
	gone = make_dir(s, 0, 2);
	b->enc1 = make_dir(s, SP_ENCRYPT, 1);
	put_row(s, b->root, "home");
	put_row(s, b->root, "etc");
	for (i = 0; i < 30; i++) {
		snprintf(name, sizeof(name), "file-%02d", (i * 7) % 30);
		put_row(s, b->plain, name);
		snprintf(name, sizeof(name), "secret %d", (i * 11) % 30);
		put_row(s, b->enc, name);
	}
	/* Replaced rows, and deleted ones, in both kinds of directory. */
	put_row(s, b->plain, "file-03");
	put_row(s, b->enc, "secret 3");
	del_row(s, b->plain, "file-05");
	del_row(s, b->enc, "secret 5");
	del_row(s, b->enc, "secret 6");
	/* Deleting what is not there is logged, and harmless. */
	del_row(s, b->enc, "never was");
	memset(name, 'L', SP_NAME_MAX);
	name[SP_NAME_MAX] = '\0';
	put_row(s, b->plain, name);
	put_row(s, b->enc1, "caf\xc3\xa9");
	/* One change, three directories, one of them encrypted. */
	u[0] = (struct upd){ b->root, "usr", new_row("usr") };
	u[1] = (struct upd){ b->plain, "file-10", NULL };
	u[2] = (struct upd){ b->enc, "secret 10", new_row("secret 10") };
	change(s, u, 3);
	rm_dir(s, gone->obj);
	gone = make_dir(s, SP_ENCRYPT, 4);
	rm_dir(s, gone->obj);
	/* The last change: a row in the plain directory. */
	put_row(s, b->plain, "last");
}

/* Point @b at the same directories of @t, a reload of the state. */
static void rebind(struct built *b, const struct sp_tab *t)
{
	b->root = sp_dir_of(t, b->root->obj);
	b->plain = sp_dir_of(t, b->plain->obj);
	b->enc = sp_dir_of(t, b->enc->obj);
	b->enc1 = sp_dir_of(t, b->enc1->obj);
}

static void rows_equal(const struct sp_dir *a, const struct sp_dir *b)
{
	uint32_t i;

	assert_int_equal(a->nrows, b->nrows);
	for (i = 0; i < a->nrows; i++) {
		const struct sp_entry *x = a->rows[i], *y = b->rows[i];

		assert_string_equal(x->name, y->name);
		assert_true(x->mtime == y->mtime);
		assert_memory_equal(x->masks, y->masks, SP_COLS_MAX);
		assert_int_equal(x->ncaps, y->ncaps);
		assert_memory_equal(x->caps, y->caps,
				    x->ncaps * sizeof(x->caps[0]));
	}
}

/* Open @d (locked) with a capability for it of @rights under @check. */
static int unlock_with(struct sp_tab *t, struct sp_dir *d,
		       const struct am_port *check, uint8_t rights)
{
	uint8_t key[SP_KEY_LEN];
	struct am_port got;
	struct am_priv priv;
	int rc;

	assert_true(d->locked);
	assert_int_equal(am_priv_encode(&priv, d->obj, rights, check), STD_OK);
	assert_int_equal(sp_unwrap(d->obj, &priv, d->wraps, key, &got),
			 STD_OK);
	assert_memory_equal(&got, check, sizeof(got));
	rc = sp_dir_unlock(t, d, key, &got);
	return rc;
}

/*
 * @b, loaded from the log, against @a, the state that wrote it: every
 * directory and row, opening @b's encrypted directories with capabilities
 * of @a's.  @seq: the directories' sequence numbers too (not after a
 * compaction, which gives them all the log's).
 */
static void tab_equal(const struct sp_tab *a, struct sp_tab *b, bool seq)
{
	uint32_t obj, room = a->room > b->room ? a->room : b->room;
	const struct sp_dir *x;
	struct sp_dir *y;

	assert_memory_equal(&a->getport, &b->getport, sizeof(a->getport));
	assert_memory_equal(&a->putport, &b->putport, sizeof(a->putport));
	assert_memory_equal(&a->supercheck, &b->supercheck,
			    sizeof(a->supercheck));
	assert_int_equal(a->ndirs, b->ndirs);
	for (obj = 0; obj < room; obj++) {
		x = sp_dir_of(a, obj);
		y = sp_dir_of(b, obj);
		if (!x || !y) {
			assert_true(!x && !y);
			continue;
		}
		assert_int_equal(x->obj, y->obj);
		assert_int_equal(x->flags, y->flags);
		assert_int_equal(x->ncols, y->ncols);
		assert_memory_equal(x->cols, y->cols, sizeof(x->cols));
		if (seq)
			assert_true(x->seq == y->seq);
		assert_false(y->damaged);
		if (x->flags & SP_ENCRYPT) {
			assert_memory_equal(x->wraps, y->wraps,
					    SP_NWRAPS * SP_WRAP_LEN);
			if (y->locked) {
				assert_int_equal(y->nrows, 0);
				assert_int_equal(unlock_with(b, y, &x->check,
							     AM_RIGHTS_ALL),
						 0);
			}
			assert_int_equal(y->nsealed, 0);
			assert_memory_equal(x->key, y->key, SP_KEY_LEN);
		}
		assert_false(y->locked);
		assert_memory_equal(&x->check, &y->check, sizeof(x->check));
		rows_equal(x, y);
	}
	assert_true(a->nrows == b->nrows);
}

/* Open @t's locked directories with capabilities of @live's. */
static void unlock_like(struct sp_tab *t, const struct sp_tab *live)
{
	uint32_t obj;

	for (obj = 1; obj < t->room; obj++)
		if (t->dirs[obj] && t->dirs[obj]->locked)
			assert_int_equal(unlock_with(t, t->dirs[obj],
						     &sp_dir_of(live, obj)->check,
						     SP_COL1),
					 0);
}

static void reload(struct st *s, struct sp_tab *t, struct sp_log *l)
{
	struct sp_load_err err = { 0 };
	int rc;

	sp_tab_init(t);
	rc = sp_log_open(l, t, s->dir, &err);
	if (rc)
		fail_msg("load: %d at %llu: %s", rc,
			 (unsigned long long)err.off, err.why);
}

static void test_log_roundtrip(void **state)
{
	struct sp_tab t, t2;
	struct sp_log l;
	struct built b;
	struct st s;
	uint64_t seq;

	(void)state;
	st_new(&s);
	build(&s, &b);
	seq = s.log.seq;
	assert_true(seq > 70);
	assert_int_equal(s.log.records, seq);
	sp_log_close(&s.log);
	reload(&s, &t, &l);
	assert_true(l.seq == seq);
	assert_true(l.size == (uint64_t)log_size(&s));
	/* Locked until a capability opens them: no rows counted. */
	assert_true(sp_dir_of(&t, b.enc->obj)->locked);
	assert_int_equal(sp_dir_of(&t, b.enc->obj)->nsealed, 30 + 1 + 3 + 1);
	tab_equal(&s.tab, &t, true);

	/* The loaded state goes on: seq, size, a change in each kind. */
	rebind(&b, &t);
	sp_tab_free(&s.tab);
	s.tab = t;
	s.log = l;
	put_row(&s, b.plain, "after");
	assert_true(s.log.seq == seq + 1);
	put_row(&s, b.enc, "after reload");
	sp_log_close(&s.log);
	reload(&s, &t2, &l);
	assert_true(l.seq == seq + 2);
	tab_equal(&s.tab, &t2, true);
	s.log = l;
	sp_tab_free(&t2);
	st_free(&s);
}

/* Every directory's seq is the log's after a compaction. */
static void seqs_are(const struct sp_tab *t, uint64_t seq)
{
	uint32_t obj;

	for (obj = 1; obj < t->room; obj++)
		if (t->dirs[obj])
			assert_true(t->dirs[obj]->seq == seq);
}

static void test_log_compact(void **state)
{
	struct sp_tab t;
	struct sp_log l;
	struct built b;
	struct st s;
	uint64_t seq;
	off_t before;

	(void)state;
	st_new(&s);
	build(&s, &b);
	seq = s.log.seq;
	before = log_size(&s);
	/* The encrypted directories are open: their rows are sealed anew. */
	assert_int_equal(sp_log_compact(&s.log, &s.tab), 0);
	assert_int_equal(s.log.compactions, 1);
	assert_true(log_size(&s) < before);
	assert_true(s.log.size == (uint64_t)log_size(&s));
	assert_true(s.log.base == s.log.size);
	assert_true(s.log.seq == seq);
	assert_int_equal(access(path_of(&s, "soap.log.new"), F_OK), -1);
	sp_log_close(&s.log);
	reload(&s, &t, &l);
	assert_true(l.seq == seq);
	tab_equal(&s.tab, &t, false);
	seqs_are(&t, seq);

	/* The log goes on after the compacted records. */
	rebind(&b, &t);
	sp_tab_free(&s.tab);
	s.tab = t;
	s.log = l;
	put_row(&s, b.enc, "after compaction");
	del_row(&s, b.plain, "file-00");
	assert_true(s.log.seq == seq + 2);
	sp_log_close(&s.log);
	reload(&s, &t, &l);
	assert_true(l.seq == seq + 2);
	tab_equal(&s.tab, &t, true);
	s.log = l;
	sp_tab_free(&t);
	st_free(&s);
}

/*
 * soapd compacts after a change once the log has grown by compact_at
 * and by its own size after the last compaction.
 */
static void test_log_compact_rule(void **state)
{
	struct sp_tab t;
	struct sp_log l;
	struct sp_dir *root;
	struct st s;
	char name[32];
	uint64_t grow;
	int i, n = 0;

	(void)state;
	st_new(&s);
	root = sp_dir_of(&s.tab, 1);
	s.log.compact_at = 4096;
	assert_true(s.log.base == s.log.size);
	for (i = 0; i < 400; i++) {
		snprintf(name, sizeof(name), "row %d", i % 40);
		put_row(&s, root, name);
		grow = s.log.base > 4096 ? s.log.base : 4096;
		if (s.log.size - s.log.base >= grow)
			n++;
		sp_log_maybe_compact(&s.log, &s.tab);
		assert_int_equal(s.log.compactions, n);
		assert_true(s.log.size - s.log.base < grow);
	}
	/* 40 rows of 1 to 8 capabilities: about 4K compacted, 35K written. */
	assert_true(n >= 3);
	sp_log_close(&s.log);
	reload(&s, &t, &l);
	tab_equal(&s.tab, &t, true);
	s.log = l;
	sp_tab_free(&t);
	st_free(&s);
}

/*
 * A locked directory's rows are sealed changes soapd cannot read:
 * compaction must carry them over as they are, and a capability must
 * open the same rows afterwards.
 */
static void test_log_compact_locked(void **state)
{
	struct sp_tab t2, t3;
	struct sp_log l2, l3;
	struct sp_dir *e2, *e3;
	struct built b;
	struct st s;
	uint64_t seq;
	uint32_t i;

	(void)state;
	st_new(&s);
	build(&s, &b);
	seq = s.log.seq;
	sp_log_close(&s.log);
	reload(&s, &t2, &l2);
	e2 = sp_dir_of(&t2, b.enc->obj);
	assert_true(e2->locked);
	assert_true(e2->nsealed > 30);
	assert_int_equal(sp_log_compact(&l2, &t2), 0);
	sp_log_close(&l2);
	reload(&s, &t3, &l3);
	e3 = sp_dir_of(&t3, b.enc->obj);
	assert_true(e3->locked);
	assert_int_equal(e3->nsealed, e2->nsealed);
	for (i = 0; i < e2->nsealed; i++) {
		assert_int_equal(e3->sealed[i]->len, e2->sealed[i]->len);
		assert_memory_equal(e3->sealed[i]->bytes, e2->sealed[i]->bytes,
				    e2->sealed[i]->len);
	}
	seqs_are(&t3, seq);
	/* Opened, by a capability restricted to one column and modify. */
	assert_int_equal(unlock_with(&t3, e3, &b.enc->check,
				     SP_COL2 | SP_MODRGT), 0);
	rows_equal(b.enc, e3);
	assert_int_equal(unlock_with(&t2, e2, &b.enc->check, SP_COL1), 0);
	rows_equal(b.enc, e2);
	tab_equal(&s.tab, &t3, false);
	sp_log_close(&l3);
	sp_tab_free(&t2);
	sp_tab_free(&t3);
	st_free(&s);
}

/* Replay @len bytes into a fresh table. */
static int replay(const uint8_t *buf, size_t len, struct sp_tab *t,
		  size_t *valid, uint64_t *seq, struct sp_load_err *err)
{
	*valid = 0;
	*seq = 0;
	err->off = 0;
	err->why = NULL;
	sp_tab_init(t);
	return sp_log_replay(t, buf, len, valid, seq, err);
}

/* A crash can tear the last record anywhere: the change before stands. */
static void test_log_torn(void **state)
{
	struct sp_load_err err;
	struct sp_tab ref, t;
	struct sp_log l;
	struct built b;
	struct st s;
	uint64_t seq, before, rseq;
	uint8_t *buf, *pad;
	size_t len, valid, k;

	(void)state;
	st_new(&s);
	build(&s, &b);
	seq = s.log.seq;
	/* Another change, so that the last record is an encrypted one's. */
	before = s.log.size;
	put_row(&s, b.enc, "the last");
	buf = read_log(&s, &len);
	assert_true(len == s.log.size);
	assert_int_equal(replay(buf, before, &ref, &valid, &rseq, &err), 0);
	assert_true(valid == before && rseq == seq);
	unlock_like(&ref, &s.tab);
	for (k = 1; k <= len - before; k++) {
		assert_int_equal(replay(buf, len - k, &t, &valid, &rseq,
					&err), 0);
		assert_true(valid == before);
		assert_true(rseq == seq);
		tab_equal(&ref, &t, true);
		sp_tab_free(&t);
	}
	/* Zeros after the last record (a file extended, never written). */
	pad = calloc(1, len + 4096);
	assert_non_null(pad);
	memcpy(pad, buf, len);
	assert_int_equal(replay(pad, len + 4096, &t, &valid, &rseq, &err), 0);
	assert_true(valid == len && rseq == seq + 1);
	sp_tab_free(&t);
	free(pad);

	/* On disk: the torn bytes are cut off, and the log goes on. */
	sp_log_close(&s.log);
	assert_int_equal(truncate(path_of(&s, "soap.log"), (off_t)len - 7), 0);
	reload(&s, &t, &l);
	assert_true(l.size == before && l.seq == seq);
	assert_true(log_size(&s) == (off_t)before);
	tab_equal(&ref, &t, true);
	s.log = l;
	rebind(&b, &t);
	sp_tab_free(&s.tab);
	s.tab = t;
	put_row(&s, b.plain, "after the tear");
	sp_log_close(&s.log);
	reload(&s, &t, &l);
	assert_true(l.seq == seq + 1);
	tab_equal(&s.tab, &t, true);
	s.log = l;
	sp_tab_free(&t);
	sp_tab_free(&ref);
	free(buf);
	st_free(&s);
}

/* The offsets of the records of @buf, which must all be whole. */
static size_t records(const uint8_t *buf, size_t len, size_t *off,
		      size_t max)
{
	size_t at = 0, n = 0;
	uint32_t rlen;

	while (at < len) {
		assert_true(n < max);
		rlen = (uint32_t)buf[at + 4] << 24 | buf[at + 5] << 16 |
		       buf[at + 6] << 8 | buf[at + 7];
		off[n++] = at;
		at += REC_HDR + rlen;
	}
	assert_true(at == len);
	off[n] = len;
	return n;
}

/* The crc32c of log.c's comment over the record at @p. */
static void fix_crc(uint8_t *p)
{
	uint32_t len = (uint32_t)p[4] << 24 | p[5] << 16 | p[6] << 8 | p[7];
	uint32_t crc = am_crc32c(am_crc32c(0, p, 16), p + REC_HDR, len);

	p[16] = (uint8_t)(crc >> 24);
	p[17] = (uint8_t)(crc >> 16);
	p[18] = (uint8_t)(crc >> 8);
	p[19] = (uint8_t)crc;
}

static void is_damaged(const uint8_t *buf, size_t len, size_t off,
		       const char *why)
{
	struct sp_load_err err;
	struct sp_tab t;
	size_t valid;
	uint64_t seq;

	assert_int_equal(replay(buf, len, &t, &valid, &seq, &err), -EUCLEAN);
	assert_true(err.off == off);
	assert_non_null(err.why);
	assert_string_equal(err.why, why);
	sp_tab_free(&t);
}

static const char damaged[] = "a damaged record with whole records after it";

/*
 * Damage with whole records after it is not a torn write: the load
 * stops there and says where, whichever byte of the record is hit.
 */
static void test_log_damage(void **state)
{
	struct sp_load_err err;
	struct sp_tab t;
	struct sp_log l;
	struct built b;
	struct st s;
	size_t off[256], n, len, i, r, valid;
	uint8_t *buf, *copy, save;
	uint64_t seq;

	(void)state;
	st_new(&s);
	build(&s, &b);
	buf = read_log(&s, &len);
	n = records(buf, len, off, ARRAY_SIZE(off) - 1);
	assert_true(n > 70);
	/* The root's record, a row's, an encrypted directory's, a row's. */
	for (r = 0; r < n - 1; r += r < 8 ? 1 : 17) {
		for (i = off[r]; i < off[r + 1]; i++) {
			save = buf[i];
			buf[i] ^= (uint8_t)(1u << (i % 8));
			is_damaged(buf, len, off[r], damaged);
			buf[i] = save;
		}
	}
	/* A block of zeros, as a lost write leaves. */
	copy = malloc(len);
	assert_non_null(copy);
	memcpy(copy, buf, len);
	memset(copy + off[n / 2] + 3, 0, 512);
	is_damaged(copy, len, off[n / 2], damaged);
	memcpy(copy, buf, len);
	/* A crc changed, with the rest of the record as it was. */
	copy[off[n / 2] + 17] ^= 0x40;
	is_damaged(copy, len, off[n / 2], damaged);
	/* The super record itself. */
	memcpy(copy, buf, len);
	copy[0] = 'X';
	is_damaged(copy, len, 0, damaged);
	/* The last record damaged looks torn: it is dropped, the rest stays. */
	memcpy(copy, buf, len);
	copy[off[n - 1] + REC_HDR + 2] ^= 0x01;
	assert_int_equal(replay(copy, len, &t, &valid, &seq, &err), 0);
	assert_true(valid == off[n - 1]);
	assert_non_null(sp_dir_of(&t, b.plain->obj));
	assert_true(sp_dir_find(sp_dir_of(&t, b.plain->obj), "last") < 0);
	sp_tab_free(&t);

	/* soapd refuses it, and leaves the file as it was. */
	memcpy(copy, buf, len);
	copy[off[n / 2] + REC_HDR + 1] ^= 0x80;
	sp_log_close(&s.log);
	write_log(&s, copy, len);
	sp_tab_init(&t);
	assert_int_equal(sp_log_open(&l, &t, s.dir, &err), -EUCLEAN);
	assert_true(err.off == off[n / 2]);
	assert_string_equal(err.why, damaged);
	sp_log_close(&l);
	sp_tab_free(&t);
	assert_true(log_size(&s) == (off_t)len);
	free(buf);
	buf = read_log(&s, &valid);
	assert_true(valid == len);
	assert_memory_equal(buf, copy, len);
	/*
	 * What Documentation/soap.rst tells an operator to do: cut the log
	 * at the offset reported, losing the changes from there on.
	 */
	assert_int_equal(truncate(path_of(&s, "soap.log"), (off_t)off[n / 2]),
			 0);
	reload(&s, &t, &l);
	assert_true(l.size == off[n / 2]);
	sp_log_close(&l);
	sp_tab_free(&t);
	free(buf);
	free(copy);
	st_free(&s);
}

/* --------------------------------------------------- logs by hand */

/* A log written byte by byte, as log.c's comment and soap.h describe. */
struct raw {
	uint8_t		buf[1 << 16];
	size_t		len;
	size_t		rec;		/* where the record being made starts */
	uint32_t	nops;
	struct am_enc	e;		/* the operation being made */
};

static void raw_begin(struct raw *r)
{
	r->rec = r->len;
	r->len += REC_HDR + 4;
	r->nops = 0;
}

static struct am_enc *raw_op(struct raw *r, uint8_t type, uint32_t obj)
{
	am_enc_init(&r->e, r->buf + r->len, sizeof(r->buf) - r->len);
	am_enc_u8(&r->e, type);
	if (type != SP_OP_SUPER)
		am_enc_u32(&r->e, obj);
	return &r->e;
}

static void raw_done(struct raw *r)
{
	assert_false(r->e.bad);
	r->len += r->e.pos;
	r->nops++;
}

static void raw_end(struct raw *r, uint64_t seq)
{
	struct am_enc e;

	am_enc_init(&e, r->buf + r->rec, REC_HDR + 4);
	am_enc_u32(&e, LOG_MAGIC);
	am_enc_u32(&e, (uint32_t)(r->len - r->rec - REC_HDR));
	am_enc_u64(&e, seq);
	am_enc_u32(&e, 0);
	am_enc_u32(&e, r->nops);
	fix_crc(r->buf + r->rec);
}

static const struct am_port port1 = { { 1, 2, 3, 4, 5, 6 } };

static void raw_super(struct raw *r)
{
	struct am_enc *e = raw_op(r, SP_OP_SUPER, 0);

	am_enc_bytes(e, port1.p, AM_PORTSIZE);
	am_enc_bytes(e, port1.p, AM_PORTSIZE);
	raw_done(r);
}

/* A directory of @ncols columns "c0".. (or the names in @cols). */
static void raw_mkdir(struct raw *r, uint32_t obj, uint16_t flags,
		      uint8_t ncols, const char *const *cols)
{
	struct am_enc *e = raw_op(r, SP_OP_MKDIR, obj);
	uint8_t wraps[SP_NWRAPS * SP_WRAP_LEN];
	char name[8];
	uint8_t i;

	am_enc_u16(e, flags);
	am_enc_u8(e, ncols);
	for (i = 0; i < ncols; i++) {
		snprintf(name, sizeof(name), "c%u", i);
		am_enc_string(e, cols ? cols[i] : name, SP_COLNAME_MAX);
	}
	if (flags & SP_ENCRYPT) {
		memset(wraps, 0x5a, sizeof(wraps));
		am_enc_bytes(e, wraps, sizeof(wraps));
	} else {
		am_enc_bytes(e, port1.p, AM_PORTSIZE);
	}
	raw_done(r);
}

static void raw_put(struct raw *r, uint32_t obj, const char *name,
		    uint8_t ncaps)
{
	struct am_enc *e = raw_op(r, SP_OP_PUT, obj);
	static const uint8_t masks[SP_COLS_MAX] = { 0xff, 0x06, 0x04, 0 };
	struct am_cap cap = { port1, { { 1, 0, 0 }, 0xff, port1 } };
	uint8_t i;

	am_enc_string(e, name, SP_NAME_MAX);
	am_enc_u64(e, 1234567890);
	am_enc_bytes(e, masks, sizeof(masks));
	am_enc_u8(e, ncaps);
	for (i = 0; i < ncaps; i++)
		am_enc_cap(e, &cap);
	raw_done(r);
}

/* The start every case below builds on: the super record, dirs 1 and 2. */
static void raw_start(struct raw *r)
{
	memset(r, 0, sizeof(*r));
	raw_begin(r);
	raw_super(r);
	raw_mkdir(r, 1, 0, 3, NULL);
	raw_end(r, 1);
	raw_begin(r);
	raw_mkdir(r, 2, SP_ENCRYPT, 2, NULL);
	raw_put(r, 1, "row", 1);
	raw_end(r, 2);
}

static void test_raw_good(void **state)
{
	struct sp_load_err err;
	struct sp_tab t;
	struct raw *r = malloc(sizeof(*r));
	struct am_enc *e;
	uint8_t sealed[SP_SEAL_OVER + 10] = { 0 };
	size_t valid;
	uint64_t seq;

	(void)state;
	assert_non_null(r);
	raw_start(r);
	/* Records of a compacted log share their seq: that is not going back. */
	raw_begin(r);
	raw_put(r, 1, "two", 2);
	e = raw_op(r, SP_OP_SEALED, 2);
	am_enc_u32(e, sizeof(sealed));
	am_enc_bytes(e, sealed, sizeof(sealed));
	raw_done(r);
	raw_end(r, 2);
	raw_begin(r);
	e = raw_op(r, SP_OP_DEL, 1);
	am_enc_string(e, "row", SP_NAME_MAX);
	raw_done(r);
	e = raw_op(r, SP_OP_DEL, 1);
	am_enc_string(e, "not there", SP_NAME_MAX);
	raw_done(r);
	raw_end(r, 3);
	/* A record with no operations at all. */
	raw_begin(r);
	raw_end(r, 7);
	assert_int_equal(replay(r->buf, r->len, &t, &valid, &seq, &err), 0);
	assert_true(valid == r->len && seq == 7);
	assert_int_equal(t.ndirs, 2);
	assert_int_equal(sp_dir_of(&t, 1)->nrows, 1);
	assert_string_equal(sp_dir_of(&t, 1)->rows[0]->name, "two");
	assert_int_equal(sp_dir_of(&t, 1)->rows[0]->ncaps, 2);
	assert_true(sp_dir_of(&t, 1)->seq == 3);
	assert_true(sp_dir_of(&t, 2)->seq == 2);
	assert_int_equal(sp_dir_of(&t, 2)->nsealed, 1);
	assert_true(sp_dir_of(&t, 2)->locked);
	assert_memory_equal(&t.getport, &port1, sizeof(port1));
	sp_tab_free(&t);
	free(r);
}

enum bad_case {
	SEQ_BACK, NO_SUPER, SUPER_TWICE, SUPER_NULL, MKDIR_TWICE, MKDIR_ZERO,
	MKDIR_FLAGS, MKDIR_NOCOLS, MKDIR_MANYCOLS, MKDIR_SAMECOLS,
	MKDIR_BADCOL, MKDIR_NULLCHECK, MKDIR_SHORT, PUT_MISSING,
	DEL_MISSING, RMDIR_MISSING, SEALED_PLAIN, PUT_CLEAR, PUT_BADNAME,
	PUT_NOCAPS, PUT_MANYCAPS, PUT_SHORT, UNKNOWN_OP, SEALED_SHORT,
	SEALED_HUGE, EXTRA_BYTES, FEWER_OPS, AFTER_RMDIR, NCASES
};

static const char *const bad_why[NCASES] = {
	[SEQ_BACK] = "a record's seq goes back",
	[NO_SUPER] = "the log does not start with its super record",
	[SUPER_TWICE] = "a second super record",
	[SUPER_NULL] = "the super record is bad",
	[MKDIR_TWICE] = "a directory made twice",
	[MKDIR_ZERO] = "a directory made twice",
	[MKDIR_FLAGS] = "a directory's columns or flags are bad",
	[MKDIR_NOCOLS] = "a directory's columns or flags are bad",
	[MKDIR_MANYCOLS] = "a directory's columns or flags are bad",
	[MKDIR_SAMECOLS] = "a directory's columns or flags are bad",
	[MKDIR_BADCOL] = "a directory's columns or flags are bad",
	[MKDIR_NULLCHECK] = "a directory's record is cut short",
	[MKDIR_SHORT] = "a directory's record is cut short",
	[PUT_MISSING] = "an operation on a directory that does not exist",
	[DEL_MISSING] = "an operation on a directory that does not exist",
	[RMDIR_MISSING] = "an operation on a directory that does not exist",
	[SEALED_PLAIN] = "an encrypted directory changed in the clear",
	[PUT_CLEAR] = "an encrypted directory changed in the clear",
	[PUT_BADNAME] = "a row's name is bad",
	[PUT_NOCAPS] = "a row is cut short",
	[PUT_MANYCAPS] = "a row is cut short",
	[PUT_SHORT] = "a row is cut short",
	[UNKNOWN_OP] = "an operation of unknown type or cut short",
	[SEALED_SHORT] = "an operation of unknown type or cut short",
	[SEALED_HUGE] = "an operation of unknown type or cut short",
	[EXTRA_BYTES] = "a record's operations do not add up",
	[FEWER_OPS] = "a record's operations do not add up",
	[AFTER_RMDIR] = "an operation on a directory that does not exist",
};

/* The bad record of case @c, after raw_start. */
static void raw_bad(struct raw *r, enum bad_case c)
{
	static const char *const same[] = { "a", "b", "a" };
	static const char *const slash[] = { "a/b" };
	uint8_t sealed[SP_SEAL_OVER + 4] = { 0 };
	struct am_enc *e;

	raw_begin(r);
	switch (c) {
	case SEQ_BACK:
		raw_put(r, 1, "x", 1);
		raw_end(r, 1);
		return;
	case SUPER_TWICE:
		raw_super(r);
		break;
	case SUPER_NULL:
	case NO_SUPER:
		break;
	case MKDIR_TWICE:
		raw_mkdir(r, 1, 0, 1, NULL);
		break;
	case MKDIR_ZERO:
		raw_mkdir(r, 0, 0, 1, NULL);
		break;
	case MKDIR_FLAGS:
		raw_mkdir(r, 3, 2, 1, NULL);
		break;
	case MKDIR_NOCOLS:
		raw_mkdir(r, 3, 0, 0, NULL);
		break;
	case MKDIR_MANYCOLS:
		raw_mkdir(r, 3, 0, SP_COLS_MAX + 1, NULL);
		break;
	case MKDIR_SAMECOLS:
		raw_mkdir(r, 3, 0, 3, same);
		break;
	case MKDIR_BADCOL:
		raw_mkdir(r, 3, 0, 1, slash);
		break;
	case MKDIR_NULLCHECK:
		e = raw_op(r, SP_OP_MKDIR, 3);
		am_enc_u16(e, 0);
		am_enc_u8(e, 1);
		am_enc_string(e, "c", SP_COLNAME_MAX);
		am_enc_bytes(e, "\0\0\0\0\0\0", AM_PORTSIZE);
		raw_done(r);
		break;
	case MKDIR_SHORT:
		e = raw_op(r, SP_OP_MKDIR, 3);
		am_enc_u16(e, SP_ENCRYPT);
		am_enc_u8(e, 1);
		am_enc_string(e, "c", SP_COLNAME_MAX);
		am_enc_bytes(e, sealed, sizeof(sealed));
		raw_done(r);
		break;
	case PUT_MISSING:
		raw_put(r, 9, "x", 1);
		break;
	case DEL_MISSING:
		e = raw_op(r, SP_OP_DEL, 3);
		am_enc_string(e, "x", SP_NAME_MAX);
		raw_done(r);
		break;
	case RMDIR_MISSING:
		raw_op(r, SP_OP_RMDIR, 3);
		raw_done(r);
		break;
	case SEALED_PLAIN:
		e = raw_op(r, SP_OP_SEALED, 1);
		am_enc_u32(e, sizeof(sealed));
		am_enc_bytes(e, sealed, sizeof(sealed));
		raw_done(r);
		break;
	case PUT_CLEAR:
		raw_put(r, 2, "x", 1);
		break;
	case PUT_BADNAME:
		raw_put(r, 1, "..", 1);
		break;
	case PUT_NOCAPS:
		raw_put(r, 1, "x", 0);
		break;
	case PUT_MANYCAPS:
		raw_put(r, 1, "x", SP_CAPSET_MAX + 1);
		break;
	case PUT_SHORT:
		raw_put(r, 1, "x", 2);
		/* The second capability's last bytes are missing. */
		r->len -= 5;
		break;
	case UNKNOWN_OP:
		raw_op(r, 99, 1);
		raw_done(r);
		break;
	case SEALED_SHORT:
		e = raw_op(r, SP_OP_SEALED, 2);
		am_enc_u32(e, SP_SEAL_OVER - 1);
		am_enc_bytes(e, sealed, SP_SEAL_OVER - 1);
		raw_done(r);
		break;
	case SEALED_HUGE:
		e = raw_op(r, SP_OP_SEALED, 2);
		am_enc_u32(e, 0xfffffff0u);
		am_enc_bytes(e, sealed, sizeof(sealed));
		raw_done(r);
		break;
	case EXTRA_BYTES:
		raw_put(r, 1, "x", 1);
		r->buf[r->len++] = 0;
		break;
	case FEWER_OPS:
		raw_put(r, 1, "x", 1);
		raw_put(r, 1, "y", 1);
		r->nops = 1;
		break;
	case AFTER_RMDIR:
		raw_op(r, SP_OP_RMDIR, 1);
		raw_done(r);
		raw_put(r, 1, "x", 1);
		break;
	case NCASES:
		break;
	}
	raw_end(r, 3);
}

/* Each operation that makes no sense where it stands, refused. */
static void test_raw_bad(void **state)
{
	struct raw *r = malloc(sizeof(*r));
	struct am_enc *e;
	size_t at;
	int c;

	(void)state;
	assert_non_null(r);
	for (c = 0; c < NCASES; c++) {
		raw_start(r);
		at = r->len;
		if (c == NO_SUPER || c == SUPER_NULL) {
			/* The bad start is all there is, then a good record. */
			memset(r, 0, sizeof(*r));
			at = 0;
			raw_begin(r);
			if (c == NO_SUPER) {
				raw_mkdir(r, 1, 0, 1, NULL);
			} else {
				e = raw_op(r, SP_OP_SUPER, 0);
				am_enc_bytes(e, port1.p, AM_PORTSIZE);
				am_enc_bytes(e, "\0\0\0\0\0\0", AM_PORTSIZE);
				raw_done(r);
			}
			raw_end(r, 1);
		} else {
			raw_bad(r, (enum bad_case)c);
		}
		/* A whole record after it: not a torn end. */
		raw_begin(r);
		raw_put(r, 1, "later", 1);
		raw_end(r, 4);
		print_message("# case %d: %s\n", c, bad_why[c]);
		is_damaged(r->buf, r->len, at, bad_why[c]);
	}
	/* Nothing but a torn record, or nothing at all: no super record. */
	raw_start(r);
	is_damaged(r->buf, 10, 0, "no super record");
	is_damaged(r->buf, 0, 0, "no super record");
	/* Whole records without a super record among them. */
	memset(r, 0, sizeof(*r));
	raw_begin(r);
	raw_end(r, 1);
	is_damaged(r->buf, r->len, 0, "no super record");
	raw_begin(r);
	raw_end(r, 2);
	is_damaged(r->buf, r->len, 0, "no super record");
	free(r);
}

/* A SEALED operation of @len bytes for directory 2, after raw_start. */
static void raw_sealed(struct raw *r, uint32_t len)
{
	struct am_enc *e;
	uint8_t *p;

	raw_begin(r);
	e = raw_op(r, SP_OP_SEALED, 2);
	am_enc_u32(e, len);
	p = am_enc_room(e, len);
	assert_non_null(p);
	memset(p, 0x5a, len);
	raw_done(r);
	raw_end(r, 3);
}

/*
 * The longest sealed change replay takes is one compaction can write
 * again: a locked directory's sealed changes are carried over as they
 * are.  One byte more is refused.
 */
static void test_sealed_bound(void **state)
{
	struct raw *r = malloc(sizeof(*r));
	struct sp_tab t, t2;
	struct sp_log l;
	struct sp_dir *d;
	struct st s;
	size_t at;

	(void)state;
	assert_non_null(r);
	raw_start(r);
	at = r->len;
	raw_sealed(r, SP_SEALED_MAX + 1);
	is_damaged(r->buf, r->len, at,
		   "an operation of unknown type or cut short");
	raw_start(r);
	raw_sealed(r, SP_SEALED_MAX);
	st_new(&s);
	sp_log_close(&s.log);
	write_log(&s, r->buf, r->len);
	reload(&s, &t, &l);
	d = sp_dir_of(&t, 2);
	assert_true(d->locked);
	assert_int_equal(d->nsealed, 1);
	assert_int_equal(d->sealed[0]->len, SP_SEALED_MAX);
	assert_int_equal(sp_log_compact(&l, &t), 0);
	sp_log_close(&l);
	reload(&s, &t2, &l);
	d = sp_dir_of(&t2, 2);
	assert_int_equal(d->nsealed, 1);
	assert_int_equal(d->sealed[0]->len, SP_SEALED_MAX);
	assert_memory_equal(d->sealed[0]->bytes,
			    sp_dir_of(&t, 2)->sealed[0]->bytes, SP_SEALED_MAX);
	sp_log_close(&l);
	sp_tab_free(&t);
	sp_tab_free(&t2);
	st_free(&s);
	free(r);
}

/*
 * Sealed changes that will not open, or that open to nonsense: the
 * directory stays locked and is marked damaged, with its sealed changes
 * kept; the rest of the state is served.
 */
static void test_sealed_damage(void **state)
{
	uint8_t plain[64], *out;
	struct sp_load_err err;
	struct sp_tab t;
	struct sp_log l;
	struct sp_dir *e;
	struct built b;
	struct am_enc enc;
	struct st s;
	size_t off[256], n, len, r, valid;
	uint8_t *buf;
	uint64_t seq, rows;
	int i;

	(void)state;
	st_new(&s);
	build(&s, &b);
	buf = read_log(&s, &len);
	n = records(buf, len, off, ARRAY_SIZE(off) - 1);
	/* The first row of the encrypted directory: its first SEALED one. */
	for (r = 0; r < n; r++)
		if (buf[off[r] + REC_HDR + 4] == SP_OP_SEALED)
			break;
	assert_true(r < n);
	buf[off[r + 1] - 3] ^= 0x10;
	fix_crc(buf + off[r]);
	assert_int_equal(replay(buf, len, &t, &valid, &seq, &err), 0);
	e = sp_dir_of(&t, b.enc->obj);
	assert_int_equal(e->nsealed, 35);
	rows = t.nrows;
	crit_logged = 0;
	assert_int_equal(unlock_with(&t, e, &b.enc->check, AM_RIGHTS_ALL),
			 -EUCLEAN);
	assert_int_equal(crit_logged, 1);
	assert_non_null(strstr(last_crit, "change 1 of 35: "));
	assert_true(e->locked && e->damaged);
	assert_int_equal(e->nrows, 0);
	assert_int_equal(e->nsealed, 35);
	assert_true(t.nrows == rows);
	sp_tab_free(&t);

	/*
	 * Changes that open but make no sense in a sealed change: sealed
	 * with the right key by hand, appended after the good ones.
	 */
	for (i = 0; i < 4; i++) {
		sp_tab_init(&t);
		sp_log_close(&s.log);
		reload(&s, &t, &l);
		e = sp_dir_of(&t, b.enc->obj);
		am_enc_init(&enc, plain, sizeof(plain));
		if (i == 0) {
			/* Another directory's row. */
			am_enc_u8(&enc, SP_OP_DEL);
			am_enc_u32(&enc, 1);
			am_enc_string(&enc, "home", SP_NAME_MAX);
		} else if (i == 1) {
			/* A directory made inside a sealed change. */
			am_enc_u8(&enc, SP_OP_MKDIR);
			am_enc_u32(&enc, b.enc->obj);
		} else if (i == 2) {
			/* A DEL with a byte too many. */
			am_enc_u8(&enc, SP_OP_DEL);
			am_enc_u32(&enc, b.enc->obj);
			am_enc_string(&enc, "secret 1", SP_NAME_MAX);
			am_enc_u8(&enc, 0);
		} else {
			/* A sealed change inside a sealed change. */
			am_enc_u8(&enc, SP_OP_SEALED);
			am_enc_u32(&enc, b.enc->obj);
			am_enc_u32(&enc, 0);
		}
		out = malloc(enc.pos + SP_SEAL_OVER);
		assert_non_null(out);
		assert_int_equal(sp_seal(b.enc->key, b.enc->obj, plain,
					 (uint32_t)enc.pos, out), 0);
		assert_int_equal(sp_dir_add_sealed(e, out, (uint32_t)enc.pos +
						   SP_SEAL_OVER), 0);
		free(out);
		crit_logged = 0;
		assert_int_equal(unlock_with(&t, e, &b.enc->check,
					     AM_RIGHTS_ALL), -EUCLEAN);
		assert_int_equal(crit_logged, 1);
		/* The change named is the one that failed, the last. */
		assert_non_null(strstr(last_crit, "change 36 of 36: "));
		assert_true(e->locked && e->damaged && !e->nrows);
		sp_log_close(&l);
		sp_tab_free(&t);
		s.log.fd = -1;
	}
	free(buf);
	st_free(&s);
}

static void test_create_open(void **state)
{
	struct sp_load_err err;
	struct sp_tab t, t2;
	struct sp_log l;
	const char *why = NULL;
	struct am_port getport;
	struct st s;

	(void)state;
	st_new(&s);
	/* Not over a log that is there, unless forced. */
	assert_int_equal(sp_log_create(s.dir, false, &why), -EEXIST);
	assert_non_null(why);
	getport = s.tab.getport;
	/* One soapd per state directory. */
	sp_tab_init(&t);
	assert_int_not_equal(sp_log_open(&l, &t, s.dir, &err), 0);
	assert_non_null(err.why);
	assert_non_null(strstr(err.why, "another soapd"));
	sp_log_close(&l);
	sp_tab_free(&t);
	sp_log_close(&s.log);
	assert_int_equal(sp_log_create(s.dir, true, &why), 0);
	reload(&s, &t2, &l);
	assert_memory_not_equal(&t2.getport, &getport, sizeof(getport));
	assert_int_equal(t2.ndirs, 1);
	assert_int_equal(sp_dir_of(&t2, 1)->ncols, 3);
	assert_string_equal(sp_dir_of(&t2, 1)->cols[0], "owner");
	assert_string_equal(sp_dir_of(&t2, 1)->cols[2], "other");
	sp_log_close(&l);
	sp_tab_free(&t2);
	/* No log: the error says so. */
	unlink(path_of(&s, "soap.log"));
	sp_tab_init(&t);
	assert_int_equal(sp_log_open(&l, &t, s.dir, &err), -ENOENT);
	sp_log_close(&l);
	sp_tab_free(&t);
	s.log.fd = -1;
	st_free(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_name_ok),
		cmocka_unit_test(test_tab_objects),
		cmocka_unit_test(test_dir_random),
		cmocka_unit_test(test_log_roundtrip),
		cmocka_unit_test(test_log_compact),
		cmocka_unit_test(test_log_compact_rule),
		cmocka_unit_test(test_log_compact_locked),
		cmocka_unit_test(test_log_torn),
		cmocka_unit_test(test_log_damage),
		cmocka_unit_test(test_raw_good),
		cmocka_unit_test(test_raw_bad),
		cmocka_unit_test(test_sealed_damage),
		cmocka_unit_test(test_sealed_bound),
		cmocka_unit_test(test_create_open),
	};

	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests_name("log", tests, NULL, NULL);
}
