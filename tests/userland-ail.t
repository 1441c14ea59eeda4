#!/bin/sh
# Host tier: the golden test of the stubs ail generates (a client and a
# server of ail/tests/ok/types.ail in one process) over libamoeba's udp
# transport.  tests/vm/userland.sh runs the same program over AF_AMOEBA.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
prog=${AMOEBA_BUILD:-$top/build}/userland/bin/ail_roundtrip
if [ ! -x "$prog" ]; then
	echo "1..0 # SKIP $prog not built (run make userland)"
	exit 0
fi
AMOEBA_TRANSPORT=udp
export AMOEBA_TRANSPORT
unset AMOEBA_UDP_PORT AMOEBA_UDP_PEERS || true
exec timeout 300 "$prog"
