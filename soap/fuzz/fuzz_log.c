// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness for soapd's log loader (log.c).  An input is a log:
 * sp_log_replay loads it into a fresh table, which must then be one the
 * server can trust, whatever the bytes: every directory well-formed, its
 * rows sorted, the row count right.  A load that succeeds must load the
 * same again from its valid prefix alone, and its state, written out by
 * compaction (to a file under /dev/shm) and loaded back, must be the
 * same state; a locked encrypted directory's sealed changes must come
 * through byte for byte.  Encrypted directories whose wraps open with
 * the known check of the seeds (known_check) are unlocked on the way, so
 * that their sealed changes are applied too.
 *
 * An input whose first byte is SEALED_MODE is instead a list of
 * changes, each a be16 length and the bytes: they are sealed with the
 * known key for an encrypted directory, which is then unlocked, so that
 * what decodes the inside of a sealed change (which a fuzzer could never
 * forge through AES-GCM) is fuzzed too.
 *
 * Nothing may crash, leak or trip a sanitizer.  With SOAP_FUZZ_SEEDS=DIR
 * in the environment it writes seed logs made with the sp_log_* calls
 * into DIR and exits (tests/fuzz.t does this before fuzzing).
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
#include <amoeba/crc32c.h>

#include "soap.h"

#define check(cond)	do { if (!(cond)) __builtin_trap(); } while (0)

#define SEALED_MODE	0xa5
/* log.c's record header. */
#define LOG_MAGIC	0x53504c47u
#define REC_HDR		20
/* The encrypted directory sealed mode unlocks, and the plain one beside. */
#define SEALED_OBJ	2

static const uint8_t known_key[SP_KEY_LEN] = "soap fuzz_log: a key, 32 bytes.";
static const struct am_port known_port = { { 0x50, 0x4f, 0x41, 0x50, 1, 2 } };

static char state_dir[64];
static char log_path[96];
static uint8_t sealed_wraps[SP_NWRAPS * SP_WRAP_LEN];

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

/* The check of the seeds' directory @obj. */
static void known_check(uint32_t obj, struct am_port *check)
{
	*check = known_port;
	check->p[3] ^= (uint8_t)obj;
	check->p[4] ^= (uint8_t)(obj >> 8);
	check->p[5] ^= (uint8_t)(obj >> 16);
}

static void check_dir(const struct sp_dir *d, uint32_t obj)
{
	uint32_t i, j;

	check(d->obj == obj);
	check(d->ncols >= 1 && d->ncols <= SP_COLS_MAX);
	check(!(d->flags & ~SP_ENCRYPT));
	for (i = 0; i < d->ncols; i++) {
		check(strlen(d->cols[i]) <= SP_COLNAME_MAX);
		check(sp_name_ok(d->cols[i]) == STD_OK);
		for (j = 0; j < i; j++)
			check(strcmp(d->cols[i], d->cols[j]));
	}
	if (d->flags & SP_ENCRYPT) {
		check(d->wraps);
	} else {
		check(!d->locked && !d->nsealed);
		check(!am_port_null(&d->check));
	}
	if (d->locked)
		check(!d->nrows);
	else
		check(!d->nsealed && !d->damaged);
	for (i = 0; i < d->nsealed; i++)
		check(d->sealed[i]->len >= SP_SEAL_OVER);
	for (i = 0; i < d->nrows; i++) {
		const struct sp_entry *e = d->rows[i];

		check(sp_name_ok(e->name) == STD_OK);
		check(e->ncaps >= 1 && e->ncaps <= SP_CAPSET_MAX);
		if (i)
			check(strcmp(d->rows[i - 1]->name, e->name) < 0);
		check(sp_dir_find(d, e->name) == (long)i);
	}
}

