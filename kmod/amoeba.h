/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Internal interfaces of the AF_AMOEBA module: the per-namespace state,
 * the socket, and the calls between the socket layer (af_amoeba.c), the
 * RPC host glue (rpc.c), the link layer (link.c) and /proc (proc.c).
 */
#ifndef AMOEBA_H
#define AMOEBA_H

#include <linux/hashtable.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/workqueue.h>
#include <linux/seqlock.h>
#include <linux/skbuff.h>
#include <linux/spinlock.h>
#include <linux/wait.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>
#include <net/sock.h>

#include "../flip/flip.h"
#include "compat.h"

#define AMOEBA_PCACHE_SIZE	256
#define AMOEBA_ROUTE_SIZE	256
#define AMOEBA_UDP_PEERS	8	/* peers of a namespace's UDP link */
#define AMOEBA_UDP_PEERS_LEN	256	/* net.amoeba.udp_peers, in bytes */
/* The UDP link's flip_link.ifindex: no device has it. */
#define AMOEBA_UDP_LINK		0xffffffffU
/* Largest FLIP packet this host builds for UDP: one IPv4 packet of 1500. */
#define AMOEBA_UDP_MTU		1472
/* Largest it passes on (IP fragments what exceeds the path's MTU). */
#define AMOEBA_UDP_MAX		65507
#define AMOEBA_DEDUP_SIZE	256
#define AMOEBA_MAX_PENDING	256	/* requests queued per server socket */
#define AMOEBA_RECENT		16	/* replies remembered by a client */
/* A request arriving in fragments is dropped after this long idle. */
#define AMOEBA_PARTIAL_IDLE_NS	(10ULL * NSEC_PER_SEC)

enum amoeba_stat {
	AMOEBA_STAT_RX,
	AMOEBA_STAT_TX,
	AMOEBA_STAT_TRANS,
	AMOEBA_STAT_GETREQ,
	AMOEBA_STAT_PUTREP,
	AMOEBA_STAT_LOCATE_TX,
	AMOEBA_STAT_HEREIS_TX,
	AMOEBA_STAT_RETRANS,
	AMOEBA_STAT_ABORT_TX,
	AMOEBA_STAT_ABORT_RX,
	AMOEBA_STAT_FORWARD,
	AMOEBA_STAT_MAX,
};

struct amoeba_counters {
	u64	stat[AMOEBA_STAT_MAX];
	u64	drop[FLIP_DROP_MAX];
};

/* Per network namespace: every table a packet or a socket looks up. */
struct amoeba_net {
	struct net		*net;
	spinlock_t		lock;		/* the hash tables */
	DECLARE_HASHTABLE(by_addr, 8);		/* FLIP address -> socket */
	DECLARE_HASHTABLE(by_port, 8);		/* put-port -> socket */
	/* Lookups, one per trans, only retry if a writer was busy. */
	seqlock_t		pcache_lock;
	struct flip_pcache	pcache;
	struct flip_pcache_ent	pcache_ent[AMOEBA_PCACHE_SIZE];
	struct amoeba_counters __percpu *cnt;
	atomic_t		messid;
	/* Data bytes of requests held in reassembly or queued, all sockets. */
	atomic_long_t		rx_reserved;
	/* Forwarding between links (net.amoeba.forwarding). */
	int			forwarding;
	struct ctl_table_header	*sysctl;
	spinlock_t		route_lock;	/* route, seen */
	struct flip_route	route;
	struct flip_route_ent	route_ent[AMOEBA_ROUTE_SIZE];
	struct flip_seen	seen;
	/* FLIP over UDP (net.amoeba.udp_port, udp_peers). */
	struct mutex		udp_cfg;	/* one sysctl writer at a time */
	struct mutex		udp_mutex;	/* socket, peers text */
	struct socket		*udp_sock;
	int			udp_port;
	char			udp_peers_text[AMOEBA_UDP_PEERS_LEN];
	spinlock_t		udp_lock;	/* udp_peers, udp_npeers */
	struct flip_link	udp_peers[AMOEBA_UDP_PEERS];
	int			udp_npeers;
	struct sk_buff_head	udp_txq;
	struct work_struct	udp_work;
};

