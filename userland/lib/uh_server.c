// SPDX-License-Identifier: GPL-2.0
/*
 * The user-space host's server: the get-ports a process serves, requests
 * from their first packet to putrep, and replies.  As in amoeba.ko, every
 * request enters the duplicate filter when it is first seen, so copies of
 * it are answered and never delivered twice; a request in fragments is
 * reassembled within a memory budget reserved whole when it begins; a
 * reply that fits one packet is sent at once and kept until the
 * client's next request acknowledges it; a larger one is streamed by
 * putrep under the client's flow control, and putrep returns once the
 * client holds all of it.
 */
#include <errno.h>
#include <stdlib.h>

#include "uh.h"

/* A kept reply: the packet as sent, for copies of the request. */
struct uh_reply {
	struct flip_link	to;
	size_t			len;
	u8			pkt[];
};

static void reply_free(void *reply)
{
	free(reply);
}

void uh_server_init(void)
{
	TAILQ_INIT(&uh.partial);
	TAILQ_INIT(&uh.serving);
	TAILQ_INIT(&uh.replying);
	flip_dedup_init(&uh.dedup, uh.dedup_ent, UH_DEDUP_SIZE,
			60ULL * 1000000000ULL, reply_free);
}

static struct uh_port *port_by_put(const struct am_port *put)
{
	int i;

	for (i = 0; i < uh.nports; i++)
		if (flip_port_eq(&uh.ports[i]->put, put))
			return uh.ports[i];
	return NULL;
}

/* The port record for @get, made on first use.  uh.lock held. */
static struct uh_port *port_get(const struct am_port *get)
{
	struct uh_port *p;
	int i;

	for (i = 0; i < uh.nports; i++)
		if (flip_port_eq(&uh.ports[i]->get, get))
			return uh.ports[i];
	if (uh.nports == UH_PORTS_MAX) {
		am_fail(RPC_FAILURE, "getreq: more than %d get-ports served",
			UH_PORTS_MAX);
		return NULL;
	}
	p = calloc(1, sizeof(*p));
	if (!p) {
		am_fail(RPC_FAILURE, "getreq: out of memory");
		return NULL;
	}
	p->get = *get;
	am_fbox(get, &p->put);
	TAILQ_INIT(&p->pending);
	uh_cond_init(&p->ready);
	uh.ports[uh.nports] = p;
	__atomic_store_n(&uh.nports, uh.nports + 1, __ATOMIC_RELAXED);
	return p;
}

void uh_rcv_locate(const struct flip_pkt *pkt, const struct flip_link *from)
{
	if (port_by_put(&pkt->rh.port))
		uh_answer(pkt, from, FLIP_UNIDATA, FLIP_RPC_HEREIS, 0);
}

static struct uh_req *find_req(struct uh_req_list *list, u64 client,
				u32 tid)
{
	struct uh_req *req;

	TAILQ_FOREACH(req, list, node)
		if (req->client == client && req->tid == tid)
			return req;
	return NULL;
}

static void req_free(struct uh_req *req)
{
	uh.reserved -= req->reserved;
	free(req->data);
	free(req);
}

static void queue_pending(struct uh_req *req)
{
	struct uh_port *p = req->port;

	TAILQ_INSERT_TAIL(&p->pending, req, node);
	p->npending++;
	pthread_cond_signal(&p->ready);
}

/* Forget requests whose fragments stopped coming: they never ran. */
static void sweep_partial(u64 now)
{
	struct uh_req *req, *next;
	struct flip_dedup_ent *e;

	for (req = TAILQ_FIRST(&uh.partial); req; req = next) {
		next = TAILQ_NEXT(req, node);
		if (now - req->rx.stamp < UH_PARTIAL_IDLE_NS)
			continue;
		e = flip_dedup_find(&uh.dedup, req->client, req->tid);
		if (e)
			flip_dedup_release(&uh.dedup, e);
		TAILQ_REMOVE(&uh.partial, req, node);
		req_free(req);
	}
}

/* One more fragment of a request arriving in several. */
static void add_fragment(struct uh_req *req, const struct flip_pkt *pkt,
			 const struct flip_link *from)
{
	enum flip_rx_verdict v;
	struct flip_flow fl;

	if (pkt->fh.total != req->total) {
		uh_drop(FLIP_DROP_FRAGMENT);
		return;
	}
	v = flip_rx_add(&req->rx, pkt->fh.offset, pkt->datalen, uh_now());
	if (pkt->rh.flags & FLIP_RPC_F_ASK)
		flip_rx_ask(&req->rx);
	if (v == FLIP_RX_NEW) {
		memcpy(req->data + pkt->fh.offset, pkt->data, pkt->datalen);
		if (!pkt->fh.offset)
			req->hdr = pkt->ah;
	} else {
		uh_drop(v == FLIP_RX_DUP ? FLIP_DROP_DUP : FLIP_DROP_FRAGMENT);
	}
	if (flip_rx_flow(&req->rx, &fl))
		uh_send_flow(pkt->fh.src, from, &pkt->rh.port, pkt->rh.tid,
			      FLIP_RPC_F_REQUEST, &fl);
	if (v == FLIP_RX_NEW && flip_rx_complete(&req->rx)) {
		TAILQ_REMOVE(&uh.partial, req, node);
		queue_pending(req);
	}
}

