/* SPDX-License-Identifier: GPL-2.0 */
/*
 * FLIP engine: the Amoeba RPC protocol without I/O.
 *
 * The engine encodes and decodes FLIP packets, keeps the port cache, runs
 * the client side of a transaction (locate, request, retransmit, give up)
 * and the server's duplicate-request filter.  It never reads a socket or a
 * clock and never allocates: hosts (the kernel module, the DPDK loop, user
 * space, fuzzers) pass it packets, the time in nanoseconds and the memory
 * it works in, and carry out the actions it returns.  All callers hold
 * whatever lock protects the structure they pass in.
 */
#ifndef FLIP_FLIP_H
#define FLIP_FLIP_H

#include "flip_types.h"
#include <linux/amoeba.h>

#define FLIP_VERSION		1
#define FLIP_HDR_LEN		40
#define FLIP_RPC_HDR_LEN	16
#define AM_HDR_WIRE_LEN		32
/* Headers in front of the data of a request or reply. */
#define FLIP_RPC_DATA_OFF	(FLIP_HDR_LEN + FLIP_RPC_HDR_LEN + AM_HDR_WIRE_LEN)
#define FLIP_MAX_HOPS		25
/* The hop limit hosts put on what they send: routers between two hosts. */
#define FLIP_HOPS_DEFAULT	8
/* Body of a RECEIVED packet: bytes received, bytes granted. */
#define FLIP_FLOW_LEN		8

/* The largest message (request or reply data). */
#define FLIP_MSG_MAX		AM_MAXBUF
/*
 * Flow control: a sender may start with this many bytes of a message in
 * flight; the receiver grants this much more beyond what it holds each
 * time half of it has arrived.
 */
#define FLIP_WINDOW		(256 * 1024)

/* The null FLIP address: the destination of broadcasts, never an endpoint. */
#define FLIP_ADDR_BROADCAST	0ULL

enum flip_type {
	FLIP_LOCATE = 1,
	FLIP_HEREIS,
	FLIP_UNIDATA,
	FLIP_MULTIDATA,
	FLIP_NOTHERE,
	FLIP_UNTRUSTED,
	FLIP_TYPE_MAX = FLIP_UNTRUSTED,
};

enum flip_rpc_type {
	FLIP_RPC_LOCATE = 1,	/* broadcast: who serves this put-port? */
	FLIP_RPC_HEREIS,	/* unicast answer to LOCATE */
	FLIP_RPC_REQUEST,
	FLIP_RPC_REPLY,
	FLIP_RPC_ACK,		/* server: the request is executing */
	FLIP_RPC_ABORT,		/* client: the transaction is abandoned */
	FLIP_RPC_ENQUIRE,
	FLIP_RPC_ALIVE,
	FLIP_RPC_RECEIVED,	/* receiver of a message: progress, grant */
	FLIP_RPC_FORWARD,
	FLIP_RPC_FAIL,		/* server: no such transaction */
	FLIP_RPC_TYPE_MAX = FLIP_RPC_FAIL,
};

#define FLIP_RPC_F_RETRANS	0x02
/*
 * On an ACK from a server: the request it acknowledges is executing.  On
 * RECEIVED: it is about the request (else about the reply).
 */
#define FLIP_RPC_F_REQUEST	0x04
/*
 * On a fragment of a REQUEST or REPLY: answer with RECEIVED now.  On a
 * RECEIVED: this answers such a fragment, so everything the sender sent
 * before it has arrived or is lost.
 */
#define FLIP_RPC_F_ASK		0x08

/* Why a packet was dropped; each has a counter in /proc/net/amoeba. */
enum flip_drop {
	FLIP_DROP_NONE,
	FLIP_DROP_SHORT,	/* shorter than its headers */
	FLIP_DROP_VERSION,	/* unknown FLIP version */
	FLIP_DROP_TYPE,		/* unknown FLIP packet type */
	FLIP_DROP_LENGTH,	/* length fields disagree with the frame */
	FLIP_DROP_FRAGMENT,	/* fragment inconsistent with its message */
	FLIP_DROP_HOPS,		/* hop count over its limit */
	FLIP_DROP_RPCTYPE,	/* unknown RPC packet type */
	FLIP_DROP_NOTFORUS,	/* addressed to another host or address */
	FLIP_DROP_NOSOCK,	/* no socket for the address or port */
	FLIP_DROP_NOMEM,
	FLIP_DROP_STALE,	/* answers no transaction in progress */
	FLIP_DROP_DUP,		/* duplicate request, already handled */
	FLIP_DROP_FULL,		/* server's queue or duplicate filter full */
	FLIP_DROP_BUDGET,	/* no memory budget left for a message */
	FLIP_DROP_NOROUTE,	/* no route to forward on, or peer gone */
	FLIP_DROP_MAX,
};