struct amoeba_sock {
	struct sock		sk;		/* must be first */
	struct amoeba_net	*an;
	u64			addr;		/* this socket's FLIP address */
	struct hlist_node	addr_node;
	struct hlist_node	port_node;
	bool			bound;
	bool			dead;		/* released; no new work */
	struct am_port		putport;
	spinlock_t		lock;		/* everything below */
	struct list_head	trans;		/* struct amoeba_trans */
	u32			next_tid;
	u32			acked;		/* last finished tid, for ack */
	/* Calls whose reply came in fragments: a lost final RECEIVED. */
	u32			recent[AMOEBA_RECENT];
	u8			recent_next;
	u8			nrecent;	/* entries of recent[] in use */
	struct list_head	partial;	/* requests still arriving */
	struct list_head	pending;	/* requests not yet taken */
	struct list_head	serving;	/* taken, awaiting putrep */
	struct list_head	replying;	/* struct amoeba_reptx */
	unsigned int		npending;
	u32			rx_reserved;	/* like amoeba_net's */
	u32			next_reqid;
	struct flip_dedup	dedup;
	struct flip_dedup_ent	*dedup_ent;	/* allocated by bind */
};

static inline struct amoeba_sock *amoeba_sk(const struct sock *sk)
{
	return (struct amoeba_sock *)sk;
}

/*
 * A received packet whose data is kept: where that data lies in its
 * message and in the skb (which may be paged: never dereference it).
 */
struct amoeba_frag_cb {
	u32	off;
	u32	len;
	u32	data;
};

static inline struct amoeba_frag_cb *amoeba_frag_cb(struct sk_buff *skb)
{
	return (struct amoeba_frag_cb *)skb->cb;
}

/* A request received by a server socket, from arrival to putrep. */
struct amoeba_req {
	struct list_head	node;
	u64			client;
	u32			tid;
	u32			id;
	struct flip_link	link;
	struct am_hdr		hdr;
	u32			total;
	u32			reserved;	/* budget held, in bytes */
	bool			aborted;	/* the client gave up */
	struct sk_buff_head	frags;	/* the data, until getreq */
	struct flip_rx		rx;	/* arrival, when in fragments */
};

/* A client transaction in progress, on the stack of the calling thread. */
struct amoeba_trans {
	struct list_head	node;
	struct flip_trans	ft;
	unsigned int		pending_act;	/* for the waiter to do */
	wait_queue_head_t	wait;
	u32			messid;
	struct sk_buff_head	frags;	/* reply data for the waiter to copy */
	u32			replen;	/* reply data bytes, once done */
};

/* A reply in fragments being sent by putrep, on the server's stack. */
struct amoeba_reptx {
	struct list_head	node;
	u64			client;
	u32			tid;
	struct flip_tx		tx;
	bool			gone;	/* the client went or gave up */
	bool			news;	/* progress for the waiter */
	wait_queue_head_t	wait;
};

/* Internals the KUnit module calls directly. */
#if IS_ENABLED(CONFIG_KUNIT)
#define AMOEBA_EXPORT_FOR_TESTS(sym)	EXPORT_SYMBOL_GPL(sym)
#else
#define AMOEBA_EXPORT_FOR_TESTS(sym)
#endif

extern unsigned int amoeba_net_id;
extern int amoeba_family;
extern unsigned int amoeba_trans_timeout_ms;
extern unsigned int amoeba_sock_budget_kb;
extern unsigned int amoeba_net_budget_kb;

static inline struct amoeba_net *amoeba_net(const struct net *net)
{
	return net_generic(net, amoeba_net_id);
}

static inline void amoeba_count(struct amoeba_net *an, enum amoeba_stat s)
{
	this_cpu_inc(an->cnt->stat[s]);
}

void amoeba_drop(struct amoeba_net *an, enum flip_drop why);

static inline u64 amoeba_now(void)
{
	return ktime_get_ns();
}

/* rpc.c: dispatch and the client */
void amoeba_rcv(struct amoeba_net *an, const struct flip_pkt *pkt,
		const struct flip_link *from, struct sk_buff *skb);
void amoeba_pkt_init(struct amoeba_net *an, struct flip_pkt *p, u8 ftype,
		     u64 dst, u64 src, u8 rtype, const struct am_port *port,
		     u32 tid);
void amoeba_answer(struct amoeba_net *an, const struct flip_pkt *pkt,
		   const struct flip_link *to, u64 src, u8 ftype, u8 rtype,
		   u8 rflags);
void amoeba_send_flow(struct amoeba_net *an, u64 dst, u64 src,
		      const struct flip_link *to, const struct am_port *port,
		      u32 tid, u8 rflags, const struct flip_flow *fl);
long amoeba_trans(struct amoeba_sock *as, struct am_trans *t,
		  struct iov_iter *req, struct iov_iter *rep);
