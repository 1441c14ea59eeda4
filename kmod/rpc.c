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
		if (flip_port_eq(&as->putport, port))
			return as;
	return NULL;
}

void amoeba_pkt_init(struct amoeba_net *an, struct flip_pkt *p, u8 ftype,
		     u64 dst, u64 src, u8 rtype, const struct am_port *port,
		     u32 tid)
{
	memset(p, 0, sizeof(*p));
	p->fh.type = ftype;
	p->fh.max_hop = FLIP_HOPS_DEFAULT;
	p->fh.dst = dst;
	p->fh.src = src;
	p->fh.messid = atomic_inc_return(&an->messid);
	p->rh.type = rtype;
	p->rh.port = *port;
	p->rh.tid = tid;
}

/* A header-only control packet back to where @pkt came from. */
void amoeba_answer(struct amoeba_net *an, const struct flip_pkt *pkt,
		   const struct flip_link *to, u64 src, u8 ftype, u8 rtype,
		   u8 rflags)
{
	struct flip_pkt p;

	amoeba_pkt_init(an, &p, ftype, pkt->fh.src, src, rtype, &pkt->rh.port,
			pkt->rh.tid);
	p.rh.flags = rflags;
	amoeba_xmit(an, to, &p, NULL, GFP_ATOMIC);
}

/* Tell the sender of a message how far it has got (RECEIVED). */
void amoeba_send_flow(struct amoeba_net *an, u64 dst, u64 src,
		      const struct flip_link *to, const struct am_port *port,
		      u32 tid, u8 rflags, const struct flip_flow *fl)
{
	struct flip_pkt p;

	amoeba_pkt_init(an, &p, FLIP_UNIDATA, dst, src, FLIP_RPC_RECEIVED, port,
			tid);
	p.rh.flags = rflags | (fl->answer ? FLIP_RPC_F_ASK : 0);
	p.fl = *fl;
	amoeba_xmit(an, to, &p, NULL, GFP_ATOMIC);
}

static void rcv_locate(struct amoeba_net *an, const struct flip_pkt *pkt,
		       const struct flip_link *from)
{
	struct amoeba_sock *as = amoeba_lookup_port(an, &pkt->rh.port);

	if (!as || READ_ONCE(as->dead))
		return;
	amoeba_count(an, AMOEBA_STAT_HEREIS_TX);
	amoeba_answer(an, pkt, from, as->addr, FLIP_UNIDATA, FLIP_RPC_HEREIS,
		      0);
}

/*
 * Send the request fragments the engine lets go now, from the caller's
 * buffer.  -EFAULT and -EMSGSIZE end the call; other failures are losses
 * the retransmission repairs.
 */
static int send_request(struct amoeba_sock *as, struct amoeba_trans *tr,
			const struct am_io *io, const struct iov_iter *data)
{
	struct amoeba_net *an = as->an;
	struct flip_link link;
	struct flip_pkt p;
	u32 off, len, frag;
	bool more, last;
	int err;

	for (;;) {
		spin_lock_bh(&as->lock);
		if (!tr->ft.req.frag) {
			frag = amoeba_frag_size(an, &tr->ft.link,
						FLIP_RPC_REQUEST, io->size);
			if (!frag) {
				spin_unlock_bh(&as->lock);
				return -EMSGSIZE;
			}
			flip_tx_size(&tr->ft.req, frag);
		}
		/* The server may have moved meanwhile: then stop. */
		more = tr->ft.state == FLIP_TRANS_REQUEST &&
		       flip_tx_next(&tr->ft.req, &off, &len);
		if (more) {
			amoeba_pkt_init(an, &p, FLIP_UNIDATA, tr->ft.server,
					as->addr, FLIP_RPC_REQUEST,
					&tr->ft.port, tr->ft.tid);
			p.rh.ack = as->acked;
			if (off < tr->ft.req.high)
				p.rh.flags |= FLIP_RPC_F_RETRANS;
			if (flip_tx_asks(&tr->ft.req))
				p.rh.flags |= FLIP_RPC_F_ASK;
			link = tr->ft.link;
		}
		/* The last of the burst (most often the only one): time it. */
		last = !more || !flip_tx_more(&tr->ft.req);
		if (last)
			flip_trans_sent(&tr->ft, amoeba_now());
		spin_unlock_bh(&as->lock);
		if (!more)
			return 0;

		if (p.rh.flags & FLIP_RPC_F_RETRANS)
			amoeba_count(an, AMOEBA_STAT_RETRANS);
		p.fh.messid = tr->messid;
		p.fh.offset = off;
		p.fh.total = io->size;
		p.ah = io->hdr;
		p.datalen = len;
		err = amoeba_send_frag(an, &link, &p, data, NULL);
		if (err == -EFAULT || err == -EMSGSIZE)
			return err;
		if (last)
			return 0;
	}
}

