/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * AF_AMOEBA: the user-space ABI of the Amoeba RPC socket family and the
 * wire constants of FLIP, the protocol it speaks.
 *
 * Everything user space, the kernel module, the protocol engine and the
 * DPDK host agree on is defined here, once.  Structures in this header are
 * in host byte order; on the wire every integer is big-endian (see
 * Documentation/networking/flip.rst).
 */
#ifndef _UAPI_LINUX_AMOEBA_H
#define _UAPI_LINUX_AMOEBA_H

#include <linux/types.h>
#include <linux/ioctl.h>
#include <linux/socket.h>

/*
 * Address family.  A module cannot add a number above AF_MAX, so AF_AMOEBA
 * reuses AF_SNA (22), which no Linux kernel registers.  The module parameter
 * "family" overrides it; /sys/module/amoeba/parameters/family shows the
 * number in use.
 */
#define AF_AMOEBA		22
#define PF_AMOEBA		AF_AMOEBA

/* Ethernet type of FLIP frames: the one Amoeba 5 used. */
#define ETH_P_FLIP		0x8146

#define AM_PORTSIZE		6
#define AM_PRIVSIZE		10
#define AM_CAPSIZE		16

/* A 48-bit port: get-ports are secret, put-ports are public. */
struct am_port {
	__u8	p[AM_PORTSIZE];
};

/* The private part of a capability: object, rights and check field. */
struct am_priv {
	__u8		prv_object[3];	/* 24-bit object number, low byte first */
	__u8		prv_rights;
	struct am_port	prv_random;	/* 48-bit check field */
};

struct am_cap {
	struct am_port	cap_port;	/* put-port of the managing service */
	struct am_priv	cap_priv;
};

/*
 * The 32-byte Amoeba RPC header carried by every request and reply.
 * In a request h_port is the service's put-port; in a reply the kernel
 * leaves the server's fields untouched.  h_command is the operation code in
 * a request and, as h_status, the result in a reply (negative = error).
 */
struct am_hdr {
	struct am_port	h_port;
	struct am_port	h_signature;
	struct am_priv	h_priv;
	union {
		__u16	h_command;
		__s16	h_status;
	};
	__s32		h_offset;
	__u16		h_size;
	__u16		h_extra;
};

/* Socket address: the get-port a server binds (bind(2) only). */
struct sockaddr_amoeba {
	__kernel_sa_family_t	sam_family;	/* AF_AMOEBA */
	__u16			sam_zero;	/* must be 0 */
	struct am_port		sam_port;
	__u8			sam_pad[6];	/* must be 0 */
};

/*
 * One direction of an RPC: header, plus a user buffer of @size bytes.
 * @id identifies a request between getreq and putrep; it is 0 in trans.
 */
struct am_io {
	struct am_hdr	hdr;
	__aligned_u64	buf;		/* user pointer */
	__u32		size;		/* bytes to send, or room to receive */
	__u32		id;
};

/*
 * AMIOC_TRANS: send @req to the service whose put-port is req.hdr.h_port,
 * wait for its reply, store it in @rep.  Returns the number of reply bytes
 * copied to rep.buf (at most rep.size; compare with rep.hdr.h_size to see
 * truncation).  @timeout_ms 0 means the socket's SO_RCVTIMEO, or the
 * module's default when that is unset.  @flags must be 0.
 */
struct am_trans {
	struct am_io	req;
	struct am_io	rep;
	__u32		timeout_ms;
	__u32		flags;
};

#define AMIOC_MAGIC	'A'
/* Client: transact.  Returns reply length. */
#define AMIOC_TRANS	_IOWR(AMIOC_MAGIC, 1, struct am_trans)
/*
 * Server: wait for the next request to the bound get-port.  Fills hdr, up
 * to size bytes of buf and a fresh id; returns the request length.
 */
#define AMIOC_GETREQ	_IOWR(AMIOC_MAGIC, 2, struct am_io)
/* Server: reply to request @id with hdr and size bytes of buf. */
#define AMIOC_PUTREP	_IOW(AMIOC_MAGIC, 3, struct am_io)

/*
 * putrep with a send timeout of its own, for servers whose threads share
 * a socket: a reply larger than one packet fails with ETIMEDOUT once the
 * client takes nothing new of it for @timeout_ms (0: as AMIOC_PUTREP).
 */
struct am_putrep {
	struct am_io	rep;
	__u32		timeout_ms;
	__u32		flags;		/* must be 0 */
};

#define AMIOC_PUTREP_TIMEO	_IOW(AMIOC_MAGIC, 4, struct am_putrep)

/* Largest buffer (request or reply) one RPC carries: 1 MiB. */
#define AM_MAXBUF	(1U << 20)

/*
 * Amoeba status codes.  Kernel calls report them as errno values (see
 * Documentation/networking/af_amoeba.rst for the mapping); servers put the
 * STD_* codes in h_status.
 */
#define RPC_FAILURE	(-1)
#define RPC_NOTFOUND	(-2)
#define RPC_BADADDRESS	(-3)
#define RPC_ABORTED	(-4)
#define RPC_TRYAGAIN	(-5)
#define RPC_COMBAD	(-6)
#define RPC_REMOTERPC	(-7)
#define RPC_BADPORT	(-8)
#define RPC_UNSAFE	(-9)

#define STD_OK		0
#define STD_CAPBAD	(-1000)
#define STD_COMBAD	(-1001)
#define STD_ARGBAD	(-1002)
#define STD_NOTNOW	(-1003)
#define STD_NOSPACE	(-1004)
#define STD_DENIED	(-1005)
#define STD_NOMEM	(-1006)
#define STD_EXISTS	(-1007)
#define STD_NOTFOUND	(-1008)
#define STD_SYSERR	(-1009)
#define STD_INTR	(-1010)
#define STD_OVERFLOW	(-1011)
#define STD_WRITEPROT	(-1012)
#define STD_NOMEDIUM	(-1013)

#endif /* _UAPI_LINUX_AMOEBA_H */
