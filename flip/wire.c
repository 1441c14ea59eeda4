// SPDX-License-Identifier: GPL-2.0
/*
 * FLIP wire format: encoding and validating decoding of the FLIP header,
 * the RPC header and the Amoeba header.  One byte order on the wire,
 * big-endian, and byte-wise access, so no frame can cause an unaligned or
 * out-of-bounds read whatever its contents.
 */
#include "flip.h"

const char *const flip_drop_names[FLIP_DROP_MAX] = {
	[FLIP_DROP_NONE]	= "none",
	[FLIP_DROP_SHORT]	= "short",
	[FLIP_DROP_VERSION]	= "version",
	[FLIP_DROP_TYPE]	= "type",
	[FLIP_DROP_LENGTH]	= "length",
	[FLIP_DROP_FRAGMENT]	= "fragment",
	[FLIP_DROP_HOPS]	= "hops",
	[FLIP_DROP_RPCTYPE]	= "rpctype",
	[FLIP_DROP_NOTFORUS]	= "notforus",
	[FLIP_DROP_NOSOCK]	= "nosock",
	[FLIP_DROP_NOMEM]	= "nomem",
	[FLIP_DROP_STALE]	= "stale",
	[FLIP_DROP_DUP]		= "dup",
	[FLIP_DROP_FULL]	= "full",
	[FLIP_DROP_BUDGET]	= "budget",
	[FLIP_DROP_NOROUTE]	= "noroute",
};
FLIP_EXPORT(flip_drop_names);

static void put16(u8 *p, u16 v)
{
	p[0] = v >> 8;
	p[1] = v;
}

static void put32(u8 *p, u32 v)
{
	put16(p, v >> 16);
	put16(p + 2, v);
}

static void put64(u8 *p, u64 v)
{
	put32(p, v >> 32);
	put32(p + 4, v);
}

static u16 get16(const u8 *p)
{
	return (u16)p[0] << 8 | p[1];
}

static u32 get32(const u8 *p)
{
	return (u32)get16(p) << 16 | get16(p + 2);
}

static u64 get64(const u8 *p)
{
	return (u64)get32(p) << 32 | get32(p + 4);
}

void am_hdr_put(u8 *p, const struct am_hdr *h)
{
	memcpy(p, &h->h_port, AM_PORTSIZE);
	memcpy(p + 6, &h->h_signature, AM_PORTSIZE);
	memcpy(p + 12, &h->h_priv, AM_PRIVSIZE);
	put16(p + 22, h->h_command);
	put32(p + 24, (u32)h->h_offset);
	put16(p + 28, h->h_size);
	put16(p + 30, h->h_extra);
}
FLIP_EXPORT(am_hdr_put);

void am_hdr_get(const u8 *p, struct am_hdr *h)
{
	memcpy(&h->h_port, p, AM_PORTSIZE);
	memcpy(&h->h_signature, p + 6, AM_PORTSIZE);
	memcpy(&h->h_priv, p + 12, AM_PRIVSIZE);
	h->h_command = get16(p + 22);
	h->h_offset = (s32)get32(p + 24);
	h->h_size = get16(p + 28);
	h->h_extra = get16(p + 30);
}
FLIP_EXPORT(am_hdr_get);

/* Only requests and replies carry data of more than one frame. */
static bool rpc_is_msg(u8 rpc_type)
{
	return rpc_type == FLIP_RPC_REQUEST || rpc_type == FLIP_RPC_REPLY;
}

/*
 * Headers of a packet of @rpc_type whose data starts at @offset in its
 * message: the Amoeba header travels once, in the fragment at offset 0.
 */
size_t flip_hdrs_len(u8 rpc_type, u32 offset)
{
	size_t len = FLIP_HDR_LEN + FLIP_RPC_HDR_LEN;

	if (rpc_is_msg(rpc_type) && !offset)
		len += AM_HDR_WIRE_LEN;
	if (rpc_type == FLIP_RPC_RECEIVED)
		len += FLIP_FLOW_LEN;
	return len;
}
FLIP_EXPORT(flip_hdrs_len);

/*
 * Write the headers of @pkt at @buf; the host puts pkt->datalen bytes of
 * data right after them.  The FLIP length is derived here so that no
 * caller can get it wrong; a packet that is its whole message leaves
 * fh.offset and fh.total 0.
 */
