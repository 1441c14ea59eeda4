// SPDX-License-Identifier: GPL-2.0
/*
 * Client side of a transaction: locate the server by broadcast, send the
 * request, retransmit it until the reply comes, and give up at the
 * deadline.  Retransmissions wait for the server's measured round trip
 * plus four deviations, doubling each time, so a fast LAN recovers a lost
 * packet in milliseconds and a slow path is not flooded.  The request is only ever retransmitted to
 * the same server with the same tid, so the server's duplicate filter can
 * keep it at-most-once; the transaction never starts over on its own.
 */
#include "flip.h"

#define NSEC_PER_MS_	1000000ULL

const struct flip_timing flip_timing_default = {
	.locate_interval	= 100 * NSEC_PER_MS_,
	.rto_initial		= 50 * NSEC_PER_MS_,
	.rto_min		= 2 * NSEC_PER_MS_,
	.rto_max		= 1000 * NSEC_PER_MS_,
	.enquire_interval	= 1000 * NSEC_PER_MS_,
};
FLIP_EXPORT(flip_timing_default);

void flip_rtt_sample(struct flip_rtt *r, u64 sample)
{
	u64 delta;

	if (!sample)
		sample = 1;
	if (!r->srtt) {
		r->srtt = sample;
		r->rttvar = sample / 2;
		return;
	}
	delta = sample > r->srtt ? sample - r->srtt : r->srtt - sample;
	r->rttvar = r->rttvar - r->rttvar / 4 + delta / 4;
	r->srtt = r->srtt - r->srtt / 8 + sample / 8;
}
FLIP_EXPORT(flip_rtt_sample);

u64 flip_rto(const struct flip_rtt *r, const struct flip_timing *tm)
{
	u64 rto = r->srtt ? r->srtt + 4 * r->rttvar : tm->rto_initial;

	if (rto < tm->rto_min)
		return tm->rto_min;
	return rto < tm->rto_max ? rto : tm->rto_max;
}
FLIP_EXPORT(flip_rto);

static unsigned int trans_finish(struct flip_trans *t,
				 enum flip_trans_result res)
{
	t->state = FLIP_TRANS_DONE;
	t->result = res;
	return FLIP_ACT_DONE;
}

/*
 * (Re)send the request: all of it the first time, after silence what the
 * server lacks (a repair, see flip_tx_repair), or once the server holds
 * it all, just its first fragment as a poll for the reply.
 */
static unsigned int trans_send_request(struct flip_trans *t, u64 now)
{
	/* A server that said it is executing is polled, at most this often. */
	u64 ceiling = t->busy ? t->tm->enquire_interval : t->tm->rto_max;
	u64 wait = flip_rto(&t->rtt, t->tm);
	u32 i;

	/* A request streaming over a slow path: see flip_tx_wait(). */
	if (!t->busy) {
		wait = flip_tx_wait(&t->req, wait);
		if (ceiling < wait)
			ceiling = wait;
	}

	for (i = 0; i < t->sends && wait < ceiling; i++)
		wait *= 2;
	if (wait > ceiling)
		wait = ceiling;
	t->sends++;
	t->wait = wait;
	flip_trans_sent(t, now);
	if (t->busy)
		flip_tx_probe(&t->req);
	else if (t->sends > 1)
		flip_tx_repair(&t->req);
	else
		flip_tx_goback(&t->req);
	return FLIP_ACT_REQUEST;
}

/*
 * The host finished sending at @now: time the retransmission from here,
 * since pushing a large request out may have taken a while.
 */
void flip_trans_sent(struct flip_trans *t, u64 now)
{
	t->sent_at = now;
	t->timer = now + t->wait;
}
FLIP_EXPORT(flip_trans_sent);

static void trans_new_server(struct flip_trans *t)
{
	flip_tx_init(&t->req, t->req.total);
}

/*
 * Begin a transaction.  @cached is the port cache's entry for @port, or
 * NULL; the engine copies what it needs from it.
 */
unsigned int flip_trans_start(struct flip_trans *t, const struct am_port *port,
			      u32 tid, u32 reqlen,
			      const struct flip_pcache_ent *cached,
			      u64 now, u64 timeout,
			      const struct flip_timing *tm)
{
	memset(t, 0, sizeof(*t));
	t->port = *port;
	t->tid = tid;
	t->tm = tm;
	flip_tx_init(&t->req, reqlen);
	t->deadline = now + timeout;
	if (cached) {
		t->server = cached->addr;
		t->link = cached->link;
		t->rtt = cached->rtt;
		t->state = FLIP_TRANS_REQUEST;
		return trans_send_request(t, now);
	}
	t->state = FLIP_TRANS_LOCATE;
	t->locate_at = now;
	t->timer = now + tm->locate_interval;
	return FLIP_ACT_LOCATE;
}
FLIP_EXPORT(flip_trans_start);

/* The server's progress through a request of several fragments. */
static unsigned int trans_request_progress(struct flip_trans *t,
					   const struct flip_pkt *pkt, u64 now)
{
	if (!(pkt->rh.flags & FLIP_RPC_F_REQUEST) || t->busy ||
	    !flip_tx_received(&t->req, &pkt->fl, now))
		return 0;
	if (flip_tx_done(&t->req)) {
		/* All there: from now on only the reply can be missing. */
		t->busy = true;
		t->sends = 1;
		t->wait = t->tm->enquire_interval;
		flip_trans_sent(t, now);
		return 0;
	}
	/* Progress: push the retransmission back, send what is granted. */
	t->wait = flip_tx_wait(&t->req, t->wait);
	t->timer = now + t->wait;
	return FLIP_ACT_REQUEST;
}

