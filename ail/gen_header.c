// SPDX-License-Identifier: GPL-2.0
/*
 * BASE_ail.h: what clients and servers of an interface share.  Constants,
 * rights and command codes as macros, records as structs, the client
 * stubs' prototypes, and for each class the table of operations a server
 * fills in and the dispatcher that calls them.  Only what BASE.ail itself
 * declares is here; what it imports comes from the imported headers.
 */
#include <ctype.h>
#include <string.h>

#include "gen.h"

static void define_const(struct gen *g, const struct ail_const *k)
{
	long long v = (long long)k->value;

	if (v == INT64_MIN)
		gen_out(g, 0, "#define %s\t(-INT64_C(9223372036854775807) - 1)",
			k->name);
	else if (v < INT32_MIN || v > INT32_MAX)
		gen_out(g, 0, "#define %s\tINT64_C(%lld)", k->name, v);
	else if (v < 0)
		gen_out(g, 0, "#define %s\t(%lld)", k->name, v);
	else
		gen_out(g, 0, "#define %s\t%lld", k->name, v);
}

static void define_record(struct gen *g, const struct ail_record *r)
{
	const struct ail_field *f;
	const char *t;

	gen_out(g, 0, "struct %s {", r->name);
	for (f = r->fields; f; f = f->next) {
		t = gen_ctype(g, &f->type);
		if (f->type.base == AIL_STRING)
			gen_out(g, 1, "char %s[%llu];", f->name,
				(unsigned long long)f->dim.max + 1);
		else if (gen_counted(&f->type, &f->dim))
			gen_out(g, 1, "uint32_t %s_len;\n\t%s %s[%llu];",
				f->name, t, f->name,
				(unsigned long long)f->dim.max);
		else if (f->dim.kind == DIM_FIXED)
			gen_out(g, 1, "%s %s[%llu];", t, f->name,
				(unsigned long long)f->dim.max);
		else
			gen_out(g, 1, "%s %s;", t, f->name);
	}
	gen_out(g, 0, "};\n");
}

/* What the caller of a client stub must know beyond the prototype. */
static void op_comment(struct gen *g, const struct ail_op *op)
{
	const struct ail_param *p;

	gen_out(g, 0, "/*");
	gen_out(g, 0, " * %s: command %u, needing rights 0x%02x.", op->name,
		op->code, op->rights);
	for (p = op->params; p; p = p->next) {
		if (!(p->dir & DIR_OUT))
			continue;
		if (p->type.base == AIL_STRING)
			gen_out(g, 0, " * %s: room for %llu bytes.", p->name,
				(unsigned long long)p->dim.max + 1);
		else if (p->dim.kind != DIM_NONE)
			gen_out(g, 0, " * %s: room for %llu elements.", p->name,
				(unsigned long long)p->dim.max);
	}
	gen_out(g, 0, " */");
}

/* The operations of class @c, inherited ones first, each once. */
static int class_ops(const struct ail_class *c, const struct ail_class **have)
{
	return ail_closure(c, have, 0);
}

static void server_decls(struct gen *g, const struct ail_class *c)
{
	const struct ail_class *have[AIL_CLASSES_MAX];
	const struct ail_op *op;
	int i, n = class_ops(c, have);

	gen_out(g, 0, "/* What a server of class %s does for each operation (NULL: STD_COMBAD). */",
		c->name);
	gen_out(g, 0, "struct %s_impl {", c->name);
	for (i = n - 1; i >= 0; i--)
		for (op = have[i]->ops; op; op = op->next) {
			fprintf(g->f, "\terrstat (*%s)(const struct am_call *call",
				op->name);
			gen_param_decls(g, op);
			fprintf(g->f, ");\n");
		}
	gen_out(g, 0, "};\n");
	gen_out(g, 0, "/*");
	gen_out(g, 0, " * Answer one request to a server of class %s: @hdr is the request's",
		c->name);
	gen_out(g, 0, " * header from getreq and becomes the reply's, @req holds the request");
	gen_out(g, 0, " * (@reqlen, getreq's return, and room for %s_REQ_MAX bytes), @rep",
		gen_upper(g, c->name));
	gen_out(g, 0, " * (room for %s_REP_MAX) receives the reply.  Returns the reply's",
		gen_upper(g, c->name));
	gen_out(g, 0, " * length, for putrep.");
	gen_out(g, 0, " */");
	gen_out(g, 0, "size_t %s_serve(const struct %s_impl *impl,", c->name,
		c->name);
	gen_out(g, 0, "\t\tconst struct am_service *svc, struct am_hdr *hdr,");
	gen_out(g, 0, "\t\tconst void *req, size_t reqlen, void *rep, size_t room);\n");
}

