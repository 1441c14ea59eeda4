// SPDX-License-Identifier: GPL-2.0
/*
 * The AIL parser: recursive descent over the grammar in
 * Documentation/ail.rst, checking as it goes.  A name must be declared
 * before it is used and a class before a class inherits it, so one pass
 * resolves everything: constants are evaluated, operation codes
 * allocated, inherited classes checked for clashing names and ranges,
 * and every bound and header placement checked against the message
 * limit.  The first error ends the parse.
 */
#include <string.h>

#include "ail.h"

static const char *const reserved[] = {
	"class", "inherit", "const", "rights", "struct", "in", "out", "var",
	"bool", "char", "int8", "int16", "int32", "int64", "uint8", "uint16",
	"uint32", "uint64", "float", "double", "string", "capability",
	"h_offset", "h_size", "h_extra", "import",
};

/*
 * Names become C names in the stubs, so C's own words and the names the
 * stubs use cannot be AIL names.
 */
static const char *const c_words[] = {
	"auto", "break", "case", "const", "continue", "default", "do",
	"else", "enum", "extern", "for", "goto", "if", "inline", "int",
	"long", "register", "restrict", "return", "short", "signed",
	"sizeof", "static", "switch", "typedef", "union", "unsigned",
	"void", "volatile", "while", "_Bool", "_Complex", "_Imaginary",
	"_Alignas", "_Alignof", "_Atomic", "_Generic", "_Noreturn",
	"_Static_assert", "_Thread_local", "true", "false", "errstat",
	"int8_t", "int16_t", "int32_t", "int64_t", "uint8_t", "uint16_t",
	"uint32_t", "uint64_t", "size_t", "NULL",
};

static const struct {
	const char	*name;
	enum ail_base	base;
	unsigned int	bytes;
} basics[] = {
	{ "bool", AIL_BOOL, 1 },	{ "char", AIL_CHAR, 1 },
	{ "int8", AIL_INT8, 1 },	{ "int16", AIL_INT16, 2 },
	{ "int32", AIL_INT32, 4 },	{ "int64", AIL_INT64, 8 },
	{ "uint8", AIL_UINT8, 1 },	{ "uint16", AIL_UINT16, 2 },
	{ "uint32", AIL_UINT32, 4 },	{ "uint64", AIL_UINT64, 8 },
	{ "float", AIL_FLOAT, 4 },	{ "double", AIL_DOUBLE, 8 },
	{ "string", AIL_STRING, 0 },	{ "capability", AIL_CAP, 16 },
};

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define STRING_LEN	4	/* the count in front of a string or array */

/* Append @item to the list whose last "next" field is at *@tail. */
#define LIST_APPEND(head, item) do {				\
	__typeof__(head) *pp_ = &(head);			\
	while (*pp_)						\
		pp_ = &(*pp_)->next;				\
	*pp_ = (item);						\
} while (0)

/* A declared name and where, for "already declared" errors. */
struct found {
	const char	*what;
	struct ail_pos	pos;
	const struct ail_class *cls;	/* NULL: outside any class */
	int64_t		value;		/* const */
	unsigned int	bit;		/* right */
	struct ail_record *rec;		/* record */
};

static bool find_in_class(const struct ail_class *c, const char *name,
			  struct found *f)
{
	const struct ail_const *k;
	const struct ail_right *r;
	struct ail_record *rec;
	const struct ail_op *op;

	for (k = c->consts; k; k = k->next)
		if (!strcmp(k->name, name)) {
			*f = (struct found){ .what = "constant", .pos = k->pos };
			f->value = k->value;
			return true;
		}
	for (r = c->rights; r; r = r->next)
		if (!strcmp(r->name, name)) {
			*f = (struct found){ .what = "right", .pos = r->pos };
			f->bit = r->bit;
			return true;
		}
	for (rec = c->records; rec; rec = rec->next)
		if (!strcmp(rec->name, name)) {
			*f = (struct found){ .what = "record", .pos = rec->pos };
			f->rec = rec;
			return true;
		}
	for (op = c->ops; op; op = op->next)
		if (!strcmp(op->name, name)) {
			*f = (struct found){ .what = "operation", .pos = op->pos };
			return true;
		}
	return false;
}

/*
 * @c and every class it inherits, each once, into @out (at most
 * AIL_CLASSES_MAX): the count.
 */
