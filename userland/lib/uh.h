/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The user-space host of the flip/ engine, shared by the transports that
 * run FLIP in a process (udp, dpdk).  A process has one FLIP address for
 * everything it does and one link that moves its packets; every packet
 * that arrives is dispatched under one lock, waking the thread it is
 * for.  Threads in trans and putrep send their own fragments, straight
 * from the caller's buffer.
 *
 * The core knows nothing of sockets or NICs: a link (struct uh_link)
 * sends a packet to a struct flip_link, broadcasts one, and waits.  The
 * udp link waits on a condition variable while its receiver thread
 * dispatches; a polling link has the waiting thread poll for packets and
 * dispatch them itself.
 *
 * uh_core.c owns dispatch and the settings both links share; uh_client.c
 * the transactions; uh_server.c the served ports, requests and replies;
 * link_udp.c the udp link.
 */
#ifndef AMOEBA_LIB_UH_H
#define AMOEBA_LIB_UH_H

#include <pthread.h>
#include <sys/queue.h>
#include <amoeba/cap.h>

#include "am.h"
#include "flip.h"

#define UH_PCACHE_SIZE	256
#define UH_DEDUP_SIZE	1024
#define UH_PORTS_MAX	64	/* get-ports one process serves */
#define UH_PENDING_MAX	256	/* requests queued per port */
#define UH_RECENT	16
/* Data bytes of requests held while arriving or queued, all ports. */
#define UH_BUDGET	(64U << 20)
#define UH_PARTIAL_IDLE_NS	(10ULL * 1000000000ULL)
#define UH_TIMEOUT_MS	5000	/* trans and putrep, unless configured */

TAILQ_HEAD(uh_trans_list, uh_trans);
TAILQ_HEAD(uh_req_list, uh_req);
TAILQ_HEAD(uh_reptx_list, uh_reptx);

/* A get-port served: its requests wait here for getreq. */
struct uh_port {
	struct am_port		get;
	struct am_port		put;
	struct uh_req_list	pending;
	unsigned int		npending;
	pthread_cond_t		ready;
};

/* A client transaction in progress, on the calling thread's stack. */
struct uh_trans {
	TAILQ_ENTRY(uh_trans)	node;
	struct flip_trans	ft;
	unsigned int		pending_act;	/* for the caller to do */
	pthread_cond_t		wait;
	u32			messid;
	u8			*rep;		/* the caller's reply buffer */
	u32			room;
	u32			replen;		/* once done */
};

/* A request, from its first packet to putrep. */
struct uh_req {
	TAILQ_ENTRY(uh_req)	node;
	struct uh_port		*port;
	u64			client;
	u32			tid;
	u32			id;
	struct flip_link	link;
	struct am_hdr		hdr;
	u32			total;
	u32			reserved;	/* budget held */
	bool			aborted;	/* the client gave up */
	u8			*data;
	struct flip_rx		rx;		/* arriving in fragments */
};

/* A reply in fragments being sent by putrep, on the server's stack. */
struct uh_reptx {
	TAILQ_ENTRY(uh_reptx)	node;
	u64			client;
	u32			tid;
	struct flip_tx		tx;
	bool			gone;		/* the client went or gave up */
	bool			news;
	pthread_cond_t		wait;
};

/*
 * A link: how packets leave and how a thread waits for them.  @send and
 * @broadcast may be called with or without uh.lock held; @wait is called
 * with it held and returns with it held.
 */
struct uh_link {
	const char	*name;		/* of the transport, for messages */
	/* @hlen bytes of headers then @len of data, as one packet: 0/-errno. */
	int		(*send)(const struct flip_link *to, const void *hdrs,
				size_t hlen, const void *data, size_t len);
	/* A header-only packet to every peer the link knows. */
	void		(*broadcast)(const void *hdrs, size_t hlen);
	/*
	 * Until woken through @c, @until (ns, 0: forever) or packets were
	 * dispatched; callers re-check what they wait for and may be
	 * returned to early.
	 */
	void		(*wait)(pthread_cond_t *c, u64 until);
	const char	*(*link_name)(const struct flip_link *link, char *buf,
				      size_t len);
	/* What to add to "no server answered LOCATE": a hint, or "". */
	const char	*(*locate_hint)(char *buf, size_t len);
	/* The clock, if the link has a cheaper one than CLOCK_MONOTONIC. */
	u64		(*now)(void);
};

