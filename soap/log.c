// SPDX-License-Identifier: GPL-2.0
/*
 * The log: soapd's only durable state.  Every change is one record,
 *
 *   0  be32 magic "SPLG"   4  be32 length of the operations
 *   8  be64 seq           16  be32 crc32c of bytes 0..15 and the operations
 *  20  the operations: be32 count, then each (soap.h: enum sp_op_type)
 *
 * written and fdatasync'ed before the change is applied or answered, so
 * an acknowledged change is on disk and a change is there whole or not at
 * all.  A crash can leave only the last record torn; loading drops it.
 * Damage anywhere else (a bad record with good ones after it) stops the
 * load rather than silently losing what follows.
 *
 * Compaction writes the state as a fresh log beside the old one and
 * renames it into place, so either file is always a whole log.  Records
 * of a compacted log repeat the seq of the last change, which directories
 * take as their sequence number: seqs never go down.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <amoeba/crc32c.h>

#include "soap.h"

#define LOG_MAGIC	0x53504c47u
#define REC_HDR		20
/* No change is larger; compaction cuts its records near a quarter of it. */
#define REC_MAX		(8u << 20)
#define COMPACT_CHUNK	(2u << 20)
#define COMPACT_MIN	(4u << 20)
#define LOG_NAME	"soap.log"

static const char *const root_cols[] = { "owner", "group", "other" };

/* Decode a dir's columns, checking them as sp_create does. */
static bool dec_cols(struct am_dec *d, struct sp_dir *dir)
{
	const char *names[SP_COLS_MAX];
	uint32_t i;

	dir->ncols = am_dec_u8(d);
	if (!dir->ncols || dir->ncols > SP_COLS_MAX)
		return false;
	for (i = 0; i < dir->ncols; i++) {
		am_dec_string(d, dir->cols[i], SP_COLNAME_MAX);
		names[i] = dir->cols[i];
	}
	return !d->bad && sp_cols_ok(names, dir->ncols) == STD_OK;
}

static int op_mkdir(struct sp_tab *t, struct am_dec *d, uint32_t obj,
		    uint64_t seq, const char **why)
{
	struct sp_dir *dir;

	if (!obj || obj > AM_OBJ_MAX || sp_dir_of(t, obj)) {
		*why = "a directory made twice";
		return -EUCLEAN;
	}
	dir = calloc(1, sizeof(*dir));
	if (!dir || sp_tab_reserve(t, obj)) {
		free(dir);
		return -ENOMEM;
	}
	dir->obj = obj;
	dir->seq = seq;
	dir->flags = am_dec_u16(d);
	if (!dec_cols(d, dir) || dir->flags & ~SP_ENCRYPT) {
		*why = "a directory's columns or flags are bad";
		goto bad;
	}
	if (dir->flags & SP_ENCRYPT) {
		dir->locked = true;
		dir->wraps = malloc(SP_NWRAPS * SP_WRAP_LEN);
		if (!dir->wraps) {
			sp_dir_free(dir);
			return -ENOMEM;
		}
		am_dec_bytes(d, dir->wraps, SP_NWRAPS * SP_WRAP_LEN);
	} else {
		am_dec_bytes(d, dir->check.p, AM_PORTSIZE);
		if (am_port_null(&dir->check))
			d->bad = true;
	}
	if (d->bad) {
		*why = "a directory's record is cut short";
		goto bad;
	}
	sp_tab_insert(t, dir);
	return 0;
bad:
	sp_dir_free(dir);
	return -EUCLEAN;
}

static int op_put(struct sp_tab *t, struct sp_dir *dir, struct am_dec *d,
		  const char **why)
{
	char name[SP_NAME_MAX + 1];
	struct sp_entry *e;
	uint32_t i;

	am_dec_string(d, name, SP_NAME_MAX);
	if (d->bad || sp_name_ok(name) != STD_OK) {
		*why = "a row's name is bad";
		return -EUCLEAN;
	}
	e = sp_entry_new(name);
	if (!e || sp_dir_reserve(dir, 1)) {
		free(e);
		return -ENOMEM;
	}
	e->mtime = (int64_t)am_dec_u64(d);
	am_dec_bytes(d, e->masks, SP_COLS_MAX);
	e->ncaps = am_dec_u8(d);
	if (!e->ncaps || e->ncaps > SP_CAPSET_MAX)
		d->bad = true;
	for (i = 0; i < e->ncaps && !d->bad; i++)
		am_dec_cap(d, &e->caps[i]);
	if (d->bad) {
		free(e);
		*why = "a row is cut short";
		return -EUCLEAN;
	}
	sp_dir_put(t, dir, e);
	return 0;
}

