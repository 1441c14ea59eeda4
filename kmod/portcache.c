// SPDX-License-Identifier: GPL-2.0
/*
 * The namespace's port cache, shared by all its sockets: every trans
 * looks it up, so lookups take no lock (a seqlock: a reader retries only
 * if a writer was busy meanwhile), and writers are kept few: an entry is
 * re-confirmed at most once a millisecond, however many calls it serves.
 */
#include "amoeba.h"

/* Copy @port's live entry to @out; false if there is none. */
bool amoeba_pcache_get(struct amoeba_net *an, const struct am_port *port,
		       struct flip_pcache_ent *out)
{
	const struct flip_pcache_ent *e;
	unsigned int seq;

	do {
		seq = read_seqbegin(&an->pcache_lock);
		e = flip_pcache_lookup(&an->pcache, port, amoeba_now());
		if (e)
			*out = *e;
	} while (read_seqretry(&an->pcache_lock, seq));
	return e;
}

void amoeba_pcache_enter(struct amoeba_net *an, const struct am_port *port,
			 u64 addr, const struct flip_link *link, u64 rtt)
{
	write_seqlock_bh(&an->pcache_lock);
	flip_pcache_enter(&an->pcache, port, addr, link, rtt, amoeba_now());
	write_sequnlock_bh(&an->pcache_lock);
}

/*
 * A call to @addr succeeded; @seen is the entry as the call found it
 * (addr 0 if none).  Fresh entries with no new measurement are left be.
 */
void amoeba_pcache_confirm(struct amoeba_net *an,
			   const struct flip_pcache_ent *seen, u64 addr,
			   u64 rtt)
{
	u64 now = amoeba_now();

	if (seen->addr == addr && now - seen->stamp < NSEC_PER_MSEC)
		return;
	write_seqlock_bh(&an->pcache_lock);
	flip_pcache_confirm(&an->pcache, &seen->port, addr, rtt, now);
	write_sequnlock_bh(&an->pcache_lock);
}

void amoeba_pcache_forget(struct amoeba_net *an, const struct am_port *port,
			  u64 addr)
{
	write_seqlock_bh(&an->pcache_lock);
	flip_pcache_forget(&an->pcache, port, addr);
	write_sequnlock_bh(&an->pcache_lock);
}
