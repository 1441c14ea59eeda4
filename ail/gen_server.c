// SPDX-License-Identifier: GPL-2.0
/*
 * BASE_server.c: for each class BASE.ail declares, CLASS_serve(), which
 * answers one request by the command's code.  Each operation's stub
 * checks the request's length, then the capability against the rights
 * the operation declares, decodes the parameters (every bound checked),
 * calls the service's function and encodes its results.  Whatever is
 * wrong with a request gets an error reply (STD_COMBAD, STD_ARGBAD,
 * STD_CAPBAD, STD_DENIED) and nothing outside the buffers is touched.
 *
 * Byte arrays are not copied: one the request carries is handed over in
 * place, and one the reply carries is written by the operation straight
 * into the reply when nothing of variable size comes before it.
 */
#include "gen.h"

static bool zc_in(const struct ail_param *p)
{
	return !p->hfield && p->dir == DIR_IN && ail_is_byte(&p->type) &&
	       gen_is_array(&p->type, &p->dim);
}

/*
 * Where in the reply the out-only byte array @q starts, if everything
 * before it has a fixed size; -1 otherwise.
 */
static long long zc_out_at(const struct ail_op *op, const struct ail_param *q)
{
	const struct ail_param *p;
	uint64_t off = 0;

	for (p = op->params; p; p = p->next) {
		if (p->hfield || !(p->dir & DIR_OUT))
			continue;
		if (p == q)
			return p->dir == DIR_OUT && ail_is_byte(&p->type) &&
			       gen_is_array(&p->type, &p->dim) ?
			       (long long)off +
			       (gen_counted(&p->type, &p->dim) ? 4 : 0) : -1;
		if (ail_min_size(&p->type, &p->dim) !=
		    ail_wire_size(&p->type, &p->dim))
			return -1;
		off += ail_wire_size(&p->type, &p->dim);
	}
	return -1;
}

/* About how many bytes the C variables of @p take. */
static uint64_t c_size(const struct ail_op *op, const struct ail_param *p)
{
	const struct ail_type *t = &p->type;
	uint64_t elem = t->base == AIL_RECORD ? t->rec->wire * 2 + 16 :
			t->base == AIL_CAP ? 16 : 8;

	if (t->base == AIL_STRING)
		return p->dim.max + 1;
	if (zc_in(p) || zc_out_at(op, p) >= 0)
		return 16;
	if (p->dim.kind != DIM_NONE)
		return 4 + (ail_is_byte(t) ? 1 : elem) * p->dim.max;
	return elem;
}

/* The operation's parameters, as one struct the stub decodes into. */
static bool args_struct(struct gen *g, const struct ail_op *op)
{
	const struct ail_param *p;
	const char *t;
	uint64_t size = 0;

	if (!op->params)
		return false;
	gen_out(g, 0, "struct ail_args_%s {", op->name);
	for (p = op->params; p; p = p->next) {
		t = gen_ctype(g, &p->type);
		size += c_size(op, p);
		if (gen_counted(&p->type, &p->dim) &&
		    (zc_in(p) || zc_out_at(op, p) >= 0))
			gen_out(g, 1, "uint32_t %s_len;", p->name);
		if (zc_in(p))
			gen_out(g, 1, "const %s *%s;", t, p->name);
		else if (zc_out_at(op, p) >= 0)
			gen_out(g, 1, "%s *%s;", t, p->name);
		else
			gen_var(g, 1, &p->type, &p->dim, p->name);
	}
	gen_out(g, 0, "};\n");
	return size > GEN_STACK_MAX;
}

/* A byte array of the request, handed over where it lies. */
static void dec_in_place(struct gen *g, const struct ail_param *p)
{
	gen_out(g, 1, "{");
	gen_dec_count(g, 2, &p->type, &p->dim, gen_cnt(g, p, SERVER),
		      gen_lenval(g, p, SERVER));
	gen_out(g, 2, "%s = (const %s *)am_dec_take(ail_d, ail_n);",
		gen_val(g, p, SERVER), gen_ctype(g, &p->type));
	gen_out(g, 1, "}");
}

/* A byte array the operation wrote in place in the reply. */
static void enc_in_place(struct gen *g, const struct ail_param *p)
{
	gen_out(g, 1, "{");
	gen_enc_count(g, 2, &p->dim, gen_cnt(g, p, SERVER),
		      gen_lenval(g, p, SERVER));
	gen_out(g, 2, "am_enc_in_place(ail_e, %s, ail_n);",
		gen_val(g, p, SERVER));
	gen_out(g, 1, "}");
}

