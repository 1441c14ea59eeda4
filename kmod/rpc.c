// SPDX-License-Identifier: GPL-2.0
/*
 * RPC host glue: carries out what the FLIP engine decides.  Incoming
 * packets are dispatched to the socket owning their destination address
 * (client transactions, server requests) or, for broadcast LOCATEs, to the
 * socket bound to the port.  A client thread drives its own transaction in
 * amoeba_trans(): it sleeps until the reply, a signal or the engine's next
 * deadline, so no kernel timer outlives a call.  Packets are never sent
 * with a lock held, because local delivery re-enters the receive path.
 */
#include <linux/hrtimer.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/uio.h>

#include "amoeba.h"

/* A reply kept by the duplicate filter: the FLIP packet, headers and data. */
struct amoeba_reply {
	u32	len;
	u8	buf[];
};

static u64 now_ns(void)
{
	return ktime_get_ns();
}

static void reply_free(void *reply)
{
	kfree(reply);
}

static struct amoeba_sock *lookup_addr(struct amoeba_net *an, u64 addr)
{
	struct amoeba_sock *as;

	hash_for_each_possible_rcu(an->by_addr, as, addr_node, addr)
		if (as->addr == addr)
			return as;
	return NULL;
}

struct amoeba_sock *amoeba_lookup_port(struct amoeba_net *an,
				       const struct am_port *port)
{
	struct amoeba_sock *as;

	hash_for_each_possible_rcu(an->by_port, as, port_node,
				   flip_port_hash(port))
		if (am_port_eq(&as->putport, port))
			return as;
	return NULL;
}

static void pkt_init(struct amoeba_net *an, struct flip_pkt *p, u8 ftype,
		     u64 dst, u64 src, u8 rtype, const struct am_port *port,
		     u32 tid)
{
	memset(p, 0, sizeof(*p));
	p->fh.type = ftype;
	p->fh.max_hop = 1;
	p->fh.dst = dst;
	p->fh.src = src;
	p->fh.messid = atomic_inc_return(&an->messid);
	p->rh.type = rtype;
	p->rh.port = *port;
	p->rh.tid = tid;
}

/* A header-only control packet back to where @pkt came from. */
static void answer(struct amoeba_net *an, const struct flip_pkt *pkt,
		   const struct flip_link *to, u64 src, u8 ftype, u8 rtype,
		   u8 rflags)
{
	struct flip_pkt p;

	pkt_init(an, &p, ftype, pkt->fh.src, src, rtype, &pkt->rh.port,
		 pkt->rh.tid);
	p.rh.flags = rflags;
	amoeba_xmit(an, to, &p, NULL, GFP_ATOMIC);
}

static void rcv_locate(struct amoeba_net *an, const struct flip_pkt *pkt,
		       const struct flip_link *from)
{
	struct amoeba_sock *as = amoeba_lookup_port(an, &pkt->rh.port);

	if (!as || READ_ONCE(as->dead))
		return;
	amoeba_count(an, AMOEBA_STAT_HEREIS_TX);
	answer(an, pkt, from, as->addr, FLIP_UNIDATA, FLIP_RPC_HEREIS, 0);
}

static int send_request(struct amoeba_sock *as, struct amoeba_trans *tr,
			const struct am_hdr *hdr, const void *data, u32 len)
{
	struct flip_link link;
	struct flip_pkt p;
	u32 sends;

	spin_lock_bh(&as->lock);
	pkt_init(as->an, &p, FLIP_UNIDATA, tr->ft.server, as->addr,
		 FLIP_RPC_REQUEST, &tr->ft.port, tr->ft.tid);
	p.rh.ack = as->acked;
	link = tr->ft.link;
	sends = tr->ft.sends;
	spin_unlock_bh(&as->lock);

	if (sends > 1) {
		p.rh.flags |= FLIP_RPC_F_RETRANS;
		amoeba_count(as->an, AMOEBA_STAT_RETRANS);
	}
	p.ah = *hdr;
	p.datalen = len;
	return amoeba_xmit(as->an, &link, &p, data, GFP_KERNEL);
}

static void send_locate(struct amoeba_sock *as, struct amoeba_trans *tr)
{
	struct flip_pkt p;

	pkt_init(as->an, &p, FLIP_MULTIDATA, FLIP_ADDR_BROADCAST, as->addr,
		 FLIP_RPC_LOCATE, &tr->ft.port, tr->ft.tid);
	amoeba_count(as->an, AMOEBA_STAT_LOCATE_TX);
	amoeba_broadcast(as->an, &p);
}