/*
 * One operation; @sealed_obj is the directory a sealed change opened
 * for (0 outside one), where only PUT and DEL of that directory belong.
 */
static int apply(struct sp_tab *t, struct am_dec *d, uint64_t seq,
		 uint32_t sealed_obj, const char **why)
{
	uint8_t type = am_dec_u8(d);
	char name[SP_NAME_MAX + 1];
	struct sp_dir *dir;
	uint32_t obj, len;
	const uint8_t *p;

	if (type == SP_OP_SUPER) {
		if (sealed_obj || !am_port_null(&t->getport)) {
			*why = "a second super record";
			return -EUCLEAN;
		}
		am_dec_bytes(d, t->getport.p, AM_PORTSIZE);
		am_dec_bytes(d, t->supercheck.p, AM_PORTSIZE);
		if (d->bad || am_port_null(&t->getport) ||
		    am_port_null(&t->supercheck)) {
			*why = "the super record is bad";
			return -EUCLEAN;
		}
		am_fbox(&t->getport, &t->putport);
		return 0;
	}
	obj = am_dec_u32(d);
	if (d->bad) {
		*why = "an operation is cut short";
		return -EUCLEAN;
	}
	if (am_port_null(&t->getport)) {
		*why = "the log does not start with its super record";
		return -EUCLEAN;
	}
	if (sealed_obj && obj != sealed_obj) {
		*why = "a sealed change names another directory";
		return -EUCLEAN;
	}
	if (type == SP_OP_MKDIR && !sealed_obj)
		return op_mkdir(t, d, obj, seq, why);
	dir = sp_dir_of(t, obj);
	if (!dir) {
		*why = "an operation on a directory that does not exist";
		return -EUCLEAN;
	}
	if (!sealed_obj && type != SP_OP_RMDIR &&
	    !!(dir->flags & SP_ENCRYPT) != (type == SP_OP_SEALED)) {
		*why = "an encrypted directory changed in the clear";
		return -EUCLEAN;
	}
	if (!sealed_obj)
		dir->seq = seq;
	switch (type) {
	case SP_OP_RMDIR:
		if (sealed_obj)
			break;
		sp_tab_remove(t, obj);
		return 0;
	case SP_OP_PUT:
		return op_put(t, dir, d, why);
	case SP_OP_DEL:
		am_dec_string(d, name, SP_NAME_MAX);
		if (d->bad)
			break;
		sp_dir_del(t, dir, name);
		return 0;
	case SP_OP_SEALED:
		if (sealed_obj)
			break;
		len = am_dec_u32(d);
		p = am_dec_take(d, len);
		if (!p || len < SP_SEAL_OVER || len > SP_SEALED_MAX)
			break;
		return sp_dir_add_sealed(dir, p, len) ? -ENOMEM : 0;
	}
	*why = "an operation of unknown type or cut short";
	return -EUCLEAN;
}

int sp_dir_unlock(struct sp_tab *t, struct sp_dir *d, const uint8_t *key,
		  const struct am_port *check)
{
	uint8_t plain[SP_OP_MAX];
	struct am_dec dec;
	const char *why;
	uint32_t i, n;
	int err = 0;

	memcpy(d->key, key, SP_KEY_LEN);
	d->check = *check;
	d->locked = false;
	for (i = 0; i < d->nsealed; i++) {
		n = d->sealed[i]->len - SP_SEAL_OVER;
		if (n > sizeof(plain) ||
		    sp_open(key, d->obj, d->sealed[i]->bytes, d->sealed[i]->len,
			    plain)) {
			why = "a sealed change does not open with its key";
			err = -EUCLEAN;
			break;
		}
		am_dec_init(&dec, plain, n);
		err = apply(t, &dec, 0, d->obj, &why);
		if (!err && !am_dec_done(&dec)) {
			why = "a sealed change does not add up";
			err = -EUCLEAN;
		}
		if (err)
			break;
	}
	if (!err) {
		sp_dir_drop_sealed(d);
		return 0;
	}
	/* Locked again, its sealed changes whole, for compaction to keep. */
	for (n = 0; n < d->nrows; n++)
		free(d->rows[n]);
	t->nrows -= d->nrows;
	d->nrows = 0;
	d->locked = true;
	memset(d->key, 0, sizeof(d->key));
	memset(&d->check, 0, sizeof(d->check));
	if (err == -EUCLEAN) {
		d->damaged = true;
		dm_log(LOG_CRIT, "directory %u: change %u of %u: %s",
		     d->obj, i + 1, d->nsealed, why);
	}
	return err;
}

