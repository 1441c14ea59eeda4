/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The udp transport: FLIP over UDP in user space, driven by the flip/
 * engine, on the wire exactly as amoeba.ko's UDP link (one FLIP packet
 * per datagram).  A process has one UDP socket and one FLIP address for
 * everything it does; one receiver thread reads the socket and does what
 * each packet calls for, under one lock, waking the thread a packet is
 * for.  Threads in trans and putrep send their own fragments, straight
 * from the caller's buffer.
 *
 * udp_link.c owns the socket, the peers and dispatch; udp_client.c the
 * transactions; udp_server.c the served ports, requests and replies.
 */
#ifndef AMOEBA_LIB_UDP_H
#define AMOEBA_LIB_UDP_H

#include <pthread.h>
#include <sys/queue.h>
#include <amoeba/cap.h>

#include "am.h"
#include "flip.h"

#define UDP_PEERS_MAX	32
#define UDP_MTU_DEFAULT	1472	/* one IPv4 packet of 1500, as amoeba.ko */
#define UDP_MTU_MIN	576
#define UDP_MTU_MAX	65507
#define UDP_PCACHE_SIZE	256
#define UDP_DEDUP_SIZE	1024
#define UDP_PORTS_MAX	64	/* get-ports one process serves */
#define UDP_PENDING_MAX	256	/* requests queued per port */
#define UDP_RECENT	16
/* Data bytes of requests held while arriving or queued, all ports. */
#define UDP_BUDGET	(64U << 20)
#define UDP_PARTIAL_IDLE_NS	(10ULL * 1000000000ULL)
#define UDP_TIMEOUT_MS	5000	/* trans and putrep, unless configured */

TAILQ_HEAD(udp_trans_list, udp_trans);
TAILQ_HEAD(udp_req_list, udp_req);
TAILQ_HEAD(udp_reptx_list, udp_reptx);

/* A get-port served: its requests wait here for getreq. */
struct udp_port {
	struct am_port		get;
	struct am_port		put;
	struct udp_req_list	pending;
	unsigned int		npending;
	pthread_cond_t		ready;
};

/* A client transaction in progress, on the calling thread's stack. */
struct udp_trans {
	TAILQ_ENTRY(udp_trans)	node;
	struct flip_trans	ft;
	unsigned int		pending_act;	/* for the caller to do */
	pthread_cond_t		wait;
	u32			messid;
	u8			*rep;		/* the caller's reply buffer */
	u32			room;
	u32			replen;		/* once done */
};

/* A request, from its first packet to putrep. */
struct udp_req {
	TAILQ_ENTRY(udp_req)	node;
	struct udp_port		*port;
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
struct udp_reptx {
	TAILQ_ENTRY(udp_reptx)	node;
	u64			client;
	u32			tid;
	struct flip_tx		tx;
	bool			gone;		/* the client went or gave up */
	bool			news;
	pthread_cond_t		wait;
};

/* What a process keeps for the transport, all under @lock. */
struct udp_host {
	pthread_mutex_t		lock;
	int			fd;
	u64			addr;		/* this process's FLIP address */
	u32			mtu;		/* largest FLIP packet it builds */
	u64			timeout_ns;	/* trans and putrep default */
	struct flip_link	self;		/* its own socket, on loopback */
	struct flip_link	peers[UDP_PEERS_MAX];
	int			npeers;
	u32			messid;
	u64			drops[FLIP_DROP_MAX];
	struct flip_pcache	pcache;
	struct flip_pcache_ent	pcache_ent[UDP_PCACHE_SIZE];
	/* client */
	struct udp_trans_list	trans;
	u32			next_tid;
	u32			acked;		/* last finished tid */
	u32			recent[UDP_RECENT];
	u32			nrecent;
	/* server */
	struct udp_port		*ports[UDP_PORTS_MAX];
	int			nports;
	struct udp_req_list	partial;	/* requests still arriving */
	struct udp_req_list	serving;	/* taken, awaiting putrep */
	struct udp_reptx_list	replying;
	u32			reserved;	/* budget in use */
	u32			next_reqid;
	struct flip_dedup	dedup;
	struct flip_dedup_ent	dedup_ent[UDP_DEDUP_SIZE];
};

extern struct udp_host udp;

/* udp_link.c */
u64 udp_now(void);
void udp_drop(enum flip_drop why);
void udp_cond_init(pthread_cond_t *c);
/* Wait on @c (udp.lock held) until woken or @until (ns, 0: forever). */
void udp_wait(pthread_cond_t *c, u64 until);
void udp_pkt_init(struct flip_pkt *p, u8 ftype, u64 dst, u8 rtype,
		  const struct am_port *port, u32 tid);
int udp_send(const struct flip_link *to, const struct flip_pkt *p,
	     const void *data);
void udp_send_raw(const struct flip_link *to, const void *buf, size_t len);
void udp_answer(const struct flip_pkt *pkt, const struct flip_link *to,
		u8 ftype, u8 rtype, u8 rflags);
void udp_send_flow(u64 dst, const struct flip_link *to,
		   const struct am_port *port, u32 tid, u8 rflags,
		   const struct flip_flow *fl);
void udp_broadcast(const struct flip_pkt *p);
u32 udp_frag_size(u8 rpc_type, u32 total);
const char *udp_link_name(const struct flip_link *link, char *buf,
			  size_t len);

/* udp_client.c */
int32_t udp_trans(const struct am_hdr *reqhdr, const void *req,
		  size_t reqlen, struct am_hdr *rephdr, void *rep,
		  size_t replen, uint32_t ms);
void udp_rcv_client(const struct flip_pkt *pkt, const struct flip_link *from);

/* udp_server.c */
void udp_server_init(void);
int32_t udp_getreq(const struct am_port *getport, struct am_hdr *hdr,
		   void *buf, size_t len, uint32_t ms, struct am_serving *s);
int32_t udp_putrep(struct am_serving *s, const struct am_hdr *hdr,
		   const void *buf, size_t len, uint32_t ms);
void udp_rcv_locate(const struct flip_pkt *pkt, const struct flip_link *from);
void udp_rcv_request(const struct flip_pkt *pkt, const struct flip_link *from);
void udp_rcv_abort(const struct flip_pkt *pkt);
void udp_rcv_reply_flow(const struct flip_pkt *pkt);

#endif /* AMOEBA_LIB_UDP_H */