/* The server of @tr's port is no longer at @addr. */
static void forget_server(struct amoeba_net *an, struct amoeba_trans *tr,
			  u64 addr)
{
	spin_lock_bh(&an->lock);
	flip_pcache_forget(&an->pcache, &tr->ft.port, addr);
	spin_unlock_bh(&an->lock);
}

/* A packet for a transaction of this socket: HEREIS, REPLY, ACK, FAIL. */
static void rcv_client(struct amoeba_sock *as, const struct flip_pkt *pkt,
		       const struct flip_link *from, struct sk_buff *skb)
{
	struct amoeba_net *an = as->an;
	struct amoeba_trans *tr;
	unsigned int act = 0;
	bool found = false;
	u64 rtt_sample = 0;

	spin_lock(&as->lock);
	list_for_each_entry(tr, &as->trans, node) {
		if (tr->ft.tid != pkt->rh.tid)
			continue;
		found = true;
		act = flip_trans_input(&tr->ft, pkt, from, now_ns());
		rtt_sample = tr->ft.rtt_sample;
		if ((act & FLIP_ACT_DONE) && tr->ft.result == FLIP_RES_OK) {
			tr->reply = skb_get(skb);
			tr->pkt = *pkt;
		}
		/* The waiter sends: it owns the request's data. */
		tr->pending_act |= act & (FLIP_ACT_REQUEST | FLIP_ACT_LOCATE |
					  FLIP_ACT_FORGET);
		if (act & (FLIP_ACT_REQUEST | FLIP_ACT_LOCATE | FLIP_ACT_DONE))
			wake_up(&tr->wait);
		break;
	}
	spin_unlock(&as->lock);

	if (!found || (!act && pkt->rh.type == FLIP_RPC_REPLY)) {
		amoeba_drop(an, FLIP_DROP_STALE);
		return;
	}
	if (pkt->rh.type == FLIP_RPC_HEREIS && (act & FLIP_ACT_REQUEST)) {
		spin_lock(&an->lock);
		flip_pcache_enter(&an->pcache, &pkt->rh.port, pkt->fh.src, from,
				  rtt_sample, now_ns());
		spin_unlock(&an->lock);
	}
}

static void rcv_request(struct amoeba_sock *as, const struct flip_pkt *pkt,
			const struct flip_link *from, struct sk_buff *skb)
{
	struct amoeba_net *an = as->an;
	struct flip_dedup_ent *e;
	struct amoeba_req *req = NULL;
	struct sk_buff *dup = NULL;
	enum flip_verdict v;

	spin_lock(&as->lock);
	if (as->dead || !as->bound ||
	    !am_port_eq(&pkt->rh.port, &as->putport)) {
		spin_unlock(&as->lock);
		amoeba_drop(an, FLIP_DROP_NOSOCK);
		answer(an, pkt, from, as->addr, FLIP_UNIDATA, FLIP_RPC_FAIL, 0);
		return;
	}
	/* The client is done with an earlier call: drop its reply copy. */
	if (pkt->rh.ack) {
		e = flip_dedup_find(&as->dedup, pkt->fh.src, pkt->rh.ack);
		if (e && e->state == FLIP_DEDUP_REPLIED)
			flip_dedup_acked(&as->dedup, e);
	}
	v = flip_dedup_request(&as->dedup, pkt->fh.src, pkt->rh.tid, now_ns(),
			       &e);
	switch (v) {
	case FLIP_NEW:
		if (as->npending < AMOEBA_MAX_PENDING)
			req = kzalloc(sizeof(*req), GFP_ATOMIC);
		if (!req) {
			flip_dedup_release(&as->dedup, e);
			break;
		}
		req->client = pkt->fh.src;
		req->tid = pkt->rh.tid;
		req->link = *from;
		req->hdr = pkt->ah;
		req->skb = skb_get(skb);
		req->data = pkt->data;
		req->datalen = pkt->datalen;
		list_add_tail(&req->node, &as->pending);
		as->npending++;
		as->sk.sk_data_ready(&as->sk);
		break;
	case FLIP_DUP_REPLIED: {
		struct amoeba_reply *r = e->reply;

		dup = r ? amoeba_alloc_raw(r->len, GFP_ATOMIC) : NULL;
		if (dup)
			memcpy(dup->data, r->buf, r->len);
		break;
	}
	default:
		break;
	}
	spin_unlock(&as->lock);

	switch (v) {
	case FLIP_NEW:
		if (!req)
			amoeba_drop(an, as->npending < AMOEBA_MAX_PENDING ?
				    FLIP_DROP_NOMEM : FLIP_DROP_FULL);
		break;
	case FLIP_DUP_BUSY:
		amoeba_drop(an, FLIP_DROP_DUP);
		answer(an, pkt, from, as->addr, FLIP_UNIDATA, FLIP_RPC_ACK,
		       FLIP_RPC_F_REQUEST);
		break;
	case FLIP_DUP_REPLIED:
		amoeba_drop(an, FLIP_DROP_DUP);
		if (dup)
			amoeba_xmit_skb(an, from, dup);
		break;
	case FLIP_FULL:
		amoeba_drop(an, FLIP_DROP_FULL);
		break;
	}
}