/* A copy of a request the filter knows: answer once per burst, or asked. */
static void old_request(struct flip_dedup_ent *e, const struct flip_pkt *pkt,
			const struct flip_link *from)
{
	struct uh_reply *r = e->reply;

	uh_drop(FLIP_DROP_DUP);
	if (!flip_pkt_answered(pkt))
		return;
	if (e->state == FLIP_DEDUP_BUSY)
		uh_answer(pkt, from, FLIP_UNIDATA, FLIP_RPC_ACK,
			   FLIP_RPC_F_REQUEST);
	else if (r)
		uh_send_raw(&r->to, r->pkt, r->len);
	else
		/* The reply is gone unsent (putrep failed): say so. */
		uh_answer(pkt, from, FLIP_UNIDATA, FLIP_RPC_FAIL, 0);
}

static void new_request(struct uh_port *port, const struct flip_pkt *pkt,
			const struct flip_link *from)
{
	bool whole = flip_pkt_whole(pkt);
	u32 size = whole ? pkt->datalen : pkt->fh.total;
	struct flip_dedup_ent *e;
	struct uh_req *req;
	u64 now = uh_now();

	if (whole && port->npending >= UH_PENDING_MAX) {
		uh_drop(FLIP_DROP_FULL);
		return;
	}
	if (!whole) {
		sweep_partial(now);
		if (uh.reserved + size > UH_BUDGET) {
			uh_drop(FLIP_DROP_BUDGET);
			return;
		}
	}
	req = calloc(1, sizeof(*req));
	if (req && size)
		req->data = malloc(size);
	if (!req || (size && !req->data)) {
		free(req);
		uh_drop(FLIP_DROP_NOMEM);
		return;
	}
	if (flip_dedup_request(&uh.dedup, pkt->fh.src, pkt->rh.tid, now,
			       &e) != FLIP_NEW) {
		free(req->data);
		free(req);
		uh_drop(FLIP_DROP_FULL);
		return;
	}
	req->port = port;
	req->client = pkt->fh.src;
	req->tid = pkt->rh.tid;
	req->link = *from;
	req->total = pkt->fh.total;
	if (whole) {
		req->hdr = pkt->ah;
		if (size)
			memcpy(req->data, pkt->data, size);
		queue_pending(req);
		return;
	}
	req->reserved = size;
	uh.reserved += size;
	flip_rx_init(&req->rx, size, now);
	TAILQ_INSERT_TAIL(&uh.partial, req, node);
	add_fragment(req, pkt, from);
}

void uh_rcv_request(const struct flip_pkt *pkt, const struct flip_link *from)
{
	struct uh_port *port = port_by_put(&pkt->rh.port);
	struct flip_dedup_ent *e;
	struct uh_req *req;

	if (!port) {
		uh_drop(FLIP_DROP_NOSOCK);
		uh_answer(pkt, from, FLIP_UNIDATA, FLIP_RPC_FAIL, 0);
		return;
	}
	/* The client is done with an earlier call: drop its reply copy. */
	if (pkt->rh.ack) {
		e = flip_dedup_find(&uh.dedup, pkt->fh.src, pkt->rh.ack);
		if (e && e->state == FLIP_DEDUP_REPLIED)
			flip_dedup_acked(&uh.dedup, e);
	}
	req = flip_pkt_whole(pkt) ? NULL :
	      find_req(&uh.partial, pkt->fh.src, pkt->rh.tid);
	if (req) {
		add_fragment(req, pkt, from);
		return;
	}
	e = flip_dedup_find(&uh.dedup, pkt->fh.src, pkt->rh.tid);
	if (e)
		old_request(e, pkt, from);
	else
		new_request(port, pkt, from);
}

/*
 * The client abandoned a call: a request not yet taken never runs, one
 * being served makes its putrep fail, a reply being sent stops.
 */