size_t flip_write(u8 *buf, const struct flip_pkt *pkt)
{
	const struct flip_hdr *fh = &pkt->fh;
	const struct flip_rpc_hdr *rh = &pkt->rh;
	size_t hlen = flip_hdrs_len(rh->type, fh->offset);
	u32 payload = hlen - FLIP_HDR_LEN + pkt->datalen;
	u32 end = fh->offset + pkt->datalen;
	u8 *p = buf;

	p[0] = FLIP_VERSION;
	p[1] = fh->type;
	p[2] = fh->flags;
	p[3] = 0;
	put16(p + 4, fh->act_hop);
	put16(p + 6, fh->max_hop);
	put64(p + 8, fh->dst);
	put64(p + 16, fh->src);
	put32(p + 24, fh->messid);
	put32(p + 28, payload);
	put32(p + 32, fh->offset);
	put32(p + 36, fh->total > end ? fh->total : end);
	p += FLIP_HDR_LEN;

	p[0] = rh->type;
	p[1] = rh->flags;
	memcpy(p + 2, &rh->port, AM_PORTSIZE);
	put32(p + 8, rh->tid);
	put32(p + 12, rh->ack);
	p += FLIP_RPC_HDR_LEN;

	if (rpc_is_msg(rh->type) && !fh->offset)
		am_hdr_put(p, &pkt->ah);
	if (rh->type == FLIP_RPC_RECEIVED) {
		put32(p, pkt->fl.received);
		put32(p + 4, pkt->fl.grant);
	}
	return hlen;
}
FLIP_EXPORT(flip_write);

/*
 * Decode and check one packet.  On success every field of @pkt is valid and
 * pkt->data/datalen lie inside @buf; on failure the reason names a drop
 * counter and @pkt must not be used.
 */
enum flip_drop flip_parse(const u8 *buf, size_t len, struct flip_pkt *pkt)
{
	struct flip_hdr *fh = &pkt->fh;
	struct flip_rpc_hdr *rh = &pkt->rh;
	size_t hlen;

	if (len < FLIP_HDR_LEN)
		return FLIP_DROP_SHORT;
	fh->version = buf[0];
	fh->type = buf[1];
	fh->flags = buf[2];
	fh->reserved = buf[3];
	fh->act_hop = get16(buf + 4);
	fh->max_hop = get16(buf + 6);
	fh->dst = get64(buf + 8);
	fh->src = get64(buf + 16);
	fh->messid = get32(buf + 24);
	fh->length = get32(buf + 28);
	fh->offset = get32(buf + 32);
	fh->total = get32(buf + 36);

	if (fh->version != FLIP_VERSION)
		return FLIP_DROP_VERSION;
	if (fh->type < FLIP_LOCATE || fh->type > FLIP_TYPE_MAX)
		return FLIP_DROP_TYPE;
	/* Links may pad short frames, so the frame may exceed length. */
	if (fh->length > len - FLIP_HDR_LEN)
		return FLIP_DROP_LENGTH;
	if (fh->act_hop > fh->max_hop || fh->max_hop > FLIP_MAX_HOPS)
		return FLIP_DROP_HOPS;
	if (fh->src == FLIP_ADDR_BROADCAST)
		return FLIP_DROP_NOTFORUS;

	buf += FLIP_HDR_LEN;
	len = fh->length;
	if (len < FLIP_RPC_HDR_LEN)
		return FLIP_DROP_SHORT;
	rh->type = buf[0];
	rh->flags = buf[1];
	memcpy(&rh->port, buf + 2, AM_PORTSIZE);
	rh->tid = get32(buf + 8);
	rh->ack = get32(buf + 12);
	if (rh->type < FLIP_RPC_LOCATE || rh->type > FLIP_RPC_TYPE_MAX)
		return FLIP_DROP_RPCTYPE;

	hlen = flip_hdrs_len(rh->type, fh->offset) - FLIP_HDR_LEN;
	if (len < hlen)
		return FLIP_DROP_SHORT;
	pkt->data = buf + hlen;
	pkt->datalen = len - hlen;
	if (!rpc_is_msg(rh->type)) {
		if (fh->offset || fh->total != pkt->datalen)
			return FLIP_DROP_FRAGMENT;
	} else if (fh->total > FLIP_MSG_MAX) {
		return FLIP_DROP_LENGTH;
	} else if (fh->offset > fh->total ||
		   pkt->datalen > fh->total - fh->offset ||
		   (!pkt->datalen && fh->total)) {
		return FLIP_DROP_FRAGMENT;
	}

	memset(&pkt->ah, 0, sizeof(pkt->ah));
	memset(&pkt->fl, 0, sizeof(pkt->fl));
	if (rpc_is_msg(rh->type) && !fh->offset)
		am_hdr_get(buf + FLIP_RPC_HDR_LEN, &pkt->ah);
	if (rh->type == FLIP_RPC_RECEIVED) {
		pkt->fl.received = get32(buf + FLIP_RPC_HDR_LEN);
		pkt->fl.grant = get32(buf + FLIP_RPC_HDR_LEN + 4);
		pkt->fl.answer = rh->flags & FLIP_RPC_F_ASK;
	}
	return FLIP_DROP_NONE;
}
FLIP_EXPORT(flip_parse);

/* Rewrite the hop count of the packet at @buf, which a router passes on. */
void flip_set_hops(u8 *buf, const struct flip_hdr *fh)
{
	put16(buf + 4, fh->act_hop);
}
FLIP_EXPORT(flip_set_hops);

/* FNV-1a: ports are random already, this only folds 48 bits into 32. */
u32 flip_port_hash(const struct am_port *p)
{
	u32 h = 2166136261u;
	int i;

	for (i = 0; i < AM_PORTSIZE; i++)
		h = (h ^ p->p[i]) * 16777619u;
	return h;
}
FLIP_EXPORT(flip_port_hash);