extern const char *const flip_drop_names[FLIP_DROP_MAX];

struct flip_hdr {
	u8	version;
	u8	type;
	u8	flags;
	u8	reserved;
	u16	act_hop;
	u16	max_hop;
	u64	dst;
	u64	src;
	u32	messid;
	u32	length;		/* bytes after this header in this packet */
	u32	offset;		/* of this packet's data in its message */
	u32	total;		/* data bytes of the whole message */
};

struct flip_rpc_hdr {
	u8		type;
	u8		flags;
	struct am_port	port;
	u32		tid;
	/*
	 * On a REQUEST: an earlier transaction of the same client that is
	 * over, so the server may drop its copy of that reply (0: none).
	 * Acknowledging replies this way costs no packet of its own.
	 */
	u32		ack;
};

/* Progress of one message, from its receiver: RECEIVED packets only. */
struct flip_flow {
	u32	received;	/* every byte below this has arrived */
	u32	grant;		/* the sender may send data below this */
	bool	answer;		/* FLIP_RPC_F_ASK on the RECEIVED */
};

/*
 * A decoded packet; @data points into the buffer that was parsed.  A
 * request or reply larger than a frame travels as fragments, each with its
 * place (fh.offset) in the message (fh.total bytes); the Amoeba header
 * comes once, with the fragment at offset 0.
 */
struct flip_pkt {
	struct flip_hdr		fh;
	struct flip_rpc_hdr	rh;
	struct am_hdr		ah;	/* REQUEST and REPLY at offset 0 */
	struct flip_flow	fl;	/* RECEIVED */
	const u8		*data;
	u32			datalen;
};

static inline bool flip_pkt_whole(const struct flip_pkt *pkt)
{
	return !pkt->fh.offset && pkt->datalen == pkt->fh.total;
}

/*
 * Whether a receiver answers this fragment of a request or reply even when
 * it holds it already or has nowhere to take it: the first or last of a
 * burst, or one that asks (FLIP_RPC_F_ASK).  Answering every copy of a
 * burst would multiply the packets of a repair.
 */
static inline bool flip_pkt_answered(const struct flip_pkt *pkt)
{
	return !pkt->fh.offset || (pkt->rh.flags & FLIP_RPC_F_ASK) ||
	       pkt->fh.offset + pkt->datalen == pkt->fh.total;
}

/* Whether to tell the sender of @pkt that its destination is gone. */
static inline bool flip_tell_nothere(const struct flip_pkt *pkt)
{
	return pkt->fh.type == FLIP_UNIDATA &&
	       (pkt->rh.type == FLIP_RPC_REQUEST ||
		pkt->rh.type == FLIP_RPC_REPLY) &&
	       flip_pkt_answered(pkt);
}

enum flip_drop flip_parse(const u8 *buf, size_t len, struct flip_pkt *pkt);
size_t flip_hdrs_len(u8 rpc_type, u32 offset);
size_t flip_write(u8 *buf, const struct flip_pkt *pkt);
void am_hdr_put(u8 *p, const struct am_hdr *h);
void am_hdr_get(const u8 *p, struct am_hdr *h);

static inline bool flip_port_null(const struct am_port *p)
{
	static const struct am_port null;

	return !memcmp(p, &null, sizeof(*p));
}

static inline bool flip_port_eq(const struct am_port *a, const struct am_port *b)
{
	return !memcmp(a, b, sizeof(*a));
}

u32 flip_port_hash(const struct am_port *p);

/*
 * How to reach a FLIP address on a link: opaque to the engine.  For
 * Ethernet the host stores the interface index and MAC address;
 * ifindex 0 means "this host".
 */
struct flip_link {
	u32	ifindex;
	u8	lladdr[20];
};

/*
 * Routes, for a host that forwards FLIP between its links: which link and
 * neighbour lead to a FLIP address, learnt from the source of every packet
 * that arrives over a link, as a learning bridge does.  Set-associative
 * like the port cache; a route is replaced by one of no more hops, by any
 * news over the same link, or once it is older than @ttl.
 */
#define FLIP_ROUTE_WAYS		4

struct flip_route_ent {
	u64			addr;	/* 0: slot empty */
	struct flip_link	link;
	u16			hops;	/* routers between here and addr */
	u64			stamp;
};