/* What a loaded table must be, whatever the log held. */
static void check_tab(const struct sp_tab *t)
{
	struct am_port put;
	uint64_t rows = 0;
	uint32_t obj, n = 0;

	check(!am_port_null(&t->getport) && !am_port_null(&t->supercheck));
	am_fbox(&t->getport, &put);
	check(am_port_eq(&put, &t->putport));
	check(!t->room || !t->dirs[0]);
	for (obj = 1; obj < t->room; obj++) {
		if (!t->dirs[obj])
			continue;
		check_dir(t->dirs[obj], obj);
		n++;
		rows += t->dirs[obj]->nrows;
	}
	check(n == t->ndirs);
	check(rows == t->nrows);
}

/*
 * Open the encrypted directories a capability of the known check opens:
 * their sealed changes are applied, or the directory is found damaged.
 */
static void unlock_known(struct sp_tab *t)
{
	uint8_t key[SP_KEY_LEN];
	struct am_port chk, got;
	struct am_priv priv;
	struct sp_dir *d;
	uint32_t obj, n;
	int rc;

	for (obj = 1; obj < t->room; obj++) {
		d = t->dirs[obj];
		if (!d || !d->locked)
			continue;
		known_check(obj, &chk);
		am_priv_encode(&priv, obj, SP_COL1, &chk);
		if (sp_unwrap(obj, &priv, d->wraps, key, &got) != STD_OK)
			continue;
		check(am_port_eq(&got, &chk));
		n = d->nsealed;
		rc = sp_dir_unlock(t, d, key, &got);
		check(rc == 0 || rc == -EUCLEAN || rc == -ENOMEM);
		if (rc == -EUCLEAN)
			check(d->locked && d->damaged && d->nsealed == n);
		if (!rc)
			check(!d->locked && !d->nsealed);
	}
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

/* @b, loaded from what compaction wrote of @a, is @a. */
static void same_tab(const struct sp_tab *a, struct sp_tab *b)
{
	const struct sp_dir *x;
	struct sp_dir *y;
	uint32_t obj, i;

	check(am_port_eq(&a->getport, &b->getport));
	check(am_port_eq(&a->supercheck, &b->supercheck));
	check(a->ndirs == b->ndirs);
	for (obj = 1; obj < a->room || obj < b->room; obj++) {
		x = sp_dir_of(a, obj);
		y = sp_dir_of(b, obj);
		check(!x == !y);
		if (!x)
			continue;
		check(x->flags == y->flags && x->ncols == y->ncols);
		check(!memcmp(x->cols, y->cols, sizeof(x->cols)));
		if (!(x->flags & SP_ENCRYPT)) {
			check(am_port_eq(&x->check, &y->check));
			same_rows(x, y);
			continue;
		}
		check(!memcmp(x->wraps, y->wraps, SP_NWRAPS * SP_WRAP_LEN));
		check(y->locked);
		if (x->locked) {
			check(x->nsealed == y->nsealed);
			for (i = 0; i < x->nsealed; i++) {
				check(x->sealed[i]->len == y->sealed[i]->len);
				check(!memcmp(x->sealed[i]->bytes,
					      y->sealed[i]->bytes,
					      x->sealed[i]->len));
			}
			continue;
		}
		/* Sealed anew by compaction: the same rows when opened. */
		check(y->nsealed == x->nrows);
		check(sp_dir_unlock(b, y, x->key, &x->check) == 0);
		same_rows(x, y);
	}
}

static uint8_t *read_file(const char *path, size_t *len)
{
	struct stat st;
	uint8_t *buf;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	check(fd >= 0);
	check(!fstat(fd, &st));
	*len = (size_t)st.st_size;
	buf = malloc(*len + 1);
	check(buf);
	check(read(fd, buf, *len) == (ssize_t)*len);
	close(fd);
	return buf;
}

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

/*
 * Put right the crc of each record, in order from the start, whose crc
 * field is zero (the seeds' are): otherwise almost no record a fuzzer
 * makes would pass its checksum, and nothing behind it would be fuzzed.
 * With @zero, make them zero instead, for the seeds.
 */
static void fix_crcs(uint8_t *buf, size_t len, bool zero)
{
	size_t off = 0;
	uint32_t n, crc;

	while (len - off >= REC_HDR && be32(buf + off) == LOG_MAGIC) {
		n = be32(buf + off + 4);
		if (n > len - off - REC_HDR)
			break;
		crc = am_crc32c(am_crc32c(0, buf + off, 16),
				buf + off + REC_HDR, n);
		if (zero)
			crc = 0;
		else if (be32(buf + off + 16))
			crc = be32(buf + off + 16);
		buf[off + 16] = (uint8_t)(crc >> 24);
		buf[off + 17] = (uint8_t)(crc >> 16);
		buf[off + 18] = (uint8_t)(crc >> 8);
		buf[off + 19] = (uint8_t)crc;
		off += REC_HDR + n;
	}
}

/*
 * Whether the records from the start name no directory above OBJ_FUZZ.
 * soapd's table is an array by object number, 8 bytes each: a directory
 * made at object 0xffffff costs 128 MiB and as much time as a thousand
 * other inputs.  Object numbers are handed out lowest free first, so no
 * log soapd wrote has them, and the fuzzer, finding every doubling of
 * the array new coverage, would otherwise spend its time there.
 */
#define OBJ_FUZZ	0xffff

static bool small_objects(const uint8_t *buf, size_t len)
{
	struct am_dec d;
	size_t off = 0;
	uint32_t n, nops, obj, i;
	uint8_t type, k;

	while (len - off >= REC_HDR && be32(buf + off) == LOG_MAGIC) {
		n = be32(buf + off + 4);
		if (n > len - off - REC_HDR)
			break;
		am_dec_init(&d, buf + off + REC_HDR, n);
		nops = am_dec_u32(&d);
		while (nops-- && !d.bad) {
			type = am_dec_u8(&d);
			if (type == SP_OP_SUPER) {
				am_dec_take(&d, 2 * AM_PORTSIZE);
				continue;
			}
			obj = am_dec_u32(&d);
			if (type == SP_OP_MKDIR && !d.bad && obj > OBJ_FUZZ)
				return false;
			if (type == SP_OP_MKDIR) {
				i = am_dec_u16(&d);
				k = am_dec_u8(&d);
				while (k-- && !d.bad)
					am_dec_take(&d, am_dec_u32(&d));
				am_dec_take(&d, i & SP_ENCRYPT ?
					    SP_NWRAPS * SP_WRAP_LEN : AM_PORTSIZE);
			} else if (type == SP_OP_PUT) {
				am_dec_take(&d, am_dec_u32(&d));
				am_dec_take(&d, 8 + SP_COLS_MAX);
				am_dec_take(&d, am_dec_u8(&d) * sizeof(struct am_cap));
			} else if (type == SP_OP_DEL || type == SP_OP_SEALED) {
				am_dec_take(&d, am_dec_u32(&d));
			} else if (type != SP_OP_RMDIR) {
				break;
			}
		}
		off += REC_HDR + n;
	}
	return true;
}

/* Write @t out as compaction does, load it back: the same state. */
static void compact_and_reload(const struct sp_tab *t, uint64_t seq)
{
	struct sp_load_err err;
	struct sp_log l;
	struct sp_tab t2;
	uint64_t seq2 = 0;
	size_t len, valid = 0;
	uint8_t *buf;

	memset(&l, 0, sizeof(l));
	l.fd = -1;
	l.path = strdup(log_path);
	check(l.path);
	l.seq = seq;
	check(sp_log_compact(&l, t) == 0);
	sp_log_close(&l);
	buf = read_file(log_path, &len);
	sp_tab_init(&t2);
	check(sp_log_replay(&t2, buf, len, &valid, &seq2, &err) == 0);
	check(valid == len && seq2 == seq);
	check_tab(&t2);
	same_tab(t, &t2);
	check_tab(&t2);
	sp_tab_free(&t2);
	free(buf);
}

static int fuzz_replay(const uint8_t *input, size_t size)
{
	struct sp_load_err err = { 0 };
	struct sp_tab t, again;
	size_t valid = 0, valid2 = 0;
	uint64_t seq = 0, seq2 = 0;
	uint8_t *data;
	int rc;

	/* One byte more, so that an empty log is not malloc(0). */
	data = malloc(size + 1);
	check(data);
	memcpy(data, input, size);
	fix_crcs(data, size, false);
	if (!small_objects(data, size)) {
		free(data);
		return -1;
	}
	sp_tab_init(&t);
	rc = sp_log_replay(&t, data, size, &valid, &seq, &err);
	check(rc == 0 || rc == -EUCLEAN || rc == -ENOMEM);
	if (rc) {
		check(err.why && *err.why);
		check(err.off <= size);
		sp_tab_free(&t);
		free(data);
		return 0;
	}
	check(valid > 0 && valid <= size);
	check(err.off == valid);
	check_tab(&t);
	/* The valid prefix alone loads the same, whole. */
	sp_tab_init(&again);
	check(sp_log_replay(&again, data, valid, &valid2, &seq2, &err) == 0);
	check(valid2 == valid && seq2 == seq);
	check(again.ndirs == t.ndirs && again.nrows == t.nrows);
	sp_tab_free(&again);
	unlock_known(&t);
	check_tab(&t);
	compact_and_reload(&t, seq);
	sp_tab_free(&t);
	free(data);
	return 0;
}

/* A table of the super record, a plain directory 1 and the encrypted one. */
static void sealed_tab(struct sp_tab *t)
{
	struct sp_dir *d;
	uint32_t obj;

	sp_tab_init(t);
	t->getport = known_port;
	t->supercheck = known_port;
	am_fbox(&t->getport, &t->putport);
	check(!sp_tab_reserve(t, SEALED_OBJ));
	for (obj = 1; obj <= SEALED_OBJ; obj++) {
		d = calloc(1, sizeof(*d));
		check(d);
		d->obj = obj;
		d->ncols = 2;
		strcpy(d->cols[0], "owner");
		strcpy(d->cols[1], "other");
		known_check(obj, &d->check);
		if (obj == SEALED_OBJ) {
			d->flags = SP_ENCRYPT;
			d->locked = true;
			memset(&d->check, 0, sizeof(d->check));
			d->wraps = malloc(sizeof(sealed_wraps));
			check(d->wraps);
			memcpy(d->wraps, sealed_wraps, sizeof(sealed_wraps));
		}
		sp_tab_insert(t, d);
	}
}

static void fuzz_sealed(const uint8_t *data, size_t size)
{
	struct am_port chk;
	struct sp_tab t;
	struct sp_dir *d;
	uint8_t *out;
	size_t n, off = 0;
	int rc;

	sealed_tab(&t);
	d = sp_dir_of(&t, SEALED_OBJ);
	while (off + 2 <= size && d->nsealed < 64) {
		n = (size_t)data[off] << 8 | data[off + 1];
		off += 2;
		/* No longer than replay takes a sealed change. */
		if (n > size - off)
			n = size - off;
		if (n > SP_SEALED_MAX - SP_SEAL_OVER)
			n = SP_SEALED_MAX - SP_SEAL_OVER;
		out = malloc(n + SP_SEAL_OVER);
		check(out);
		check(!sp_seal(known_key, SEALED_OBJ, data + off, (uint32_t)n,
			       out));
		check(!sp_dir_add_sealed(d, out, (uint32_t)(n + SP_SEAL_OVER)));
		free(out);
		off += n;
	}
	known_check(SEALED_OBJ, &chk);
	rc = sp_dir_unlock(&t, d, known_key, &chk);
	check(rc == 0 || rc == -EUCLEAN || rc == -ENOMEM);
	check_tab(&t);
	compact_and_reload(&t, 1);
	sp_tab_free(&t);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size && data[0] == SEALED_MODE) {
		fuzz_sealed(data + 1, size - 1);
		return 0;
	}
	/* -1: not worth keeping in the corpus (small_objects). */
	return fuzz_replay(data, size);
}