/*
 * Dispatch one valid packet.  Runs with bottom halves disabled, from the
 * link's receive handler or from local delivery; @skb stays the caller's.
 */
void amoeba_rcv(struct amoeba_net *an, const struct flip_pkt *pkt,
		const struct flip_link *from, struct sk_buff *skb)
{
	struct amoeba_sock *as;

	rcu_read_lock();
	if (pkt->fh.dst == FLIP_ADDR_BROADCAST) {
		if (pkt->fh.type != FLIP_MULTIDATA)
			amoeba_drop(an, FLIP_DROP_TYPE);
		else if (pkt->rh.type == FLIP_RPC_LOCATE)
			rcv_locate(an, pkt, from);
		else
			amoeba_drop(an, FLIP_DROP_RPCTYPE);
		goto out;
	}
	/* RPC uses no other FLIP types to an address (yet). */
	if (pkt->fh.type != FLIP_UNIDATA && pkt->fh.type != FLIP_NOTHERE) {
		amoeba_drop(an, FLIP_DROP_TYPE);
		goto out;
	}
	as = lookup_addr(an, pkt->fh.dst);
	if (!as) {
		amoeba_drop(an, FLIP_DROP_NOSOCK);
		/* Tell a client its server is gone, rather than let it wait. */
		if (pkt->fh.type == FLIP_UNIDATA &&
		    pkt->rh.type == FLIP_RPC_REQUEST)
			answer(an, pkt, from, pkt->fh.dst, FLIP_NOTHERE,
			       FLIP_RPC_REQUEST, 0);
		goto out;
	}
	if (pkt->fh.type == FLIP_NOTHERE) {
		rcv_client(as, pkt, from, skb);
		goto out;
	}
	switch (pkt->rh.type) {
	case FLIP_RPC_REQUEST:
		rcv_request(as, pkt, from, skb);
		break;
	case FLIP_RPC_ACK:
		if (pkt->rh.flags & FLIP_RPC_F_REQUEST)
			rcv_client(as, pkt, from, skb);
		else
			amoeba_drop(an, FLIP_DROP_RPCTYPE);
		break;
	case FLIP_RPC_HEREIS:
	case FLIP_RPC_REPLY:
	case FLIP_RPC_FAIL:
		rcv_client(as, pkt, from, skb);
		break;
	default:
		amoeba_drop(an, FLIP_DROP_RPCTYPE);
		break;
	}
out:
	rcu_read_unlock();
}

static long trans_errno(enum flip_trans_result res)
{
	switch (res) {
	case FLIP_RES_OK:
		return 0;
	case FLIP_RES_NOTFOUND:
		return -EHOSTUNREACH;
	case FLIP_RES_TIMEOUT:
		return -ETIMEDOUT;
	case FLIP_RES_GONE:
		return -ECONNRESET;
	case FLIP_RES_ABORTED:
		break;
	}
	return -EINTR;
}

/*
 * Client: one transaction, start to finish, in the calling thread.  A
 * signal aborts it with -EINTR and it is never restarted: the request may
 * have run, and running it again would break at-most-once.
 */
long amoeba_trans(struct amoeba_sock *as, struct am_trans *t,
		  struct iov_iter *req, struct iov_iter *rep)
{
	struct amoeba_net *an = as->an;
	const struct flip_pcache_ent *e;
	struct flip_pcache_ent cached;
	struct amoeba_trans tr = { };
	unsigned int act;
	u64 timeout_ns;
	void *data = NULL;
	s64 left;
	bool too_big = false;
	long ret;
	int err;

	if (am_port_null(&t->req.hdr.h_port))
		return -EDESTADDRREQ;
	if (t->req.size) {
		data = kmalloc(t->req.size, GFP_KERNEL);
		if (!data)
			return -ENOMEM;
		if (!copy_from_iter_full(data, t->req.size, req)) {
			kfree(data);
			return -EFAULT;
		}
	}
	timeout_ns = (u64)t->timeout_ms * NSEC_PER_MSEC;

	init_waitqueue_head(&tr.wait);
	amoeba_count(an, AMOEBA_STAT_TRANS);

