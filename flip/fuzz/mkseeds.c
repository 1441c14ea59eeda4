// SPDX-License-Identifier: GPL-2.0
/*
 * Writes the fuzzer's seed corpus: one valid packet of each RPC type, so
 * the fuzzer starts from frames the parser accepts.  Run by `make fuzz`.
 */
#include <stdio.h>

#include "../flip.h"

int main(int argc, char **argv)
{
	static const u8 types[] = { FLIP_RPC_LOCATE, FLIP_RPC_HEREIS,
				    FLIP_RPC_REQUEST, FLIP_RPC_REPLY,
				    FLIP_RPC_ACK, FLIP_RPC_FAIL };
	u8 buf[FLIP_RPC_DATA_OFF + 8];
	char path[4096];
	unsigned int i;

	if (argc != 2) {
		fprintf(stderr, "usage: %s DIR\n", argv[0]);
		return 2;
	}
	for (i = 0; i < sizeof(types); i++) {
		struct flip_pkt p = { 0 };
		size_t len;
		FILE *f;

		p.fh.type = types[i] == FLIP_RPC_LOCATE ? FLIP_MULTIDATA :
							  FLIP_UNIDATA;
		p.fh.max_hop = 1;
		p.fh.dst = types[i] == FLIP_RPC_LOCATE ? 0 : 2;
		p.fh.src = 1;
		p.rh.type = types[i];
		p.rh.tid = 1;
		p.datalen = 8;
		len = flip_write(buf, &p);
		memset(buf + len, 'x', 8);
		snprintf(path, sizeof(path), "%s/seed-%u", argv[1], types[i]);
		f = fopen(path, "wb");
		if (!f || fwrite(buf, 1, len + 8, f) != len + 8 || fclose(f)) {
			perror(path);
			return 1;
		}
	}
	return 0;
}
