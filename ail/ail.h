/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ail, the Amoeba Interface Language compiler: what its parts share.  An
 * interface file is read whole, cut into tokens (lex.c) and parsed
 * (parse.c) into classes whose every name, number, bound and header
 * placement is checked as it is read, since a class may only use what
 * was declared before it.  Everything lives in one arena per compilation
 * and goes with it, so the fuzzer can parse without leaking.  Errors
 * carry a position; diag.c prints them as file:line:column with the
 * line and a caret.
 */
#ifndef AIL_H
#define AIL_H

#include <setjmp.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define AIL_NAME_MAX	63
#define AIL_FILE_MAX	(1 << 20)	/* bytes of one interface file */
#define AIL_DEPTH_MAX	64		/* nesting of expressions */
#define AIL_MSG_MAX	(1U << 20)	/* AM_MAXBUF: the largest message */
#define AIL_CMD_MAX	0xffff		/* h_command is 16 bits */
#define AIL_CLASSES_MAX	256		/* classes in one file */
#define AIL_IMPORT_DEPTH 16		/* imports within imports */

struct ail_pos {
	int	line;
	int	col;
};

enum ail_tok_kind {
	TOK_EOF,
	TOK_IDENT,
	TOK_NUMBER,
	TOK_PUNCT,
};

struct ail_token {
	enum ail_tok_kind	kind;
	const char		*start;
	int			len;
	uint64_t		num;
	struct ail_pos		pos;
};

enum ail_base {
	AIL_BOOL,
	AIL_CHAR,
	AIL_INT8,
	AIL_INT16,
	AIL_INT32,
	AIL_INT64,
	AIL_UINT8,
	AIL_UINT16,
	AIL_UINT32,
	AIL_UINT64,
	AIL_FLOAT,
	AIL_DOUBLE,
	AIL_STRING,
	AIL_CAP,
	AIL_RECORD,
};

struct ail_record;

struct ail_type {
	enum ail_base		base;
	struct ail_record	*rec;		/* AIL_RECORD */
};

enum ail_dim_kind {
	DIM_NONE,
	DIM_FIXED,	/* [n]: always n elements */
	DIM_BOUNDED,	/* [actual:max]: at most max, count on the wire */
};

struct ail_param;

struct ail_dim {
	enum ail_dim_kind	kind;
	uint64_t		max;
	struct ail_param	*actual;	/* parameter holding the count */
};

struct ail_field {
	struct ail_field	*next;
	const char		*name;
	struct ail_type		type;
	struct ail_dim		dim;
	struct ail_pos		pos;
};

struct ail_record {
	struct ail_record	*next;
	struct ail_record	*next_all;	/* in declaration order */
	const char		*name;
	struct ail_field	*fields;
	uint64_t		wire;		/* largest encoded size */
	uint64_t		min;		/* smallest encoded size */
	bool			imported;
	unsigned int		mark;		/* the generator's */
	struct ail_pos		pos;
};

enum ail_dir {
	DIR_IN = 1,
	DIR_OUT = 2,
};

/* The Amoeba header fields a parameter may travel in. */
enum ail_hfield {
	HF_NONE,
	HF_OFFSET,	/* h_offset, 32 bits */
	HF_SIZE,	/* h_size, 16 bits */
	HF_EXTRA,	/* h_extra, 16 bits */
};

struct ail_param {
	struct ail_param	*next;
	const char		*name;
	unsigned int		dir;		/* DIR_IN | DIR_OUT */
	enum ail_hfield		hfield;
	struct ail_type		type;
	struct ail_dim		dim;
	struct ail_pos		pos;
};

struct ail_const {
	struct ail_const	*next;
	const char		*name;
	int64_t			value;
	bool			imported;
	struct ail_pos		pos;
};

struct ail_right {
	struct ail_right	*next;
	const char		*name;
	unsigned int		bit;
	struct ail_pos		pos;
};

