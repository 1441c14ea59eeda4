// SPDX-License-Identifier: GPL-2.0
/*
 * Messages larger than a frame: the sender's window and repair, the
 * receiver's record of what has arrived.  Flow control is driven by the
 * receiver, as in Homa: a sender starts with FLIP_WINDOW bytes in flight
 * and goes further only as RECEIVED packets grant it, so a receiver is
 * never sent more than it agreed to hold.  Silence is repaired by asking
 * the receiver where it stands and resending from the first byte it
 * lacks, which also covers a lost grant.  The receiver keeps fragments
 * that arrive out of order, so a resend mostly fills gaps; duplicates of
 * what it holds are recognised and dropped.
 */
#include "flip.h"

static u32 min_u32(u32 a, u32 b)
{
	return a < b ? a : b;
}

void flip_tx_init(struct flip_tx *tx, u32 total)
{
	memset(tx, 0, sizeof(*tx));
	tx->total = total;
	tx->grant = FLIP_WINDOW;
}
FLIP_EXPORT(flip_tx_init);

/* Fix the fragment size, from the link the message will take. */
void flip_tx_size(struct flip_tx *tx, u32 frag)
{
	tx->frag = frag ? frag : 1;
	flip_tx_goback(tx);
}
FLIP_EXPORT(flip_tx_size);

/*
 * The next fragment to send, if this burst and the grant allow one.  Every
 * message has at least one fragment, even an empty one.
 */
bool flip_tx_next(struct flip_tx *tx, u32 *off, u32 *len)
{
	if (!flip_tx_more(tx))
		return false;
	*off = tx->next;
	*len = min_u32(tx->frag, tx->total - tx->next);
	tx->next += *len ? *len : 1;
	if (tx->next > tx->high)
		tx->high = tx->next;
	return true;
}
FLIP_EXPORT(flip_tx_next);

/* The first fragment the receiver lacks. */
static u32 tx_missing(const struct flip_tx *tx)
{
	if (!tx->frag)
		return 0;
	if (flip_tx_done(tx))
		return tx->total;
	return tx->acked - tx->acked % tx->frag;
}

/* Next, only the first fragment the receiver lacks (flagged to ask). */
static void tx_ask(struct flip_tx *tx)
{
	tx->next = tx_missing(tx);
	tx->stop = tx->total - tx->next > tx->frag ? tx->next + tx->frag :
						    tx->total;
}

/*
 * Resend everything from the first byte the receiver has not got.  The
 * next progress may answer either copy, so it times no gap (Karn).
 */
void flip_tx_goback(struct flip_tx *tx)
{
	tx->since = 0;
	tx->repair = 0;
	tx->stop = tx->total ? tx->total : 1;
	tx->next = tx_missing(tx);
}
FLIP_EXPORT(flip_tx_goback);

/*
 * Silence: send only the first fragment the receiver lacks, asking for an
 * answer, and nothing new until the repair is over.  Resending all that is
 * outstanding would, when the silence is only a slow or deep path, queue a
 * copy of everything behind the originals and delay the very reports
 * awaited; one fragment costs nothing, and its answer comes after all that
 * was sent before it, so what the answer says is missing really is.
 */
void flip_tx_repair(struct flip_tx *tx)
{
	/* A message of one fragment is its own question. */
	if (!flip_tx_multi(tx) || flip_tx_done(tx)) {
		flip_tx_goback(tx);
		return;
	}
	tx->since = 0;
	/* What was sent, or at least the fragment that asks. */
	if (!tx->repair)
		tx->repair = tx->high > tx->acked ? tx->high : tx->acked + 1;
	tx_ask(tx);
}
FLIP_EXPORT(flip_tx_repair);

/* Send only the first fragment, to ask after a message already received. */
void flip_tx_probe(struct flip_tx *tx)
{
	tx->next = 0;
	tx->stop = 1;
}
FLIP_EXPORT(flip_tx_probe);

/*
 * A RECEIVED from the receiver at @now.  Returns true when there is news:
 * progress (more acked or more granted) or, while repairing, an answer
 * that calls for resending; nonsense (beyond the message) is ignored.
 */
bool flip_tx_received(struct flip_tx *tx, const struct flip_flow *fl,
		      u64 now)
{
	bool progress = false;

	if (fl->received > tx->total)
		return false;
	if (fl->received > tx->acked) {
		tx->acked = fl->received;
		progress = true;
		if (tx->next < tx->acked) {
			if (tx->acked == tx->total || !tx->frag)
				tx->next = tx->acked;
			else
				tx->next = tx->acked - tx->acked % tx->frag;
		}
	}
	if (fl->grant > tx->grant) {
		tx->grant = fl->grant;
		progress = true;
	}
	if (progress) {
		if (tx->since && now > tx->since)
			flip_rtt_sample(&tx->gap, now - tx->since);
		tx->since = now;
		tx->backoff = 0;
	}
	if (!tx->repair)
		return progress;
	if (tx->acked >= tx->repair) {
		/* Repaired: go on with what was never sent. */
		tx->repair = 0;
		tx->stop = tx->total ? tx->total : 1;
		return true;
	}
	if (fl->answer) {
		/* All sent before the question arrived or is lost: resend. */
		tx->next = tx_missing(tx);
		tx->stop = tx->repair;
		return true;
	}
	/*
	 * Progress, but not all of it, and nothing left of this step: ask
	 * again from where it stops (a resend under way goes on).
	 */
	if (progress && tx->next >= tx->stop)
		tx_ask(tx);
	return progress;
}
FLIP_EXPORT(flip_tx_received);