static void send_locate(struct amoeba_sock *as, struct amoeba_trans *tr)
{
	struct flip_pkt p;

	amoeba_pkt_init(as->an, &p, FLIP_MULTIDATA, FLIP_ADDR_BROADCAST,
			as->addr, FLIP_RPC_LOCATE, &tr->ft.port, tr->ft.tid);
	amoeba_count(as->an, AMOEBA_STAT_LOCATE_TX);
	amoeba_broadcast(as->an, &p);
}

/*
 * The client gives up on a call the server may hold: say so, so that a
 * request not yet taken is never run and putrep learns nobody waits.
 */
static void send_abort(struct amoeba_sock *as, struct amoeba_trans *tr)
{
	struct flip_pkt p;

	amoeba_pkt_init(as->an, &p, FLIP_UNIDATA, tr->ft.server, as->addr,
			FLIP_RPC_ABORT, &tr->ft.port, tr->ft.tid);
	amoeba_count(as->an, AMOEBA_STAT_ABORT_TX);
	amoeba_xmit(as->an, &tr->ft.link, &p, NULL, GFP_KERNEL);
}

/* Calls whose reply came in fragments, for a server resending the end. */
static void recent_add(struct amoeba_sock *as, u32 tid)
{
	as->recent[as->recent_next++ % AMOEBA_RECENT] = tid;
	if (as->nrecent < AMOEBA_RECENT)
		as->nrecent++;
}

static bool recent_has(struct amoeba_sock *as, u32 tid)
{
	int i;

	for (i = 0; i < as->nrecent; i++)
		if (as->recent[i] == tid)
			return true;
	return false;
}

/*
 * A packet for a transaction of this socket: HEREIS, REPLY, ACK, FAIL,
 * RECEIVED for the request, NOTHERE.
 */
static void rcv_client(struct amoeba_sock *as, const struct flip_pkt *pkt,
		       const struct flip_link *from, struct sk_buff *skb)
{
	struct amoeba_net *an = as->an;
	struct flip_link to = *from;
	struct amoeba_trans *tr;
	struct flip_flow fl;
	unsigned int act = 0;
	bool found = false, flow = false;
	u64 rtt_sample = 0;

	spin_lock(&as->lock);
	list_for_each_entry(tr, &as->trans, node) {
		if (tr->ft.tid != pkt->rh.tid)
			continue;
		found = true;
		act = flip_trans_input(&tr->ft, pkt, from, amoeba_now());
		rtt_sample = tr->ft.rtt_sample;
		if (act & FLIP_ACT_KEEP)
			amoeba_keep_frag(&tr->frags, skb, pkt);
		if ((act & FLIP_ACT_DONE) && tr->ft.result == FLIP_RES_OK) {
			if (flip_pkt_whole(pkt)) {
				amoeba_keep_frag(&tr->frags, skb, pkt);
				tr->replen = pkt->datalen;
			} else {
				tr->replen = tr->ft.rep.total;
				recent_add(as, tr->ft.tid);
			}
		}
		if (act & FLIP_ACT_RECEIVED) {
			flow = flip_rx_flow(&tr->ft.rep, &fl);
			to = tr->ft.link;
		}
		/* The waiter sends: it owns the request's data. */
		tr->pending_act |= act & (FLIP_ACT_REQUEST | FLIP_ACT_LOCATE |
					  FLIP_ACT_FORGET);
		/*
		 * Reply data is copied out in batches, each time a grant goes
		 * out: waking the waiter for every fragment would cost a
		 * context switch each.
		 */
		if (act & (FLIP_ACT_REQUEST | FLIP_ACT_LOCATE | FLIP_ACT_DONE |
			   FLIP_ACT_RECEIVED))
			wake_up(&tr->wait);
		break;
	}
	/* Our final RECEIVED for a finished call was lost: say it again. */
	if (!found && pkt->rh.type == FLIP_RPC_REPLY && !flip_pkt_whole(pkt) &&
	    recent_has(as, pkt->rh.tid)) {
		fl.received = pkt->fh.total;
		fl.grant = pkt->fh.total;
		fl.answer = pkt->rh.flags & FLIP_RPC_F_ASK;
		flow = true;
	}
	spin_unlock(&as->lock);

	if (flow)
		amoeba_send_flow(an, pkt->fh.src, as->addr, &to, &pkt->rh.port,
				 pkt->rh.tid, 0, &fl);
	if (!found) {
		amoeba_drop(an, flow ? FLIP_DROP_DUP : FLIP_DROP_STALE);
		return;
	}
	if (pkt->rh.type == FLIP_RPC_REPLY &&
	    !(act & (FLIP_ACT_KEEP | FLIP_ACT_DONE))) {
		amoeba_drop(an, flip_pkt_whole(pkt) ? FLIP_DROP_STALE :
			    FLIP_DROP_DUP);
		return;
	}
	if (pkt->rh.type == FLIP_RPC_HEREIS && (act & FLIP_ACT_REQUEST))
		amoeba_pcache_enter(an, &pkt->rh.port, pkt->fh.src, from,
				    rtt_sample);
}