/* The record at @p (@left bytes on): its length, or 0 if it is not one. */
static size_t record_at(const uint8_t *p, size_t left, uint64_t *seq,
			struct am_dec *ops)
{
	struct am_dec d;
	uint32_t magic, len, crc;

	if (left < REC_HDR)
		return 0;
	am_dec_init(&d, p, REC_HDR);
	magic = am_dec_u32(&d);
	len = am_dec_u32(&d);
	*seq = am_dec_u64(&d);
	crc = am_dec_u32(&d);
	if (magic != LOG_MAGIC || len > REC_MAX || len > left - REC_HDR)
		return 0;
	if (am_crc32c(am_crc32c(0, p, 16), p + REC_HDR, len) != crc)
		return 0;
	am_dec_init(ops, p + REC_HDR, len);
	return REC_HDR + len;
}

int sp_log_replay(struct sp_tab *t, const uint8_t *buf, size_t len,
		  size_t *valid, uint64_t *last_seq, struct sp_load_err *err)
{
	uint64_t seq, last = 0;
	struct am_dec ops;
	size_t off = 0, n, at;
	uint32_t nops;
	int rc;

	while (off < len) {
		n = record_at(buf + off, len - off, &seq, &ops);
		if (!n)
			break;
		err->off = off;
		if (seq < last) {
			err->why = "a record's seq goes back";
			return -EUCLEAN;
		}
		last = seq;
		*last_seq = seq;
		nops = am_dec_u32(&ops);
		while (nops-- && !ops.bad) {
			rc = apply(t, &ops, seq, 0, &err->why);
			if (rc)
				return rc;
		}
		if (!am_dec_done(&ops)) {
			err->why = "a record's operations do not add up";
			return -EUCLEAN;
		}
		off += n;
	}
	*valid = off;
	err->off = off;
	if (off < len) {
		/* Torn, if nothing whole follows; damaged, if anything does. */
		for (at = off + 1; at + REC_HDR <= len; at++)
			if (record_at(buf + at, len - at, &seq, &ops)) {
				err->why = "a damaged record with whole records after it";
				return -EUCLEAN;
			}
	}
	/* Whole records without one say nothing of whose log this is. */
	if (am_port_null(&t->getport)) {
		err->off = 0;
		err->why = "no super record";
		return -EUCLEAN;
	}
	return 0;
}

/*
 * An encoder for one more operation of the change being built: one that
 * fails if there is no memory for it, which fails the whole change.
 */
static struct am_enc *op_room(struct sp_log *l, struct am_enc *e)
{
	size_t room;
	uint8_t *p;

	if (!l->bad && l->len + SP_OP_MAX > l->room) {
		room = l->room ? 2 * l->room : 64 * 1024;
		while (room < l->len + SP_OP_MAX)
			room *= 2;
		p = realloc(l->buf, room);
		if (p) {
			l->buf = p;
			l->room = room;
		} else {
			l->bad = true;
		}
	}
	am_enc_init(e, l->bad ? NULL : l->buf + l->len, l->bad ? 0 : SP_OP_MAX);
	return e;
}

/* The operation just encoded into @e is part of the change. */
static void op_done(struct sp_log *l, struct am_enc *e)
{
	/* A bad encoding is never of what the service checked. */
	if (e->bad)
		l->bad = true;
	if (l->bad)
		return;
	l->len += e->pos;
	l->nops++;
}

void sp_log_begin(struct sp_log *l)
{
	l->bad = false;
	l->nops = 0;
	l->len = REC_HDR + 4;
}

void sp_log_super(struct sp_log *l, const struct sp_tab *t)
{
	struct am_enc *e = op_room(l, &(struct am_enc){ 0 });

	am_enc_u8(e, SP_OP_SUPER);
	am_enc_bytes(e, t->getport.p, AM_PORTSIZE);
	am_enc_bytes(e, t->supercheck.p, AM_PORTSIZE);
	op_done(l, e);
}