int ail_closure(const struct ail_class *c, const struct ail_class **out,
		int n)
{
	const struct ail_inherit *in;
	int i;

	for (i = 0; i < n; i++)
		if (out[i] == c)
			return n;
	out[n++] = c;
	for (in = c->inherits; in; in = in->next)
		n = ail_closure(in->cls, out, n);
	return n;
}

/* Look @name up where the parser stands: its class, inherited, global. */
static bool find(struct ail_unit *u, const char *name, struct found *f)
{
	const struct ail_class *have[AIL_CLASSES_MAX];
	struct ail_class global = {
		.consts = u->consts,
		.records = u->records,
	};
	int i, n;

	if (find_in_class(&global, name, f))
		return true;
	n = u->cur ? ail_closure(u->cur, have, 0) : 0;
	for (i = 0; i < n; i++)
		if (find_in_class(have[i], name, f)) {
			f->cls = have[i];
			return true;
		}
	return false;
}

/* A name that becomes a C name in the stubs: fail if it cannot be one. */
static const char *c_name(struct ail_unit *u, const char *what)
{
	struct ail_pos pos = u->tok.pos;
	const char *name;
	size_t i;

	name = ail_ident(u, what);
	for (i = 0; i < ARRAY_SIZE(reserved); i++)
		if (!strcmp(name, reserved[i]))
			ail_error(u, pos, "'%s' is a keyword, not a name",
				  name);
	for (i = 0; i < ARRAY_SIZE(c_words); i++)
		if (!strcmp(name, c_words[i]))
			ail_error(u, pos, "'%s' is a word of C, not a name",
				  name);
	if (!strncmp(name, "ail_", 4))
		ail_error(u, pos,
			  "'%s': names starting 'ail_' are the stubs' own",
			  name);
	return name;
}

/*
 * A parameter's or field's name: constants and rights become macros, so
 * it must not be one of theirs.
 */
static const char *local_name(struct ail_unit *u, const char *what)
{
	struct ail_pos pos = u->tok.pos;
	const char *name = c_name(u, what);
	struct found f;

	if (find(u, name, &f) && (f.bit || !strcmp(f.what, "constant")))
		ail_error(u, pos, "'%s' is the %s of line %d, a macro in C",
			  name, f.what, f.pos.line);
	return name;
}

/* Take a name for a new declaration of @what, or fail. */
static const char *new_name(struct ail_unit *u, const char *what)
{
	struct ail_pos pos = u->tok.pos;
	const char *name;
	struct found f;

	name = c_name(u, what);
	if (find(u, name, &f))
		ail_error(u, pos, "'%s' already declared, as a %s at line %d%s%s",
			  name, f.what, f.pos.line,
			  f.cls && f.cls != u->cur ? " of class " : "",
			  f.cls && f.cls != u->cur ? f.cls->name : "");
	return name;
}

/* Expressions: C's integer operators on int64_t, overflow an error. */
static int64_t expr(struct ail_unit *u);

static int64_t primary(struct ail_unit *u)
{
	struct ail_pos pos = u->tok.pos;
	const char *name;
	struct found f;
	int64_t v;

	if (++u->depth > AIL_DEPTH_MAX)
		ail_error(u, pos, "expression nested too deeply");
	if (ail_accept(u, "(")) {
		v = expr(u);
		ail_expect(u, ")", "to close '('");
	} else if (ail_accept(u, "-")) {
		v = primary(u);
		if (v == INT64_MIN)
			ail_error(u, pos, "overflow in negation");
		v = -v;
	} else if (ail_accept(u, "~")) {
		v = ~primary(u);
	} else if (u->tok.kind == TOK_NUMBER) {
		if (u->tok.num > INT64_MAX)
			ail_error(u, pos, "number too large (at most 2^63-1)");
		v = (int64_t)u->tok.num;
		ail_next(u);
	} else {
		name = ail_ident(u, "a number, a constant or '('");
		if (!find(u, name, &f))
			ail_error(u, pos, "'%s' is not declared", name);
		if (strcmp(f.what, "constant"))
			ail_error(u, pos, "'%s' is a %s, not a constant", name,
				  f.what);
		v = f.value;
	}
	u->depth--;
	return v;
}

static const char *const binops[][4] = {
	{ "|" }, { "^" }, { "&" }, { "<<", ">>" }, { "+", "-" },
	{ "*", "/", "%" },
};

