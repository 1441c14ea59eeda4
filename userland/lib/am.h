/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libamoeba internals shared by its files: configuration, the transports
 * behind trans/getreq/putrep, and the per-thread error text.
 */
#ifndef AMOEBA_LIB_AM_H
#define AMOEBA_LIB_AM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <amoeba/rpc.h>

#define __printf(a, b)	__attribute__((format(printf, a, b)))
#define ARRAY_SIZE(x)	(sizeof(x) / sizeof((x)[0]))

/*
 * A setting: the environment variable AMOEBA_<KEY> (upper case), else the
 * line "KEY VALUE" of the configuration file, else NULL.  The string stays
 * valid for the life of the process.
 */
const char *am_config(const char *key);
/* @s without the white space at either end (cut in place). */
char *am_trim(char *s);

/* Set this thread's am_rpc_error() text; returns @err for convenience. */
__printf(2, 3) int32_t am_fail(int32_t err, const char *fmt, ...);

/* The request a thread is serving, between getreq and putrep. */
struct am_serving {
	void		*port;		/* the transport's record of the port */
	uint32_t	id;
	bool		busy;
};

/*
 * A transport.  open() runs once, before the first call; it returns 0, or
 * an RPC_* code with am_fail() text saying why.  The calls return what the
 * public functions of <amoeba/rpc.h> return; ms 0 means the default.
 */
struct am_tp {
	const char	*name;
	int32_t		(*open)(void);
	int32_t		(*trans)(const struct am_hdr *reqhdr, const void *req,
				 size_t reqlen, struct am_hdr *rephdr,
				 void *rep, size_t replen, uint32_t ms);
	int32_t		(*getreq)(const struct am_port *getport,
				  struct am_hdr *hdr, void *buf, size_t len,
				  uint32_t ms, struct am_serving *s);
	int32_t		(*putrep)(struct am_serving *s,
				  const struct am_hdr *hdr, const void *buf,
				  size_t len, uint32_t ms);
};

extern const struct am_tp am_tp_kernel;
extern const struct am_tp am_tp_udp;
extern const struct am_tp am_tp_dpdk;

#endif /* AMOEBA_LIB_AM_H */