struct flip_route {
	struct flip_route_ent	*ent;
	u32			nsets;
	u64			ttl;
};

void flip_route_init(struct flip_route *rt, struct flip_route_ent *ent,
		     u32 nent, u64 ttl);
void flip_route_learn(struct flip_route *rt, u64 addr,
		      const struct flip_link *from, u16 hops, u64 now);
const struct flip_route_ent *flip_route_lookup(const struct flip_route *rt,
					       u64 addr, u64 now);

/*
 * Broadcasts a router has passed on lately, by (source, messid), so one
 * that comes back round a loop is not passed on again.
 */
#define FLIP_SEEN_SIZE		64

struct flip_seen {
	struct {
		u64	src;
		u32	messid;
	} e[FLIP_SEEN_SIZE];
	u32	next;
};

bool flip_seen(struct flip_seen *s, u64 src, u32 messid);

/*
 * What a router does with a packet no local socket takes: pass a
 * broadcast on over every other link, a unicast over its route; either way
 * with act_hop raised (in @pkt, for the host to write back with
 * flip_set_hops()).  On FLIP_FWD_DROP, @why says why.
 */
enum flip_fwd {
	FLIP_FWD_DROP,
	FLIP_FWD_FLOOD,
	FLIP_FWD_ROUTE,		/* to *to */
};

enum flip_fwd flip_forward(const struct flip_route *rt, struct flip_seen *seen,
			   struct flip_pkt *pkt, const struct flip_link *from,
			   u64 now, struct flip_link *to, enum flip_drop *why);
void flip_set_hops(u8 *buf, const struct flip_hdr *fh);

/*
 * Round-trip estimate of one server (Jacobson's smoothed mean and mean
 * deviation, in ns; srtt 0 = no sample yet).
 */
struct flip_rtt {
	u64	srtt;
	u64	rttvar;
};

void flip_rtt_sample(struct flip_rtt *r, u64 sample);

/*
 * Port cache: put-port -> (FLIP address, link), set-associative; the least
 * recently confirmed entry of a full set is replaced, and entries not
 * confirmed for @ttl ns expire.  The host provides the entry
 * array (a multiple of FLIP_PCACHE_WAYS entries).
 */
#define FLIP_PCACHE_WAYS	4

struct flip_pcache_ent {
	struct am_port		port;
	u64			addr;	/* 0: slot empty */
	struct flip_link	link;
	struct flip_rtt		rtt;
	u64			stamp;	/* when entered or last confirmed */
};

struct flip_pcache {
	struct flip_pcache_ent	*ent;
	u32			nsets;
	u64			ttl;
};

void flip_pcache_init(struct flip_pcache *pc, struct flip_pcache_ent *ent,
		      u32 nent, u64 ttl);
const struct flip_pcache_ent *flip_pcache_lookup(struct flip_pcache *pc,
						 const struct am_port *port,
						 u64 now);
void flip_pcache_enter(struct flip_pcache *pc, const struct am_port *port,
		       u64 addr, const struct flip_link *link, u64 rtt_sample,
		       u64 now);
void flip_pcache_confirm(struct flip_pcache *pc, const struct am_port *port,
			 u64 addr, u64 rtt_sample, u64 now);
void flip_pcache_forget(struct flip_pcache *pc, const struct am_port *port,
			u64 addr);

/*
 * Protocol timing, in ns; flip_timing_default holds the defaults.  A
 * request is retransmitted after rto = srtt + 4 * rttvar of its server,
 * kept within [rto_min, rto_max], doubling with each retransmission.
 */
struct flip_timing {
	u64	locate_interval;	/* between LOCATE broadcasts */
	u64	rto_initial;		/* rto while nothing is measured */
	u64	rto_min;
	u64	rto_max;		/* also the backoff ceiling */
	u64	enquire_interval;	/* poll ceiling once the server is busy */
};

u64 flip_rto(const struct flip_rtt *r, const struct flip_timing *tm);

extern const struct flip_timing flip_timing_default;

/*
 * Sending one message in fragments of @frag bytes, within the receiver's
 * grant.  The host pulls fragments with flip_tx_next() and feeds the
 * receiver's RECEIVED packets to flip_tx_received().  When no progress
 * comes in time (flip_tx_expire) it repairs: it asks the receiver where it
 * stands with the first fragment it lacks, and on the answer resends what
 * is still missing of what was sent, asking again, until the receiver
 * holds it all; then it goes on.  The host flags FLIP_RPC_F_ASK on every
 * fragment after which flip_tx_asks() is true.  A message that fits one
 * fragment is sent the same way, once per (re)transmission.
 */