static int64_t apply(struct ail_unit *u, struct ail_pos pos, const char *op,
		     int64_t a, int64_t b)
{
	int64_t r;

	switch (op[0]) {
	case '|':
		return a | b;
	case '^':
		return a ^ b;
	case '&':
		return a & b;
	case '<':
	case '>':
		if (b < 0 || b > 62 || a < 0)
			ail_error(u, pos, "shift of %lld by %lld out of range",
				  (long long)a, (long long)b);
		if (op[0] == '>')
			return a >> b;
		if (a > (INT64_MAX >> b))
			ail_error(u, pos, "overflow in '<<'");
		return a << b;
	case '+':
		if (__builtin_add_overflow(a, b, &r))
			ail_error(u, pos, "overflow in '+'");
		return r;
	case '-':
		if (__builtin_sub_overflow(a, b, &r))
			ail_error(u, pos, "overflow in '-'");
		return r;
	case '*':
		if (__builtin_mul_overflow(a, b, &r))
			ail_error(u, pos, "overflow in '*'");
		return r;
	}
	if (!b)
		ail_error(u, pos, "division by zero");
	if (a == INT64_MIN && b == -1)
		ail_error(u, pos, "overflow in '%s'", op);
	return op[0] == '/' ? a / b : a % b;
}

static int64_t binary(struct ail_unit *u, size_t level)
{
	struct ail_pos pos;
	int64_t v, w;
	size_t i;

	if (level == ARRAY_SIZE(binops))
		return primary(u);
	v = binary(u, level + 1);
	for (;;) {
		for (i = 0; i < 4 && binops[level][i]; i++)
			if (ail_is(u, binops[level][i]))
				break;
		if (i == 4 || !binops[level][i])
			return v;
		pos = u->tok.pos;
		ail_next(u);
		w = binary(u, level + 1);
		v = apply(u, pos, binops[level][i], v, w);
	}
}

static int64_t expr(struct ail_unit *u)
{
	return binary(u, 0);
}

/* An expression whose value must lie in [lo, hi], for @what. */
static int64_t expr_in(struct ail_unit *u, int64_t lo, int64_t hi,
		       const char *what)
{
	struct ail_pos pos = u->tok.pos;
	int64_t v = expr(u);

	if (v < lo || v > hi)
		ail_error(u, pos, "%s is %lld, not within %lld..%lld", what,
			  (long long)v, (long long)lo, (long long)hi);
	return v;
}

unsigned int ail_base_bytes(const struct ail_type *t)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(basics); i++)
		if (basics[i].base == t->base)
			return basics[i].bytes;
	return 0;
}

static bool is_integer(const struct ail_type *t)
{
	return t->base >= AIL_BOOL && t->base <= AIL_UINT64;
}

/* Types whose arrays move as bytes, without conversion or copies. */
bool ail_is_byte(const struct ail_type *t)
{
	return t->base == AIL_CHAR || t->base == AIL_INT8 ||
	       t->base == AIL_UINT8;
}

/* The largest count an integer of type @t holds (0: not a count type). */
static uint64_t count_max(const struct ail_type *t)
{
	static const uint64_t max[] = {
		[AIL_INT8] = INT8_MAX,		[AIL_UINT8] = UINT8_MAX,
		[AIL_INT16] = INT16_MAX,	[AIL_UINT16] = UINT16_MAX,
		[AIL_INT32] = INT32_MAX,	[AIL_UINT32] = UINT32_MAX,
		[AIL_INT64] = INT64_MAX,	[AIL_UINT64] = UINT64_MAX,
	};

	return t->base < ARRAY_SIZE(max) ? max[t->base] : 0;
}

static void parse_type(struct ail_unit *u, struct ail_type *t)
{
	struct ail_pos pos = u->tok.pos;
	const char *name;
	struct found f;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(basics); i++)
		if (ail_accept(u, basics[i].name)) {
			t->base = basics[i].base;
			return;
		}
	name = ail_ident(u, "a type");
	if (!find(u, name, &f))
		ail_error(u, pos, "unknown type '%s'", name);
	if (!f.rec)
		ail_error(u, pos, "'%s' is a %s, not a type", name, f.what);
	t->base = AIL_RECORD;
	t->rec = f.rec;
}

