/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Transactions: trans, getreq and putrep, as in Amoeba, over a transport
 * chosen at run time.
 *
 * The transport is named by the environment variable AMOEBA_TRANSPORT, or
 * else by the first "transport NAME" line of the file named by
 * AMOEBA_CONFIG (default /etc/amoeba/amoeba.conf), or else it is "kernel":
 *
 *   kernel  the AF_AMOEBA socket of the amoeba module (the default)
 *   udp     FLIP over UDP in user space, driven by the same flip/ engine
 *   dpdk    the kernel-bypass path (not built into this library yet)
 *
 * A transport that cannot be opened makes every call fail with
 * RPC_FAILURE; am_rpc_error() says why in words.
 */
#ifndef AMOEBA_RPC_H
#define AMOEBA_RPC_H

#include <stddef.h>
#include <stdint.h>
#include <amoeba/err.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Client: send @reqlen bytes of @req with header @reqhdr (h_port the
 * service's put-port) and wait for the reply: its header in *rephdr, up to
 * @replen bytes of its data in @rep.  Returns the length of the reply data
 * (compare with rephdr->h_size to see whether it was cut short), or a
 * negative RPC_* code: RPC_NOTFOUND (no server for the port), RPC_FAILURE
 * (the server was found but the call failed; it may have run), RPC_ABORTED
 * (a signal), RPC_BADADDRESS (a buffer over AM_MAXBUF).  The service's own
 * status is rephdr->h_status.
 */
int32_t trans(const struct am_hdr *reqhdr, const void *req, size_t reqlen,
	      struct am_hdr *rephdr, void *rep, size_t replen);
/*
 * As Amoeba's timeout(): from now on, this thread's trans calls (and so
 * every client stub it calls) fail with RPC_FAILURE after @ms
 * milliseconds, 0 being the transport's default.  Returns the previous
 * value, to put back.  A server calling another server uses it to answer
 * its own client before that client's call gives up.
 */
uint32_t am_timeout(uint32_t ms);
/* As trans, failing with RPC_FAILURE after @ms milliseconds (0: default). */
int32_t trans_timeout(const struct am_hdr *reqhdr, const void *req,
		      size_t reqlen, struct am_hdr *rephdr, void *rep,
		      size_t replen, uint32_t ms);

/*
 * Server: wait for a request to the put-port F(hdr->h_port), hdr->h_port
 * being the secret get-port.  Returns the request's length (up to @len
 * bytes of it in @buf; the header in *hdr, h_size its full length) or a
 * negative RPC_* code.  Each thread answers its request with putrep
 * before its next getreq, as in Amoeba; many threads may serve one port.
 */
int32_t getreq(struct am_hdr *hdr, void *buf, size_t len);
/* As getreq, failing with RPC_FAILURE after @ms milliseconds (0: never). */
int32_t getreq_timeout(struct am_hdr *hdr, void *buf, size_t len,
		       uint32_t ms);
/*
 * Answer this thread's request with header @hdr and @len bytes of @buf.
 * STD_OK, or RPC_FAILURE (the client is gone or did not take the reply),
 * RPC_ABORTED (a signal), RPC_BADADDRESS (no request being served).
 */
int32_t putrep(const struct am_hdr *hdr, const void *buf, size_t len);
/* As putrep, giving up after @ms milliseconds without progress. */
int32_t putrep_timeout(const struct am_hdr *hdr, const void *buf, size_t len,
		       uint32_t ms);

/* The name of the transport in use ("kernel", "udp", ...), opening it. */
const char *am_transport(void);
/* Why the last call of this thread failed, in words (never NULL). */
const char *am_rpc_error(void);

#ifdef __cplusplus
}
#endif

#endif /* AMOEBA_RPC_H */