/* The arguments of the call to the service's function. */
static void call_args(struct gen *g, const struct ail_param *p)
{
	const char *v;
	bool in;

	for (; p; p = p->next) {
		v = gen_val(g, p, SERVER);
		in = !(p->dir & DIR_OUT);
		if (p->type.base == AIL_STRING || p->dim.kind != DIM_NONE)
			fprintf(g->f, ", %s", v);
		else if (in && p->type.base != AIL_CAP &&
			 p->type.base != AIL_RECORD)
			fprintf(g->f, ", %s", v);
		else
			fprintf(g->f, ", &%s", v);
		if (gen_counted(&p->type, &p->dim))
			fprintf(g->f, ", %s%s", in ? "" : "&",
				gen_lenval(g, p, SERVER));
	}
}

static void decode(struct gen *g, const struct ail_op *op)
{
	const struct ail_param *p;
	long long at;

	gen_out(g, 1, "ail_err = STD_ARGBAD;");
	gen_out(g, 1, "am_dec_init(ail_d, req, reqlen);");
	for (p = op->params; p; p = p->next)
		if (p->hfield && (p->dir & DIR_IN))
			gen_hdr_dec(g, 1, "hdr->", p, gen_val(g, p, SERVER),
				    "goto ail_out;");
	for (p = op->params; p; p = p->next) {
		if (p->hfield || !(p->dir & DIR_IN))
			continue;
		if (zc_in(p))
			dec_in_place(g, p);
		else
			gen_dec(g, 1, &p->type, &p->dim, gen_val(g, p, SERVER),
				gen_cnt(g, p, SERVER),
				gen_lenval(g, p, SERVER));
	}
	gen_out(g, 1, "if (!am_dec_done(ail_d))");
	gen_out(g, 2, "goto ail_out;");
	for (p = op->params; p; p = p->next) {
		at = zc_out_at(op, p);
		if (at >= 0)
			gen_out(g, 1, "%s = (%s *)(rep + %lld);",
				gen_val(g, p, SERVER), gen_ctype(g, &p->type),
				at);
	}
}

static void encode(struct gen *g, const struct ail_op *op)
{
	const struct ail_param *p;

	gen_out(g, 1, "hdr->h_offset = 0;");
	gen_out(g, 1, "hdr->h_size = 0;");
	gen_out(g, 1, "hdr->h_extra = 0;");
	for (p = op->params; p; p = p->next)
		if (p->hfield && (p->dir & DIR_OUT))
			gen_hdr_enc(g, 1, "hdr->", p, gen_val(g, p, SERVER));
	if (!op->rep_wire)
		return;
	gen_out(g, 1, "am_enc_init(ail_e, rep, room);");
	for (p = op->params; p; p = p->next) {
		if (p->hfield || !(p->dir & DIR_OUT))
			continue;
		if (zc_out_at(op, p) >= 0)
			enc_in_place(g, p);
		else
			gen_enc(g, 1, &p->type, &p->dim, gen_val(g, p, SERVER),
				gen_cnt(g, p, SERVER),
				gen_lenval(g, p, SERVER));
	}
	/* The service broke a bound: its fault, not the client's. */
	gen_out(g, 1, "if (ail_e->bad)");
	gen_out(g, 2, "ail_err = STD_SYSERR;");
}

