// SPDX-License-Identifier: GPL-2.0
/*
 * am_rawsend: sends one deliberately broken FLIP frame (Ethernet type
 * 0x8146) to the broadcast MAC on an interface, so that a test can check
 * that the receiving kernel drops it and counts it under the right reason
 * in /proc/net/amoeba.  Each KIND breaks exactly one thing in an otherwise
 * well-formed frame carrying an RPC request; the rest of the frame is what
 * a real sender would put there, so the intended check is the one that
 * fires.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <unistd.h>

#include <linux/if_ether.h>
#include <linux/if_packet.h>

#include "common.h"

#define FLIP_VERSION		1
#define FLIP_HDR_LEN		40
#define FLIP_LOCATE		1
#define FLIP_UNIDATA		3
#define FLIP_MULTIDATA		4
#define RPC_HDR_LEN		16
#define RPC_REQUEST		3
#define AM_HDR_LEN		32
/* What the frame would carry if nothing were broken: one header-only request. */
#define PAYLOAD_LEN		(RPC_HDR_LEN + AM_HDR_LEN)
/* The message the "fragment" piece claims to be part of: too short for it. */
#define FRAG_TOTAL		(100 + AM_HDR_LEN - 1)
#define SRC_FLIP_ADDR		0x00000000feed0001ULL
#define BROADCAST_FLIP_ADDR	0xffffffffffffffffULL

#define ARRAY_SIZE(a)		(sizeof(a) / sizeof((a)[0]))

static const char *const kinds[] = {
	"short", "version", "type", "length", "fragment", "hops", "rpctype",
};

static void usage(FILE *f, int status)
{
	fprintf(f,
		"usage: %s IFNAME KIND [FLIPADDR]\n"
		"  KIND is one of: short version type length fragment hops rpctype\n"
		"    short     10 bytes after the Ethernet header\n"
		"    version   FLIP version 9\n"
		"    type      FLIP type 77\n"
		"    length    FLIP length larger than the frame\n"
		"    fragment  a piece that runs past the end of its message\n"
		"              (%d bytes at offset 100 of a %d-byte one)\n"
		"    hops      act_hop 9 > max_hop 2\n"
		"    rpctype   RPC type 99 in a valid FLIP packet\n"
		"  FLIPADDR   destination FLIP address, 16 hex digits (default:\n"
		"             broadcast, sent as MULTIDATA; with it, UNIDATA)\n"
		"Sends one frame of Ethernet type 0x%04x to ff:ff:ff:ff:ff:ff.\n",
		progname, AM_HDR_LEN, FRAG_TOTAL, ETH_P_FLIP);
	exit(status);
}

static unsigned char *put16(unsigned char *p, uint16_t v)
{
	*p++ = (unsigned char)(v >> 8);
	*p++ = (unsigned char)v;
	return p;
}

static unsigned char *put32(unsigned char *p, uint32_t v)
{
	p = put16(p, (uint16_t)(v >> 16));
	return put16(p, (uint16_t)v);
}

static unsigned char *put64(unsigned char *p, uint64_t v)
{
	p = put32(p, (uint32_t)(v >> 32));
	return put32(p, (uint32_t)v);
}

