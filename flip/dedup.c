// SPDX-License-Identifier: GPL-2.0
/*
 * Server duplicate filter, the server half of at-most-once: every request
 * is recorded by (client address, tid) before it is delivered, a copy of
 * the reply is kept until the client acknowledges it, and the record
 * itself for a while after that.  A retransmitted
 * request thus meets either "still executing" or the reply, never a second
 * execution.  Bounded: when a set is full, the oldest replied entry goes;
 * if every entry is still executing, the new request is refused (FULL) and
 * the client's retransmission tries again later.
 */
#include "flip.h"

void flip_dedup_init(struct flip_dedup *d, struct flip_dedup_ent *ent,
		     u32 nent, u64 linger, void (*drop_reply)(void *reply))
{
	memset(ent, 0, sizeof(*ent) * nent);
	d->ent = ent;
	d->nsets = nent / FLIP_DEDUP_WAYS;
	d->linger = linger;
	d->drop_reply = drop_reply;
}
FLIP_EXPORT(flip_dedup_init);

static struct flip_dedup_ent *dedup_set(struct flip_dedup *d, u64 client,
					u32 tid)
{
	u64 h = (client ^ tid) * 0x9e3779b97f4a7c15ULL;

	return d->ent + (u32)(h >> 32) % d->nsets * FLIP_DEDUP_WAYS;
}

void flip_dedup_release(struct flip_dedup *d, struct flip_dedup_ent *e)
{
	if (e->reply && d->drop_reply)
		d->drop_reply(e->reply);
	memset(e, 0, sizeof(*e));
}
FLIP_EXPORT(flip_dedup_release);

struct flip_dedup_ent *flip_dedup_find(struct flip_dedup *d, u64 client,
				       u32 tid)
{
	struct flip_dedup_ent *e = dedup_set(d, client, tid);
	int i;

	for (i = 0; i < FLIP_DEDUP_WAYS; i++, e++)
		if (e->state != FLIP_DEDUP_FREE && e->client == client &&
		    e->tid == tid)
			return e;
	return NULL;
}
FLIP_EXPORT(flip_dedup_find);

enum flip_verdict flip_dedup_request(struct flip_dedup *d, u64 client, u32 tid,
				     u64 now, struct flip_dedup_ent **entp)
{
	struct flip_dedup_ent *set = dedup_set(d, client, tid);
	struct flip_dedup_ent *slot = NULL;
	int i;

	*entp = NULL;
	for (i = 0; i < FLIP_DEDUP_WAYS; i++) {
		struct flip_dedup_ent *e = &set[i];

		if (e->state == FLIP_DEDUP_REPLIED &&
		    now - e->stamp > d->linger)
			flip_dedup_release(d, e);
		if (e->state == FLIP_DEDUP_FREE) {
			if (!slot || slot->state != FLIP_DEDUP_FREE)
				slot = e;
			continue;
		}
		if (e->client == client && e->tid == tid) {
			*entp = e;
			return e->state == FLIP_DEDUP_BUSY ? FLIP_DUP_BUSY :
							     FLIP_DUP_REPLIED;
		}
		if (e->state == FLIP_DEDUP_REPLIED &&
		    (!slot || (slot->state == FLIP_DEDUP_REPLIED &&
			       e->stamp < slot->stamp)))
			slot = e;
	}
	if (!slot)
		return FLIP_FULL;
	flip_dedup_release(d, slot);
	slot->client = client;
	slot->tid = tid;
	slot->state = FLIP_DEDUP_BUSY;
	slot->stamp = now;
	*entp = slot;
	return FLIP_NEW;
}
FLIP_EXPORT(flip_dedup_request);

/*
 * The client has the reply.  Its copy can go, but the record must stay
 * until it lingers out: a duplicate of the request still in the network
 * would otherwise look new and run again.
 */
void flip_dedup_acked(struct flip_dedup *d, struct flip_dedup_ent *e)
{
	if (e->reply && d->drop_reply)
		d->drop_reply(e->reply);
	e->reply = NULL;
}
FLIP_EXPORT(flip_dedup_acked);

/* The server replied; keep @reply (may be NULL) for retransmissions. */
void flip_dedup_replied(struct flip_dedup_ent *e, void *reply, u64 now)
{
	e->state = FLIP_DEDUP_REPLIED;
	e->reply = reply;
	e->stamp = now;
}
FLIP_EXPORT(flip_dedup_replied);

void flip_dedup_clear(struct flip_dedup *d)
{
	u32 i;

	for (i = 0; i < d->nsets * FLIP_DEDUP_WAYS; i++)
		if (d->ent[i].state != FLIP_DEDUP_FREE)
			flip_dedup_release(d, &d->ent[i]);
}
FLIP_EXPORT(flip_dedup_clear);