static void op_stub(struct gen *g, const struct ail_op *op)
{
	bool heap = args_struct(g, op), args = op->params;
	unsigned long long req = op->req_wire, rep = op->rep_wire;
	const struct ail_param *p;
	bool hin = false;

	for (p = op->params; p; p = p->next)
		hin |= p->hfield && (p->dir & DIR_IN);
	fprintf(g->f, "static size_t ail_do_%s(errstat (*fn)(const struct am_call *call",
		op->name);
	gen_param_decls(g, op);
	fprintf(g->f, "),\n\t\tconst struct am_service *svc, struct am_hdr *hdr,\n"
		"\t\tconst uint8_t *req, size_t reqlen, uint8_t *rep, size_t room)\n{\n");
	if (args && heap)
		gen_out(g, 1, "struct ail_args_%s *ail_a = NULL;", op->name);
	else if (args)
		gen_out(g, 1, "struct ail_args_%s ail_args, *ail_a = &ail_args;",
			op->name);
	gen_out(g, 1, "struct am_dec ail_dec, *ail_d = &ail_dec;");
	if (rep)
		gen_out(g, 1, "struct am_enc ail_enc, *ail_e = &ail_enc;");
	gen_out(g, 1, "struct am_call ail_call;");
	if (hin)
		gen_out(g, 1, "int64_t ail_h;");
	gen_out(g, 1, "errstat ail_err;\n");
	gen_out(g, 1, "if (!fn)");
	gen_out(g, 2, "return am_reply_status(hdr, STD_COMBAD);");
	gen_out(g, 1, "if (reqlen > %llu)", req);
	gen_out(g, 2, "return am_reply_status(hdr, STD_ARGBAD);");
	if (rep) {
		gen_out(g, 1, "if (room < %llu)", rep);
		gen_out(g, 2, "return am_reply_status(hdr, STD_SYSERR);");
	} else {
		gen_out(g, 1, "(void)rep;");
		gen_out(g, 1, "(void)room;");
	}
	gen_out(g, 1, "ail_err = am_call_begin(&ail_call, svc, hdr, 0x%02x);",
		op->rights);
	gen_out(g, 1, "if (ail_err != STD_OK)");
	gen_out(g, 2, "return am_reply_status(hdr, ail_err);");
	if (args && heap) {
		gen_out(g, 1, "ail_a = calloc(1, sizeof(*ail_a));");
		gen_fail(g, "!ail_a", "STD_NOMEM");
	} else if (args) {
		/* Nothing of an earlier request reaches this reply. */
		gen_out(g, 1, "memset(ail_a, 0, sizeof(*ail_a));");
	}
	decode(g, op);
	fprintf(g->f, "\tail_err = fn(&ail_call");
	call_args(g, op->params);
	fprintf(g->f, ");\n");
	gen_out(g, 1, "if (ail_err != STD_OK)");
	gen_out(g, 2, "goto ail_out;");
	encode(g, op);
	gen_out(g, 0, "ail_out:");
	gen_out(g, 1, "am_call_end(&ail_call);");
	if (args && heap)
		gen_out(g, 1, "free(ail_a);");
	gen_out(g, 1, "if (ail_err != STD_OK)");
	gen_out(g, 2, "return am_reply_status(hdr, ail_err);");
	gen_out(g, 1, "hdr->h_status = STD_OK;");
	gen_out(g, 1, "return %s;", rep ? "ail_e->pos" : "0");
	gen_out(g, 0, "}\n");
}

static void dispatcher(struct gen *g, const struct ail_class *c)
{
	const struct ail_class *have[AIL_CLASSES_MAX];
	const struct ail_op *op;
	int i, n = ail_closure(c, have, 0);

	gen_out(g, 0, "size_t %s_serve(const struct %s_impl *impl,", c->name,
		c->name);
	gen_out(g, 0, "\t\tconst struct am_service *svc, struct am_hdr *hdr,");
	gen_out(g, 0, "\t\tconst void *req, size_t reqlen, void *rep, size_t room)");
	gen_out(g, 0, "{");
	gen_out(g, 1, "switch (hdr->h_command) {");
	for (i = n - 1; i >= 0; i--)
		for (op = have[i]->ops; op; op = op->next) {
			gen_out(g, 1, "case %u:", op->code);
			gen_out(g, 2, "return ail_do_%s(impl->%s, svc, hdr, req, reqlen, rep, room);",
				op->name, op->name);
		}
	gen_out(g, 1, "default:");
	gen_out(g, 2, "return am_reply_status(hdr, STD_COMBAD);");
	gen_out(g, 1, "}");
	gen_out(g, 0, "}\n");
}

/* The classes this file serves, and the operations they hold. */
static int served(const struct ail_unit *u, const struct ail_class **have)
{
	const struct ail_class *c;
	int n = 0;

	for (c = u->classes; c; c = c->next)
		if (!c->imported)
			n = ail_closure(c, have, n);
	return n;
}

void gen_server(struct gen *g)
{
	const struct ail_class *have[AIL_CLASSES_MAX], *c;
	const struct ail_param *p;
	struct ail_op *op;
	int i, n = served(g->u, have);

	gen_out(g, 0, "/* Generated by ail from %s.ail: edit that, not this. */",
		g->base);
	gen_out(g, 0, "#include <stdlib.h>\n");
	gen_out(g, 0, "#include \"%s_ail.h\"\n", g->base);
	for (i = 0; i < n; i++)
		for (op = have[i]->ops; op; op = op->next)
			for (p = op->params; p; p = p->next) {
				if (p->dir & DIR_IN)
					gen_mark(&p->type, MARK_DEC);
				if (p->dir & DIR_OUT)
					gen_mark(&p->type, MARK_ENC);
			}
	gen_record_codecs(g);
	for (i = n - 1; i >= 0; i--)
		for (op = have[i]->ops; op; op = op->next)
			op_stub(g, op);
	for (c = g->u->classes; c; c = c->next)
		if (!c->imported && gen_serves(c))
			dispatcher(g, c);
}