/* ------------------------------------------------------------ seeds */

struct seeder {
	char		dir[96];
	struct sp_tab	tab;
	struct sp_log	log;
};

static struct sp_dir *seed_mkdir(struct seeder *s, uint16_t flags,
				 uint8_t ncols)
{
	struct sp_dir *d = calloc(1, sizeof(*d));
	uint32_t obj = sp_tab_free_obj(&s->tab);
	uint8_t i;

	check(d && obj && !sp_tab_reserve(&s->tab, obj));
	d->obj = obj;
	d->flags = flags;
	d->ncols = ncols;
	for (i = 0; i < ncols; i++)
		snprintf(d->cols[i], sizeof(d->cols[i]), "col%u", i);
	known_check(obj, &d->check);
	if (flags & SP_ENCRYPT) {
		memcpy(d->key, known_key, SP_KEY_LEN);
		d->wraps = malloc(SP_NWRAPS * SP_WRAP_LEN);
		check(d->wraps);
		check(!sp_wrap_all(obj, &d->check, d->key, d->wraps));
	}
	sp_log_begin(&s->log);
	sp_log_mkdir(&s->log, d);
	check(!sp_log_commit(&s->log));
	d->seq = s->log.seq;
	sp_tab_insert(&s->tab, d);
	return d;
}

