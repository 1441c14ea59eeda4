// SPDX-License-Identifier: GPL-2.0
/*
 * BASE_client.c: one stub per operation of the classes BASE.ail declares.
 * A stub puts its header parameters in the request header, encodes the
 * rest, calls trans, and decodes the reply into the caller's variables,
 * enforcing every bound both ways: an argument out of bounds is
 * STD_ARGBAD before anything is sent, a reply that does not decode is
 * STD_SYSERR.  A byte array that is the whole of a message moves
 * between the caller's memory and the transport without a copy; its
 * length must then be the count the header gives, and what a rogue
 * server sends past the array's bound is cut off by the transport.
 */
#include "gen.h"

/*
 * The data parameter of direction @dir when it is the only one and a
 * byte array of a size the header or the interface gives: it can be the
 * message itself.  NULL otherwise.
 */
static const struct ail_param *whole(const struct ail_op *op, unsigned int dir)
{
	const struct ail_param *p, *only = NULL;

	for (p = op->params; p; p = p->next) {
		if (p->hfield || !(p->dir & dir))
			continue;
		if (only)
			return NULL;
		only = p;
	}
	if (!only || only->dir != dir || !ail_is_byte(&only->type) ||
	    only->dim.kind == DIM_NONE || gen_counted(&only->type, &only->dim))
		return NULL;
	return only;
}

static void mark_records(const struct ail_unit *u)
{
	const struct ail_class *c;
	const struct ail_param *p;
	const struct ail_op *op;

	for (c = u->classes; c; c = c->next)
		for (op = c->imported ? NULL : c->ops; op; op = op->next)
			for (p = op->params; p; p = p->next) {
				if (p->dir & DIR_IN)
					gen_mark(&p->type, MARK_ENC);
				if (p->dir & DIR_OUT)
					gen_mark(&p->type, MARK_DEC);
			}
}

static void decls(struct gen *g, const struct ail_op *op, bool enc, bool dec)
{
	unsigned long long req = op->req_wire, rep = op->rep_wire;
	const struct ail_param *p;

	gen_out(g, 1, "struct am_hdr ail_hdr, ail_rhdr;");
	if (enc) {
		gen_out(g, 1, "struct am_enc ail_enc, *ail_e = &ail_enc;");
		if (req > GEN_STACK_MAX)
			gen_out(g, 1, "uint8_t *ail_rq = NULL;");
		else
			gen_out(g, 1, "uint8_t ail_rq[%llu];", req);
	}
	/*
	 * One byte more than the largest reply, so that a longer one shows;
	 * without reply data, that byte alone.
	 */
	if (dec) {
		gen_out(g, 1, "struct am_dec ail_dec, *ail_d = &ail_dec;");
		if (rep + 1 > GEN_STACK_MAX)
			gen_out(g, 1, "uint8_t *ail_rp = NULL;");
		else
			gen_out(g, 1, "uint8_t ail_rp[%llu];", rep + 1);
	} else if (!rep) {
		gen_out(g, 1, "uint8_t ail_rp[1];");
	}
	gen_out(g, 1, "const void *ail_req = NULL;");
	gen_out(g, 1, "size_t ail_reqlen = 0;");
	gen_out(g, 1, "void *ail_rep = NULL;");
	gen_out(g, 1, "size_t ail_room = 0;");
	for (p = op->params; p; p = p->next)
		if (p->hfield && (p->dir & DIR_OUT)) {
			gen_out(g, 1, "int64_t ail_h;");
			break;
		}
	gen_out(g, 1, "int32_t ail_n;");
	gen_out(g, 1, "errstat ail_err = STD_OK;\n");
}

/* The request: header parameters, then the data, or the one byte array. */
static void request(struct gen *g, const struct ail_op *op,
		    const struct ail_param *zin, bool enc)
{
	unsigned long long req = op->req_wire;
	const struct ail_param *p;
	const char *cnt;

	gen_out(g, 1, "am_hdr_init(&ail_hdr, cap, %u);", op->code);
	for (p = op->params; p; p = p->next)
		if (p->hfield && (p->dir & DIR_IN))
			gen_hdr_enc(g, 1, "ail_hdr.", p, gen_val(g, p, CLIENT));
	if (zin) {
		cnt = gen_cnt(g, zin, CLIENT);
		if (cnt) {
			gen_out(g, 1, "if (!am_hdr_fits((int64_t)(%s), 0, %llu))",
				cnt, (unsigned long long)zin->dim.max);
			gen_out(g, 2, "return STD_ARGBAD;");
			gen_out(g, 1, "ail_reqlen = (size_t)(%s);", cnt);
		} else {
			gen_out(g, 1, "ail_reqlen = %llu;",
				(unsigned long long)zin->dim.max);
		}
		gen_out(g, 1, "ail_req = %s;", zin->name);
	}
	if (!enc)
		return;
	if (req > GEN_STACK_MAX) {
		gen_out(g, 1, "ail_rq = malloc(%llu);", req);
		gen_out(g, 1, "if (!ail_rq)");
		gen_out(g, 2, "return STD_NOMEM;");
	}
	gen_out(g, 1, "am_enc_init(ail_e, ail_rq, %llu);", req);
	for (p = op->params; p; p = p->next)
		if (!p->hfield && (p->dir & DIR_IN))
			gen_enc(g, 1, &p->type, &p->dim, gen_val(g, p, CLIENT),
				gen_cnt(g, p, CLIENT), gen_lenval(g, p, CLIENT));
	gen_fail(g, "ail_e->bad", "STD_ARGBAD");
	gen_out(g, 1, "ail_req = ail_rq;");
	gen_out(g, 1, "ail_reqlen = ail_e->pos;");
}

