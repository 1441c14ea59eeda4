/* SPDX-License-Identifier: GPL-2.0 */
/*
 * soapd's state: the directories in memory, the log that makes every
 * change durable before it is acknowledged, and the keys of encrypted
 * directories.  Documentation/soap.rst describes the model and the log.
 */
#ifndef SOAP_SOAP_H
#define SOAP_SOAP_H

#include <stdbool.h>
#include <stdint.h>
#include <amoeba.h>
#include <amoeba/ail.h>

/* An encrypted directory's key, and its wrapping for one rights value. */
#define SP_KEY_LEN	32
#define SP_NONCE_LEN	12
#define SP_TAG_LEN	16
#define SP_WRAP_LEN	(SP_NONCE_LEN + SP_KEY_LEN + AM_PORTSIZE + SP_TAG_LEN)
/*
 * The rights values an encrypted directory's key is wrapped for: every
 * combination of the bits SOAP gives a meaning (columns, modify, delete),
 * and the owner's 0xff.
 */
#define SP_RIGHTS_USED	(SP_COLMASK | SP_MODRGT | SP_DELRGT)
#define SP_NWRAPS	65
/*
 * How long a lookup waits in all for other servers to restrict the
 * capabilities that are not owners' (std_restrict), leaving out those
 * not restricted by then; and how long a server that did not answer is
 * not asked again.
 */
#define SP_REMOTE_MS	2000
#define SP_DEAD_PORTS	16
#define SP_DEAD_MS	30000
/* What sealing adds to the bytes it seals. */
#define SP_SEAL_OVER	(SP_NONCE_LEN + SP_TAG_LEN)

/* The most one operation of the log takes (a directory with its wraps). */
#define SP_OP_MAX	(64 + SP_COLS_MAX * (4 + SP_COLNAME_MAX) + \
			 SP_NWRAPS * SP_WRAP_LEN)
/* A sealed change's bytes: as many as compaction can write again. */
#define SP_SEALED_MAX	(SP_OP_MAX - 9)

/* A row: a name, the capability set it holds, a mask per column. */
struct sp_entry {
	int64_t		mtime;
	uint8_t		masks[SP_COLS_MAX];
	uint8_t		ncaps;
	struct am_cap	caps[SP_CAPSET_MAX];
	char		name[];
};

/* A change of an encrypted directory, as the log holds it. */
struct sp_sealed {
	uint32_t	len;
	uint8_t		bytes[];
};

struct sp_dir {
	uint32_t	obj;
	uint16_t	flags;		/* SP_ENCRYPT */
	uint8_t		ncols;
	char		cols[SP_COLS_MAX][SP_COLNAME_MAX + 1];
	uint64_t	seq;		/* sp_getseqnr's */
	/*
	 * An encrypted directory is locked until a capability unwraps its
	 * key: until then @check and @key are unknown and its rows are the
	 * sealed changes the log holds, in order.
	 */
	bool		locked;
	bool		damaged;	/* a sealed change failed to open */
	struct am_port	check;
	uint8_t		key[SP_KEY_LEN];
	uint8_t		*wraps;		/* SP_NWRAPS * SP_WRAP_LEN */
	struct sp_sealed **sealed;
	uint32_t	nsealed, sealed_room;
	/* Sorted by name (strcmp), for lookups and listing in order. */
	struct sp_entry	**rows;
	uint32_t	nrows, rows_room;
};

/* The directories by object number; object 0 is the server itself. */
struct sp_tab {
	struct am_port	getport, putport;
	struct am_port	supercheck;
	struct sp_dir	**dirs;		/* [obj], NULL where none */
	uint32_t	room;		/* entries of @dirs */
	uint32_t	ndirs;
	uint64_t	nrows;		/* rows of unlocked directories */
};

/* dir.c: the table, without I/O. */
void sp_tab_init(struct sp_tab *t);
void sp_tab_free(struct sp_tab *t);
struct sp_dir *sp_dir_of(const struct sp_tab *t, uint32_t obj);
/* The lowest free object number (>= 1), or 0 if there is none. */
uint32_t sp_tab_free_obj(const struct sp_tab *t);
/* Make room for @obj; 0 or -ENOMEM. */
int sp_tab_reserve(struct sp_tab *t, uint32_t obj);
void sp_tab_insert(struct sp_tab *t, struct sp_dir *d);
void sp_tab_remove(struct sp_tab *t, uint32_t obj);
void sp_dir_free(struct sp_dir *d);
/* Index of @name in @d's rows, or -(insertion point) - 1. */
long sp_dir_find(const struct sp_dir *d, const char *name);
/* Room for @more rows beyond those there: 0 or -ENOMEM. */
int sp_dir_reserve(struct sp_dir *d, uint32_t more);
/* Put @e in place of the row of its name, or insert it (room reserved). */
void sp_dir_put(struct sp_tab *t, struct sp_dir *d, struct sp_entry *e);
void sp_dir_del(struct sp_tab *t, struct sp_dir *d, const char *name);
struct sp_entry *sp_entry_new(const char *name);
int sp_dir_add_sealed(struct sp_dir *d, const uint8_t *bytes, uint32_t len);
void sp_dir_drop_sealed(struct sp_dir *d);
/* STD_OK or STD_ARGBAD: a name a row may have. */
errstat sp_name_ok(const char *name);
/* STD_OK or STD_ARGBAD: 1 to SP_COLS_MAX distinct column names. */
errstat sp_cols_ok(const char *const *names, uint32_t n);