static struct sp_entry *seed_row(const char *name, uint8_t ncaps)
{
	struct sp_entry *e = sp_entry_new(name);
	uint8_t i;

	check(e);
	e->mtime = 1700000000 + ncaps;
	memset(e->masks, 0xff, sizeof(e->masks));
	e->masks[1] = SP_COL2 | SP_COL3;
	e->ncaps = ncaps;
	for (i = 0; i < ncaps; i++) {
		e->caps[i].cap_port = known_port;
		e->caps[i].cap_port.p[0] = i + 1;
		e->caps[i].cap_priv.prv_object[0] = i;
		e->caps[i].cap_priv.prv_rights = 0xff;
	}
	return e;
}

/* Rows @names into @d, one change; a name starting with '-' goes. */
static void seed_change(struct seeder *s, struct sp_dir **d,
			const char *const *names, int n)
{
	struct sp_entry *rows[8];
	int i;

	sp_log_begin(&s->log);
	for (i = 0; i < n; i++) {
		rows[i] = names[i][0] == '-' ? NULL :
			  seed_row(names[i], (uint8_t)(1 + i % 3));
		if (rows[i])
			sp_log_put(&s->log, d[i], rows[i]);
		else
			sp_log_del(&s->log, d[i], names[i] + 1);
	}
	check(!sp_log_commit(&s->log));
	for (i = 0; i < n; i++) {
		if (rows[i]) {
			check(!sp_dir_reserve(d[i], 1));
			sp_dir_put(&s->tab, d[i], rows[i]);
		} else {
			sp_dir_del(&s->tab, d[i], names[i] + 1);
		}
	}
}