struct ail_class;

struct ail_op {
	struct ail_op		*next;
	const char		*name;
	unsigned int		code;		/* h_command */
	struct ail_param	*params;
	unsigned int		rights;		/* needed, as a mask */
	uint64_t		req_wire;	/* largest request data */
	uint64_t		rep_wire;	/* largest reply data */
	struct ail_class	*owner;
	struct ail_pos		pos;
};

struct ail_inherit {
	struct ail_inherit	*next;
	struct ail_class	*cls;
};

struct ail_class {
	struct ail_class	*next;
	const char		*name;
	bool			has_range;
	unsigned int		lo, hi;
	unsigned int		next_code;
	struct ail_inherit	*inherits;	/* as written */
	struct ail_const	*consts;
	struct ail_right	*rights;
	struct ail_record	*records;
	struct ail_op		*ops;
	bool			imported;
	struct ail_pos		pos;
};

/* A file brought in by "import NAME;", each once. */
struct ail_import {
	struct ail_import	*next;
	const char		*name;
	bool			direct;		/* by the file compiled */
};

struct ail_chunk;

/* One compilation: the source, its arena, what was parsed, the error. */
struct ail_unit {
	const char		*file;
	const char		*text;
	size_t			len;
	struct ail_chunk	*arena;
	/* lexer */
	const char		*p;
	struct ail_pos		at;
	struct ail_token	tok;		/* the current token */
	/* parser */
	int			depth;
	struct ail_class	*cur;		/* class being parsed, or NULL */
	struct ail_class	*classes;
	struct ail_const	*consts;	/* outside any class */
	struct ail_record	*records;	/* outside any class */
	struct ail_record	*all_records;	/* every record, in order */
	struct ail_import	*imports;
	/*
	 * Find NAME.ail for an import from the file being read: its text
	 * (in the arena, NUL-terminated) and *path, or NULL with the reason
	 * in u->err.  NULL: no imports.
	 */
	const char		*(*load)(struct ail_unit *u, const char *name,
					 const char **path, size_t *len);
	int			importing;	/* depth of imports */
	/* the first error */
	jmp_buf			fail;
	struct ail_pos		err_pos;
	char			err[256];
};

/* diag.c */
void ail_unit_init(struct ail_unit *u, const char *file, const char *text,
		   size_t len);
void ail_unit_free(struct ail_unit *u);
void *ail_alloc(struct ail_unit *u, size_t size);
const char *ail_strndup(struct ail_unit *u, const char *s, size_t len);
__attribute__((format(printf, 3, 4), noreturn))
void ail_error(struct ail_unit *u, struct ail_pos pos, const char *fmt, ...);
void ail_print_error(const struct ail_unit *u, void *stream);

/* lex.c */
void ail_next(struct ail_unit *u);
bool ail_is(const struct ail_unit *u, const char *s);
bool ail_accept(struct ail_unit *u, const char *s);
void ail_expect(struct ail_unit *u, const char *s, const char *why);
const char *ail_ident(struct ail_unit *u, const char *what);

/* parse.c: 0, or -1 with the error in u->err at u->err_pos */
int ail_parse(struct ail_unit *u);
bool ail_is_byte(const struct ail_type *t);
unsigned int ail_base_bytes(const struct ail_type *t);
uint64_t ail_wire_size(const struct ail_type *t, const struct ail_dim *d);
uint64_t ail_min_size(const struct ail_type *t, const struct ail_dim *d);
/* @c and what it inherits, each once, appended to @out[0..n): the count */
int ail_closure(const struct ail_class *c, const struct ail_class **out,
		int n);

/*
 * gen_*.c: write the C stubs of a parsed unit into @dir as BASE_ail.h,
 * BASE_client.c and BASE_server.c; 0, or -1 with the error in the unit.
 */
int ail_generate(struct ail_unit *u, const char *dir, const char *base);

#endif /* AIL_H */
