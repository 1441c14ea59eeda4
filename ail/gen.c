// SPDX-License-Identifier: GPL-2.0
/*
 * The parts of C generation the header, client and server writers share:
 * types and parameters in C, the encoding and decoding of one value as
 * Documentation/ail.rst's wire format says, the marshallers of records,
 * and writing the three files so that a failed run leaves none behind.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gen.h"

void gen_out(struct gen *g, int ind, const char *fmt, ...)
{
	va_list ap;

	while (ind-- > 0)
		fputc('\t', g->f);
	va_start(ap, fmt);
	vfprintf(g->f, fmt, ap);
	va_end(ap);
	fputc('\n', g->f);
}

/* Generated code's way out: if (@cond) { ail_err = @err; goto ail_out; } */
void gen_fail(struct gen *g, const char *cond, const char *err)
{
	gen_out(g, 1, "if (%s) {", cond);
	gen_out(g, 2, "ail_err = %s;", err);
	gen_out(g, 2, "goto ail_out;");
	gen_out(g, 1, "}");
}

const char *gen_fmt(struct gen *g, const char *fmt, ...)
{
	va_list ap;
	char *s;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	s = ail_alloc(g->u, (size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(s, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return s;
}

const char *gen_upper(struct gen *g, const char *name)
{
	char *s = (char *)gen_fmt(g, "%s", name), *p;

	for (p = s; *p; p++)
		*p = (char)toupper((unsigned char)*p);
	return s;
}

static const char *const ctypes[] = {
	[AIL_BOOL] = "bool",		[AIL_CHAR] = "char",
	[AIL_INT8] = "int8_t",		[AIL_INT16] = "int16_t",
	[AIL_INT32] = "int32_t",	[AIL_INT64] = "int64_t",
	[AIL_UINT8] = "uint8_t",	[AIL_UINT16] = "uint16_t",
	[AIL_UINT32] = "uint32_t",	[AIL_UINT64] = "uint64_t",
	[AIL_FLOAT] = "float",		[AIL_DOUBLE] = "double",
	[AIL_STRING] = "char",		[AIL_CAP] = "struct am_cap",
};

const char *gen_ctype(struct gen *g, const struct ail_type *t)
{
	if (t->base == AIL_RECORD)
		return gen_fmt(g, "struct %s", t->rec->name);
	return ctypes[t->base];
}

/* An array NAME[:max] (not a string) carries its count, NAME_len in C. */
bool gen_counted(const struct ail_type *t, const struct ail_dim *d)
{
	return t->base != AIL_STRING && d->kind == DIM_BOUNDED && !d->actual;
}

bool gen_is_array(const struct ail_type *t, const struct ail_dim *d)
{
	return t->base != AIL_STRING && d->kind != DIM_NONE;
}

/*
 * A variable holding a value of type @t and dimension @d, as a record's
 * field or a server stub's copy of a parameter: a string with room for
 * its NUL, an array with room for its bound (and NAME_len before it when
 * it counts itself).
 */
void gen_var(struct gen *g, int ind, const struct ail_type *t,
	     const struct ail_dim *d, const char *name)
{
	unsigned long long max = d->max;

	if (t->base == AIL_STRING) {
		gen_out(g, ind, "char %s[%llu];", name, max + 1);
		return;
	}
	if (gen_counted(t, d))
		gen_out(g, ind, "uint32_t %s_len;", name);
	if (d->kind != DIM_NONE)
		gen_out(g, ind, "%s %s[%llu];", gen_ctype(g, t), name, max);
	else
		gen_out(g, ind, "%s %s;", gen_ctype(g, t), name);
}

/* Whether class @c has operations, its own or inherited, to serve. */
bool gen_serves(const struct ail_class *c)
{
	const struct ail_class *have[AIL_CLASSES_MAX];
	int i, n = ail_closure(c, have, 0);

	for (i = 0; i < n; i++)
		if (have[i]->ops)
			return true;
	return false;
}

/*
 * A parameter as C declares it, the same for a client stub and for the
 * operation a server stub calls: values in, pointers out; strings with
 * their NUL; arrays as pointers, with NAME_len when they count
 * themselves.
 */
static const char *param_decl(struct gen *g, const struct ail_param *p)
{
	const char *t = gen_ctype(g, &p->type), *n = p->name;
	bool in = !(p->dir & DIR_OUT);

	if (p->type.base == AIL_STRING)
		return gen_fmt(g, "%schar *%s", in ? "const " : "", n);
	if (gen_counted(&p->type, &p->dim))
		return gen_fmt(g, "%s%s *%s, uint32_t %s%s_len",
			       in ? "const " : "", t, n, in ? "" : "*", n);
	if (p->dim.kind != DIM_NONE)
		return gen_fmt(g, "%s%s *%s", in ? "const " : "", t, n);
	if (p->type.base == AIL_CAP || p->type.base == AIL_RECORD)
		return gen_fmt(g, "%s%s *%s", in ? "const " : "", t, n);
	return gen_fmt(g, "%s %s%s", t, in ? "" : "*", n);
}

void gen_param_decls(struct gen *g, const struct ail_op *op)
{
	const struct ail_param *p;

	for (p = op->params; p; p = p->next)
		fprintf(g->f, ",\n\t\t%s", param_decl(g, p));
}

const char *gen_val(struct gen *g, const struct ail_param *p, enum side s)
{
	if (s == SERVER)
		return gen_fmt(g, "ail_a->%s", p->name);
	if (p->type.base == AIL_STRING || p->dim.kind != DIM_NONE)
		return p->name;
	if ((p->dir & DIR_OUT) || p->type.base == AIL_CAP ||
	    p->type.base == AIL_RECORD)
		return gen_fmt(g, "(*%s)", p->name);
	return p->name;
}

const char *gen_lenval(struct gen *g, const struct ail_param *p, enum side s)
{
	if (s == SERVER)
		return gen_fmt(g, "ail_a->%s_len", p->name);
	if (p->dir & DIR_OUT)
		return gen_fmt(g, "(*%s_len)", p->name);
	return gen_fmt(g, "%s_len", p->name);
}

const char *gen_cnt(struct gen *g, const struct ail_param *p, enum side s)
{
	return p->dim.actual ? gen_val(g, p->dim.actual, s) : NULL;
}

/* The width of an integer or float on the wire, in bits. */
static unsigned int bits(const struct ail_type *t)
{
	return ail_base_bytes(t) * 8;
}

static void enc_elem(struct gen *g, int ind, const struct ail_type *t,
		     const char *v)
{
	switch (t->base) {
	case AIL_BOOL:
		gen_out(g, ind, "am_enc_u8(ail_e, (%s) ? 1 : 0);", v);
		break;
	case AIL_FLOAT:
		gen_out(g, ind, "am_enc_f32(ail_e, %s);", v);
		break;
	case AIL_DOUBLE:
		gen_out(g, ind, "am_enc_f64(ail_e, %s);", v);
		break;
	case AIL_CAP:
		gen_out(g, ind, "am_enc_cap(ail_e, &%s);", v);
		break;
	case AIL_RECORD:
		gen_out(g, ind, "ail_put_%s(ail_e, &%s);", t->rec->name, v);
		break;
	default:
		gen_out(g, ind, "am_enc_u%u(ail_e, (uint%u_t)(%s));", bits(t),
			bits(t), v);
		break;
	}
}

static void dec_elem(struct gen *g, int ind, const struct ail_type *t,
		     const char *v)
{
	switch (t->base) {
	case AIL_BOOL:
		gen_out(g, ind, "%s = am_dec_bool(ail_d);", v);
		break;
	case AIL_FLOAT:
		gen_out(g, ind, "%s = am_dec_f32(ail_d);", v);
		break;
	case AIL_DOUBLE:
		gen_out(g, ind, "%s = am_dec_f64(ail_d);", v);
		break;
	case AIL_CAP:
		gen_out(g, ind, "am_dec_cap(ail_d, &%s);", v);
		break;
	case AIL_RECORD:
		gen_out(g, ind, "ail_get_%s(ail_d, &%s);", t->rec->name, v);
		break;
	default:
		gen_out(g, ind, "%s = (%s)am_dec_u%u(ail_d);", v,
			gen_ctype(g, t), bits(t));
		break;
	}
}

/* The fewest bytes one element takes, to refuse impossible counts. */
static unsigned long long elem_min(const struct ail_type *t)
{
	return t->base == AIL_RECORD ? t->rec->min : ail_base_bytes(t);
}

/*
 * The count of an array of dimension @d as ail_n, checked against its
 * bound; @cnt is the C expression of a [count:max] array's count, @lenv
 * of a [:max] array's NAME_len, which also goes on the wire.
 */
void gen_enc_count(struct gen *g, int ind, const struct ail_dim *d,
		   const char *cnt, const char *lenv)
{
	if (d->kind == DIM_FIXED) {
		gen_out(g, ind, "uint32_t ail_n = %llu;",
			(unsigned long long)d->max);
		return;
	}
	gen_out(g, ind,
		"uint32_t ail_n = am_enc_count(ail_e, (int64_t)(%s), %llu);",
		cnt ? cnt : lenv, (unsigned long long)d->max);
	if (!cnt)
		gen_out(g, ind, "am_enc_u32(ail_e, ail_n);");
}

/* Encode @v, of type @t and dimension @d; @cnt and @lenv as above. */
void gen_enc(struct gen *g, int ind, const struct ail_type *t,
	     const struct ail_dim *d, const char *v, const char *cnt,
	     const char *lenv)
{
	if (t->base == AIL_STRING) {
		gen_out(g, ind, "am_enc_string(ail_e, %s, %llu);", v,
			(unsigned long long)d->max);
		return;
	}
	if (d->kind == DIM_NONE) {
		enc_elem(g, ind, t, v);
		return;
	}
	gen_out(g, ind, "{");
	gen_enc_count(g, ind + 1, d, cnt, lenv);
	if (ail_is_byte(t)) {
		gen_out(g, ind + 1, "am_enc_bytes(ail_e, %s, ail_n);", v);
	} else {
		gen_out(g, ind + 1,
			"for (uint32_t ail_i = 0; ail_i < ail_n; ail_i++)");
		enc_elem(g, ind + 2, t, gen_fmt(g, "%s[ail_i]", v));
	}
	gen_out(g, ind, "}");
}

/*
 * The count of an array of type @t and dimension @d as ail_n, checked
 * against its bound and against what the message still holds; a [:max]
 * array's count comes off the wire into @lenv.
 */
void gen_dec_count(struct gen *g, int ind, const struct ail_type *t,
		   const struct ail_dim *d, const char *cnt, const char *lenv)
{
	unsigned long long max = d->max, min = elem_min(t);

	if (d->kind == DIM_FIXED) {
		gen_out(g, ind,
			"uint32_t ail_n = am_dec_count(ail_d, %llu, %llu, %llu);",
			max, max, min);
	} else if (cnt) {
		gen_out(g, ind,
			"uint32_t ail_n = am_dec_count(ail_d, (int64_t)(%s), %llu, %llu);",
			cnt, max, min);
	} else {
		gen_out(g, ind, "uint32_t ail_n = am_dec_len(ail_d, %llu, %llu);",
			max, min);
		gen_out(g, ind, "%s = ail_n;", lenv);
	}
}

/* Decode into @v; as gen_enc. */
void gen_dec(struct gen *g, int ind, const struct ail_type *t,
	     const struct ail_dim *d, const char *v, const char *cnt,
	     const char *lenv)
{
	if (t->base == AIL_STRING) {
		gen_out(g, ind, "am_dec_string(ail_d, %s, %llu);", v,
			(unsigned long long)d->max);
		return;
	}
	if (d->kind == DIM_NONE) {
		dec_elem(g, ind, t, v);
		return;
	}
	gen_out(g, ind, "{");
	gen_dec_count(g, ind + 1, t, d, cnt, lenv);
	if (ail_is_byte(t)) {
		gen_out(g, ind + 1, "am_dec_bytes(ail_d, %s, ail_n);", v);
	} else {
		gen_out(g, ind + 1,
			"for (uint32_t ail_i = 0; ail_i < ail_n; ail_i++)");
		dec_elem(g, ind + 2, t, gen_fmt(g, "%s[ail_i]", v));
	}
	gen_out(g, ind, "}");
}

static const char *const hfields[] = {
	[HF_OFFSET] = "h_offset", [HF_SIZE] = "h_size", [HF_EXTRA] = "h_extra",
};

static bool is_signed(const struct ail_type *t)
{
	return t->base >= AIL_INT8 && t->base <= AIL_INT64;
}

/* The C type a header parameter passes through: char counts as uint8. */
static const char *hdr_ctype(struct gen *g, const struct ail_type *t)
{
	return t->base == AIL_CHAR || t->base == AIL_BOOL ? "uint8_t" :
							      gen_ctype(g, t);
}

/* Put @v, parameter @p, into its header field of @hdr ("ail_hdr."). */
void gen_hdr_enc(struct gen *g, int ind, const char *hdr,
		 const struct ail_param *p, const char *v)
{
	gen_out(g, ind, "%s%s = (%s)(%s)(%s);", hdr, hfields[p->hfield],
		p->hfield == HF_OFFSET ? "int32_t" : "uint16_t",
		hdr_ctype(g, &p->type), v);
}

/*
 * Take parameter @p from its header field of @hdr into @v; a value out
 * of the parameter's range runs @fail.
 */
void gen_hdr_dec(struct gen *g, int ind, const char *hdr,
		 const struct ail_param *p, const char *v, const char *fail)
{
	static const long long lo[] = {
		[AIL_INT8] = INT8_MIN, [AIL_INT16] = INT16_MIN,
		[AIL_INT32] = INT32_MIN,
	};
	static const unsigned long long hi[] = {
		[AIL_BOOL] = 1, [AIL_CHAR] = UINT8_MAX,
		[AIL_INT8] = INT8_MAX, [AIL_INT16] = INT16_MAX,
		[AIL_INT32] = INT32_MAX, [AIL_UINT8] = UINT8_MAX,
		[AIL_UINT16] = UINT16_MAX, [AIL_UINT32] = UINT32_MAX,
	};
	const char *f = hfields[p->hfield], *wide;
	bool sgn = is_signed(&p->type);

	if (p->hfield == HF_OFFSET)
		wide = sgn ? "(int64_t)" : "(int64_t)(uint32_t)";
	else
		wide = sgn ? "(int64_t)(int16_t)" : "(int64_t)";
	gen_out(g, ind, "ail_h = %s%s%s;", wide, hdr, f);
	gen_out(g, ind, "if (!am_hdr_fits(ail_h, %lldLL, %lluLL))",
		sgn ? lo[p->type.base] : 0, hi[p->type.base]);
	gen_out(g, ind + 1, "%s", fail);
	gen_out(g, ind, "%s = (%s)ail_h;", v, gen_ctype(g, &p->type));
}

void gen_mark(const struct ail_type *t, unsigned int mark)
{
	const struct ail_field *f;

	if (t->base != AIL_RECORD || (t->rec->mark & mark))
		return;
	t->rec->mark |= mark;
	for (f = t->rec->fields; f; f = f->next)
		gen_mark(&f->type, mark);
}

void gen_clear_marks(struct ail_unit *u)
{
	struct ail_record *r;

	for (r = u->all_records; r; r = r->next_all)
		r->mark = 0;
}

/*
 * The encoders and decoders of the marked records, in the order they
 * were declared, so that each comes after the records it holds.
 */
void gen_record_codecs(struct gen *g)
{
	const struct ail_record *r;
	const struct ail_field *f;

	for (r = g->u->all_records; r; r = r->next_all) {
		if (r->mark & MARK_ENC) {
			gen_out(g, 0, "static void ail_put_%s(struct am_enc *ail_e, const struct %s *v)",
				r->name, r->name);
			gen_out(g, 0, "{");
			for (f = r->fields; f; f = f->next)
				gen_enc(g, 1, &f->type, &f->dim,
					gen_fmt(g, "v->%s", f->name), NULL,
					gen_fmt(g, "v->%s_len", f->name));
			gen_out(g, 0, "}\n");
		}
		if (r->mark & MARK_DEC) {
			gen_out(g, 0, "static void ail_get_%s(struct am_dec *ail_d, struct %s *v)",
				r->name, r->name);
			gen_out(g, 0, "{");
			for (f = r->fields; f; f = f->next)
				gen_dec(g, 1, &f->type, &f->dim,
					gen_fmt(g, "v->%s", f->name), NULL,
					gen_fmt(g, "v->%s_len", f->name));
			gen_out(g, 0, "}\n");
		}
	}
}

/* A name the header #defines, and where it was declared. */
struct macro {
	const char	*name;
	struct ail_pos	pos;
};

static void define(struct ail_unit *u, struct macro *m, int *n,
		   const char *name, struct ail_pos pos)
{
	int i;

	for (i = 0; i < *n; i++)
		if (!strcmp(m[i].name, name))
			ail_error(u, pos,
				  "'%s' would be defined twice in C (line %d)",
				  name, m[i].pos.line);
	m[(*n)++] = (struct macro){ name, pos };
}

/*
 * Constants, rights and commands (an operation's name in capitals) are
 * all macros in C, as are CLASS_REQ_MAX and CLASS_REP_MAX: no two may
 * share a name.
 */
static void check_macros(struct gen *g)
{
	struct ail_unit *u = g->u;
	const struct ail_class *c;
	const struct ail_const *k;
	const struct ail_right *r;
	const struct ail_op *op;
	struct macro *m;
	int n = 0, max = 0;

	for (k = u->consts; k; k = k->next)
		max++;
	for (c = u->classes; c; c = c->next) {
		max += 2;
		for (k = c->consts; k; k = k->next)
			max++;
		for (r = c->rights; r; r = r->next)
			max++;
		for (op = c->ops; op; op = op->next)
			max++;
	}
	m = ail_alloc(u, sizeof(*m) * (size_t)(max + 1));
	for (k = u->consts; k; k = k->next)
		define(u, m, &n, k->name, k->pos);
	for (c = u->classes; c; c = c->next) {
		for (k = c->consts; k; k = k->next)
			define(u, m, &n, k->name, k->pos);
		for (r = c->rights; r; r = r->next)
			define(u, m, &n, r->name, r->pos);
		for (op = c->ops; op; op = op->next)
			define(u, m, &n, gen_upper(g, op->name), op->pos);
		define(u, m, &n, gen_fmt(g, "%s_REQ_MAX", gen_upper(g, c->name)),
		       c->pos);
		define(u, m, &n, gen_fmt(g, "%s_REP_MAX", gen_upper(g, c->name)),
		       c->pos);
	}
}

/* Write @dir/@name through a temporary file, renamed when complete. */
static int write_file(struct gen *g, const char *dir, const char *name,
		      void (*writer)(struct gen *g))
{
	const char *path = gen_fmt(g, "%s/%s", dir, name);
	const char *tmp = gen_fmt(g, "%s/.%s.tmp", dir, name);
	int err = 0;

	g->tmp = tmp;
	g->f = fopen(tmp, "w");
	if (!g->f) {
		fprintf(stderr, "ail: %s: %s\n", tmp, strerror(errno));
		return -1;
	}
	gen_clear_marks(g->u);
	writer(g);
	if (ferror(g->f))
		err = -1;
	if (fclose(g->f))
		err = -1;
	g->f = NULL;
	if (!err && rename(tmp, path))
		err = -1;
	if (err) {
		fprintf(stderr, "ail: %s: %s\n", path, strerror(errno));
		unlink(tmp);
	}
	return err;
}

int ail_generate(struct ail_unit *u, const char *dir, const char *base)
{
	struct gen g = { .u = u, .base = base };

	if (setjmp(u->fail)) {
		if (g.f) {
			fclose(g.f);
			unlink(g.tmp);
		}
		return -1;
	}
	check_macros(&g);
	if (write_file(&g, dir, gen_fmt(&g, "%s_ail.h", base), gen_header) ||
	    write_file(&g, dir, gen_fmt(&g, "%s_client.c", base), gen_client) ||
	    write_file(&g, dir, gen_fmt(&g, "%s_server.c", base), gen_server))
		return -2;
	return 0;
}