static void put_seed(const char *dir, const char *name, const uint8_t *buf,
		     size_t len)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	check(f);
	check(fwrite(buf, 1, len, f) == len);
	check(!fclose(f));
}

static void copy_seed(struct seeder *s, const char *dir, const char *name,
		      size_t cut)
{
	char path[128];
	uint8_t *buf;
	size_t len;

	snprintf(path, sizeof(path), "%s/soap.log", s->dir);
	buf = read_file(path, &len);
	fix_crcs(buf, len, true);
	put_seed(dir, name, buf, len - cut);
	free(buf);
}

/* A sealed-mode seed: a PUT, another PUT, a DEL of the first. */
static void sealed_seed(const char *dir)
{
	uint8_t buf[512], plain[256];
	struct sp_entry *e;
	struct am_enc enc;
	size_t len = 1;
	int i;

	buf[0] = SEALED_MODE;
	for (i = 0; i < 3; i++) {
		am_enc_init(&enc, plain, sizeof(plain));
		am_enc_u8(&enc, i < 2 ? SP_OP_PUT : SP_OP_DEL);
		am_enc_u32(&enc, SEALED_OBJ);
		am_enc_string(&enc, i == 1 ? "second" : "first", SP_NAME_MAX);
		if (i < 2) {
			e = seed_row("x", (uint8_t)(i + 1));
			am_enc_u64(&enc, (uint64_t)e->mtime);
			am_enc_bytes(&enc, e->masks, SP_COLS_MAX);
			am_enc_u8(&enc, e->ncaps);
			am_enc_bytes(&enc, e->caps,
				     e->ncaps * sizeof(struct am_cap));
			free(e);
		}
		check(!enc.bad);
		buf[len++] = (uint8_t)(enc.pos >> 8);
		buf[len++] = (uint8_t)enc.pos;
		memcpy(buf + len, plain, enc.pos);
		len += enc.pos;
	}
	put_seed(dir, "seed-sealed", buf, len);
}

