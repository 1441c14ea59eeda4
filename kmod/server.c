// SPDX-License-Identifier: GPL-2.0
/*
 * The server side of a socket: requests arrive (whole, or in fragments
 * that are reassembled within a memory budget), wait for getreq, and are
 * answered by putrep.  Every request is entered in the duplicate filter
 * when it is first seen, so copies of it, however late, are answered and
 * never delivered twice.  A reply that fits one packet is sent at once and
 * a copy kept until the client acknowledges it; a larger one is streamed
 * by putrep under the client's flow control, and putrep returns once the
 * client holds all of it, so a dead client makes it fail.
 */
#include <linux/hrtimer.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/uio.h>

#include "amoeba.h"

static void reply_free(void *reply)
{
	consume_skb(reply);
}

static struct amoeba_req *find_req(struct list_head *list, u64 client,
				   u32 tid)
{
	struct amoeba_req *req;

	list_for_each_entry(req, list, node)
		if (req->client == client && req->tid == tid)
			return req;
	return NULL;
}

/*
 * Reserve @bytes of the socket's and the namespace's budget for a request
 * arriving in fragments, all at once, so a message admitted always has the
 * room to complete.  as->lock held.
 */
static bool budget_take(struct amoeba_sock *as, u32 bytes)
{
	long net_max = (long)READ_ONCE(amoeba_net_budget_kb) * 1024;
	u64 sock_max = (u64)READ_ONCE(amoeba_sock_budget_kb) * 1024;
	struct amoeba_net *an = as->an;

	if ((u64)as->rx_reserved + bytes > sock_max)
		return false;
	if (atomic_long_add_return(bytes, &an->rx_reserved) > net_max) {
		atomic_long_sub(bytes, &an->rx_reserved);
		return false;
	}
	as->rx_reserved += bytes;
	return true;
}

/* Give back @bytes that budget_take() reserved.  as->lock held. */
static void budget_give(struct amoeba_sock *as, u32 bytes)
{
	as->rx_reserved -= bytes;
	atomic_long_sub(bytes, &as->an->rx_reserved);
}

static void budget_put(struct amoeba_sock *as, struct amoeba_req *req)
{
	budget_give(as, req->reserved);
	req->reserved = 0;
}

/* Take @req off its list and give back what it holds.  as->lock held. */
static void req_unlink(struct amoeba_sock *as, struct amoeba_req *req)
{
	list_del(&req->node);
	budget_put(as, req);
}

static void req_free(struct amoeba_req *req)
{
	__skb_queue_purge(&req->frags);
	kfree(req);
}

static struct amoeba_req *req_new(const struct flip_pkt *pkt,
				  const struct flip_link *from)
{
	struct amoeba_req *req = kzalloc(sizeof(*req), GFP_ATOMIC);

	if (!req)
		return NULL;
	req->client = pkt->fh.src;
	req->tid = pkt->rh.tid;
	req->link = *from;
	req->total = pkt->fh.total;
	__skb_queue_head_init(&req->frags);
	return req;
}

static void queue_pending(struct amoeba_sock *as, struct amoeba_req *req)
{
	list_add_tail(&req->node, &as->pending);
	as->npending++;
	as->sk.sk_data_ready(&as->sk);
}

/*
 * Forget requests whose fragments stopped coming: their clients gave up.
 * They never ran, so the filter may forget them too.  as->lock held.
 */
static void sweep_partial(struct amoeba_sock *as, u64 now)
{
	struct amoeba_req *req, *tmp;
	struct flip_dedup_ent *e;

	list_for_each_entry_safe(req, tmp, &as->partial, node) {
		if (now - req->rx.stamp < AMOEBA_PARTIAL_IDLE_NS)
			continue;
		e = flip_dedup_find(&as->dedup, req->client, req->tid);
		if (e)
			flip_dedup_release(&as->dedup, e);
		req_unlink(as, req);
		req_free(req);
	}
}

/* The answers a received request packet calls for, sent after unlocking. */
struct req_answer {
	enum flip_drop	why;
	u8		rtype;		/* a control packet back, or 0 */
	bool		flow;		/* a RECEIVED back */
	struct flip_flow fl;
	struct sk_buff	*dup;		/* the cached reply, to resend */
};