static int parse_flip_addr(const char *s, uint64_t *addr)
{
	size_t i;

	if (strlen(s) != 16)
		return -1;
	for (i = 0; i < 16; i++)
		if (!strchr("0123456789abcdefABCDEF", s[i]))
			return -1;
	*addr = strtoull(s, NULL, 16);
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned char frame[ETH_HLEN + FLIP_HDR_LEN + PAYLOAD_LEN];
	unsigned char *p;
	uint8_t version = FLIP_VERSION, ftype, rtype = RPC_REQUEST;
	uint16_t act_hop = 0, max_hop = 8;
	uint32_t length = PAYLOAD_LEN, offset = 0, total = PAYLOAD_LEN;
	uint64_t dst = BROADCAST_FLIP_ADDR;
	struct sockaddr_ll sll;
	struct am_port port;
	const char *ifname, *kind;
	struct ifreq ifr;
	size_t flen, i;
	int ch, fd;

	set_progname(argv[0]);
	while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		if (ch == 'h')
			usage(stdout, 0);
		usage(stderr, EXIT_USAGE);
	}
	argc -= optind;
	argv += optind;
	if (argc < 2 || argc > 3) {
		warnx_msg("need IFNAME and KIND");
		usage(stderr, EXIT_USAGE);
	}
	ifname = argv[0];
	kind = argv[1];
	for (i = 0; i < ARRAY_SIZE(kinds); i++)
		if (!strcmp(kind, kinds[i]))
			break;
	if (i == ARRAY_SIZE(kinds)) {
		warnx_msg("unknown KIND \"%s\"", kind);
		usage(stderr, EXIT_USAGE);
	}
	ftype = FLIP_MULTIDATA;
	if (argc == 3) {
		if (parse_flip_addr(argv[2], &dst)) {
			warnx_msg("FLIPADDR %s: not 16 hex digits", argv[2]);
			usage(stderr, EXIT_USAGE);
		}
		ftype = FLIP_UNIDATA;
	}
	if (strlen(ifname) >= IFNAMSIZ) {
		warnx_msg("interface name \"%s\" is too long", ifname);
		usage(stderr, EXIT_USAGE);
	}

	/* Break exactly one field; the rest stays what a sender would send. */
	flen = sizeof(frame);
	if (!strcmp(kind, "short")) {
		flen = ETH_HLEN + 10;
	} else if (!strcmp(kind, "version")) {
		version = 9;
	} else if (!strcmp(kind, "type")) {
		ftype = 77;
	} else if (!strcmp(kind, "length")) {
		length = PAYLOAD_LEN + 1000;
		total = length;
	} else if (!strcmp(kind, "fragment")) {
		/*
		 * A later piece has no Amoeba header: its data are the
		 * AM_HDR_LEN bytes after the RPC header, one more than the
		 * message has room for after offset 100.
		 */
		offset = 100;
		total = FRAG_TOTAL;
	} else if (!strcmp(kind, "hops")) {
		act_hop = 9;
		max_hop = 2;
	} else if (!strcmp(kind, "rpctype")) {
		rtype = 99;
	}

	fd = socket(AF_PACKET, SOCK_RAW, 0);
	if (fd < 0) {
		warn_errno(errno, "socket(AF_PACKET, SOCK_RAW) (needs CAP_NET_RAW)");
		return 1;
	}
	memset(&ifr, 0, sizeof(ifr));
	strcpy(ifr.ifr_name, ifname);
	if (ioctl(fd, SIOCGIFHWADDR, &ifr)) {
		warn_errno(errno, "SIOCGIFHWADDR %s", ifname);
		return 1;
	}

	memset(frame, 0, sizeof(frame));
	p = frame;
	memset(p, 0xff, ETH_ALEN);
	memcpy(p + ETH_ALEN, ifr.ifr_hwaddr.sa_data, ETH_ALEN);
	put16(p + 2 * ETH_ALEN, ETH_P_FLIP);

	p = frame + ETH_HLEN;
	*p++ = version;
	*p++ = ftype;
	*p++ = 0;		/* flags */
	*p++ = 0;		/* reserved */
	p = put16(p, act_hop);
	p = put16(p, max_hop);
	p = put64(p, dst);
	p = put64(p, SRC_FLIP_ADDR);
	p = put32(p, (uint32_t)getpid());	/* messid */
	p = put32(p, length);
	p = put32(p, offset);
	p = put32(p, total);

	/*
	 * RPC header: a request to a random port nobody serves, then an
	 * Amoeba header naming the same port.
	 */
	do {
		if (getrandom(port.p, sizeof(port.p), 0) != sizeof(port.p)) {
			warn_errno(errno, "getrandom");
			return 1;
		}
	} while (am_port_null(&port));
	*p++ = rtype;
	*p++ = 0;		/* flags */
	memcpy(p, port.p, AM_PORTSIZE);
	p += AM_PORTSIZE;
	p = put32(p, 1);	/* tid */
	p = put32(p, 0);	/* reserved */
	memcpy(p, port.p, AM_PORTSIZE);	/* h_port of the Amoeba header */

	memset(&sll, 0, sizeof(sll));
	sll.sll_family = AF_PACKET;
	sll.sll_protocol = htons(ETH_P_FLIP);
	sll.sll_ifindex = (int)if_nametoindex(ifname);
	sll.sll_halen = ETH_ALEN;
	memset(sll.sll_addr, 0xff, ETH_ALEN);
	if (sll.sll_ifindex == 0) {
		warn_errno(errno, "interface %s", ifname);
		return 1;
	}
	if (sendto(fd, frame, flen, 0, (struct sockaddr *)&sll,
		   sizeof(sll)) != (ssize_t)flen) {
		warn_errno(errno, "send %zu-byte %s frame on %s", flen, kind,
			   ifname);
		return 1;
	}
	close(fd);
	return 0;
}