/* What a process keeps for the transport, all under @lock. */
struct uh_host {
	pthread_mutex_t		lock;
	const struct uh_link	*link;
	u64			addr;		/* this process's FLIP address */
	u32			mtu;		/* largest FLIP packet it builds */
	u32			mtu_min;	/* messages this small go whole */
	u64			timeout_ns;	/* trans and putrep default */
	u32			messid;
	u64			drops[FLIP_DROP_MAX];
	struct flip_pcache	pcache;
	struct flip_pcache_ent	pcache_ent[UH_PCACHE_SIZE];
	/* client */
	struct uh_trans_list	trans;
	u32			next_tid;
	u32			acked;		/* last finished tid */
	u32			recent[UH_RECENT];
	u32			nrecent;
	/* server */
	struct uh_port		*ports[UH_PORTS_MAX];
	int			nports;
	struct uh_req_list	partial;	/* requests still arriving */
	struct uh_req_list	serving;	/* taken, awaiting putrep */
	struct uh_reptx_list	replying;
	u32			reserved;	/* budget in use */
	u32			next_reqid;
	struct flip_dedup	dedup;
	struct flip_dedup_ent	dedup_ent[UH_DEDUP_SIZE];
};

extern struct uh_host uh;

/* uh_core.c */
/* Settings of @link's transport; then uh_init, then packets may flow. */
int32_t uh_setting(const char *tp, const char *key, unsigned long lo,
		   unsigned long hi, unsigned long def, unsigned long *v);
int32_t uh_init(const struct uh_link *link, u32 mtu, u32 mtu_min);
/* Parse and dispatch one packet from @from; uh.lock held. */
void uh_input(const void *buf, size_t len, const struct flip_link *from);
u64 uh_now(void);
void uh_drop(enum flip_drop why);
void uh_cond_init(pthread_cond_t *c);
/* Wait on @c (uh.lock held) until woken or @until (ns, 0: forever). */
void uh_wait(pthread_cond_t *c, u64 until);
/* The condition-variable wait, for links with a receiver thread. */
void uh_cond_wait(pthread_cond_t *c, u64 until);
void uh_pkt_init(struct flip_pkt *p, u8 ftype, u64 dst, u8 rtype,
		  const struct am_port *port, u32 tid);
int uh_send(const struct flip_link *to, const struct flip_pkt *p,
	     const void *data);
void uh_send_raw(const struct flip_link *to, const void *buf, size_t len);
void uh_answer(const struct flip_pkt *pkt, const struct flip_link *to,
		u8 ftype, u8 rtype, u8 rflags);
void uh_send_flow(u64 dst, const struct flip_link *to,
		   const struct am_port *port, u32 tid, u8 rflags,
		   const struct flip_flow *fl);
void uh_broadcast(const struct flip_pkt *p);
u32 uh_frag_size(u8 rpc_type, u32 total);
const char *uh_link_name(const struct flip_link *link, char *buf,
			 size_t len);

/* uh_client.c */
int32_t uh_trans(const struct am_hdr *reqhdr, const void *req,
		  size_t reqlen, struct am_hdr *rephdr, void *rep,
		  size_t replen, uint32_t ms);
void uh_rcv_client(const struct flip_pkt *pkt, const struct flip_link *from);

/* uh_server.c */
void uh_server_init(void);
int32_t uh_getreq(const struct am_port *getport, struct am_hdr *hdr,
		   void *buf, size_t len, uint32_t ms, struct am_serving *s);
int32_t uh_putrep(struct am_serving *s, const struct am_hdr *hdr,
		   const void *buf, size_t len, uint32_t ms);
void uh_rcv_locate(const struct flip_pkt *pkt, const struct flip_link *from);
void uh_rcv_request(const struct flip_pkt *pkt, const struct flip_link *from);
void uh_rcv_abort(const struct flip_pkt *pkt);
void uh_rcv_reply_flow(const struct flip_pkt *pkt);

#endif /* AMOEBA_LIB_UH_H */