/* Saturating sums and products: anything past the limit is too large. */
static uint64_t sat_add(uint64_t a, uint64_t b)
{
	uint64_t r;

	return __builtin_add_overflow(a, b, &r) ? UINT64_MAX : r;
}

static uint64_t sat_mul(uint64_t a, uint64_t b)
{
	uint64_t r;

	return __builtin_mul_overflow(a, b, &r) ? UINT64_MAX : r;
}

/* The largest encoding of one value of @t with dimension @d. */
uint64_t ail_wire_size(const struct ail_type *t, const struct ail_dim *d)
{
	uint64_t elem = t->base == AIL_RECORD ? t->rec->wire : ail_base_bytes(t);

	if (t->base == AIL_STRING)
		return sat_add(STRING_LEN, d->max);
	switch (d->kind) {
	case DIM_FIXED:
		return sat_mul(elem, d->max);
	case DIM_BOUNDED:
		return sat_add(d->actual ? 0 : STRING_LEN,
			       sat_mul(elem, d->max));
	default:
		return elem;
	}
}

/* The smallest encoding of one value of @t with dimension @d. */
uint64_t ail_min_size(const struct ail_type *t, const struct ail_dim *d)
{
	uint64_t elem = t->base == AIL_RECORD ? t->rec->min : ail_base_bytes(t);

	if (t->base == AIL_STRING)
		return STRING_LEN;
	switch (d->kind) {
	case DIM_FIXED:
		return sat_mul(elem, d->max);
	case DIM_BOUNDED:
		return d->actual ? 0 : STRING_LEN;
	default:
		return elem;
	}
}

/* An array NAME[:max] that carries its own count, NAME_len in C. */
static bool is_counted(const struct ail_type *t, const struct ail_dim *d)
{
	return t->base != AIL_STRING && d->kind == DIM_BOUNDED && !d->actual;
}

/* Whether @name is @other's count, NAME_len. */
static bool len_clash(const char *name, const char *other)
{
	size_t n = strlen(other);

	return !strncmp(name, other, n) && !strcmp(name + n, "_len");
}

/*
 * The new field or parameter @b (at @pos) beside the earlier @a: neither
 * may be named as the C count of the other.
 */
static void check_len_names(struct ail_unit *u, struct ail_pos pos,
			    const struct ail_type *ta, const struct ail_dim *da,
			    const char *a, const struct ail_type *tb,
			    const struct ail_dim *db, const char *b)
{
	if ((is_counted(ta, da) && len_clash(b, a)) ||
	    (is_counted(tb, db) && len_clash(a, b)))
		ail_error(u, pos,
			  "'%s' and '%s': the count of an array NAME[:MAX] is NAME_len in C",
			  a, b);
}

static struct ail_param *find_param(struct ail_param *list, const char *name)
{
	for (; list; list = list->next)
		if (!strcmp(list->name, name))
			return list;
	return NULL;
}

/*
 * "[n]" or "[actual:max]" or "[:max]" after a name; @params are the
 * parameters so far (NULL in a record, where no count may be named).
 */
static void parse_dims(struct ail_unit *u, const struct ail_type *t,
		       struct ail_dim *d, struct ail_param *params)
{
	struct ail_pos pos = u->tok.pos;
	const char *name;

	if (!ail_accept(u, "[")) {
		if (t->base == AIL_STRING)
			ail_error(u, pos,
				  "a string needs its bound: string NAME[:MAX]");
		return;
	}
	if (u->tok.kind == TOK_IDENT && params)
		d->actual = find_param(params, ail_strndup(u, u->tok.start,
							   (size_t)u->tok.len));
	if (ail_accept(u, ":")) {
		d->kind = DIM_BOUNDED;
	} else if (d->actual) {
		name = d->actual->name;
		ail_next(u);
		if (!count_max(&d->actual->type) ||
		    d->actual->dim.kind != DIM_NONE)
			ail_error(u, pos, "the count '%s' is not an integer",
				  name);
		ail_expect(u, ":", "between the count and the bound");
		d->kind = DIM_BOUNDED;
	} else {
		d->kind = DIM_FIXED;
	}
	d->max = (uint64_t)expr_in(u, 1, AIL_MSG_MAX, "the bound");
	if (d->actual && d->max > count_max(&d->actual->type))
		ail_error(u, pos, "the count '%s' cannot count to %llu",
			  d->actual->name, (unsigned long long)d->max);
	if (d->kind == DIM_FIXED && ail_is(u, ":"))
		ail_error(u, pos,
			  "the count before ':' must be a parameter declared before this one");
	ail_expect(u, "]", "to close the bound");
	if (t->base == AIL_STRING && (d->kind != DIM_BOUNDED || d->actual))
		ail_error(u, pos, "a string's bound is written [:MAX]");
	if (ail_is(u, "["))
		ail_error(u, u->tok.pos,
			  "arrays have one dimension; use an array of records");
}