/* The reply, into the caller's variables; STD_SYSERR if it is not sound. */
static void reply(struct gen *g, const struct ail_op *op,
		  const struct ail_param *zout, bool dec)
{
	const struct ail_param *p;
	const char *cnt;

	gen_out(g, 1, "ail_err = STD_SYSERR;");
	for (p = op->params; p; p = p->next)
		if (p->hfield && (p->dir & DIR_OUT))
			gen_hdr_dec(g, 1, "ail_rhdr.", p, gen_val(g, p, CLIENT),
				    "goto ail_out;");
	if (zout) {
		cnt = gen_cnt(g, zout, CLIENT);
		if (cnt) {
			gen_out(g, 1, "if (!am_hdr_fits((int64_t)(%s), 0, %llu) ||",
				cnt, (unsigned long long)zout->dim.max);
			gen_out(g, 1, "    (int64_t)ail_n != (int64_t)(%s))", cnt);
		} else {
			gen_out(g, 1, "if (ail_n != %llu)",
				(unsigned long long)zout->dim.max);
		}
		gen_out(g, 2, "goto ail_out;");
	} else if (dec) {
		gen_out(g, 1, "am_dec_init(ail_d, ail_rp, (size_t)ail_n);");
		for (p = op->params; p; p = p->next)
			if (!p->hfield && (p->dir & DIR_OUT))
				gen_dec(g, 1, &p->type, &p->dim,
					gen_val(g, p, CLIENT),
					gen_cnt(g, p, CLIENT),
					gen_lenval(g, p, CLIENT));
		gen_out(g, 1, "if (!am_dec_done(ail_d))");
		gen_out(g, 2, "goto ail_out;");
	} else {
		gen_out(g, 1, "if (ail_n != 0)");
		gen_out(g, 2, "goto ail_out;");
	}
	gen_out(g, 1, "ail_err = STD_OK;");
}

static void stub(struct gen *g, const struct ail_op *op)
{
	const struct ail_param *zin = whole(op, DIR_IN);
	const struct ail_param *zout = whole(op, DIR_OUT);
	unsigned long long rep = op->rep_wire;
	bool enc = !zin && op->req_wire > 0;
	bool dec = !zout && rep > 0;

	fprintf(g->f, "errstat %s(const struct am_cap *cap", op->name);
	gen_param_decls(g, op);
	fprintf(g->f, ")\n{\n");
	decls(g, op, enc, dec);
	gen_out(g, 1, "if (!cap)");
	gen_out(g, 2, "return STD_ARGBAD;");
	request(g, op, zin, enc);
	if (zout) {
		gen_out(g, 1, "ail_rep = %s;", zout->name);
		gen_out(g, 1, "ail_room = %llu;",
			(unsigned long long)zout->dim.max);
	} else if (dec) {
		if (rep + 1 > GEN_STACK_MAX) {
			gen_out(g, 1, "ail_rp = malloc(%llu);", rep + 1);
			gen_fail(g, "!ail_rp", "STD_NOMEM");
		}
		gen_out(g, 1, "ail_rep = ail_rp;");
		gen_out(g, 1, "ail_room = %llu;", rep + 1);
	} else {
		gen_out(g, 1, "ail_rep = ail_rp;");
		gen_out(g, 1, "ail_room = 1;");
	}
	gen_out(g, 1, "ail_n = trans(&ail_hdr, ail_req, ail_reqlen, &ail_rhdr, ail_rep, ail_room);");
	gen_fail(g, "ail_n < 0", "ail_n");
	gen_fail(g, "ail_rhdr.h_status != STD_OK", "ail_rhdr.h_status");
	reply(g, op, zout, dec);
	gen_out(g, 0, "ail_out:");
	if (enc && op->req_wire > GEN_STACK_MAX)
		gen_out(g, 1, "free(ail_rq);");
	if (dec && rep + 1 > GEN_STACK_MAX)
		gen_out(g, 1, "free(ail_rp);");
	gen_out(g, 1, "return ail_err;");
	gen_out(g, 0, "}\n");
}

void gen_client(struct gen *g)
{
	const struct ail_class *c;
	const struct ail_op *op;

	gen_out(g, 0, "/* Generated by ail from %s.ail: edit that, not this. */",
		g->base);
	gen_out(g, 0, "#include <stdlib.h>\n");
	gen_out(g, 0, "#include \"%s_ail.h\"\n", g->base);
	mark_records(g->u);
	gen_record_codecs(g);
	for (c = g->u->classes; c; c = c->next)
		for (op = c->imported ? NULL : c->ops; op; op = op->next)
			stub(g, op);
}