/*
 * One fragment of a reply in several.  Its arrival shows the request was
 * executed, so the request is not sent again while the reply flows; the
 * server resends lost fragments itself.
 */
static unsigned int trans_reply_fragment(struct flip_trans *t,
					 const struct flip_pkt *pkt, u64 now)
{
	unsigned int act = 0;

	if (!t->rep.total)
		flip_rx_init(&t->rep, pkt->fh.total, now);
	else if (pkt->fh.total != t->rep.total)
		return 0;
	if (flip_rx_add(&t->rep, pkt->fh.offset, pkt->datalen, now) ==
	    FLIP_RX_NEW) {
		act |= FLIP_ACT_KEEP;
		if (!pkt->fh.offset)
			t->rephdr = pkt->ah;
	}
	if (pkt->rh.flags & FLIP_RPC_F_ASK)
		flip_rx_ask(&t->rep);
	t->busy = true;
	t->wait = t->tm->enquire_interval;
	flip_trans_sent(t, now);
	if (t->rep.tell)
		act |= FLIP_ACT_RECEIVED;
	if (flip_rx_complete(&t->rep)) {
		t->rtt_sample = 0;
		act |= trans_finish(t, FLIP_RES_OK);
	}
	return act;
}

/* Feed a packet addressed to this transaction's socket. */
unsigned int flip_trans_input(struct flip_trans *t, const struct flip_pkt *pkt,
			      const struct flip_link *from, u64 now)
{
	const struct flip_rpc_hdr *rh = &pkt->rh;

	if (t->state == FLIP_TRANS_DONE)
		return 0;

	if (pkt->fh.type == FLIP_NOTHERE) {
		if (t->state != FLIP_TRANS_REQUEST || pkt->fh.src != t->server ||
		    rh->tid != t->tid)
			return 0;
		/*
		 * Nobody is at that address.  If the request went out once and
		 * nothing ever answered it, this NOTHERE answers that one copy,
		 * which therefore reached no server: look for the port again.
		 * Otherwise an earlier copy may have run before the server
		 * went, and only failing keeps the call at most once.
		 */
		if (t->sends != 1 || t->busy)
			return trans_finish(t, FLIP_RES_GONE);
		t->moved = t->server;
		t->server = 0;
		t->sends = 0;
		trans_new_server(t);
		t->rtt_sample = 0;
		memset(&t->rtt, 0, sizeof(t->rtt));
		t->state = FLIP_TRANS_LOCATE;
		t->locate_at = now;
		t->timer = now + t->tm->locate_interval;
		return FLIP_ACT_FORGET | FLIP_ACT_LOCATE;
	}

	if (t->state == FLIP_TRANS_LOCATE) {
		if (rh->type != FLIP_RPC_HEREIS || !flip_port_eq(&rh->port, &t->port))
			return 0;
		t->server = pkt->fh.src;
		t->link = *from;
		/*
		 * Timed from the first LOCATE, since it may answer any of
		 * them: an overestimate only delays retransmissions.
		 */
		t->rtt_sample = now - t->locate_at;
		flip_rtt_sample(&t->rtt, t->rtt_sample);
		t->state = FLIP_TRANS_REQUEST;
		return trans_send_request(t, now);
	}

	if (pkt->fh.src != t->server || rh->tid != t->tid)
		return 0;
	switch (rh->type) {
	case FLIP_RPC_REPLY:
		if (!flip_pkt_whole(pkt))
			return trans_reply_fragment(t, pkt, now);
		/* A large request's transfer time is no round trip. */
		t->rtt_sample = t->sends == 1 && !t->busy &&
				!flip_tx_multi(&t->req) ? now - t->sent_at : 0;
		t->rephdr = pkt->ah;
		return trans_finish(t, FLIP_RES_OK);
	case FLIP_RPC_RECEIVED:
		return trans_request_progress(t, pkt, now);
	case FLIP_RPC_ACK:
		/*
		 * The request arrived and is executing: only the reply can be
		 * missing now, and retransmissions become polls for it.
		 */
		t->busy = true;
		return 0;
	case FLIP_RPC_FAIL:
		return trans_finish(t, FLIP_RES_GONE);
	}
	return 0;
}
FLIP_EXPORT(flip_trans_input);

unsigned int flip_trans_expire(struct flip_trans *t, u64 now)
{
	if (t->state == FLIP_TRANS_DONE)
		return 0;
	if (now >= t->deadline)
		return trans_finish(t, t->state == FLIP_TRANS_LOCATE ?
				    FLIP_RES_NOTFOUND : FLIP_RES_TIMEOUT);
	if (now < t->timer)
		return 0;
	if (t->state == FLIP_TRANS_LOCATE) {
		t->timer = now + t->tm->locate_interval;
		return FLIP_ACT_LOCATE;
	}
	return trans_send_request(t, now);
}
FLIP_EXPORT(flip_trans_expire);

void flip_trans_abort(struct flip_trans *t)
{
	if (t->state != FLIP_TRANS_DONE)
		trans_finish(t, FLIP_RES_ABORTED);
}
FLIP_EXPORT(flip_trans_abort);

/* When flip_trans_expire() next has work; 0 once the transaction is done. */
u64 flip_trans_expiry(const struct flip_trans *t)
{
	if (t->state == FLIP_TRANS_DONE)
		return 0;
	return t->timer < t->deadline ? t->timer : t->deadline;
}
FLIP_EXPORT(flip_trans_expiry);