/* struct NAME { TYPE NAME [DIMS]; ... } */
static struct ail_record *parse_record(struct ail_unit *u)
{
	struct ail_record *rec = ail_alloc(u, sizeof(*rec)), **pp;
	struct ail_field *f, *g;

	rec->pos = u->tok.pos;
	rec->name = new_name(u, "the record's name");
	rec->imported = u->importing > 0;
	ail_expect(u, "{", "to open the record");
	do {
		f = ail_alloc(u, sizeof(*f));
		parse_type(u, &f->type);
		f->pos = u->tok.pos;
		f->name = local_name(u, "the field's name");
		for (g = rec->fields; g; g = g->next)
			if (!strcmp(g->name, f->name))
				ail_error(u, f->pos, "field '%s' twice",
					  f->name);
		parse_dims(u, &f->type, &f->dim, NULL);
		for (g = rec->fields; g; g = g->next)
			check_len_names(u, f->pos, &g->type, &g->dim, g->name,
					&f->type, &f->dim, f->name);
		rec->wire = sat_add(rec->wire, ail_wire_size(&f->type, &f->dim));
		rec->min = sat_add(rec->min, ail_min_size(&f->type, &f->dim));
		LIST_APPEND(rec->fields, f);
		ail_expect(u, ";", "after the field");
	} while (!ail_accept(u, "}"));
	if (rec->wire > AIL_MSG_MAX)
		ail_error(u, rec->pos, "record '%s' can take more than %u bytes",
			  rec->name, AIL_MSG_MAX);
	for (pp = &u->all_records; *pp; pp = &(*pp)->next_all)
		;
	*pp = rec;
	return rec;
}

/* const NAME = EXPR */
static struct ail_const *parse_const(struct ail_unit *u)
{
	struct ail_const *k = ail_alloc(u, sizeof(*k));

	k->pos = u->tok.pos;
	k->name = new_name(u, "the constant's name");
	k->imported = u->importing > 0;
	ail_expect(u, "=", "after the constant's name");
	k->value = expr(u);
	return k;
}

static const char *const hfield_names[] = {
	[HF_OFFSET] = "h_offset", [HF_SIZE] = "h_size", [HF_EXTRA] = "h_extra",
};

/* The header field after ':', checked for the parameter's type. */
static enum ail_hfield parse_hfield(struct ail_unit *u)
{
	enum ail_hfield h;

	for (h = HF_OFFSET; h <= HF_EXTRA; h++)
		if (ail_accept(u, hfield_names[h]))
			return h;
	ail_error(u, u->tok.pos,
		  "expected h_offset, h_size or h_extra after ':'");
}

static void param_header(struct ail_unit *u, struct ail_op *op,
			 struct ail_param *p)
{
	unsigned int bits = p->hfield == HF_OFFSET ? 32 : 16;
	struct ail_param *q;

	if (!is_integer(&p->type) || p->dim.kind != DIM_NONE ||
	    ail_base_bytes(&p->type) * 8 > bits)
		ail_error(u, p->pos,
			  "'%s' does not fit %s: it holds an integer of up to %u bits",
			  p->name, hfield_names[p->hfield], bits);
	for (q = op->params; q; q = q->next)
		if (q->hfield == p->hfield && (q->dir & p->dir))
			ail_error(u, p->pos, "%s already carries '%s'",
				  hfield_names[p->hfield], q->name);
}

/* [in [out] | out | var] [:HFIELD] TYPE NAME [DIMS] */
static struct ail_param *parse_param(struct ail_unit *u, struct ail_op *op)
{
	struct ail_param *p = ail_alloc(u, sizeof(*p)), *q;
	struct ail_pos pos = u->tok.pos;