static void add_fragment(struct amoeba_sock *as, struct amoeba_req *req,
			 const struct flip_pkt *pkt, struct sk_buff *skb,
			 struct req_answer *ans)
{
	enum flip_rx_verdict v;

	if (pkt->fh.total != req->total) {
		ans->why = FLIP_DROP_FRAGMENT;
		return;
	}
	v = flip_rx_add(&req->rx, pkt->fh.offset, pkt->datalen, amoeba_now());
	if (pkt->rh.flags & FLIP_RPC_F_ASK)
		flip_rx_ask(&req->rx);
	if (v == FLIP_RX_NEW) {
		amoeba_keep_frag(&req->frags, skb, pkt);
		if (!pkt->fh.offset)
			req->hdr = pkt->ah;
	} else {
		ans->why = v == FLIP_RX_DUP ? FLIP_DROP_DUP : FLIP_DROP_FRAGMENT;
	}
	ans->flow = flip_rx_flow(&req->rx, &ans->fl);
	if (v == FLIP_RX_NEW && flip_rx_complete(&req->rx)) {
		list_del(&req->node);
		queue_pending(as, req);
	}
}

/* A copy of a request the filter knows: answer once per burst, or asked. */
static void old_request(struct flip_dedup_ent *e, const struct flip_pkt *pkt,
			struct req_answer *ans)
{
	ans->why = FLIP_DROP_DUP;
	if (!flip_pkt_answered(pkt))
		return;
	if (e->state == FLIP_DEDUP_BUSY)
		ans->rtype = FLIP_RPC_ACK;
	else if (e->reply)
		ans->dup = skb_clone(e->reply, GFP_ATOMIC);
	else
		/* The reply is gone unsent (putrep failed): say so. */
		ans->rtype = FLIP_RPC_FAIL;
}

static void new_request(struct amoeba_sock *as, const struct flip_pkt *pkt,
			const struct flip_link *from, struct sk_buff *skb,
			struct req_answer *ans)
{
	bool whole = flip_pkt_whole(pkt);
	struct flip_dedup_ent *e;
	struct amoeba_req *req;
	u64 now = amoeba_now();

	if (whole && as->npending >= AMOEBA_MAX_PENDING) {
		ans->why = FLIP_DROP_FULL;
		return;
	}
	if (!whole) {
		sweep_partial(as, now);
		if (!budget_take(as, pkt->fh.total)) {
			ans->why = FLIP_DROP_BUDGET;
			return;
		}
	}
	if (flip_dedup_request(&as->dedup, pkt->fh.src, pkt->rh.tid, now,
			       &e) != FLIP_NEW) {
		ans->why = FLIP_DROP_FULL;
		goto unbudget;
	}
	req = req_new(pkt, from);
	if (!req) {
		flip_dedup_release(&as->dedup, e);
		ans->why = FLIP_DROP_NOMEM;
		goto unbudget;
	}
	if (whole) {
		req->hdr = pkt->ah;
		amoeba_keep_frag(&req->frags, skb, pkt);
		queue_pending(as, req);
		return;
	}
	req->reserved = pkt->fh.total;
	flip_rx_init(&req->rx, pkt->fh.total, now);
	list_add_tail(&req->node, &as->partial);
	add_fragment(as, req, pkt, skb, ans);
	return;

unbudget:
	if (!whole)
		budget_give(as, pkt->fh.total);
}

