// SPDX-License-Identifier: GPL-2.0
/* Names and short descriptions of the Amoeba status codes. */
#include <stdio.h>
#include <amoeba/err.h>
#include <amoeba/soap_ail.h>

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

struct err_entry {
	errstat		code;
	const char	*name;
	const char	*why;
};

/* One table for both functions, so a name never lacks its description. */
#define ERR(code, why)	{ code, #code, why }

static const struct err_entry err_table[] = {
	ERR(STD_OK, "ok"),
	ERR(RPC_FAILURE, "transaction failed"),
	ERR(RPC_NOTFOUND, "server not found"),
	ERR(RPC_BADADDRESS, "bad buffer address or size"),
	ERR(RPC_ABORTED, "transaction aborted"),
	ERR(RPC_TRYAGAIN, "try again"),
	ERR(RPC_COMBAD, "bad command"),
	ERR(RPC_REMOTERPC, "remote transaction"),
	ERR(RPC_BADPORT, "null or bad port"),
	ERR(RPC_UNSAFE, "server reachable only over an unsafe network"),
	ERR(STD_CAPBAD, "capability bad"),
	ERR(STD_COMBAD, "command not supported"),
	ERR(STD_ARGBAD, "bad argument"),
	ERR(STD_NOTNOW, "not now, try later"),
	ERR(STD_NOSPACE, "no space left"),
	ERR(STD_DENIED, "permission denied"),
	ERR(STD_NOMEM, "out of memory"),
	ERR(STD_EXISTS, "already exists"),
	ERR(STD_NOTFOUND, "not found"),
	ERR(STD_SYSERR, "internal server error"),
	ERR(STD_INTR, "interrupted"),
	ERR(STD_OVERFLOW, "buffer too small"),
	ERR(STD_WRITEPROT, "write-protected"),
	ERR(STD_NOMEDIUM, "no medium"),
	/* soap.ail's: path names make every tool a client of SOAP. */
	ERR(SP_NOTEMPTY, "directory not empty"),
	ERR(SP_UNREACH, "no replica reachable"),
	ERR(SP_CLASH, "entry changed since it was read"),
};

static const struct err_entry *err_find(errstat err)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(err_table); i++)
		if (err_table[i].code == err)
			return &err_table[i];
	return NULL;
}

const char *err_name(errstat err)
{
	const struct err_entry *e = err_find(err);

	return e ? e->name : NULL;
}

const char *err_why(errstat err)
{
	/* Per thread, so that threads reporting errors do not mix texts. */
	static __thread char unknown[32];
	const struct err_entry *e = err_find(err);

	if (e)
		return e->why;
	snprintf(unknown, sizeof(unknown), "unknown error %d", (int)err);
	return unknown;
}