struct amoeba_sock *amoeba_lookup_port(struct amoeba_net *an,
				       const struct am_port *port);

/* server.c */
void amoeba_rcv_request(struct amoeba_sock *as, const struct flip_pkt *pkt,
			const struct flip_link *from, struct sk_buff *skb);
void amoeba_rcv_abort(struct amoeba_sock *as, const struct flip_pkt *pkt);
void amoeba_rcv_reply_flow(struct amoeba_sock *as,
			   const struct flip_pkt *pkt);
long amoeba_getreq(struct amoeba_sock *as, struct am_io *io,
		   struct iov_iter *buf, long timeo);
long amoeba_putrep(struct amoeba_sock *as, struct am_io *io,
		   struct iov_iter *buf, u32 timeout_ms);
void amoeba_sock_purge(struct amoeba_sock *as);
void amoeba_sock_init_rpc(struct amoeba_sock *as);
int amoeba_sock_bind_rpc(struct amoeba_sock *as);

/* sysctl.c */
int amoeba_sysctl_init(struct net *net);
void amoeba_sysctl_exit(struct net *net);

/* udp.c */
void amoeba_udp_init(struct amoeba_net *an);
void amoeba_udp_exit(struct amoeba_net *an);
int amoeba_udp_xmit(struct amoeba_net *an, const struct flip_link *link,
		    struct sk_buff *skb);
void amoeba_udp_flood(struct amoeba_net *an, struct sk_buff *skb,
		      const struct flip_link *except);
int amoeba_parse_peers(const char *s, struct flip_link *peers);
int amoeba_udp_port_sysctl(AMOEBA_CTL_CONST struct ctl_table *ctl, int write,
			   void *buffer, size_t *lenp, loff_t *ppos);
int amoeba_udp_peers_sysctl(AMOEBA_CTL_CONST struct ctl_table *ctl, int write,
			    void *buffer, size_t *lenp, loff_t *ppos);

/* forward.c */
void amoeba_forward_init(struct amoeba_net *an);
void amoeba_learn(struct amoeba_net *an, const struct flip_pkt *pkt,
		  const struct flip_link *from);
void amoeba_forward(struct amoeba_net *an, const struct flip_pkt *pkt,
		    const struct flip_link *from, struct sk_buff *skb);

/* frag.c */
u32 amoeba_frag_size(struct amoeba_net *an, const struct flip_link *link,
		     u8 rpc_type, u32 total);
int amoeba_send_frag(struct amoeba_net *an, const struct flip_link *link,
		     struct flip_pkt *p, const struct iov_iter *data,
		     struct sk_buff **keep);
void amoeba_keep_frag(struct sk_buff_head *q, struct sk_buff *skb,
		      const struct flip_pkt *pkt);
int amoeba_copy_frag(struct sk_buff *skb, const struct iov_iter *to,
		     u32 room);

/* portcache.c */
bool amoeba_pcache_get(struct amoeba_net *an, const struct am_port *port,
		       struct flip_pcache_ent *out);
void amoeba_pcache_enter(struct amoeba_net *an, const struct am_port *port,
			 u64 addr, const struct flip_link *link, u64 rtt);
void amoeba_pcache_confirm(struct amoeba_net *an,
			   const struct flip_pcache_ent *seen, u64 addr,
			   u64 rtt);
void amoeba_pcache_forget(struct amoeba_net *an, const struct am_port *port,
			  u64 addr);

/* link.c */
int amoeba_link_init(void);
void amoeba_link_exit(void);
int amoeba_link_mtu(struct amoeba_net *an, const struct flip_link *link);
int amoeba_xmit(struct amoeba_net *an, const struct flip_link *link,
		const struct flip_pkt *pkt, const void *data, gfp_t gfp);
int amoeba_xmit_skb(struct amoeba_net *an, const struct flip_link *link,
		    struct sk_buff *skb);
struct sk_buff *amoeba_alloc_skb(const struct flip_pkt *pkt, gfp_t gfp);
struct sk_buff *amoeba_alloc_raw(size_t len, gfp_t gfp);
void amoeba_broadcast(struct amoeba_net *an, const struct flip_pkt *pkt);
void amoeba_flood(struct amoeba_net *an, struct sk_buff *skb,
		  const struct flip_link *from);

/* proc.c */
int amoeba_proc_init(struct net *net);
void amoeba_proc_exit(struct net *net);

/* af_amoeba.c */
void amoeba_fbox(const struct am_port *get, struct am_port *put);

#endif /* AMOEBA_H */