	if (ail_accept(u, "in"))
		p->dir = DIR_IN | (ail_accept(u, "out") ? DIR_OUT : 0);
	else if (ail_accept(u, "out"))
		p->dir = DIR_OUT;
	else if (ail_accept(u, "var"))
		p->dir = DIR_IN | DIR_OUT;
	else
		p->dir = DIR_IN;
	if (ail_accept(u, ":"))
		p->hfield = parse_hfield(u);
	parse_type(u, &p->type);
	p->pos = u->tok.pos;
	p->name = local_name(u, "the parameter's name");
	if (!strcmp(p->name, "cap") || !strcmp(p->name, "call"))
		ail_error(u, p->pos,
			  "'%s' names the capability (*) in the stubs",
			  p->name);
	if (find_param(op->params, p->name))
		ail_error(u, p->pos, "parameter '%s' twice", p->name);
	parse_dims(u, &p->type, &p->dim, op->params);
	for (q = op->params; q; q = q->next)
		check_len_names(u, p->pos, &q->type, &q->dim, q->name,
				&p->type, &p->dim, p->name);
	if (p->dim.actual && (p->dim.actual->dir & p->dir) != p->dir)
		ail_error(u, pos,
			  "the count '%s' must travel wherever '%s' does (in, out)",
			  p->dim.actual->name, p->name);
	if (p->hfield)
		param_header(u, op, p);
	return p;
}

static void op_rights(struct ail_unit *u, struct ail_op *op)
{
	struct ail_pos pos;
	const char *name;
	struct found f;

	do {
		pos = u->tok.pos;
		name = ail_ident(u, "a right's name");
		if (!find(u, name, &f) || strcmp(f.what, "right"))
			ail_error(u, pos, "'%s' is not a declared right",
				  name);
		op->rights |= f.bit;
	} while (ail_accept(u, ","));
}

/* NAME [ '[' CODE ']' ] ( *, PARAMS ) [rights R, ...] */
static struct ail_op *parse_op(struct ail_unit *u)
{
	struct ail_class *c = u->cur;
	struct ail_op *op = ail_alloc(u, sizeof(*op)), *o;
	struct ail_param *p;
	int64_t code;

	op->pos = u->tok.pos;
	op->owner = c;
	op->name = new_name(u, "an operation's name");
	if (!c->has_range)
		ail_error(u, op->pos,
			  "operation '%s' in class '%s', which has no command range",
			  op->name, c->name);
	if (ail_accept(u, "[")) {
		code = expr_in(u, c->lo, c->hi, "the command code");
		ail_expect(u, "]", "after the command code");
	} else {
		code = c->next_code;
		if (code > c->hi)
			ail_error(u, op->pos,
				  "operation '%s' would be command %lld, past the range %u..%u",
				  op->name, (long long)code, c->lo, c->hi);
	}
	for (o = c->ops; o; o = o->next)
		if (o->code == code)
			ail_error(u, op->pos, "command %lld is '%s' already",
				  (long long)code, o->name);
	op->code = (unsigned int)code;
	c->next_code = op->code + 1;
	ail_expect(u, "(", "after the operation's name");
	ail_expect(u, "*", "(the capability) as the first parameter");
	while (ail_accept(u, ",")) {
		p = parse_param(u, op);
		LIST_APPEND(op->params, p);
		if (p->hfield)
			continue;
		if (p->dir & DIR_IN)
			op->req_wire = sat_add(op->req_wire,
					       ail_wire_size(&p->type, &p->dim));
		if (p->dir & DIR_OUT)
			op->rep_wire = sat_add(op->rep_wire,
					       ail_wire_size(&p->type, &p->dim));
	}
	ail_expect(u, ")", "after the parameters");
	if (op->req_wire > AIL_MSG_MAX || op->rep_wire > AIL_MSG_MAX)
		ail_error(u, op->pos,
			  "the %s of '%s' can take more than %u bytes, the message limit",
			  op->req_wire > AIL_MSG_MAX ? "request" : "reply",
			  op->name, AIL_MSG_MAX);
	if (ail_accept(u, "rights"))
		op_rights(u, op);
	return op;
}

/* rights NAME = BIT, ... */
static void parse_rights(struct ail_unit *u)
{
	struct ail_class *c = u->cur;
	struct ail_right *r;
	struct ail_pos pos;
	int64_t v;

	do {
		r = ail_alloc(u, sizeof(*r));
		r->pos = u->tok.pos;
		r->name = new_name(u, "a right's name");
		ail_expect(u, "=", "after the right's name");
		pos = u->tok.pos;
		v = expr(u);
		if (v <= 0 || v > 0x80 || (v & (v - 1)))
			ail_error(u, pos,
				  "right '%s' is %lld: a right is one bit of 8 (0x01 to 0x80)",
				  r->name, (long long)v);
		r->bit = (unsigned int)v;
		LIST_APPEND(c->rights, r);
	} while (ail_accept(u, ","));
}

