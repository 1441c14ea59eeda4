// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness for the server stubs ail generates, on the golden
 * interface ail/tests/ok/types.ail: any request -- command, header
 * fields, data -- gets a reply or a named error, the stubs read nothing
 * past the request (an exact-size copy, so ASan sees any overread) and
 * write nothing past the reply, and an error reply carries no data.
 * The operations answer from their inputs, sometimes past their bounds,
 * so that the encoders' checks run too.
 *
 * Input: one byte choosing the command, h_offset (4 bytes), h_size and
 * h_extra (2 each), then the request data.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "types_ail.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static errstat f_ping(const struct am_call *call)
{
	(void)call;
	return STD_OK;
}

static errstat f_lput(const struct am_call *call, int8_t a, int16_t b,
		      int32_t c, int64_t d, uint8_t e, uint16_t f, uint32_t g,
		      uint64_t h)
{
	(void)call, (void)b, (void)c, (void)d, (void)e, (void)f, (void)g;
	(void)h;
	return a < 0 ? STD_DENIED : STD_OK;
}

static errstat f_rget(const struct am_call *call, float *x, double *y,
		      char *ch, bool *flag, struct am_cap *c, struct pair *p)
{
	*x = 1;
	*y = 2;
	*ch = 'c';
	*flag = true;
	c->cap_port = call->hdr->h_port;
	c->cap_priv = call->hdr->h_priv;
	p->k = 3;
	p->v = 4;
	return STD_OK;
}

static errstat f_t_read(const struct am_call *call, uint32_t offset,
			uint16_t bytes, uint16_t *got, char *data)
{
	(void)call;
	*got = bytes;		/* past PAGE when asked for more */
	memset(data, (int)offset, bytes < PAGE ? bytes : PAGE);
	return STD_OK;
}

static errstat f_t_write(const struct am_call *call, uint32_t n,
			 const char *data)
{
	uint32_t i, sum = 0;

	(void)call;
	for (i = 0; i < n; i++)
		sum += (uint8_t)data[i];
	return sum == 7 ? STD_NOTNOW : STD_OK;
}

static errstat f_t_next(const struct am_call *call, int32_t *cursor,
			struct extent *e, uint32_t *e_len)
{
	(void)call;
	/* A cursor of 99 makes the count one past the bound. */
	if (*cursor == 99)
		*e_len = 17;
	else if (*e_len < 16)
		e[(*e_len)++].used = true;
	return STD_OK;
}

static errstat f_t_name(const struct am_call *call, const char *s, char *t,
			const struct pair *q)
{
	size_t n = strlen(s);

	(void)call;
	/* q[0].k of 1 leaves t without its NUL: a string past its bound. */
	memset(t, 'n', q[0].k == 1 ? 256 : n < 255 ? n : 255);
	if (q[0].k != 1)
		t[n < 255 ? n : 255] = '\0';
	return STD_OK;
}

static errstat f_grid(const struct am_call *call, int16_t *code,
		      const struct extent *fixed, int8_t tiny)
{
	(void)call;
	*code = (int16_t)(fixed[0].length + tiny);
	return STD_OK;
}

static const struct all_impl impl = {
	.ping = f_ping,		.lput = f_lput,		.rget = f_rget,
	.t_read = f_t_read,	.t_write = f_t_write,	.t_next = f_t_next,
	.t_name = f_t_name,	.grid = f_grid,
};

static const uint16_t commands[] = {
	PING, LPUT, RGET, T_READ, T_WRITE, T_NEXT, T_NAME, GRID, 1999,
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t *rep;
	struct am_service svc = { 0 };
	struct am_hdr hdr;
	uint8_t *req;
	size_t len;

	if (size < 9)
		return 0;
	if (!rep)
		rep = malloc(ALL_REP_MAX);
	memset(&hdr, 0, sizeof(hdr));
	hdr.h_command = commands[data[0] % (sizeof(commands) /
					      sizeof(commands[0]))];
	memcpy(&hdr.h_offset, data + 1, 4);
	memcpy(&hdr.h_size, data + 5, 2);
	memcpy(&hdr.h_extra, data + 7, 2);
	size -= 9;
	req = malloc(size ? size : 1);
	if (!req || !rep)
		abort();
	memcpy(req, data + 9, size);
	len = all_serve(&impl, &svc, &hdr, req, size, rep, ALL_REP_MAX);
	if (len > ALL_REP_MAX || (hdr.h_status != STD_OK && len))
		abort();
	free(req);
	return 0;
}