void uh_rcv_abort(const struct flip_pkt *pkt)
{
	struct uh_req *req, *gone = NULL;
	struct flip_dedup_ent *e;
	struct uh_reptx *rt;
	u64 client = pkt->fh.src;
	u32 tid = pkt->rh.tid;
	int i;

	TAILQ_FOREACH(rt, &uh.replying, node) {
		if (rt->client == client && rt->tid == tid) {
			rt->gone = true;
			pthread_cond_signal(&rt->wait);
		}
	}
	req = find_req(&uh.serving, client, tid);
	if (req) {
		req->aborted = true;
	} else {
		gone = find_req(&uh.partial, client, tid);
		if (gone) {
			TAILQ_REMOVE(&uh.partial, gone, node);
		} else {
			for (i = 0; i < uh.nports && !gone; i++) {
				gone = find_req(&uh.ports[i]->pending, client,
						tid);
				if (gone) {
					TAILQ_REMOVE(&uh.ports[i]->pending,
						     gone, node);
					uh.ports[i]->npending--;
				}
			}
		}
	}
	e = flip_dedup_find(&uh.dedup, client, tid);
	if (e && e->state == FLIP_DEDUP_BUSY && (req || gone))
		flip_dedup_replied(e, NULL, uh_now());
	if (gone)
		req_free(gone);
}

/* RECEIVED for a reply putrep is sending, or NOTHERE: its client is gone. */
void uh_rcv_reply_flow(const struct flip_pkt *pkt)
{
	struct uh_reptx *rt;

	TAILQ_FOREACH(rt, &uh.replying, node) {
		if (rt->client != pkt->fh.src || rt->tid != pkt->rh.tid)
			continue;
		if (pkt->fh.type == FLIP_NOTHERE)
			rt->gone = true;
		else if (flip_tx_received(&rt->tx, &pkt->fl, uh_now()))
			rt->news = true;
		pthread_cond_signal(&rt->wait);
		return;
	}
	uh_drop(FLIP_DROP_STALE);
}

int32_t uh_getreq(const struct am_port *getport, struct am_hdr *hdr,
		   void *buf, size_t len, uint32_t ms, struct am_serving *s)
{
	u64 until = ms ? uh_now() + ms * 1000000ULL : 0;
	struct uh_port *port;
	struct uh_req *req;

	pthread_mutex_lock(&uh.lock);
	port = port_get(getport);
	while (port && !(req = TAILQ_FIRST(&port->pending))) {
		if (until && uh_now() >= until) {
			pthread_mutex_unlock(&uh.lock);
			return am_fail(RPC_FAILURE,
				       "getreq: no request in %u ms", ms);
		}
		uh_wait(&port->ready, until);
	}
	if (!port) {
		pthread_mutex_unlock(&uh.lock);
		return RPC_FAILURE;
	}
	TAILQ_REMOVE(&port->pending, req, node);
	port->npending--;
	req->id = ++uh.next_reqid ? uh.next_reqid : ++uh.next_reqid;
	uh.reserved -= req->reserved;
	req->reserved = 0;
	TAILQ_INSERT_TAIL(&uh.serving, req, node);
	pthread_mutex_unlock(&uh.lock);

	/* Taken: nobody else touches its data now. */
	if (req->total && len)
		memcpy(buf, req->data, req->total < len ? req->total : len);
	free(req->data);
	req->data = NULL;
	*hdr = req->hdr;
	s->port = port;
	s->id = req->id;
	return (int32_t)req->total;
}

static void reply_pkt(const struct uh_req *req, const struct am_hdr *hdr,
		      u32 size, struct flip_pkt *p)
{
	uh_pkt_init(p, FLIP_UNIDATA, req->client, FLIP_RPC_REPLY,
		     &req->port->put, req->tid);
	p->ah = *hdr;
	p->fh.total = size;
}

/*
 * A reply in one packet: sent now, and in *keep the packet to answer
 * copies of the request with.  Without memory for the copy it still goes,
 * and copies are told FAIL.
 */
static void put_whole(const struct uh_req *req, const struct am_hdr *hdr,
		      const void *buf, u32 len, struct uh_reply **keep)
{
	size_t hlen = flip_hdrs_len(FLIP_RPC_REPLY, 0);
	struct uh_reply *r;
	struct flip_pkt p;

	reply_pkt(req, hdr, len, &p);
	p.datalen = len;
	r = malloc(sizeof(*r) + hlen + len);
	if (!r) {
		uh_send(&req->link, &p, buf);
		return;
	}
	r->to = req->link;
	r->len = hlen + len;
	flip_write(r->pkt, &p);
	if (len)
		memcpy(r->pkt + hlen, buf, len);
	uh_send_raw(&r->to, r->pkt, r->len);
	*keep = r;
}

/*
 * Send what the client's grant allows of a reply in fragments.  uh.lock
 * held, dropped around each packet.
 */