static bool range_overlap(const struct ail_class *a, const struct ail_class *b)
{
	return a->has_range && b->has_range && a->lo <= b->hi &&
	       b->lo <= a->hi;
}

/* A name class @c brings into the current class must be new there. */
static void name_clash(struct ail_unit *u, struct ail_pos pos,
		       const struct ail_class *from,
		       const struct ail_class *c, const char *name)
{
	struct found f;

	if (find(u, name, &f))
		ail_error(u, pos,
			  "inheriting '%s' brings '%s' of class '%s', which clashes with the %s '%s' of %s%s%s (line %d)",
			  from->name, name, c->name, f.what, name,
			  f.cls ? "class '" : "the file",
			  f.cls ? f.cls->name : "", f.cls ? "'" : "",
			  f.pos.line);
}

/*
 * What class @c brings when inherited through @from: its names must be
 * new and its range apart from every range already there.
 */
static void bring(struct ail_unit *u, struct ail_pos pos,
		  const struct ail_class *from, const struct ail_class *c,
		  const struct ail_class **have, int nhave)
{
	const struct ail_const *k;
	const struct ail_right *r;
	const struct ail_record *rec;
	const struct ail_op *op;
	int i;

	for (k = c->consts; k; k = k->next)
		name_clash(u, pos, from, c, k->name);
	for (r = c->rights; r; r = r->next)
		name_clash(u, pos, from, c, r->name);
	for (rec = c->records; rec; rec = rec->next)
		name_clash(u, pos, from, c, rec->name);
	for (op = c->ops; op; op = op->next)
		name_clash(u, pos, from, c, op->name);
	for (i = 0; i < nhave; i++)
		if (range_overlap(c, have[i]))
			ail_error(u, pos,
				  "inheriting '%s' joins class '%s' [%u..%u] and class '%s' [%u..%u], whose command ranges overlap",
				  from->name, have[i]->name, have[i]->lo,
				  have[i]->hi, c->name, c->lo, c->hi);
}

/*
 * inherit NAME, ...: a class reached twice (two parents sharing std, say)
 * is one class, not a clash.
 */
static void parse_inherit(struct ail_unit *u)
{
	const struct ail_class *have[AIL_CLASSES_MAX];
	const struct ail_class *brings[AIL_CLASSES_MAX];
	struct ail_class *c = u->cur, *from;
	struct ail_inherit *in;
	struct ail_pos pos;
	const char *name;
	int i, j, nhave, nbrings;

	do {
		pos = u->tok.pos;
		name = ail_ident(u, "a class to inherit");
		for (from = u->classes; from; from = from->next)
			if (!strcmp(from->name, name))
				break;
		if (!from)
			ail_error(u, pos,
				  "no class '%s' declared before this one",
				  name);
		nhave = ail_closure(c, have, 0);
		nbrings = ail_closure(from, brings, 0);
		for (i = 0; i < nbrings; i++) {
			for (j = 0; j < nhave; j++)
				if (have[j] == brings[i])
					break;
			if (j == nhave)
				bring(u, pos, from, brings[i], have, nhave);
		}
		in = ail_alloc(u, sizeof(*in));
		in->cls = from;
		LIST_APPEND(c->inherits, in);
	} while (ail_accept(u, ","));
}

