/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the three writers of C stubs share (gen.c): the C spelling of
 * AIL types and parameters, and the code that encodes and decodes one
 * value of the wire format through the run-time in <amoeba/ail.h>.
 * Generated code names its own variables ail_*, which AIL names cannot
 * be, so it never collides with a parameter.
 */
#ifndef AIL_GEN_H
#define AIL_GEN_H

#include <stdio.h>

#include "ail.h"

/* Messages up to this size live on the stack; larger ones on the heap. */
#define GEN_STACK_MAX	16384

#define MARK_ENC	1U	/* a record's encoder is needed */
#define MARK_DEC	2U	/* its decoder */

enum side {
	CLIENT,
	SERVER,
};

struct gen {
	struct ail_unit	*u;
	FILE		*f;
	const char	*tmp;		/* what f is writing */
	const char	*base;		/* NAME of NAME.ail */
};

__attribute__((format(printf, 3, 4)))
void gen_out(struct gen *g, int ind, const char *fmt, ...);
__attribute__((format(printf, 2, 3)))
const char *gen_fmt(struct gen *g, const char *fmt, ...);
const char *gen_upper(struct gen *g, const char *name);
void gen_fail(struct gen *g, const char *cond, const char *err);

const char *gen_ctype(struct gen *g, const struct ail_type *t);
bool gen_counted(const struct ail_type *t, const struct ail_dim *d);
bool gen_is_array(const struct ail_type *t, const struct ail_dim *d);
void gen_param_decls(struct gen *g, const struct ail_op *op);
void gen_var(struct gen *g, int ind, const struct ail_type *t,
	     const struct ail_dim *d, const char *name);
bool gen_serves(const struct ail_class *c);

/* The C expression of a parameter's value, and of its NAME_len. */
const char *gen_val(struct gen *g, const struct ail_param *p, enum side s);
const char *gen_lenval(struct gen *g, const struct ail_param *p,
		       enum side s);
/* The count of a [count:max] array, or NULL. */
const char *gen_cnt(struct gen *g, const struct ail_param *p, enum side s);

void gen_enc_count(struct gen *g, int ind, const struct ail_dim *d,
		   const char *cnt, const char *lenv);
void gen_dec_count(struct gen *g, int ind, const struct ail_type *t,
		   const struct ail_dim *d, const char *cnt, const char *lenv);
void gen_enc(struct gen *g, int ind, const struct ail_type *t,
	     const struct ail_dim *d, const char *v, const char *cnt,
	     const char *lenv);
void gen_dec(struct gen *g, int ind, const struct ail_type *t,
	     const struct ail_dim *d, const char *v, const char *cnt,
	     const char *lenv);
void gen_hdr_enc(struct gen *g, int ind, const char *hdr,
		 const struct ail_param *p, const char *v);
void gen_hdr_dec(struct gen *g, int ind, const char *hdr,
		 const struct ail_param *p, const char *v, const char *fail);

void gen_mark(const struct ail_type *t, unsigned int mark);
void gen_clear_marks(struct ail_unit *u);
void gen_record_codecs(struct gen *g);

/* The writers of BASE_ail.h, BASE_client.c and BASE_server.c. */
void gen_header(struct gen *g);
void gen_client(struct gen *g);
void gen_server(struct gen *g);

#endif /* AIL_GEN_H */