void amoeba_rcv_request(struct amoeba_sock *as, const struct flip_pkt *pkt,
			const struct flip_link *from, struct sk_buff *skb)
{
	struct amoeba_net *an = as->an;
	struct req_answer ans = { };
	struct flip_dedup_ent *e;
	struct amoeba_req *req;

	spin_lock(&as->lock);
	if (as->dead || !as->bound ||
	    !flip_port_eq(&pkt->rh.port, &as->putport)) {
		spin_unlock(&as->lock);
		amoeba_drop(an, FLIP_DROP_NOSOCK);
		amoeba_answer(an, pkt, from, as->addr, FLIP_UNIDATA,
			      FLIP_RPC_FAIL, 0);
		return;
	}
	/* The client is done with an earlier call: drop its reply copy. */
	if (pkt->rh.ack) {
		e = flip_dedup_find(&as->dedup, pkt->fh.src, pkt->rh.ack);
		if (e && e->state == FLIP_DEDUP_REPLIED)
			flip_dedup_acked(&as->dedup, e);
	}
	req = flip_pkt_whole(pkt) ? NULL :
	      find_req(&as->partial, pkt->fh.src, pkt->rh.tid);
	if (req) {
		add_fragment(as, req, pkt, skb, &ans);
	} else {
		e = flip_dedup_find(&as->dedup, pkt->fh.src, pkt->rh.tid);
		if (e)
			old_request(e, pkt, &ans);
		else
			new_request(as, pkt, from, skb, &ans);
	}
	spin_unlock(&as->lock);

	if (ans.why)
		amoeba_drop(an, ans.why);
	if (ans.flow)
		amoeba_send_flow(an, pkt->fh.src, as->addr, from,
				 &pkt->rh.port, pkt->rh.tid,
				 FLIP_RPC_F_REQUEST, &ans.fl);
	if (ans.rtype)
		amoeba_answer(an, pkt, from, as->addr, FLIP_UNIDATA, ans.rtype,
			      ans.rtype == FLIP_RPC_ACK ?
			      FLIP_RPC_F_REQUEST : 0);
	if (ans.dup)
		amoeba_xmit_skb(an, from, ans.dup);
}

/*
 * The client abandoned a call.  A request not yet taken is withdrawn and
 * never runs; one being served makes its putrep fail; a reply being sent
 * stops.  The filter keeps the call, so no late copy runs it.
 */
void amoeba_rcv_abort(struct amoeba_sock *as, const struct flip_pkt *pkt)
{
	struct amoeba_req *req, *gone = NULL;
	struct flip_dedup_ent *e;
	struct amoeba_reptx *rt;
	u64 client = pkt->fh.src;
	u32 tid = pkt->rh.tid;

	amoeba_count(as->an, AMOEBA_STAT_ABORT_RX);
	spin_lock(&as->lock);
	list_for_each_entry(rt, &as->replying, node) {
		if (rt->client == client && rt->tid == tid) {
			rt->gone = true;
			wake_up(&rt->wait);
		}
	}
	req = find_req(&as->serving, client, tid);
	if (req) {
		req->aborted = true;
	} else {
		gone = find_req(&as->partial, client, tid);
		if (!gone) {
			gone = find_req(&as->pending, client, tid);
			if (gone)
				as->npending--;
		}
		if (gone)
			req_unlink(as, gone);
	}
	e = flip_dedup_find(&as->dedup, client, tid);
	if (e && e->state == FLIP_DEDUP_BUSY && (req || gone))
		flip_dedup_replied(e, NULL, amoeba_now());
	spin_unlock(&as->lock);
	if (gone)
		req_free(gone);
}