/* The largest request and reply of any operation of @c. */
static void class_max(const struct ail_class *c, uint64_t *req, uint64_t *rep)
{
	const struct ail_class *have[AIL_CLASSES_MAX];
	const struct ail_op *op;
	int i, n = class_ops(c, have);

	*req = *rep = 0;
	for (i = 0; i < n; i++)
		for (op = have[i]->ops; op; op = op->next) {
			if (op->req_wire > *req)
				*req = op->req_wire;
			if (op->rep_wire > *rep)
				*rep = op->rep_wire;
		}
}

static bool serves(const struct ail_class *c)
{
	const struct ail_class *have[AIL_CLASSES_MAX];
	int i, n = class_ops(c, have);

	for (i = 0; i < n; i++)
		if (have[i]->ops)
			return true;
	return false;
}

static void class_macros(struct gen *g, const struct ail_class *c)
{
	const struct ail_const *k;
	const struct ail_right *r;
	const struct ail_op *op;
	uint64_t req, rep;

	gen_out(g, 0, "/* class %s */", c->name);
	for (k = c->consts; k; k = k->next)
		define_const(g, k);
	for (r = c->rights; r; r = r->next)
		gen_out(g, 0, "#define %s\t0x%02xu", r->name, r->bit);
	for (op = c->ops; op; op = op->next)
		gen_out(g, 0, "#define %s\t%u", gen_upper(g, op->name),
			op->code);
	if (serves(c)) {
		class_max(c, &req, &rep);
		gen_out(g, 0, "/* The largest request and reply data of class %s. */",
			c->name);
		gen_out(g, 0, "#define %s_REQ_MAX\t%llu", gen_upper(g, c->name),
			(unsigned long long)req);
		gen_out(g, 0, "#define %s_REP_MAX\t%llu", gen_upper(g, c->name),
			(unsigned long long)rep);
	}
	gen_out(g, 0, "%s", "");
}

static const char *guard(struct gen *g)
{
	char *s = (char *)gen_upper(g, gen_fmt(g, "%s_AIL_H", g->base)), *p;

	for (p = s; *p; p++)
		if (!isalnum((unsigned char)*p))
			*p = '_';
	return s;
}

void gen_header(struct gen *g)
{
	const struct ail_record *r;
	const struct ail_import *im;
	const struct ail_class *c;
	const struct ail_const *k;
	const struct ail_op *op;

	gen_out(g, 0, "/* Generated by ail from %s.ail: edit that, not this. */",
		g->base);
	gen_out(g, 0, "#ifndef %s\n#define %s\n", guard(g), guard(g));
	gen_out(g, 0, "#include <amoeba/ail.h>");
	for (im = g->u->imports; im; im = im->next)
		if (im->direct)
			gen_out(g, 0, "#include \"%s_ail.h\"", im->name);
	gen_out(g, 0, "\n#ifdef __cplusplus\nextern \"C\" {\n#endif\n");
	for (k = g->u->consts; k; k = k->next)
		if (!k->imported)
			define_const(g, k);
	gen_out(g, 0, "%s", "");
	for (c = g->u->classes; c; c = c->next)
		if (!c->imported)
			class_macros(g, c);
	for (r = g->u->all_records; r; r = r->next_all)
		if (!r->imported)
			define_record(g, r);
	for (c = g->u->classes; c; c = c->next) {
		if (c->imported)
			continue;
		for (op = c->ops; op; op = op->next) {
			op_comment(g, op);
			fprintf(g->f, "errstat %s(const struct am_cap *cap",
				op->name);
			gen_param_decls(g, op);
			fprintf(g->f, ");\n\n");
		}
		if (serves(c))
			server_decls(g, c);
	}
	gen_out(g, 0, "#ifdef __cplusplus\n}\n#endif\n\n#endif");
}