struct flip_tx {
	u32	total;
	u32	frag;		/* 0: not sized for a link yet */
	u32	next;		/* offset of the next fragment to send */
	u32	stop;		/* this burst ends before this offset */
	u32	acked;		/* the receiver holds [0, acked) */
	u32	grant;		/* the receiver takes data below this */
	u32	high;		/* everything below was sent at least once */
	u32	backoff;	/* retransmissions without progress */
	u64	timer;		/* when to go back, if armed */
	u32	repair;		/* repairing what lies below this, or 0 */
	u64	since;		/* last progress not after a go-back, or 0 */
	struct flip_rtt	gap;	/* time between progress reports */
};

void flip_tx_init(struct flip_tx *tx, u32 total);
void flip_tx_size(struct flip_tx *tx, u32 frag);
bool flip_tx_next(struct flip_tx *tx, u32 *off, u32 *len);
bool flip_tx_received(struct flip_tx *tx, const struct flip_flow *fl,
		      u64 now);
u64 flip_tx_wait(const struct flip_tx *tx, u64 rto);
void flip_tx_goback(struct flip_tx *tx);
void flip_tx_repair(struct flip_tx *tx);
void flip_tx_probe(struct flip_tx *tx);
void flip_tx_arm(struct flip_tx *tx, u64 now, u64 rto, u64 rto_max);
bool flip_tx_expire(struct flip_tx *tx, u64 now);

/* Whether flip_tx_next() has a fragment to give now. */
static inline bool flip_tx_more(const struct flip_tx *tx)
{
	return tx->frag && tx->next < tx->stop && tx->next < tx->grant;
}

/* After flip_tx_next(): whether that fragment asks for an answer. */
static inline bool flip_tx_asks(const struct flip_tx *tx)
{
	return tx->repair && tx->next >= tx->stop;
}

static inline bool flip_tx_multi(const struct flip_tx *tx)
{
	return tx->frag && tx->total > tx->frag;
}

static inline bool flip_tx_done(const struct flip_tx *tx)
{
	return tx->total && tx->acked == tx->total;
}

/*
 * Receiving one message of several fragments: which byte ranges have
 * arrived, and when to tell the sender (RECEIVED).  The host keeps the data
 * of every fragment flip_rx_add() calls new.  Fragments never partly
 * overlap when the sender is sound; one that does is refused, as is one
 * that would leave more than FLIP_RX_HOLES gaps.
 */
#define FLIP_RX_HOLES		8

enum flip_rx_verdict {
	FLIP_RX_NEW,		/* keep this fragment's data */
	FLIP_RX_DUP,		/* every byte of it is here already */
	FLIP_RX_BAD,		/* overlaps, beyond the grant, or too many gaps */
};

struct flip_rx_range {
	u32	start;
	u32	end;
};

struct flip_rx {
	u32			total;
	u32			prefix;		/* [0, prefix) has arrived */
	u32			granted;	/* the sender may send below this */
	u32			told;		/* prefix in the last RECEIVED */
	bool			tell;		/* a RECEIVED is due */
	bool			answer;		/* ...answering an ASK */
	u8			nr;
	struct flip_rx_range	r[FLIP_RX_HOLES];	/* beyond prefix */
	u64			stamp;		/* last progress */
};

void flip_rx_init(struct flip_rx *rx, u32 total, u64 now);
enum flip_rx_verdict flip_rx_add(struct flip_rx *rx, u32 off, u32 len,
				 u64 now);
bool flip_rx_flow(struct flip_rx *rx, struct flip_flow *fl);

/* A fragment flagged FLIP_RPC_F_ASK arrived: answer it, new or not. */
static inline void flip_rx_ask(struct flip_rx *rx)
{
	rx->tell = true;
	rx->answer = true;
}

static inline bool flip_rx_complete(const struct flip_rx *rx)
{
	return rx->prefix == rx->total;
}

/*
 * Client transaction.  Each call returns a mask of FLIP_ACT_* for the host
 * to carry out, in this order: forget the port cache entry naming t->moved
 * (the server left that address), send a LOCATE broadcast for t->port,
 * send the request to t->server (flagged retransmission when t->sends > 1),
 * and report completion (t->result).
 */
#define FLIP_ACT_LOCATE		0x01
#define FLIP_ACT_REQUEST	0x02
#define FLIP_ACT_DONE		0x08
#define FLIP_ACT_FORGET		0x10	/* drop t->moved from the port cache */
#define FLIP_ACT_KEEP		0x20	/* keep this reply fragment's data */
#define FLIP_ACT_RECEIVED	0x40	/* tell the server flip_rx_flow(t->rep) */