/* RECEIVED for a reply putrep is sending, or NOTHERE: its client is gone. */
void amoeba_rcv_reply_flow(struct amoeba_sock *as, const struct flip_pkt *pkt)
{
	struct amoeba_reptx *rt;
	bool found = false;

	spin_lock(&as->lock);
	list_for_each_entry(rt, &as->replying, node) {
		if (rt->client != pkt->fh.src || rt->tid != pkt->rh.tid)
			continue;
		found = true;
		if (pkt->fh.type == FLIP_NOTHERE)
			rt->gone = true;
		else if (flip_tx_received(&rt->tx, &pkt->fl, amoeba_now()))
			rt->news = true;
		wake_up(&rt->wait);
		break;
	}
	spin_unlock(&as->lock);
	if (!found)
		amoeba_drop(as->an, FLIP_DROP_STALE);
}

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
	u32 room = iov_iter_count(buf);
	long timeo0 = timeo;
	struct amoeba_req *req;
	struct sk_buff *skb;
	int err = 0;

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

	skb_queue_walk(&req->frags, skb) {
		err = amoeba_copy_frag(skb, buf, room);
		if (err)
			break;
	}
	if (err) {
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
	if (req->reserved) {
		spin_lock_bh(&as->lock);
		budget_put(as, req);
		spin_unlock_bh(&as->lock);
	}
	__skb_queue_purge(&req->frags);
	return req->total;
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

/* The filter's entry for @req now records that it was answered. */
static void mark_replied(struct amoeba_sock *as, struct amoeba_req *req,
			 struct sk_buff *copy)
{
	struct flip_dedup_ent *e;

	spin_lock_bh(&as->lock);
	e = flip_dedup_find(&as->dedup, req->client, req->tid);
	if (e && e->state == FLIP_DEDUP_BUSY) {
		flip_dedup_replied(e, copy, amoeba_now());
		copy = NULL;
	}
	spin_unlock_bh(&as->lock);
	consume_skb(copy);
}

static void reply_pkt(struct amoeba_sock *as, struct amoeba_req *req,
		      const struct am_io *io, struct flip_pkt *p)
{
	amoeba_pkt_init(as->an, p, FLIP_UNIDATA, req->client, as->addr,
			FLIP_RPC_REPLY, &as->putport, req->tid);
	p->ah = io->hdr;
	p->fh.total = io->size;
}

/*
 * A reply in one packet: sent now; *copy is what to keep for
 * retransmissions (NULL if nothing was built).
 */
static long put_whole(struct amoeba_sock *as, struct amoeba_req *req,
		      const struct am_io *io, const struct iov_iter *buf,
		      struct sk_buff **copy)
{
	struct flip_pkt p;

	reply_pkt(as, req, io, &p);
	p.datalen = io->size;
	return amoeba_send_frag(as->an, &req->link, &p, buf, copy);
}

/* The call's own timeout, else SO_SNDTIMEO, else trans_timeout_ms. */
static u64 putrep_timeout_ns(struct amoeba_sock *as, u32 timeout_ms)
{
	long sndtimeo = READ_ONCE(as->sk.sk_sndtimeo);

	if (timeout_ms)
		return (u64)timeout_ms * NSEC_PER_MSEC;
	if (sndtimeo && sndtimeo != MAX_SCHEDULE_TIMEOUT)
		return jiffies_to_nsecs(sndtimeo);
	return (u64)READ_ONCE(amoeba_trans_timeout_ms) * NSEC_PER_MSEC;
}

/* Send what the client's grant allows of a reply in fragments. */
static int put_burst(struct amoeba_sock *as, struct amoeba_req *req,
		     struct amoeba_reptx *rt, const struct am_io *io,
		     const struct iov_iter *buf, u32 messid)
{
	const struct flip_timing *tm = &flip_timing_default;
	unsigned int sent = 0;
	struct flip_pkt p;
	u32 off, len, high;
	bool more, ask;
	int err;

	for (;;) {
		spin_lock_bh(&as->lock);
		high = rt->tx.high;
		more = !rt->gone && flip_tx_next(&rt->tx, &off, &len);
		ask = more && flip_tx_asks(&rt->tx);
		if (!more && sent)
			flip_tx_arm(&rt->tx, amoeba_now(), tm->rto_initial,
				    tm->rto_max);
		spin_unlock_bh(&as->lock);
		if (!more)
			return 0;
		reply_pkt(as, req, io, &p);
		p.fh.messid = messid;
		p.fh.offset = off;
		p.datalen = len;
		if (off < high) {
			p.rh.flags |= FLIP_RPC_F_RETRANS;
			amoeba_count(as->an, AMOEBA_STAT_RETRANS);
		}
		if (ask)
			p.rh.flags |= FLIP_RPC_F_ASK;
		err = amoeba_send_frag(as->an, &req->link, &p, buf, NULL);
		if (err == -EFAULT || err == -EMSGSIZE)
			return err;
		sent++;
	}
}

/*
 * A reply in fragments: stream it within the client's grants, go back on
 * silence, and return when the client holds all of it, is gone, or takes
 * nothing new for the send timeout.  As TCP's SO_SNDTIMEO, the timeout
 * bounds a stall, not the transfer: a slow path that still makes progress
 * must not fail a reply it is delivering.
 */
static long put_frags(struct amoeba_sock *as, struct amoeba_req *req,
		      const struct am_io *io, const struct iov_iter *buf,
		      u32 frag, u32 timeout_ms)
{
	u64 span = putrep_timeout_ns(as, timeout_ms);
	u64 deadline = amoeba_now() + span;
	u32 acked = 0;
	u32 messid = atomic_inc_return(&as->an->messid);
	struct amoeba_reptx rt = {
		.client = req->client,
		.tid = req->tid,
	};
	u64 now, until;
	long err;

	init_waitqueue_head(&rt.wait);
	flip_tx_init(&rt.tx, io->size);
	flip_tx_size(&rt.tx, frag);
	spin_lock_bh(&as->lock);
	list_add(&rt.node, &as->replying);
	spin_unlock_bh(&as->lock);

	for (;;) {
		err = put_burst(as, req, &rt, io, buf, messid);
		if (err)
			break;
		now = amoeba_now();
		spin_lock_bh(&as->lock);
		rt.news = false;
		if (rt.tx.acked != acked) {
			acked = rt.tx.acked;
			deadline = now + span;
		}
		if (rt.gone)
			err = -ECONNRESET;
		else if (flip_tx_done(&rt.tx))
			err = 1;
		else if (now >= deadline)
			err = -ETIMEDOUT;
		spin_unlock_bh(&as->lock);
		if (err)
			break;
		until = rt.tx.timer && rt.tx.timer < deadline ? rt.tx.timer :
								deadline;
		err = wait_event_interruptible_hrtimeout(rt.wait,
			READ_ONCE(rt.news) || READ_ONCE(rt.gone),
			ns_to_ktime(until > now ? until - now : 0));
		if (err == -ERESTARTSYS) {
			err = -EINTR;
			break;
		}
		spin_lock_bh(&as->lock);
		flip_tx_expire(&rt.tx, amoeba_now());
		spin_unlock_bh(&as->lock);
	}

	spin_lock_bh(&as->lock);
	list_del(&rt.node);
	spin_unlock_bh(&as->lock);
	return err > 0 ? 0 : err;
}

/*
 * Server: answer request @io->id.  A buffer putrep cannot read leaves the
 * request open for another putrep when the reply would fit one packet.
 */
long amoeba_putrep(struct amoeba_sock *as, struct am_io *io,
		   struct iov_iter *buf, u32 timeout_ms)
{
	struct sk_buff *copy = NULL;
	struct amoeba_req *req;
	u32 frag;
	long err;

	spin_lock_bh(&as->lock);
	req = find_serving(as, io->id);
	if (req)
		list_del(&req->node);
	spin_unlock_bh(&as->lock);
	if (!req)
		return -ENOENT;

	amoeba_count(as->an, AMOEBA_STAT_PUTREP);
	frag = amoeba_frag_size(as->an, &req->link, FLIP_RPC_REPLY, io->size);
	if (req->aborted)
		err = -ECONNRESET;
	else if (!frag)
		err = -EMSGSIZE;
	else if (io->size <= frag)
		err = put_whole(as, req, io, buf, &copy);
	else
		err = put_frags(as, req, io, buf, frag, timeout_ms);

	/* Nothing went out: the request stays open for another putrep. */
	if ((err == -EFAULT || err == -ENOMEM) && io->size <= frag && !copy) {
		spin_lock_bh(&as->lock);
		list_add(&req->node, &as->serving);
		spin_unlock_bh(&as->lock);
		return err;
	}
	/*
	 * Answered or not, it is over: copies of it get the kept reply, or
	 * FAIL when there is none.
	 */
	mark_replied(as, req, copy);
	req_free(req);
	return err;
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
	INIT_LIST_HEAD(&as->partial);
	INIT_LIST_HEAD(&as->pending);
	INIT_LIST_HEAD(&as->serving);
	INIT_LIST_HEAD(&as->replying);
	as->next_tid = get_random_u32();
}

/* The socket is closing: no thread is inside it any more. */
void amoeba_sock_purge(struct amoeba_sock *as)
{
	struct amoeba_req *req, *tmp;
	LIST_HEAD(reqs);

	spin_lock_bh(&as->lock);
	as->dead = true;
	list_splice_init(&as->partial, &reqs);
	list_splice_init(&as->pending, &reqs);
	list_splice_init(&as->serving, &reqs);
	as->npending = 0;
	list_for_each_entry(req, &reqs, node)
		budget_put(as, req);
	if (as->dedup_ent)
		flip_dedup_clear(&as->dedup);
	spin_unlock_bh(&as->lock);

	list_for_each_entry_safe(req, tmp, &reqs, node)
		req_free(req);
	kfree(as->dedup_ent);
	as->dedup_ent = NULL;
}
