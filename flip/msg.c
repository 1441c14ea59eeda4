// SPDX-License-Identifier: GPL-2.0
/*
 * Messages larger than a frame: the sender's window and go-back, the
 * receiver's record of what has arrived.  Flow control is driven by the
 * receiver, as in Homa: a sender starts with FLIP_WINDOW bytes in flight
 * and goes further only as RECEIVED packets grant it, so a receiver is
 * never sent more than it agreed to hold.  Loss is repaired by going back
 * to the first byte the receiver lacks, which also covers a lost grant.
 * The receiver keeps fragments that arrive out of order, so a go-back
 * mostly resends what is missing; duplicates of what it holds are
 * recognised and dropped.
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

/* Resend everything from the first byte the receiver has not got. */
void flip_tx_goback(struct flip_tx *tx)
{
	tx->stop = tx->total ? tx->total : 1;
	if (!tx->frag)
		tx->next = 0;
	else if (flip_tx_done(tx))
		tx->next = tx->stop;
	else
		tx->next = tx->acked - tx->acked % tx->frag;
}
FLIP_EXPORT(flip_tx_goback);

/* Send only the first fragment, to ask after a message already received. */
void flip_tx_probe(struct flip_tx *tx)
{
	tx->next = 0;
	tx->stop = 1;
}
FLIP_EXPORT(flip_tx_probe);

/*
 * A RECEIVED from the receiver.  Returns true on progress (more acked or
 * more granted); nonsense (beyond the message) is ignored.
 */
bool flip_tx_received(struct flip_tx *tx, const struct flip_flow *fl)
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
	if (progress)
		tx->backoff = 0;
	return progress;
}
FLIP_EXPORT(flip_tx_received);

/* A burst went out at @now: go back if nothing progresses by rto. */
void flip_tx_arm(struct flip_tx *tx, u64 now, u64 rto, u64 rto_max)
{
	u32 i;

	for (i = 0; i < tx->backoff && rto < rto_max; i++)
		rto *= 2;
	tx->timer = now + (rto < rto_max ? rto : rto_max);
}
FLIP_EXPORT(flip_tx_arm);

/* True when the timer ran out: the host resends what flip_tx_next gives. */
bool flip_tx_expire(struct flip_tx *tx, u64 now)
{
	if (!tx->timer || now < tx->timer || flip_tx_done(tx))
		return false;
	tx->timer = 0;
	tx->backoff++;
	flip_tx_goback(tx);
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
	if (rx->prefix == rx->total)
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
	return true;
}
FLIP_EXPORT(flip_rx_flow);
