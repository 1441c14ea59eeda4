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
#include <linux/skbuff.h>
#include <linux/spinlock.h>
#include <linux/wait.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>
#include <net/sock.h>

#include "../flip/flip.h"

#define AMOEBA_PCACHE_SIZE	256
#define AMOEBA_DEDUP_SIZE	256
#define AMOEBA_MAX_PENDING	256	/* requests queued per server socket */

enum amoeba_stat {
	AMOEBA_STAT_RX,
	AMOEBA_STAT_TX,
	AMOEBA_STAT_TRANS,
	AMOEBA_STAT_GETREQ,
	AMOEBA_STAT_PUTREP,
	AMOEBA_STAT_LOCATE_TX,
	AMOEBA_STAT_HEREIS_TX,
	AMOEBA_STAT_RETRANS,
	AMOEBA_STAT_MAX,
};

struct amoeba_counters {
	u64	stat[AMOEBA_STAT_MAX];
	u64	drop[FLIP_DROP_MAX];
};

/* Per network namespace: every table a packet or a socket looks up. */
struct amoeba_net {
	struct net		*net;
	spinlock_t		lock;		/* the hash tables, pcache */
	DECLARE_HASHTABLE(by_addr, 8);		/* FLIP address -> socket */
	DECLARE_HASHTABLE(by_port, 8);		/* put-port -> socket */
	struct flip_pcache	pcache;
	struct flip_pcache_ent	pcache_ent[AMOEBA_PCACHE_SIZE];
	struct amoeba_counters __percpu *cnt;
	atomic_t		messid;
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
	struct list_head	pending;	/* requests not yet taken */
	struct list_head	serving;	/* taken, awaiting putrep */
	unsigned int		npending;
	u32			next_reqid;
	struct flip_dedup	dedup;
	struct flip_dedup_ent	*dedup_ent;	/* allocated by bind */
};

static inline struct amoeba_sock *amoeba_sk(const struct sock *sk)
{
	return (struct amoeba_sock *)sk;
}

/* A request received by a server socket, from arrival to putrep. */
struct amoeba_req {
	struct list_head	node;
	u64			client;
	u32			tid;
	u32			id;
	struct flip_link	link;
	struct am_hdr		hdr;
	struct sk_buff		*skb;	/* holds the data until getreq */
	const u8		*data;
	u32			datalen;
};

/* A client transaction in progress, on the stack of the calling thread. */
struct amoeba_trans {
	struct list_head	node;
	struct flip_trans	ft;
	unsigned int		pending_act;	/* for the waiter to do */
	wait_queue_head_t	wait;
	struct sk_buff		*reply;	/* the REPLY packet, once done */
	struct flip_pkt		pkt;	/* parsed reply, points into skb */
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

static inline struct amoeba_net *amoeba_net(const struct net *net)
{
	return net_generic(net, amoeba_net_id);
}

static inline void amoeba_count(struct amoeba_net *an, enum amoeba_stat s)
{
	this_cpu_inc(an->cnt->stat[s]);
}

void amoeba_drop(struct amoeba_net *an, enum flip_drop why);

/* rpc.c */
void amoeba_rcv(struct amoeba_net *an, const struct flip_pkt *pkt,
		const struct flip_link *from, struct sk_buff *skb);
long amoeba_trans(struct amoeba_sock *as, struct am_trans *t,
		  struct iov_iter *req, struct iov_iter *rep);
long amoeba_getreq(struct amoeba_sock *as, struct am_io *io,
		   struct iov_iter *buf, long timeo);
long amoeba_putrep(struct amoeba_sock *as, struct am_io *io,
		   struct iov_iter *buf);
void amoeba_sock_purge(struct amoeba_sock *as);
void amoeba_sock_init_rpc(struct amoeba_sock *as);
int amoeba_sock_bind_rpc(struct amoeba_sock *as);
struct amoeba_sock *amoeba_lookup_port(struct amoeba_net *an,
				       const struct am_port *port);

/* link.c */
int amoeba_link_init(void);
void amoeba_link_exit(void);
int amoeba_xmit(struct amoeba_net *an, const struct flip_link *link,
		const struct flip_pkt *pkt, const void *data, gfp_t gfp);
int amoeba_xmit_skb(struct amoeba_net *an, const struct flip_link *link,
		    struct sk_buff *skb);
struct sk_buff *amoeba_alloc_skb(const struct flip_pkt *pkt, gfp_t gfp);
struct sk_buff *amoeba_alloc_raw(size_t len, gfp_t gfp);
void amoeba_broadcast(struct amoeba_net *an, const struct flip_pkt *pkt);

/* proc.c */
int amoeba_proc_init(struct net *net);
void amoeba_proc_exit(struct net *net);

/* af_amoeba.c */
void amoeba_fbox(const struct am_port *get, struct am_port *put);

#endif /* AMOEBA_H */