/*
 * Dispatch one valid packet.  Runs with bottom halves disabled, from the
 * link's receive handler or from local delivery; @skb stays the caller's.
 */
void amoeba_rcv(struct amoeba_net *an, const struct flip_pkt *pkt,
		const struct flip_link *from, struct sk_buff *skb)
{
	bool forwarding = from->ifindex && READ_ONCE(an->forwarding);
	struct amoeba_sock *as;

	rcu_read_lock();
	if (forwarding)
		amoeba_learn(an, pkt, from);
	if (pkt->fh.dst == FLIP_ADDR_BROADCAST) {
		if (pkt->fh.type != FLIP_MULTIDATA)
			amoeba_drop(an, FLIP_DROP_TYPE);
		else if (pkt->rh.type == FLIP_RPC_LOCATE)
			rcv_locate(an, pkt, from);
		else
			amoeba_drop(an, FLIP_DROP_RPCTYPE);
		if (forwarding && pkt->fh.type == FLIP_MULTIDATA &&
		    pkt->rh.type == FLIP_RPC_LOCATE)
			amoeba_forward(an, pkt, from, skb);
		goto out;
	}
	/* RPC uses no other FLIP types to an address (yet). */
	if (pkt->fh.type != FLIP_UNIDATA && pkt->fh.type != FLIP_NOTHERE) {
		amoeba_drop(an, FLIP_DROP_TYPE);
		goto out;
	}
	as = lookup_addr(an, pkt->fh.dst);
	if (!as && forwarding) {
		amoeba_forward(an, pkt, from, skb);
		goto out;
	}
	if (!as) {
		amoeba_drop(an, FLIP_DROP_NOSOCK);
		/* Tell a client its server is gone, a server its client. */
		if (flip_tell_nothere(pkt))
			amoeba_answer(an, pkt, from, pkt->fh.dst, FLIP_NOTHERE,
				      pkt->rh.type, 0);
		goto out;
	}
	if (pkt->fh.type == FLIP_NOTHERE) {
		if (pkt->rh.type == FLIP_RPC_REPLY)
			amoeba_rcv_reply_flow(as, pkt);
		else
			rcv_client(as, pkt, from, skb);
		goto out;
	}
	switch (pkt->rh.type) {
	case FLIP_RPC_REQUEST:
		amoeba_rcv_request(as, pkt, from, skb);
		break;
	case FLIP_RPC_ABORT:
		amoeba_rcv_abort(as, pkt);
		break;
	case FLIP_RPC_RECEIVED:
		if (pkt->rh.flags & FLIP_RPC_F_REQUEST)
			rcv_client(as, pkt, from, skb);
		else
			amoeba_rcv_reply_flow(as, pkt);
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
 * Copy the reply data that has arrived into the caller's buffer, or after
 * a fault (*err set) just free it.
 */
static void drain_reply(struct amoeba_sock *as, struct amoeba_trans *tr,
			const struct iov_iter *rep, u32 room, int *err)
{
	struct sk_buff_head q;
	struct sk_buff *skb;

	__skb_queue_head_init(&q);
	spin_lock_bh(&as->lock);
	skb_queue_splice_init(&tr->frags, &q);
	spin_unlock_bh(&as->lock);
	while ((skb = __skb_dequeue(&q))) {
		if (!*err)
			*err = amoeba_copy_frag(skb, rep, room);
		consume_skb(skb);
	}
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
	struct flip_pcache_ent cached = { .port = t->req.hdr.h_port };
	struct amoeba_trans tr = { };
	u32 room = iov_iter_count(rep);
	unsigned int act;
	int copy_err = 0;
	u64 timeout_ns;
	bool found;
	long ret = 0;
	s64 left;
	int err;

	if (flip_port_null(&t->req.hdr.h_port))
		return -EDESTADDRREQ;
	timeout_ns = (u64)t->timeout_ms * NSEC_PER_MSEC;

	init_waitqueue_head(&tr.wait);
	__skb_queue_head_init(&tr.frags);
	tr.messid = atomic_inc_return(&an->messid);
	amoeba_count(an, AMOEBA_STAT_TRANS);

	found = amoeba_pcache_get(an, &t->req.hdr.h_port, &cached);
	if (!found)
		cached.addr = 0;

	spin_lock_bh(&as->lock);
	act = flip_trans_start(&tr.ft, &t->req.hdr.h_port, as->next_tid++,
			       t->req.size, found ? &cached : NULL,
			       amoeba_now(), timeout_ns, &flip_timing_default);
	list_add(&tr.node, &as->trans);
	spin_unlock_bh(&as->lock);

	for (;;) {
		if (act & FLIP_ACT_FORGET)
			amoeba_pcache_forget(an, &tr.ft.port, tr.ft.moved);
		if (act & FLIP_ACT_LOCATE)
			send_locate(as, &tr);
		if (act & FLIP_ACT_REQUEST) {
			ret = send_request(as, &tr, &t->req, req);
			if (ret)
				break;
		}
		if (!skb_queue_empty_lockless(&tr.frags))
			drain_reply(as, &tr, rep, room, &copy_err);
		if (act & FLIP_ACT_DONE)
			break;

		left = flip_trans_expiry(&tr.ft) - amoeba_now();
		err = wait_event_interruptible_hrtimeout(tr.wait,
			READ_ONCE(tr.ft.state) == FLIP_TRANS_DONE ||
			READ_ONCE(tr.pending_act),
			ns_to_ktime(max_t(s64, left, 0)));

		spin_lock_bh(&as->lock);
		if (err == -ERESTARTSYS)
			flip_trans_abort(&tr.ft);
		act = flip_trans_expire(&tr.ft, amoeba_now()) | tr.pending_act;
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
	if (!ret && tr.ft.result == FLIP_RES_OK)
		drain_reply(as, &tr, rep, room, &copy_err);
	__skb_queue_purge(&tr.frags);

	if (!ret)
		ret = trans_errno(tr.ft.result);
	if (ret) {
		if (tr.ft.result == FLIP_RES_GONE ||
		    tr.ft.result == FLIP_RES_TIMEOUT)
			amoeba_pcache_forget(an, &tr.ft.port, tr.ft.server);
		if (tr.ft.server && tr.ft.result != FLIP_RES_GONE)
			send_abort(as, &tr);
		return ret;
	}

	amoeba_pcache_confirm(an, &cached, tr.ft.server, tr.ft.rtt_sample);
	t->rep.hdr = tr.ft.rephdr;
	if (copy_err)
		return -EFAULT;
	return min(tr.replen, room);
}
AMOEBA_EXPORT_FOR_TESTS(amoeba_trans);
