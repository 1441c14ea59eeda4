// SPDX-License-Identifier: GPL-2.0
/*
 * Writes the fuzzer's seed corpus: one valid packet of each RPC type, the
 * fragments of a request and of a reply larger than a frame, and RECEIVED
 * packets about each, so the fuzzer starts from frames the parser accepts.
 * Some carry a script after the packet (see fuzz_parse.c): the first
 * fragment the rest of its message, a RECEIVED a few steps of the sender,
 * and one long reply is streamed in order.  A few unicasts ask the
 * harness's router (byte 3 of the header) for a route first, to forward
 * them by, or back where they came from.
 * Run by `make fuzz`.
 */
#include <stdio.h>

#include "../flip.h"

/* Fragments of the seed messages; the harness's client sends 3000 bytes. */
#define SEED_TOTAL	3000
#define SEED_FRAG	1000
/* Fragments of a reply of more than a window, scripted in order. */
#define SEED_LONG	300

static int write_seed(const char *dir, const char *name,
		      const struct flip_pkt *p, const u8 *script, size_t slen)
{
	u8 buf[FLIP_RPC_DATA_OFF + SEED_FRAG + 2 * SEED_LONG];
	char path[4096];
	size_t len;
	FILE *f;

	len = flip_write(buf, p);
	/* Reserved, written 0; the harness reads it as links. */
	buf[3] = p->fh.reserved;
	memset(buf + len, 'x', p->datalen);
	len += p->datalen;
	if (slen)
		memcpy(buf + len, script, slen);
	len += slen;
	snprintf(path, sizeof(path), "%s/seed-%s", dir, name);
	f = fopen(path, "wb");
	if (!f || fwrite(buf, 1, len, f) != len || fclose(f)) {
		perror(path);
		return 1;
	}
	return 0;
}

/* From address 1 to 2, tid 1: what the harness's client waits for. */
static void seed_pkt(struct flip_pkt *p, u8 rpc_type)
{
	memset(p, 0, sizeof(*p));
	p->fh.type = rpc_type == FLIP_RPC_LOCATE ? FLIP_MULTIDATA :
						   FLIP_UNIDATA;
	p->fh.max_hop = 1;
	p->fh.dst = rpc_type == FLIP_RPC_LOCATE ? 0 : 2;
	p->fh.src = 1;
	p->rh.type = rpc_type;
	p->rh.tid = 1;
}

int main(int argc, char **argv)
{
	static const u8 types[] = { FLIP_RPC_LOCATE, FLIP_RPC_HEREIS,
				    FLIP_RPC_REQUEST, FLIP_RPC_REPLY,
				    FLIP_RPC_ACK, FLIP_RPC_FAIL };
	static const u8 msgs[] = { FLIP_RPC_REQUEST, FLIP_RPC_REPLY };
	/* Fragments 2 and 1 of the message. */
	static const u8 rest[] = { 0, 2, 0, 1 };
	/* Received 2000, granted 300000, a timeout, a probe (fuzz_tx()). */
	static const u8 steps[] = { 0, 0, 250, 1, 0x92, 0x7c, 2, 0, 0, 3, 0, 0 };
	/* Links, destination, hops: to 2 over another link, over the same,
	 * to 1 by a shorter way than its news comes; a broadcast at its
	 * limit, and seed-1 again.
	 */
	static const u8 routes[] = { 0x90, 2, 1, 0x80, 2, 1, 0x98, 1, 1,
				     0, 0, 2, 0, 0, 0 };
	static u8 inorder[2 * SEED_LONG];
	struct flip_pkt p;
	char name[64];
	unsigned int i, m;
	u32 off;

	if (argc != 2) {
		fprintf(stderr, "usage: %s DIR\n", argv[0]);
		return 2;
	}
	for (i = 0; i < sizeof(types); i++) {
		seed_pkt(&p, types[i]);
		p.datalen = 8;
		snprintf(name, sizeof(name), "%u", types[i]);
		if (write_seed(argv[1], name, &p, NULL, 0))
			return 1;
	}
	for (m = 0; m < sizeof(msgs); m++) {
		for (off = 0; off < SEED_TOTAL; off += SEED_FRAG) {
			seed_pkt(&p, msgs[m]);
			p.fh.offset = off;
			p.fh.total = SEED_TOTAL;
			p.datalen = SEED_FRAG;
			snprintf(name, sizeof(name), "%u-frag-%u", msgs[m], off);
			if (write_seed(argv[1], name, &p, rest,
				       off ? 0 : sizeof(rest)))
				return 1;
		}
		/* Half received, to a whole fragment; all of it granted. */
		seed_pkt(&p, FLIP_RPC_RECEIVED);
		p.rh.flags = msgs[m] == FLIP_RPC_REQUEST ? FLIP_RPC_F_REQUEST : 0;
		p.fl.received = SEED_TOTAL / 2 - SEED_TOTAL / 2 % SEED_FRAG;
		p.fl.grant = SEED_TOTAL;
		snprintf(name, sizeof(name), "%u-received-%u", FLIP_RPC_RECEIVED,
			 msgs[m]);
		if (write_seed(argv[1], name, &p, steps, sizeof(steps)))
			return 1;
	}
	for (i = 0; i < sizeof(routes); i += 3) {
		seed_pkt(&p, routes[i + 1] ? FLIP_RPC_REQUEST :
					     FLIP_RPC_LOCATE);
		p.fh.reserved = routes[i];
		p.fh.dst = routes[i + 1];
		p.fh.act_hop = routes[i + 2];
		p.fh.max_hop = 2;
		snprintf(name, sizeof(name), "route-%u", i / 3);
		if (write_seed(argv[1], name, &p, NULL, 0))
			return 1;
	}
	/* A long reply's first fragment, then the one at the prefix, ... */
	seed_pkt(&p, FLIP_RPC_REPLY);
	p.fh.total = SEED_LONG * SEED_FRAG;
	p.datalen = SEED_FRAG;
	for (i = 0; i < SEED_LONG; i++)
		inorder[2 * i] = 0x40;
	snprintf(name, sizeof(name), "%u-long", FLIP_RPC_REPLY);
	if (write_seed(argv[1], name, &p, inorder, sizeof(inorder)))
		return 1;
	return 0;
}