static void put_burst(const struct uh_req *req, struct uh_reptx *rt,
		      const struct am_hdr *hdr, const u8 *buf, u32 messid)
{
	const struct flip_timing *tm = &flip_timing_default;
	unsigned int sent = 0;
	struct flip_pkt p;
	u32 off, len, high;

	for (;;) {
		high = rt->tx.high;
		if (rt->gone || !flip_tx_next(&rt->tx, &off, &len))
			break;
		reply_pkt(req, hdr, rt->tx.total, &p);
		p.fh.messid = messid;
		p.fh.offset = off;
		p.datalen = len;
		if (off < high)
			p.rh.flags |= FLIP_RPC_F_RETRANS;
		if (flip_tx_asks(&rt->tx))
			p.rh.flags |= FLIP_RPC_F_ASK;
		pthread_mutex_unlock(&uh.lock);
		uh_send(&req->link, &p, buf + off);
		pthread_mutex_lock(&uh.lock);
		sent++;
	}
	if (sent)
		flip_tx_arm(&rt->tx, uh_now(), tm->rto_initial, tm->rto_max);
}

/*
 * A reply in fragments: stream it within the client's grants, repair on
 * silence, and return when the client holds all of it, is gone, or takes
 * nothing new for @span ns (a stall, not the whole transfer, as
 * amoeba.ko's SO_SNDTIMEO).
 */
static int32_t put_frags(const struct uh_req *req, const struct am_hdr *hdr,
			 const u8 *buf, u32 len, u32 frag, u64 span)
{
	u32 messid = __atomic_add_fetch(&uh.messid, 1, __ATOMIC_RELAXED);
	struct uh_reptx rt = {
		.client = req->client,
		.tid = req->tid,
	};
	int32_t err = STD_OK;
	u64 deadline, now;
	u32 acked = 0;

	uh_cond_init(&rt.wait);
	flip_tx_init(&rt.tx, len);
	flip_tx_size(&rt.tx, frag);
	pthread_mutex_lock(&uh.lock);
	TAILQ_INSERT_TAIL(&uh.replying, &rt, node);
	deadline = uh_now() + span;
	for (;;) {
		rt.news = false;
		put_burst(req, &rt, hdr, buf, messid);
		now = uh_now();
		if (rt.tx.acked != acked) {
			acked = rt.tx.acked;
			deadline = now + span;
		}
		if (rt.gone) {
			err = am_fail(RPC_FAILURE,
				      "putrep: the client is gone or gave up after %u of %u bytes",
				      rt.tx.acked, len);
			break;
		}
		if (flip_tx_done(&rt.tx))
			break;
		if (now >= deadline) {
			err = am_fail(RPC_FAILURE,
				      "putrep: the client took nothing for %llu ms, after %u of %u bytes",
				      (unsigned long long)(span / 1000000ULL),
				      rt.tx.acked, len);
			break;
		}
		if (!rt.news)
			uh_wait(&rt.wait, rt.tx.timer && rt.tx.timer < deadline ?
				 rt.tx.timer : deadline);
		flip_tx_expire(&rt.tx, uh_now());
	}
	TAILQ_REMOVE(&uh.replying, &rt, node);
	pthread_mutex_unlock(&uh.lock);
	pthread_cond_destroy(&rt.wait);
	return err;
}

int32_t uh_putrep(struct am_serving *s, const struct am_hdr *hdr,
		   const void *buf, size_t len, uint32_t ms)
{
	u64 span = ms ? ms * 1000000ULL : uh.timeout_ns;
	struct uh_reply *keep = NULL;
	struct flip_dedup_ent *e;
	struct uh_req *req;
	int32_t err = STD_OK;
	u32 frag;

	pthread_mutex_lock(&uh.lock);
	TAILQ_FOREACH(req, &uh.serving, node)
		if (req->id == s->id)
			break;
	if (req)
		TAILQ_REMOVE(&uh.serving, req, node);
	pthread_mutex_unlock(&uh.lock);
	s->busy = false;
	if (!req)
		return am_fail(RPC_BADADDRESS, "putrep: no request %u", s->id);

	frag = uh_frag_size(FLIP_RPC_REPLY, (u32)len);
	if (req->aborted)
		err = am_fail(RPC_FAILURE, "putrep: the client gave up");
	else if (len <= frag)
		put_whole(req, hdr, buf, (u32)len, &keep);
	else
		err = put_frags(req, hdr, buf, (u32)len, frag, span);

	/*
	 * Answered or not, it is over: copies of it get the kept reply, or
	 * FAIL when there is none.
	 */
	pthread_mutex_lock(&uh.lock);
	e = flip_dedup_find(&uh.dedup, req->client, req->tid);
	if (e && e->state == FLIP_DEDUP_BUSY) {
		flip_dedup_replied(e, keep, uh_now());
		keep = NULL;
	}
	pthread_mutex_unlock(&uh.lock);
	free(keep);
	free(req);
	return err;
}