/*
 * How long silence must last before going back, at least @rto.  On a
 * slow or deep path the receiver reports progress only every half window
 * drained, which can take far longer than a round trip; going back sooner
 * queues copies behind the originals and delays the very reports awaited.
 */
u64 flip_tx_wait(const struct flip_tx *tx, u64 rto)
{
	u64 gap = tx->gap.srtt + 4 * tx->gap.rttvar;

	return gap > rto ? gap : rto;
}
FLIP_EXPORT(flip_tx_wait);

/*
 * A burst went out at @now: go back if nothing progresses in time, the
 * wait doubling with each go-back up to @rto_max (or the progress gap,
 * when that is longer).
 */
void flip_tx_arm(struct flip_tx *tx, u64 now, u64 rto, u64 rto_max)
{
	u64 wait = flip_tx_wait(tx, rto);
	u32 i;

	if (rto_max < wait)
		rto_max = wait;
	for (i = 0; i < tx->backoff && wait < rto_max; i++)
		wait *= 2;
	tx->timer = now + (wait < rto_max ? wait : rto_max);
}
FLIP_EXPORT(flip_tx_arm);

/* True when the timer ran out: the host resends what flip_tx_next gives. */
bool flip_tx_expire(struct flip_tx *tx, u64 now)
{
	if (!tx->timer || now < tx->timer || flip_tx_done(tx))
		return false;
	tx->timer = 0;
	tx->backoff++;
	flip_tx_repair(tx);
	return true;
}
FLIP_EXPORT(flip_tx_expire);

void flip_rx_init(struct flip_rx *rx, u32 total, u64 now)
{
	memset(rx, 0, sizeof(*rx));
	rx->total = total;
	rx->granted = min_u32(total, FLIP_WINDOW);
	rx->stamp = now;
}
FLIP_EXPORT(flip_rx_init);

static void rx_remove(struct flip_rx *rx, u8 i)
{
	memmove(&rx->r[i], &rx->r[i + 1], (rx->nr - i - 1) * sizeof(rx->r[0]));
	rx->nr--;
}

/* Grow the prefix over the ranges it now reaches. */
static void rx_advance(struct flip_rx *rx)
{
	while (rx->nr && rx->r[0].start == rx->prefix) {
		rx->prefix = rx->r[0].end;
		rx_remove(rx, 0);
	}
	/* Half the grant used: grant a window beyond what has arrived. */
	if (rx->granted < rx->total &&
	    rx->prefix + FLIP_WINDOW / 2 >= rx->granted) {
		rx->granted = min_u32(rx->total, rx->prefix + FLIP_WINDOW);
		rx->tell = true;
	}
	/*
	 * Report at least every half window, also once all is granted: the
	 * sender takes long silence for loss.
	 */
	if (rx->prefix - rx->told >= FLIP_WINDOW / 2 || rx->prefix == rx->total)
		rx->tell = true;
}

/*
 * Record fragment [@off, @off + @len), which the parser has checked lies
 * inside the message and is not empty.
 */
enum flip_rx_verdict flip_rx_add(struct flip_rx *rx, u32 off, u32 len,
				 u64 now)
{
	u32 end = off + len;
	u8 i;

	if (end <= rx->prefix) {
		/*
		 * The sender went back, so it missed a RECEIVED: answer the
		 * fragment that ends where our prefix does, which every
		 * go-back resends.
		 */
		if (end == rx->prefix)
			rx->tell = true;
		return FLIP_RX_DUP;
	}
	if (off < rx->prefix || off >= rx->granted || end > rx->total)
		return FLIP_RX_BAD;

	for (i = 0; i < rx->nr && rx->r[i].end < off; i++)
		;
	/* r[i] is the first range ending at or after off. */
	if (i < rx->nr && rx->r[i].start <= off && end <= rx->r[i].end)
		return FLIP_RX_DUP;
	if (i < rx->nr && rx->r[i].start < end && rx->r[i].end > off)
		return FLIP_RX_BAD;
	if (i + 1 < rx->nr && rx->r[i + 1].start < end)
		return FLIP_RX_BAD;

	if (off == rx->prefix) {
		rx->prefix = end;
	} else if (i < rx->nr && rx->r[i].end == off) {
		rx->r[i].end = end;
		if (i + 1 < rx->nr && rx->r[i + 1].start == end) {
			rx->r[i].end = rx->r[i + 1].end;
			rx_remove(rx, i + 1);
		}
	} else if (i < rx->nr && rx->r[i].start == end) {
		rx->r[i].start = off;
	} else {
		if (rx->nr == FLIP_RX_HOLES)
			return FLIP_RX_BAD;
		memmove(&rx->r[i + 1], &rx->r[i],
			(rx->nr - i) * sizeof(rx->r[0]));
		rx->r[i].start = off;
		rx->r[i].end = end;
		rx->nr++;
	}
	rx->stamp = now;
	rx_advance(rx);
	return FLIP_RX_NEW;
}
FLIP_EXPORT(flip_rx_add);

/* If a RECEIVED is due, fill @fl for it and return true (once). */
bool flip_rx_flow(struct flip_rx *rx, struct flip_flow *fl)
{
	if (!rx->tell)
		return false;
	rx->tell = false;
	fl->received = rx->prefix;
	fl->grant = rx->granted;
	fl->answer = rx->answer;
	rx->answer = false;
	rx->told = rx->prefix;
	return true;
}
FLIP_EXPORT(flip_rx_flow);
