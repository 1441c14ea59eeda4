// SPDX-License-Identifier: GPL-2.0
/*
 * The udp transport's server: the get-ports a process serves, requests
 * from their first packet to putrep, and replies.  As in amoeba.ko, every
 * request enters the duplicate filter when it is first seen, so copies of
 * it are answered and never delivered twice; a request in fragments is
 * reassembled within a memory budget reserved whole when it begins; a
 * reply that fits one datagram is sent at once and kept until the
 * client's next request acknowledges it; a larger one is streamed by
 * putrep under the client's flow control, and putrep returns once the
 * client holds all of it.
 */
#include <errno.h>
#include <stdlib.h>

#include "udp.h"

/* A kept reply: the datagram as sent, for copies of the request. */
struct udp_reply {
	struct flip_link	to;
	size_t			len;
	u8			pkt[];
};

static void reply_free(void *reply)
{
	free(reply);
}

void udp_server_init(void)
{
	TAILQ_INIT(&udp.partial);
	TAILQ_INIT(&udp.serving);
	TAILQ_INIT(&udp.replying);
	flip_dedup_init(&udp.dedup, udp.dedup_ent, UDP_DEDUP_SIZE,
			60ULL * 1000000000ULL, reply_free);
}

static struct udp_port *port_by_put(const struct am_port *put)
{
	int i;

	for (i = 0; i < udp.nports; i++)
		if (flip_port_eq(&udp.ports[i]->put, put))
			return udp.ports[i];
	return NULL;
}

/* The port record for @get, made on first use.  udp.lock held. */
static struct udp_port *port_get(const struct am_port *get)
{
	struct udp_port *p;
	int i;