	spin_lock_bh(&an->lock);
	e = flip_pcache_lookup(&an->pcache, &t->req.hdr.h_port, now_ns());
	if (e)
		cached = *e;
	spin_unlock_bh(&an->lock);

	spin_lock_bh(&as->lock);
	act = flip_trans_start(&tr.ft, &t->req.hdr.h_port, as->next_tid++,
			       e ? &cached : NULL, now_ns(), timeout_ns,
			       &flip_timing_default);
	list_add(&tr.node, &as->trans);
	spin_unlock_bh(&as->lock);

	for (;;) {
		if (act & FLIP_ACT_FORGET)
			forget_server(an, &tr, tr.ft.moved);
		if (act & FLIP_ACT_LOCATE)
			send_locate(as, &tr);
		/* A request too big for the server's link never gets there. */
		if ((act & FLIP_ACT_REQUEST) &&
		    send_request(as, &tr, &t->req.hdr, data,
				 t->req.size) == -EMSGSIZE) {
			too_big = true;
			break;
		}
		if (act & FLIP_ACT_DONE)
			break;

		left = flip_trans_expiry(&tr.ft) - now_ns();
		err = wait_event_interruptible_hrtimeout(tr.wait,
			READ_ONCE(tr.ft.state) == FLIP_TRANS_DONE ||
			READ_ONCE(tr.pending_act),
			ns_to_ktime(max_t(s64, left, 0)));

		spin_lock_bh(&as->lock);
		if (err == -ERESTARTSYS)
			flip_trans_abort(&tr.ft);
		act = flip_trans_expire(&tr.ft, now_ns()) | tr.pending_act;
		tr.pending_act = 0;
		if (tr.ft.state == FLIP_TRANS_DONE)
			act = FLIP_ACT_DONE;
		spin_unlock_bh(&as->lock);
	}

	spin_lock_bh(&as->lock);
	list_del(&tr.node);
	/* Over, whatever the outcome: the next request says so. */
	as->acked = tr.ft.tid;
	spin_unlock_bh(&as->lock);
	kfree(data);
	if (too_big)
		return -EMSGSIZE;

	ret = trans_errno(tr.ft.result);
	if (ret) {
		if (tr.ft.result == FLIP_RES_GONE ||
		    tr.ft.result == FLIP_RES_TIMEOUT)
			forget_server(an, &tr, tr.ft.server);
		return ret;
	}

	spin_lock_bh(&an->lock);
	flip_pcache_confirm(&an->pcache, &tr.ft.port, tr.ft.server,
			    tr.ft.rtt_sample, now_ns());
	spin_unlock_bh(&an->lock);
	t->rep.hdr = tr.pkt.ah;
	ret = min_t(u32, tr.pkt.datalen, t->rep.size);
	if (copy_to_iter(tr.pkt.data, ret, rep) != ret)
		ret = -EFAULT;
	kfree_skb(tr.reply);
	return ret;
}
AMOEBA_EXPORT_FOR_TESTS(amoeba_trans);

static struct amoeba_req *take_request(struct amoeba_sock *as)
{
	struct amoeba_req *req;

	spin_lock_bh(&as->lock);
	req = list_first_entry_or_null(&as->pending, struct amoeba_req, node);
	if (req) {
		list_move_tail(&req->node, &as->serving);
		as->npending--;
		req->id = ++as->next_reqid ?: ++as->next_reqid;
	}
	spin_unlock_bh(&as->lock);
	return req;
}

/*
 * Server: wait for a request, hand over its header and data, and keep its
 * return address until putrep.  Returns the request's data length.
 */
long amoeba_getreq(struct amoeba_sock *as, struct am_io *io,
		   struct iov_iter *buf, long timeo)
{
	struct sock *sk = &as->sk;
	long timeo0 = timeo;
	struct amoeba_req *req;
	size_t n;

	if (!READ_ONCE(as->bound))
		return -EDESTADDRREQ;
	while (!(req = take_request(as))) {
		if (READ_ONCE(sk->sk_shutdown) & RCV_SHUTDOWN)
			return -ESHUTDOWN;
		if (!timeo)
			return -EAGAIN;
		timeo = wait_event_interruptible_timeout(*sk_sleep(sk),
				READ_ONCE(as->npending) ||
				(READ_ONCE(sk->sk_shutdown) & RCV_SHUTDOWN),
				timeo);
		/* As recv(2): restartable unless a timeout was set. */
		if (timeo < 0)
			return sock_intr_errno(timeo0);
	}