static void write_seeds(const char *dir)
{
	static const char *const names[] = { "home", "etc", "usr", "tmp" };
	static const char *const mixed[] = { "both", "both", "-etc" };
	struct sp_load_err err;
	struct sp_dir *d[3];
	struct seeder s;
	const char *why;
	char name[32], path[128];
	int i;

	memset(&s, 0, sizeof(s));
	snprintf(s.dir, sizeof(s.dir), "%s/seeder.XXXXXX", state_dir);
	check(mkdtemp(s.dir));
	check(!sp_log_create(s.dir, false, &why));
	sp_tab_init(&s.tab);
	check(!sp_log_open(&s.log, &s.tab, s.dir, &err));
	copy_seed(&s, dir, "seed-init", 0);

	d[0] = sp_dir_of(&s.tab, 1);
	for (i = 0; i < 4; i++)
		seed_change(&s, d, names + i, 1);
	d[1] = seed_mkdir(&s, 0, 4);
	d[2] = seed_mkdir(&s, SP_ENCRYPT, 2);
	for (i = 0; i < 6; i++) {
		snprintf(name, sizeof(name), "row%d", i);
		seed_change(&s, &d[1 + i % 2], (const char *const[]){ name },
			    1);
	}
	seed_change(&s, d, mixed, 3);
	d[0] = seed_mkdir(&s, 0, 1);
	sp_log_begin(&s.log);
	sp_log_rmdir(&s.log, d[0]->obj);
	check(!sp_log_commit(&s.log));
	sp_tab_remove(&s.tab, d[0]->obj);
	copy_seed(&s, dir, "seed-state", 0);
	copy_seed(&s, dir, "seed-torn", 9);
	check(!sp_log_compact(&s.log, &s.tab));
	copy_seed(&s, dir, "seed-compacted", 0);
	sp_log_close(&s.log);
	sp_tab_free(&s.tab);
	snprintf(path, sizeof(path), "%s/soap.log", s.dir);
	unlink(path);
	rmdir(s.dir);
	sealed_seed(dir);
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
	unlink(log_path);
	strcat(log_path, ".new");
	unlink(log_path);
	rmdir(state_dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *seeds = getenv("SOAP_FUZZ_SEEDS");
	struct am_port chk;

	(void)argc;
	(void)argv;
	make_state_dir("fuzz_log");
	snprintf(log_path, sizeof(log_path), "%s/soap.log", state_dir);
	atexit(cleanup);
	known_check(SEALED_OBJ, &chk);
	check(!sp_wrap_all(SEALED_OBJ, &chk, known_key, sealed_wraps));
	if (seeds) {
		write_seeds(seeds);
		exit(0);
	}
	return 0;
}
