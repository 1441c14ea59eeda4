// SPDX-License-Identifier: GPL-2.0
/*
 * Fragments of messages.  Outgoing ones are built straight from the
 * caller's buffer, every time they are (re)sent, so a request or reply is
 * never staged in the kernel; large ones go in page fragments so that no
 * high-order allocation is needed.  Incoming data stays in the skbs it
 * arrived in until the thread it is for copies it out.  Either way each
 * byte is copied once between user memory and packets, as with TCP.
 */
#include <linux/skbuff.h>
#include <linux/uio.h>

#include "amoeba.h"

/* Data up to this size goes in the skb's head, beyond it in pages. */
#define AMOEBA_LINEAR_MAX	2048

/*
 * Data bytes per fragment of an @rpc_type message of @total bytes over
 * @link (0: the link cannot carry it).  A message that fits the smallest
 * frame IPv4 allows (576) fits any link worth using, so for the small
 * calls that are most calls the device is not even looked up.
 */
u32 amoeba_frag_size(struct amoeba_net *an, const struct flip_link *link,
		     u8 rpc_type, u32 total)
{
	int room = 576 - flip_hdrs_len(rpc_type, 0);

	if (total <= room)
		return room;
	room = amoeba_link_mtu(an, link) - flip_hdrs_len(rpc_type, 0);

	/* A link that carries less would take thousands of packets per call. */
	return room >= 256 ? room : 0;
}

static int fill_pages(struct sk_buff *skb, struct iov_iter *from, u32 len)
{
	struct page *page;
	u32 n;

	while (len) {
		if (skb_shinfo(skb)->nr_frags == MAX_SKB_FRAGS)
			return -EMSGSIZE;
		page = alloc_page(GFP_KERNEL);
		if (!page)
			return -ENOMEM;
		n = min_t(u32, len, PAGE_SIZE);
		if (copy_page_from_iter(page, 0, n, from) != n) {
			__free_page(page);
			return -EFAULT;
		}
		skb_fill_page_desc(skb, skb_shinfo(skb)->nr_frags, page, 0, n);
		skb->len += n;
		skb->data_len += n;
		skb->truesize += PAGE_SIZE;
		len -= n;
	}
	return 0;
}

/*
 * Build @p with its p->datalen bytes of data taken from offset p->fh.offset
 * of @data (the whole message), for process context.
 */
static struct sk_buff *build_frag(struct flip_pkt *p,
				  const struct iov_iter *data, int *err)
{
	size_t hlen = flip_hdrs_len(p->rh.type, p->fh.offset);
	bool linear = p->datalen <= AMOEBA_LINEAR_MAX;
	struct sk_buff *skb;
	struct iov_iter it;

	skb = amoeba_alloc_raw(hlen + (linear ? p->datalen : 0), GFP_KERNEL);
	if (!skb) {
		*err = -ENOMEM;
		return NULL;
	}
	flip_write(skb->data, p);
	if (!p->datalen)
		return skb;
	it = *data;
	iov_iter_advance(&it, p->fh.offset);
	if (linear)
		*err = copy_from_iter_full(skb->data + hlen, p->datalen, &it) ?
		       0 : -EFAULT;
	else
		*err = fill_pages(skb, &it, p->datalen);
	if (*err) {
		kfree_skb(skb);
		return NULL;
	}
	return skb;
}

/*
 * Send one fragment of a message; with @keep, also return a clone to keep
 * for resending (the reply cache).  -EFAULT means the caller's buffer is
 * bad, -ENOMEM that nothing was built, -EMSGSIZE that the link cannot
 * carry it; other failures count as losses, which retransmission repairs.
 */
int amoeba_send_frag(struct amoeba_net *an, const struct flip_link *link,
		     struct flip_pkt *p, const struct iov_iter *data,
		     struct sk_buff **keep)
{
	struct sk_buff *skb;
	int err = 0;

	skb = build_frag(p, data, &err);
	if (!skb) {
		if (err == -ENOMEM)
			amoeba_drop(an, FLIP_DROP_NOMEM);
		return err;
	}
	if (keep)
		*keep = skb_clone(skb, GFP_KERNEL);
	err = amoeba_xmit_skb(an, link, skb);
	return err == -EMSGSIZE ? err : 0;
}

/* Queue a reference to received @skb, whose data is @pkt's, on @q. */
void amoeba_keep_frag(struct sk_buff_head *q, struct sk_buff *skb,
		      const struct flip_pkt *pkt)
{
	struct amoeba_frag_cb *cb = amoeba_frag_cb(skb);

	cb->off = pkt->fh.offset;
	cb->len = pkt->datalen;
	cb->data = pkt->data - skb->data;
	__skb_queue_tail(q, skb_get(skb));
}

/*
 * Copy a kept fragment to its place in @to, a buffer of @room bytes
 * (not advanced); what lies beyond @room is cut off.
 */
int amoeba_copy_frag(struct sk_buff *skb, const struct iov_iter *to,
		     u32 room)
{
	struct amoeba_frag_cb *cb = amoeba_frag_cb(skb);
	struct iov_iter it;

	if (cb->off >= room)
		return 0;
	it = *to;
	iov_iter_advance(&it, cb->off);
	return skb_copy_datagram_iter(skb, cb->data, &it,
				      min(cb->len, room - cb->off));
}