void sp_log_mkdir(struct sp_log *l, const struct sp_dir *d)
{
	struct am_enc *e = op_room(l, &(struct am_enc){ 0 });
	uint32_t i;

	am_enc_u8(e, SP_OP_MKDIR);
	am_enc_u32(e, d->obj);
	am_enc_u16(e, d->flags);
	am_enc_u8(e, d->ncols);
	for (i = 0; i < d->ncols; i++)
		am_enc_string(e, d->cols[i], SP_COLNAME_MAX);
	if (d->flags & SP_ENCRYPT)
		am_enc_bytes(e, d->wraps, SP_NWRAPS * SP_WRAP_LEN);
	else
		am_enc_bytes(e, d->check.p, AM_PORTSIZE);
	op_done(l, e);
}

void sp_log_rmdir(struct sp_log *l, uint32_t obj)
{
	struct am_enc *e = op_room(l, &(struct am_enc){ 0 });

	am_enc_u8(e, SP_OP_RMDIR);
	am_enc_u32(e, obj);
	op_done(l, e);
}

/*
 * A PUT or DEL as its bytes; an encrypted directory's goes into the log
 * sealed, inside a SEALED operation.
 */
static void log_row(struct sp_log *l, const struct sp_dir *d, uint8_t type,
		    const char *name, const struct sp_entry *row)
{
	struct am_enc *e = op_room(l, &(struct am_enc){ 0 });
	uint8_t plain[SP_OP_MAX], *out;
	struct am_enc pe;
	uint32_t i;

	am_enc_init(&pe, plain, sizeof(plain));
	am_enc_u8(&pe, type);
	am_enc_u32(&pe, d->obj);
	am_enc_string(&pe, name, SP_NAME_MAX);
	if (row) {
		am_enc_u64(&pe, (uint64_t)row->mtime);
		am_enc_bytes(&pe, row->masks, SP_COLS_MAX);
		am_enc_u8(&pe, row->ncaps);
		for (i = 0; i < row->ncaps; i++)
			am_enc_cap(&pe, &row->caps[i]);
	}
	if (!(d->flags & SP_ENCRYPT)) {
		am_enc_bytes(e, plain, pe.pos);
	} else {
		am_enc_u8(e, SP_OP_SEALED);
		am_enc_u32(e, d->obj);
		am_enc_u32(e, (uint32_t)pe.pos + SP_SEAL_OVER);
		out = pe.bad ? NULL : am_enc_room(e, pe.pos + SP_SEAL_OVER);
		if (!out ||
		    sp_seal(d->key, d->obj, plain, (uint32_t)pe.pos, out))
			e->bad = true;
	}
	op_done(l, e);
}

void sp_log_put(struct sp_log *l, const struct sp_dir *d,
		const struct sp_entry *e)
{
	log_row(l, d, SP_OP_PUT, e->name, e);
}

void sp_log_del(struct sp_log *l, const struct sp_dir *d, const char *name)
{
	log_row(l, d, SP_OP_DEL, name, NULL);
}

/* Finish the record in l->buf with @seq: its length. */
static size_t seal_record(struct sp_log *l, uint64_t seq)
{
	uint32_t len = (uint32_t)(l->len - REC_HDR);
	struct am_enc e;

	am_enc_init(&e, l->buf, REC_HDR + 4);
	am_enc_u32(&e, LOG_MAGIC);
	am_enc_u32(&e, len);
	am_enc_u64(&e, seq);
	am_enc_u32(&e, 0);
	am_enc_u32(&e, l->nops);
	am_enc_init(&e, l->buf + 16, 4);
	am_enc_u32(&e, am_crc32c(am_crc32c(0, l->buf, 16), l->buf + REC_HDR,
				 len));
	return l->len;
}