enum flip_trans_state {
	FLIP_TRANS_LOCATE,
	FLIP_TRANS_REQUEST,
	FLIP_TRANS_DONE,
};

enum flip_trans_result {
	FLIP_RES_OK,
	FLIP_RES_NOTFOUND,	/* nobody answered LOCATE: RPC_NOTFOUND */
	FLIP_RES_TIMEOUT,	/* no reply in time: RPC_FAILURE */
	FLIP_RES_GONE,		/* the server is gone: RPC_FAILURE */
	FLIP_RES_ABORTED,	/* the host gave up (signal): RPC_ABORTED */
};

struct flip_trans {
	enum flip_trans_state	state;
	enum flip_trans_result	result;
	struct am_port		port;
	u64			server;
	u64			moved;	/* a former address of the server */
	struct flip_link	link;
	u32			tid;
	u32			sends;	/* request transmissions */
	bool			busy;	/* the server said it is executing */
	struct flip_tx		req;	/* sending the request */
	struct flip_rx		rep;	/* a reply in several fragments */
	struct am_hdr		rephdr;	/* ... and its header, once here */
	u64			wait;	/* current retransmission interval */
	u64			deadline;
	u64			timer;	/* next locate or retransmission */
	u64			sent_at; /* last request transmission */
	u64			locate_at; /* first LOCATE broadcast */
	struct flip_rtt		rtt;
	/*
	 * A fresh round-trip measurement for the host to enter in the port
	 * cache (0: none): from the HEREIS, or from a reply to a request
	 * sent once (a reply to a retransmitted one is ambiguous).
	 */
	u64			rtt_sample;
	const struct flip_timing *tm;
};

unsigned int flip_trans_start(struct flip_trans *t, const struct am_port *port,
			      u32 tid, u32 reqlen,
			      const struct flip_pcache_ent *cached,
			      u64 now, u64 timeout,
			      const struct flip_timing *tm);
void flip_trans_sent(struct flip_trans *t, u64 now);
unsigned int flip_trans_input(struct flip_trans *t, const struct flip_pkt *pkt,
			      const struct flip_link *from, u64 now);
unsigned int flip_trans_expire(struct flip_trans *t, u64 now);
void flip_trans_abort(struct flip_trans *t);
u64 flip_trans_expiry(const struct flip_trans *t);

/*
 * Server duplicate filter: one entry per (client address, tid) from the
 * moment a request arrives until @linger ns after the reply (the reply
 * copy itself goes as soon as the client's next request acknowledges it).  A retransmitted request is
 * answered from here, never executed again.  Set-associative; the host
 * provides the entries (a multiple of FLIP_DEDUP_WAYS) and owns the
 * reply copies, which the engine hands back through @drop_reply.
 */
#define FLIP_DEDUP_WAYS		8

enum flip_dedup_state {
	FLIP_DEDUP_FREE,
	FLIP_DEDUP_BUSY,	/* delivered or queued, no reply yet */
	FLIP_DEDUP_REPLIED,
};

struct flip_dedup_ent {
	u64	client;
	u32	tid;
	u8	state;
	u64	stamp;
	void	*reply;		/* host's copy of the reply, or NULL */
};

struct flip_dedup {
	struct flip_dedup_ent	*ent;
	u32			nsets;
	u64			linger;
	void			(*drop_reply)(void *reply);
};

enum flip_verdict {
	FLIP_NEW,		/* deliver; an entry now records it */
	FLIP_DUP_BUSY,		/* executing: answer ACK */
	FLIP_DUP_REPLIED,	/* answer with the cached reply */
	FLIP_FULL,		/* no room: drop, the client retransmits */
};

void flip_dedup_init(struct flip_dedup *d, struct flip_dedup_ent *ent,
		     u32 nent, u64 linger, void (*drop_reply)(void *reply));
enum flip_verdict flip_dedup_request(struct flip_dedup *d, u64 client, u32 tid,
				     u64 now, struct flip_dedup_ent **entp);
struct flip_dedup_ent *flip_dedup_find(struct flip_dedup *d, u64 client,
				       u32 tid);
void flip_dedup_replied(struct flip_dedup_ent *e, void *reply, u64 now);
void flip_dedup_acked(struct flip_dedup *d, struct flip_dedup_ent *e);
void flip_dedup_release(struct flip_dedup *d, struct flip_dedup_ent *e);
void flip_dedup_clear(struct flip_dedup *d);

#endif /* FLIP_FLIP_H */