	for (i = 0; i < udp.nports; i++)
		if (flip_port_eq(&udp.ports[i]->get, get))
			return udp.ports[i];
	if (udp.nports == UDP_PORTS_MAX) {
		am_fail(RPC_FAILURE, "getreq: more than %d get-ports served",
			UDP_PORTS_MAX);
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
	udp_cond_init(&p->ready);
	udp.ports[udp.nports] = p;
	__atomic_store_n(&udp.nports, udp.nports + 1, __ATOMIC_RELAXED);
	return p;
}

void udp_rcv_locate(const struct flip_pkt *pkt, const struct flip_link *from)
{
	if (port_by_put(&pkt->rh.port))
		udp_answer(pkt, from, FLIP_UNIDATA, FLIP_RPC_HEREIS, 0);
}

static struct udp_req *find_req(struct udp_req_list *list, u64 client,
				u32 tid)
{
	struct udp_req *req;

	TAILQ_FOREACH(req, list, node)
		if (req->client == client && req->tid == tid)
			return req;
	return NULL;
}

static void req_free(struct udp_req *req)
{
	udp.reserved -= req->reserved;
	free(req->data);
	free(req);
}

static void queue_pending(struct udp_req *req)
{
	struct udp_port *p = req->port;

	TAILQ_INSERT_TAIL(&p->pending, req, node);
	p->npending++;
	pthread_cond_signal(&p->ready);
}

/* Forget requests whose fragments stopped coming: they never ran. */
static void sweep_partial(u64 now)
{
	struct udp_req *req, *next;
	struct flip_dedup_ent *e;

	for (req = TAILQ_FIRST(&udp.partial); req; req = next) {
		next = TAILQ_NEXT(req, node);
		if (now - req->rx.stamp < UDP_PARTIAL_IDLE_NS)
			continue;
		e = flip_dedup_find(&udp.dedup, req->client, req->tid);
		if (e)
			flip_dedup_release(&udp.dedup, e);
		TAILQ_REMOVE(&udp.partial, req, node);
		req_free(req);
	}
}

/* One more fragment of a request arriving in several. */
static void add_fragment(struct udp_req *req, const struct flip_pkt *pkt,
			 const struct flip_link *from)
{
	enum flip_rx_verdict v;
	struct flip_flow fl;

	if (pkt->fh.total != req->total) {
		udp_drop(FLIP_DROP_FRAGMENT);
		return;
	}
	v = flip_rx_add(&req->rx, pkt->fh.offset, pkt->datalen, udp_now());
	if (pkt->rh.flags & FLIP_RPC_F_ASK)
		flip_rx_ask(&req->rx);
	if (v == FLIP_RX_NEW) {
		memcpy(req->data + pkt->fh.offset, pkt->data, pkt->datalen);
		if (!pkt->fh.offset)
			req->hdr = pkt->ah;
	} else {
		udp_drop(v == FLIP_RX_DUP ? FLIP_DROP_DUP : FLIP_DROP_FRAGMENT);
	}
	if (flip_rx_flow(&req->rx, &fl))
		udp_send_flow(pkt->fh.src, from, &pkt->rh.port, pkt->rh.tid,
			      FLIP_RPC_F_REQUEST, &fl);
	if (v == FLIP_RX_NEW && flip_rx_complete(&req->rx)) {
		TAILQ_REMOVE(&udp.partial, req, node);
		queue_pending(req);
	}
}

/* A copy of a request the filter knows: answer once per burst, or asked. */
static void old_request(struct flip_dedup_ent *e, const struct flip_pkt *pkt,
			const struct flip_link *from)
{
	struct udp_reply *r = e->reply;

	udp_drop(FLIP_DROP_DUP);
	if (!flip_pkt_answered(pkt))
		return;
	if (e->state == FLIP_DEDUP_BUSY)
		udp_answer(pkt, from, FLIP_UNIDATA, FLIP_RPC_ACK,
			   FLIP_RPC_F_REQUEST);
	else if (r)
		udp_send_raw(&r->to, r->pkt, r->len);
	else
		/* The reply is gone unsent (putrep failed): say so. */
		udp_answer(pkt, from, FLIP_UNIDATA, FLIP_RPC_FAIL, 0);
}

static void new_request(struct udp_port *port, const struct flip_pkt *pkt,
			const struct flip_link *from)
{
	bool whole = flip_pkt_whole(pkt);
	u32 size = whole ? pkt->datalen : pkt->fh.total;
	struct flip_dedup_ent *e;
	struct udp_req *req;
	u64 now = udp_now();

	if (whole && port->npending >= UDP_PENDING_MAX) {
		udp_drop(FLIP_DROP_FULL);
		return;
	}
	if (!whole) {
		sweep_partial(now);
		if (udp.reserved + size > UDP_BUDGET) {
			udp_drop(FLIP_DROP_BUDGET);
			return;
		}
	}
	req = calloc(1, sizeof(*req));
	if (req && size)
		req->data = malloc(size);
	if (!req || (size && !req->data)) {
		free(req);
		udp_drop(FLIP_DROP_NOMEM);
		return;
	}
	if (flip_dedup_request(&udp.dedup, pkt->fh.src, pkt->rh.tid, now,
			       &e) != FLIP_NEW) {
		free(req->data);
		free(req);
		udp_drop(FLIP_DROP_FULL);
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
	udp.reserved += size;
	flip_rx_init(&req->rx, size, now);
	TAILQ_INSERT_TAIL(&udp.partial, req, node);
	add_fragment(req, pkt, from);
}

void udp_rcv_request(const struct flip_pkt *pkt, const struct flip_link *from)
{
	struct udp_port *port = port_by_put(&pkt->rh.port);
	struct flip_dedup_ent *e;
	struct udp_req *req;

	if (!port) {
		udp_drop(FLIP_DROP_NOSOCK);
		udp_answer(pkt, from, FLIP_UNIDATA, FLIP_RPC_FAIL, 0);
		return;
	}
	/* The client is done with an earlier call: drop its reply copy. */
	if (pkt->rh.ack) {
		e = flip_dedup_find(&udp.dedup, pkt->fh.src, pkt->rh.ack);
		if (e && e->state == FLIP_DEDUP_REPLIED)
			flip_dedup_acked(&udp.dedup, e);
	}
	req = flip_pkt_whole(pkt) ? NULL :
	      find_req(&udp.partial, pkt->fh.src, pkt->rh.tid);
	if (req) {
		add_fragment(req, pkt, from);
		return;
	}
	e = flip_dedup_find(&udp.dedup, pkt->fh.src, pkt->rh.tid);
	if (e)
		old_request(e, pkt, from);
	else
		new_request(port, pkt, from);
}

/*
 * The client abandoned a call: a request not yet taken never runs, one
 * being served makes its putrep fail, a reply being sent stops.
 */
void udp_rcv_abort(const struct flip_pkt *pkt)
{
	struct udp_req *req, *gone = NULL;
	struct flip_dedup_ent *e;
	struct udp_reptx *rt;
	u64 client = pkt->fh.src;
	u32 tid = pkt->rh.tid;
	int i;

	TAILQ_FOREACH(rt, &udp.replying, node) {
		if (rt->client == client && rt->tid == tid) {
			rt->gone = true;
			pthread_cond_signal(&rt->wait);
		}
	}
	req = find_req(&udp.serving, client, tid);
	if (req) {
		req->aborted = true;
	} else {
		gone = find_req(&udp.partial, client, tid);
		if (gone) {
			TAILQ_REMOVE(&udp.partial, gone, node);
		} else {
			for (i = 0; i < udp.nports && !gone; i++) {
				gone = find_req(&udp.ports[i]->pending, client,
						tid);
				if (gone) {
					TAILQ_REMOVE(&udp.ports[i]->pending,
						     gone, node);
					udp.ports[i]->npending--;
				}
			}
		}
	}
	e = flip_dedup_find(&udp.dedup, client, tid);
	if (e && e->state == FLIP_DEDUP_BUSY && (req || gone))
		flip_dedup_replied(e, NULL, udp_now());
	if (gone)
		req_free(gone);
}

/* RECEIVED for a reply putrep is sending, or NOTHERE: its client is gone. */
void udp_rcv_reply_flow(const struct flip_pkt *pkt)
{
	struct udp_reptx *rt;

	TAILQ_FOREACH(rt, &udp.replying, node) {
		if (rt->client != pkt->fh.src || rt->tid != pkt->rh.tid)
			continue;
		if (pkt->fh.type == FLIP_NOTHERE)
			rt->gone = true;
		else if (flip_tx_received(&rt->tx, &pkt->fl, udp_now()))
			rt->news = true;
		pthread_cond_signal(&rt->wait);
		return;
	}
	udp_drop(FLIP_DROP_STALE);
}

int32_t udp_getreq(const struct am_port *getport, struct am_hdr *hdr,
		   void *buf, size_t len, uint32_t ms, struct am_serving *s)
{
	u64 until = ms ? udp_now() + ms * 1000000ULL : 0;
	struct udp_port *port;
	struct udp_req *req;

	pthread_mutex_lock(&udp.lock);
	port = port_get(getport);
	while (port && !(req = TAILQ_FIRST(&port->pending))) {
		if (until && udp_now() >= until) {
			pthread_mutex_unlock(&udp.lock);
			return am_fail(RPC_FAILURE,
				       "getreq: no request in %u ms", ms);
		}
		udp_wait(&port->ready, until);
	}
	if (!port) {
		pthread_mutex_unlock(&udp.lock);
		return RPC_FAILURE;
	}
	TAILQ_REMOVE(&port->pending, req, node);
	port->npending--;
	req->id = ++udp.next_reqid ? udp.next_reqid : ++udp.next_reqid;
	udp.reserved -= req->reserved;
	req->reserved = 0;
	TAILQ_INSERT_TAIL(&udp.serving, req, node);
	pthread_mutex_unlock(&udp.lock);

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

static void reply_pkt(const struct udp_req *req, const struct am_hdr *hdr,
		      u32 size, struct flip_pkt *p)
{
	udp_pkt_init(p, FLIP_UNIDATA, req->client, FLIP_RPC_REPLY,
		     &req->port->put, req->tid);
	p->ah = *hdr;
	p->fh.total = size;
}

/*
 * A reply in one datagram: sent now, and in *keep the datagram to answer
 * copies of the request with.  Without memory for the copy it still goes,
 * and copies are told FAIL.
 */
static void put_whole(const struct udp_req *req, const struct am_hdr *hdr,
		      const void *buf, u32 len, struct udp_reply **keep)
{
	size_t hlen = flip_hdrs_len(FLIP_RPC_REPLY, 0);
	struct udp_reply *r;
	struct flip_pkt p;

	reply_pkt(req, hdr, len, &p);
	p.datalen = len;
	r = malloc(sizeof(*r) + hlen + len);
	if (!r) {
		udp_send(&req->link, &p, buf);
		return;
	}
	r->to = req->link;
	r->len = hlen + len;
	flip_write(r->pkt, &p);
	if (len)
		memcpy(r->pkt + hlen, buf, len);
	udp_send_raw(&r->to, r->pkt, r->len);
	*keep = r;
}

/*
 * Send what the client's grant allows of a reply in fragments.  udp.lock
 * held, dropped around each datagram.
 */
static void put_burst(const struct udp_req *req, struct udp_reptx *rt,
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
		pthread_mutex_unlock(&udp.lock);
		udp_send(&req->link, &p, buf + off);
		pthread_mutex_lock(&udp.lock);
		sent++;
	}
	if (sent)
		flip_tx_arm(&rt->tx, udp_now(), tm->rto_initial, tm->rto_max);
}

/*
 * A reply in fragments: stream it within the client's grants, repair on
 * silence, and return when the client holds all of it, is gone, or takes
 * nothing new for @span ns (a stall, not the whole transfer, as
 * amoeba.ko's SO_SNDTIMEO).
 */
static int32_t put_frags(const struct udp_req *req, const struct am_hdr *hdr,
			 const u8 *buf, u32 len, u32 frag, u64 span)
{
	u32 messid = __atomic_add_fetch(&udp.messid, 1, __ATOMIC_RELAXED);
	struct udp_reptx rt = {
		.client = req->client,
		.tid = req->tid,
	};
	int32_t err = STD_OK;
	u64 deadline, now;
	u32 acked = 0;

	udp_cond_init(&rt.wait);
	flip_tx_init(&rt.tx, len);
	flip_tx_size(&rt.tx, frag);
	pthread_mutex_lock(&udp.lock);
	TAILQ_INSERT_TAIL(&udp.replying, &rt, node);
	deadline = udp_now() + span;
	for (;;) {
		rt.news = false;
		put_burst(req, &rt, hdr, buf, messid);
		now = udp_now();
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
			udp_wait(&rt.wait, rt.tx.timer && rt.tx.timer < deadline ?
				 rt.tx.timer : deadline);
		flip_tx_expire(&rt.tx, udp_now());
	}
	TAILQ_REMOVE(&udp.replying, &rt, node);
	pthread_mutex_unlock(&udp.lock);
	pthread_cond_destroy(&rt.wait);
	return err;
}

int32_t udp_putrep(struct am_serving *s, const struct am_hdr *hdr,
		   const void *buf, size_t len, uint32_t ms)
{
	u64 span = ms ? ms * 1000000ULL : udp.timeout_ns;
	struct udp_reply *keep = NULL;
	struct flip_dedup_ent *e;
	struct udp_req *req;
	int32_t err = STD_OK;
	u32 frag;

	pthread_mutex_lock(&udp.lock);
	TAILQ_FOREACH(req, &udp.serving, node)
		if (req->id == s->id)
			break;
	if (req)
		TAILQ_REMOVE(&udp.serving, req, node);
	pthread_mutex_unlock(&udp.lock);
	s->busy = false;
	if (!req)
		return am_fail(RPC_BADADDRESS, "putrep: no request %u", s->id);

	frag = udp_frag_size(FLIP_RPC_REPLY, (u32)len);
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
	pthread_mutex_lock(&udp.lock);
	e = flip_dedup_find(&udp.dedup, req->client, req->tid);
	if (e && e->state == FLIP_DEDUP_BUSY) {
		flip_dedup_replied(e, keep, udp_now());
		keep = NULL;
	}
	pthread_mutex_unlock(&udp.lock);
	free(keep);
	free(req);
	return err;
}