/* crypt.c: the keys of encrypted directories (OpenSSL's AES-256-GCM). */
int sp_random(void *buf, size_t len);
/* Wrap @key and @check for every rights value: @wraps SP_NWRAPS long. */
int sp_wrap_all(uint32_t obj, const struct am_port *check,
		const uint8_t *key, uint8_t *wraps);
/* The key and check a capability's @priv unwraps: STD_OK or STD_CAPBAD. */
errstat sp_unwrap(uint32_t obj, const struct am_priv *priv,
		  const uint8_t *wraps, uint8_t *key, struct am_port *check);
/* @out gets @len + SP_SEAL_OVER bytes; 0 or -1. */
int sp_seal(const uint8_t *key, uint32_t obj, const uint8_t *in,
	    uint32_t len, uint8_t *out);
/* @out gets @len - SP_SEAL_OVER bytes; 0, or -1 if they are not genuine. */
int sp_open(const uint8_t *key, uint32_t obj, const uint8_t *in,
	    uint32_t len, uint8_t *out);

/*
 * log.c: the log.  A change is a list of operations, encoded into one
 * record with a crc32c and made durable before it is applied; loading
 * replays the records, and compaction rewrites the state as a fresh log.
 */
enum sp_op_type {
	SP_OP_SUPER = 1,	/* getport, supercheck */
	SP_OP_MKDIR,		/* obj, flags, seq, columns, check or wraps */
	SP_OP_RMDIR,		/* obj */
	SP_OP_PUT,		/* obj, name, mtime, masks, set */
	SP_OP_DEL,		/* obj, name */
	SP_OP_SEALED,		/* obj, a PUT or DEL sealed with its key */
};

struct sp_log {
	int		fd;
	int		dirfd;
	char		*path;		/* DIR/soap.log */
	uint64_t	size;		/* bytes of whole records */
	uint64_t	base;		/* its size after the last compaction */
	uint64_t	seq;		/* the last record's */
	uint64_t	compact_at;	/* 0: the default rule */
	uint64_t	records, syncs, compactions;
	/* The change being built. */
	uint8_t		*buf;
	size_t		len, room;
	uint32_t	nops;
	bool		bad;		/* no memory for the change */
};

/* What a failed load says: the offset and the reason. */
struct sp_load_err {
	uint64_t	off;
	const char	*why;
};

/*
 * Replay @len bytes of log into @t (empty): 0; -EUCLEAN with *err set if
 * the bytes are not a log this code wrote (a damaged record with whole
 * ones after it, an operation that makes no sense where it stands); a
 * torn last record is not damage: *valid ends before it.
 */
int sp_log_replay(struct sp_tab *t, const uint8_t *buf, size_t len,
		  size_t *valid, uint64_t *last_seq, struct sp_load_err *err);
/*
 * Open an encrypted directory with the @key and @check a capability
 * unwrapped: its sealed changes become its rows.  0, -ENOMEM, or
 * -EUCLEAN (a change that does not open: the directory is damaged).
 */
int sp_dir_unlock(struct sp_tab *t, struct sp_dir *d, const uint8_t *key,
		  const struct am_port *check);

/* Start a change; then add operations; then commit it. */
void sp_log_begin(struct sp_log *l);
void sp_log_super(struct sp_log *l, const struct sp_tab *t);
void sp_log_mkdir(struct sp_log *l, const struct sp_dir *d);
void sp_log_rmdir(struct sp_log *l, uint32_t obj);
/* A row's change; sealed if @d is encrypted (and so unlocked). */
void sp_log_put(struct sp_log *l, const struct sp_dir *d,
		const struct sp_entry *e);
void sp_log_del(struct sp_log *l, const struct sp_dir *d, const char *name);
/*
 * Write the change and make it durable: 0, or -errno having written
 * nothing that a reload would see (-ENOMEM: the change did not fit in
 * memory).  A failed fdatasync is not survivable and exits.
 */
int sp_log_commit(struct sp_log *l);

/* Make DIR/soap.log with a super record and a root directory. */
int sp_log_create(const char *dir, bool force, const char **why);
/* Open and replay DIR/soap.log into @t. */
int sp_log_open(struct sp_log *l, struct sp_tab *t, const char *dir,
		struct sp_load_err *err);
/* Rewrite the log as the state of @t if it has grown enough. */
void sp_log_maybe_compact(struct sp_log *l, const struct sp_tab *t);
int sp_log_compact(struct sp_log *l, const struct sp_tab *t);
void sp_log_close(struct sp_log *l);

/* service.c */
extern struct soap {
	struct sp_tab		tab;
	struct sp_log		log;
	struct am_service	svc;
	uint64_t		lookups, installs, creates, denied;
} soap;
extern const struct soap_impl soap_impl;

/*
 * Logging is daemon.h's (userland/cmd/daemon.c in soapd; the unit tests
 * and fuzzers define their own dm_log and dm_fatal).
 */
#include "daemon.h"

#endif /* SOAP_SOAP_H */