static int write_all(int fd, const uint8_t *p, size_t len, off_t off)
{
	ssize_t n;

	while (len) {
		n = pwrite(fd, p, len, off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -EIO;
		p += n;
		len -= (size_t)n;
		off += n;
	}
	return 0;
}

int sp_log_commit(struct sp_log *l)
{
	size_t len;
	int err;

	if (l->bad)
		return -ENOMEM;
	if (l->len - REC_HDR > REC_MAX)
		return -EFBIG;
	len = seal_record(l, l->seq + 1);
	err = write_all(l->fd, l->buf, len, (off_t)l->size);
	if (err) {
		/* Nothing of it may be there for a reload to find. */
		if (ftruncate(l->fd, (off_t)l->size))
			dm_fatal("cannot take back a failed log write: %s",
			       strerror(errno));
		return err;
	}
	/*
	 * After a failed fdatasync the kernel may have dropped the dirty
	 * pages; what is on disk is unknown, and only a reload can tell.
	 */
	if (fdatasync(l->fd))
		dm_fatal("cannot sync the log: %s", strerror(errno));
	l->size += len;
	l->seq++;
	l->records++;
	l->syncs++;
	return 0;
}

static char *path_in(const char *dir, const char *name)
{
	size_t n = strlen(dir) + strlen(name) + 2;
	char *p = malloc(n);

	if (p)
		snprintf(p, n, "%s/%s", dir, name);
	return p;
}

/* Write l->buf's record to @fd at its end, as compaction and init do. */
static int append_record(struct sp_log *l, int fd, uint64_t seq, off_t *off)
{
	size_t len;
	int err;

	if (l->bad)
		return -ENOMEM;
	len = seal_record(l, seq);
	err = write_all(fd, l->buf, len, *off);
	*off += (off_t)len;
	return err;
}

/* Cut the change being built into records of about COMPACT_CHUNK. */
static int chunk(struct sp_log *l, int fd, uint64_t seq, off_t *off)
{
	int err;

	if (l->len < COMPACT_CHUNK)
		return 0;
	err = append_record(l, fd, seq, off);
	sp_log_begin(l);
	return err;
}

static int dump_dir(struct sp_log *l, const struct sp_dir *d, int fd,
		    uint64_t seq, off_t *off)
{
	struct am_enc *e;
	uint32_t i;
	int err = 0;

	sp_log_mkdir(l, d);
	if (d->locked) {
		/* Its rows are what the log held: keep them as they are. */
		for (i = 0; i < d->nsealed && !err; i++) {
			e = op_room(l, &(struct am_enc){ 0 });
			am_enc_u8(e, SP_OP_SEALED);
			am_enc_u32(e, d->obj);
			am_enc_u32(e, d->sealed[i]->len);
			am_enc_bytes(e, d->sealed[i]->bytes, d->sealed[i]->len);
			op_done(l, e);
			err = chunk(l, fd, seq, off);
		}
		return err;
	}
	for (i = 0; i < d->nrows && !err; i++) {
		sp_log_put(l, d, d->rows[i]);
		err = chunk(l, fd, seq, off);
	}
	return err;
}

/* Write @t as a whole log to @path: its size, or -errno. */
static int64_t dump(struct sp_log *l, const struct sp_tab *t,
		    const char *path)
{
	uint64_t seq = l->seq;
	off_t off = 0;
	uint32_t obj;
	int fd, err;

	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	sp_log_begin(l);
	sp_log_super(l, t);
	err = 0;
	for (obj = 1; obj < t->room && !err; obj++)
		if (t->dirs[obj])
			err = dump_dir(l, t->dirs[obj], fd, seq, &off);
	if (!err && l->nops)
		err = append_record(l, fd, seq, &off);
	if (!err && fsync(fd))
		err = -errno;
	close(fd);
	if (err) {
		unlink(path);
		return err;
	}
	return (int64_t)off;
}

static int sync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int err = 0;

	if (fd < 0)
		return -errno;
	if (fsync(fd))
		err = -errno;
	close(fd);
	return err;
}

/* -EBUSY if a soapd holds the log at @path. */
static int busy(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	int err = 0;

	if (fd < 0)
		return 0;
	if (flock(fd, LOCK_EX | LOCK_NB))
		err = errno == EWOULDBLOCK ? -EBUSY : -errno;
	close(fd);
	return err;
}

int sp_log_create(const char *dir, bool force, const char **why)
{
	struct sp_log l = { .fd = -1 };
	struct sp_tab t;
	struct sp_dir *root;
	char *path, *tmp;
	struct stat st;
	int64_t n = -ENOMEM;
	uint32_t i;

	*why = "cannot make the state directory";
	if (mkdir(dir, 0700) && errno != EEXIST)
		return -errno;
	path = path_in(dir, LOG_NAME);
	tmp = path_in(dir, LOG_NAME ".new");
	sp_tab_init(&t);
	root = calloc(1, sizeof(*root));
	if (!path || !tmp || !root || sp_tab_reserve(&t, 1))
		goto out;
	*why = "a log is there already (--force replaces it)";
	n = -EEXIST;
	if (!stat(path, &st) && st.st_size && !force)
		goto out;
	*why = "a soapd is serving that log";
	n = busy(path);
	if (n)
		goto out;
	*why = "no randomness for the server's ports";
	n = -EIO;
	root->obj = 1;
	root->ncols = 3;
	for (i = 0; i < root->ncols; i++)
		strcpy(root->cols[i], root_cols[i]);
	if (am_port_random(&t.getport) || am_port_random(&t.supercheck) ||
	    am_port_random(&root->check))
		goto out;
	sp_tab_insert(&t, root);
	root = NULL;
	*why = "cannot write the log";
	n = dump(&l, &t, tmp);
	if (n >= 0 && rename(tmp, path))
		n = -errno;
	if (n >= 0)
		n = sync_dir(dir);
out:
	free(root);
	free(l.buf);
	sp_tab_free(&t);
	free(path);
	free(tmp);
	return n < 0 ? (int)n : 0;
}