	n = min_t(u32, req->datalen, io->size);
	if (copy_to_iter(req->data, n, buf) != n) {
		/* Leave it for the next getreq rather than lose it. */
		spin_lock_bh(&as->lock);
		list_move(&req->node, &as->pending);
		as->npending++;
		spin_unlock_bh(&as->lock);
		return -EFAULT;
	}
	amoeba_count(as->an, AMOEBA_STAT_GETREQ);
	io->hdr = req->hdr;
	io->id = req->id;
	kfree_skb(req->skb);
	req->skb = NULL;
	req->data = NULL;
	return req->datalen;
}
AMOEBA_EXPORT_FOR_TESTS(amoeba_getreq);

static struct amoeba_req *find_serving(struct amoeba_sock *as, u32 id)
{
	struct amoeba_req *req;

	list_for_each_entry(req, &as->serving, node)
		if (req->id == id)
			return req;
	return NULL;
}

/* Server: answer request @io->id; the reply is kept until acknowledged. */
long amoeba_putrep(struct amoeba_sock *as, struct am_io *io,
		   struct iov_iter *buf)
{
	struct amoeba_net *an = as->an;
	struct flip_dedup_ent *e;
	struct amoeba_reply *copy;
	struct amoeba_req *req;
	struct sk_buff *skb;
	struct flip_pkt p;
	int err;

	spin_lock_bh(&as->lock);
	req = find_serving(as, io->id);
	if (req)
		list_del(&req->node);
	spin_unlock_bh(&as->lock);
	if (!req)
		return -ENOENT;

	pkt_init(an, &p, FLIP_UNIDATA, req->client, as->addr, FLIP_RPC_REPLY,
		 &as->putport, req->tid);
	p.ah = io->hdr;
	p.datalen = io->size;
	skb = amoeba_alloc_skb(&p, GFP_KERNEL);
	if (!skb)
		goto requeue;
	if (!copy_from_iter_full(skb_tail_pointer(skb) - io->size, io->size,
				 buf)) {
		kfree_skb(skb);
		spin_lock_bh(&as->lock);
		list_add(&req->node, &as->serving);
		spin_unlock_bh(&as->lock);
		return -EFAULT;
	}
	copy = kmalloc(struct_size(copy, buf, skb->len), GFP_KERNEL);
	if (copy) {
		copy->len = skb->len;
		memcpy(copy->buf, skb->data, skb->len);
	}

	spin_lock_bh(&as->lock);
	e = flip_dedup_find(&as->dedup, req->client, req->tid);
	if (e)
		flip_dedup_replied(e, copy, now_ns());
	else
		kfree(copy);
	spin_unlock_bh(&as->lock);

	amoeba_count(an, AMOEBA_STAT_PUTREP);
	err = amoeba_xmit_skb(an, &req->link, skb);
	kfree(req);
	/* Sent or lost in the network alike: the client retransmits. */
	return err == -EMSGSIZE ? err : 0;

requeue:
	spin_lock_bh(&as->lock);
	list_add(&req->node, &as->serving);
	spin_unlock_bh(&as->lock);
	return -ENOMEM;
}
AMOEBA_EXPORT_FOR_TESTS(amoeba_putrep);

int amoeba_sock_bind_rpc(struct amoeba_sock *as)
{
	as->dedup_ent = kcalloc(AMOEBA_DEDUP_SIZE, sizeof(*as->dedup_ent),
				GFP_KERNEL);
	if (!as->dedup_ent)
		return -ENOMEM;
	flip_dedup_init(&as->dedup, as->dedup_ent, AMOEBA_DEDUP_SIZE,
			60ULL * NSEC_PER_SEC, reply_free);
	return 0;
}

void amoeba_sock_init_rpc(struct amoeba_sock *as)
{
	spin_lock_init(&as->lock);
	INIT_LIST_HEAD(&as->trans);
	INIT_LIST_HEAD(&as->pending);
	INIT_LIST_HEAD(&as->serving);
	as->next_tid = get_random_u32();
}

/* The socket is closing: no thread is inside it any more. */
void amoeba_sock_purge(struct amoeba_sock *as)
{
	struct amoeba_req *req, *tmp;
	LIST_HEAD(reqs);

	spin_lock_bh(&as->lock);
	as->dead = true;
	list_splice_init(&as->pending, &reqs);
	list_splice_init(&as->serving, &reqs);
	as->npending = 0;
	if (as->dedup_ent)
		flip_dedup_clear(&as->dedup);
	spin_unlock_bh(&as->lock);

	list_for_each_entry_safe(req, tmp, &reqs, node) {
		kfree_skb(req->skb);
		kfree(req);
	}
	kfree(as->dedup_ent);
	as->dedup_ent = NULL;
}
