// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness: arbitrary bytes as a received FLIP packet.  A packet
 * the parser accepts must re-encode to the same headers, and feeding it to
 * a client transaction and the server's duplicate filter must keep their
 * invariants; anything else must be refused with a named reason.
 * AddressSanitizer catches every read outside the input.
 */
#include <assert.h>
#include <stdlib.h>

#include "../flip.h"

static void drop_reply(void *reply)
{
	free(reply);
}

int LLVMFuzzerTestOneInput(const uint8_t *buf, size_t len)
{
	static struct flip_dedup_ent ents[4 * FLIP_DEDUP_WAYS];
	static struct flip_dedup dedup;
	static u64 now;
	struct flip_pcache_ent cached = { .addr = 1 };
	const struct flip_link link = { 0 };
	struct flip_dedup_ent *e;
	struct flip_trans t;
	struct flip_pkt pkt;
	enum flip_drop why;
	u8 out[FLIP_RPC_DATA_OFF];
	size_t hlen;

	if (!dedup.ent)
		flip_dedup_init(&dedup, ents, 4 * FLIP_DEDUP_WAYS, 1000,
				drop_reply);
	now += 7;

	why = flip_parse(buf, len, &pkt);
	assert(why < FLIP_DROP_MAX);
	if (why != FLIP_DROP_NONE)
		return 0;
	assert(pkt.data >= buf && pkt.data + pkt.datalen <= buf + len);

	/* What was accepted re-encodes to the same header bytes (reserved
	 * fields are ignored on input and written as zero).
	 */
	hlen = flip_write(out, &pkt);
	assert(hlen + pkt.datalen == FLIP_HDR_LEN + pkt.fh.length);
	assert(!memcmp(out, buf, 3) && !memcmp(out + 4, buf + 4, 36));
	assert(!memcmp(out + FLIP_HDR_LEN, buf + FLIP_HDR_LEN,
		       FLIP_RPC_HDR_LEN));
	if (hlen == FLIP_RPC_DATA_OFF)
		assert(!memcmp(out + 56, buf + 56, AM_HDR_WIRE_LEN));

	/* A client waiting on tid 1 at address 1 survives any packet. */
	flip_trans_start(&t, &pkt.rh.port, 1, &cached, now, 100,
			 &flip_timing_default);
	flip_trans_input(&t, &pkt, &link, now);
	assert(t.state != FLIP_TRANS_DONE || t.result == FLIP_RES_OK ||
	       t.result == FLIP_RES_GONE);

	/* A request is never NEW twice while its record is kept. */
	if (pkt.rh.type == FLIP_RPC_REQUEST) {
		enum flip_verdict v = flip_dedup_request(&dedup, pkt.fh.src,
							 pkt.rh.tid, now, &e);

		if (v == FLIP_NEW) {
			flip_dedup_replied(e, malloc(1), now);
			assert(flip_dedup_request(&dedup, pkt.fh.src,
						  pkt.rh.tid, now, &e) ==
			       FLIP_DUP_REPLIED);
		}
	}
	return 0;
}