static int read_all(int fd, uint8_t **buf, size_t *len)
{
	struct stat st;
	ssize_t n;
	size_t off = 0;

	if (fstat(fd, &st))
		return -errno;
	*len = (size_t)st.st_size;
	*buf = malloc(*len ? *len : 1);
	if (!*buf)
		return -ENOMEM;
	while (off < *len) {
		n = pread(fd, *buf + off, *len - off, (off_t)off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -EIO;
		off += (size_t)n;
	}
	return 0;
}

int sp_log_open(struct sp_log *l, struct sp_tab *t, const char *dir,
		struct sp_load_err *err)
{
	size_t len = 0, valid = 0;
	uint8_t *buf = NULL;
	uint64_t seq = 0;
	int rc;

	memset(l, 0, sizeof(*l));
	l->fd = -1;
	err->off = 0;
	err->why = "cannot open the log";
	l->path = path_in(dir, LOG_NAME);
	if (!l->path)
		return -ENOMEM;
	l->fd = open(l->path, O_RDWR | O_CLOEXEC);
	if (l->fd < 0)
		return -errno;
	err->why = "another soapd serves this state directory";
	if (flock(l->fd, LOCK_EX | LOCK_NB))
		return -errno;
	err->why = "cannot read the log";
	rc = read_all(l->fd, &buf, &len);
	if (!rc)
		rc = sp_log_replay(t, buf, len, &valid, &seq, err);
	free(buf);
	if (rc)
		return rc;
	if (valid < len) {
		dm_log(LOG_WARNING, "dropping a torn last record: %zu bytes at offset %zu",
		     len - valid, valid);
		err->why = "cannot drop the torn record";
		if (ftruncate(l->fd, (off_t)valid) || fdatasync(l->fd))
			return -errno;
	}
	l->size = valid;
	l->base = valid;
	l->seq = seq;
	return 0;
}

int sp_log_compact(struct sp_log *l, const struct sp_tab *t)
{
	char *tmp, *slash;
	int64_t n;
	int fd, err;

	tmp = malloc(strlen(l->path) + 5);
	if (!tmp)
		return -ENOMEM;
	sprintf(tmp, "%s.new", l->path);
	n = dump(l, t, tmp);
	fd = n >= 0 ? open(tmp, O_RDWR | O_CLOEXEC) : -1;
	err = n < 0 ? (int)n : fd < 0 ? -errno : 0;
	/* Lock the new file before it takes the name. */
	if (!err && flock(fd, LOCK_EX | LOCK_NB))
		err = -errno;
	if (!err && rename(tmp, l->path))
		err = -errno;
	if (err) {
		if (fd >= 0)
			close(fd);
		unlink(tmp);
		free(tmp);
		return err;
	}
	free(tmp);
	slash = strrchr(l->path, '/');
	*slash = '\0';
	err = sync_dir(l->path);
	*slash = '/';
	if (err)
		dm_fatal("cannot sync the directory of the compacted log: %s",
		       strerror(-err));
	close(l->fd);
	l->fd = fd;
	l->size = (uint64_t)n;
	l->base = (uint64_t)n;
	l->compactions++;
	return 0;
}

void sp_log_maybe_compact(struct sp_log *l, const struct sp_tab *t)
{
	uint64_t grow = l->compact_at ? l->compact_at : COMPACT_MIN;
	int err;

	if (l->base > grow)
		grow = l->base;
	if (l->size - l->base < grow)
		return;
	err = sp_log_compact(l, t);
	if (err) {
		dm_log(LOG_WARNING, "cannot compact the log: %s; going on with it",
		     strerror(-err));
		/* Not again before it has grown as much once more. */
		l->base = l->size;
	} else {
		dm_log(LOG_INFO, "compacted the log to %llu bytes",
		     (unsigned long long)l->size);
	}
}

void sp_log_close(struct sp_log *l)
{
	if (l->fd >= 0)
		close(l->fd);
	free(l->buf);
	free(l->path);
	memset(l, 0, sizeof(*l));
	l->fd = -1;
}