/* class NAME [ '[' LO .. HI ']' ] { MEMBERS } */
static void parse_class(struct ail_unit *u)
{
	struct ail_class *c = ail_alloc(u, sizeof(*c));

	const struct ail_class *d;
	int n = 0;

	c->pos = u->tok.pos;
	c->name = new_name(u, "the class's name");
	c->imported = u->importing > 0;
	for (d = u->classes; d; d = d->next, n++)
		if (!strcmp(d->name, c->name))
			ail_error(u, c->pos, "class '%s' already declared at line %d",
				  c->name, d->pos.line);
	if (n == AIL_CLASSES_MAX)
		ail_error(u, c->pos, "more than %d classes", AIL_CLASSES_MAX);
	if (ail_accept(u, "[")) {
		c->lo = (unsigned int)expr_in(u, 1, AIL_CMD_MAX,
					      "the range's start");
		ail_expect(u, "..", "between the range's ends");
		c->hi = (unsigned int)expr_in(u, c->lo, AIL_CMD_MAX,
					      "the range's end");
		ail_expect(u, "]", "after the range");
		c->has_range = true;
		c->next_code = c->lo;
	}
	ail_expect(u, "{", "to open the class");
	u->cur = c;
	while (!ail_accept(u, "}")) {
		if (ail_accept(u, "inherit"))
			parse_inherit(u);
		else if (ail_accept(u, "const"))
			LIST_APPEND(c->consts, parse_const(u));
		else if (ail_accept(u, "rights"))
			parse_rights(u);
		else if (ail_accept(u, "struct"))
			LIST_APPEND(c->records, parse_record(u));
		else
			LIST_APPEND(c->ops, parse_op(u));
		ail_expect(u, ";", "after the declaration");
	}
	ail_expect(u, ";", "after the class");
	u->cur = NULL;
	LIST_APPEND(u->classes, c);
}

static void check_text(struct ail_unit *u)
{
	if (u->len > AIL_FILE_MAX)
		ail_error(u, u->at, "file larger than %d bytes", AIL_FILE_MAX);
	if (memchr(u->text, '\0', u->len))
		ail_error(u, u->at, "the file holds a NUL byte");
}

static void parse_file(struct ail_unit *u);

/* Where the importer's reading stands, past its "import NAME;". */
struct lexer {
	const char		*file;
	const char		*text;
	size_t			len;
	const char		*p;
	struct ail_pos		at;
	struct ail_token	tok;
};

/*
 * import NAME: read NAME.ail here, once however often it is imported;
 * its declarations are the importer's to use, its stubs are its own.
 */
static void parse_import(struct ail_unit *u)
{
	struct ail_pos pos = u->tok.pos;
	const char *name, *text, *path = NULL;
	struct ail_import *im;
	char why[sizeof(u->err)];
	struct lexer saved;
	size_t len = 0;

	name = c_name(u, "the interface to import");
	ail_expect(u, ";", "after the import");
	for (im = u->imports; im; im = im->next)
		if (!strcmp(im->name, name)) {
			im->direct |= !u->importing;
			return;
		}
	if (!u->load)
		ail_error(u, pos, "import '%s': no files to import from here",
			  name);
	if (u->importing == AIL_IMPORT_DEPTH)
		ail_error(u, pos, "imports nested deeper than %d",
			  AIL_IMPORT_DEPTH);
	im = ail_alloc(u, sizeof(*im));
	im->name = name;
	im->direct = !u->importing;
	LIST_APPEND(u->imports, im);
	u->err[0] = '\0';
	text = u->load(u, name, &path, &len);
	if (!text) {
		memcpy(why, u->err, sizeof(why));
		ail_error(u, pos, "cannot import '%s': %s", name, why);
	}
	saved = (struct lexer){ u->file, u->text, u->len, u->p, u->at,
				u->tok };
	u->file = path;
	u->text = u->p = text;
	u->len = len;
	u->at = (struct ail_pos){ 1, 1 };
	u->importing++;
	check_text(u);
	parse_file(u);
	u->importing--;
	u->file = saved.file;
	u->text = saved.text;
	u->len = saved.len;
	u->p = saved.p;
	u->at = saved.at;
	u->tok = saved.tok;
}

static void parse_file(struct ail_unit *u)
{
	ail_next(u);
	while (u->tok.kind != TOK_EOF) {
		if (ail_accept(u, "class")) {
			parse_class(u);
			continue;
		}
		if (ail_accept(u, "import")) {
			parse_import(u);
			continue;
		}
		if (ail_accept(u, "const"))
			LIST_APPEND(u->consts, parse_const(u));
		else if (ail_accept(u, "struct"))
			LIST_APPEND(u->records, parse_record(u));
		else
			ail_error(u, u->tok.pos,
				  "expected 'class', 'import', 'const' or 'struct'");
		ail_expect(u, ";", "after the declaration");
	}
}

int ail_parse(struct ail_unit *u)
{
	if (setjmp(u->fail))
		return -1;
	check_text(u);
	parse_file(u);
	return 0;
}
