// SPDX-License-Identifier: GPL-2.0
/*
 * trans, getreq and putrep: pick the transport once per process, keep the
 * request each thread is serving, and check what every transport would
 * otherwise check again.
 */
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "am.h"

static const struct am_tp *const transports[] = {
	&am_tp_kernel,
	&am_tp_udp,
	&am_tp_dpdk,
};

static const struct am_tp *tp;
static int32_t tp_status;		/* open()'s result */
static char tp_why[256];		/* ...and why, if it failed */
static pthread_once_t tp_once = PTHREAD_ONCE_INIT;

static __thread char why[256];
static __thread struct am_serving serving;

int32_t am_fail(int32_t err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	return err;
}

const char *am_rpc_error(void)
{
	return why[0] ? why : "no error";
}

static void tp_choose(void)
{
	const char *name = am_config("transport");
	size_t i;

	if (!name)
		name = "kernel";
	for (i = 0; i < ARRAY_SIZE(transports); i++)
		if (!strcmp(transports[i]->name, name))
			tp = transports[i];
	if (!tp) {
		tp_status = am_fail(RPC_FAILURE,
				    "unknown transport \"%s\" (AMOEBA_TRANSPORT or the configuration file): kernel, udp or dpdk",
				    name);
	} else {
		why[0] = '\0';
		tp_status = tp->open();
	}
	snprintf(tp_why, sizeof(tp_why), "%s", why);
}

/* The transport, or NULL with this thread's error text set. */
static const struct am_tp *tp_get(void)
{
	pthread_once(&tp_once, tp_choose);
	if (tp_status) {
		snprintf(why, sizeof(why), "%s", tp_why);
		return NULL;
	}
	return tp;
}

const char *am_transport(void)
{
	pthread_once(&tp_once, tp_choose);
	return tp ? tp->name : "none";
}

static int32_t check_buf(const void *buf, size_t len, const char *what)
{
	if (len > AM_MAXBUF)
		return am_fail(RPC_BADADDRESS,
			       "%s buffer of %zu bytes: more than %u", what,
			       len, AM_MAXBUF);
	if (!buf && len)
		return am_fail(RPC_BADADDRESS, "%s buffer NULL with %zu bytes",
			       what, len);
	return 0;
}

int32_t trans_timeout(const struct am_hdr *reqhdr, const void *req,
		      size_t reqlen, struct am_hdr *rephdr, void *rep,
		      size_t replen, uint32_t ms)
{
	const struct am_tp *t = tp_get();
	int32_t err;

	if (!t)
		return tp_status;
	if (!reqhdr || !rephdr)
		return am_fail(RPC_BADADDRESS, "trans: NULL header");
	err = check_buf(req, reqlen, "trans: request");
	if (err)
		return err;
	/* More room than any reply needs is not an error. */
	if (replen > AM_MAXBUF)
		replen = AM_MAXBUF;
	err = check_buf(rep, replen, "trans: reply");
	if (err)
		return err;
	return t->trans(reqhdr, req, reqlen, rephdr, rep, replen, ms);
}

static __thread uint32_t trans_ms;

uint32_t am_timeout(uint32_t ms)
{
	uint32_t old = trans_ms;

	trans_ms = ms;
	return old;
}

int32_t trans(const struct am_hdr *reqhdr, const void *req, size_t reqlen,
	      struct am_hdr *rephdr, void *rep, size_t replen)
{
	return trans_timeout(reqhdr, req, reqlen, rephdr, rep, replen,
			     trans_ms);
}

int32_t getreq_timeout(struct am_hdr *hdr, void *buf, size_t len,
		       uint32_t ms)
{
	const struct am_tp *t = tp_get();
	struct am_port getport;
	int32_t err;

	if (!t)
		return tp_status;
	if (!hdr)
		return am_fail(RPC_BADADDRESS, "getreq: NULL header");
	if (serving.busy)
		return am_fail(RPC_FAILURE,
			       "getreq while serving request %u: putrep first",
			       serving.id);
	if (len > AM_MAXBUF)
		len = AM_MAXBUF;
	err = check_buf(buf, len, "getreq");
	if (err)
		return err;
	getport = hdr->h_port;
	if (!memcmp(&getport, &(struct am_port){ { 0 } }, sizeof(getport)))
		return am_fail(RPC_BADPORT, "getreq: null get-port");
	err = t->getreq(&getport, hdr, buf, len, ms, &serving);
	if (err >= 0)
		serving.busy = true;
	return err;
}

int32_t getreq(struct am_hdr *hdr, void *buf, size_t len)
{
	return getreq_timeout(hdr, buf, len, 0);
}

int32_t putrep_timeout(const struct am_hdr *hdr, const void *buf, size_t len,
		       uint32_t ms)
{
	const struct am_tp *t = tp_get();
	int32_t err;

	if (!t)
		return tp_status;
	if (!serving.busy)
		return am_fail(RPC_BADADDRESS, "putrep without a request");
	if (!hdr)
		return am_fail(RPC_BADADDRESS, "putrep: NULL header");
	err = check_buf(buf, len, "putrep");
	if (err)
		return err;
	return t->putrep(&serving, hdr, buf, len, ms);
}

int32_t putrep(const struct am_hdr *hdr, const void *buf, size_t len)
{
	return putrep_timeout(hdr, buf, len, 0);
}
