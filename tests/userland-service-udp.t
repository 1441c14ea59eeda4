#!/bin/sh
# The example service and the standard-operation commands end to end over
# libamoeba's udp transport on loopback: the same program, tests/vm/
# userland.sh, that vm-userland-*.t runs over AF_AMOEBA in the VM.
top=$(cd "$(dirname "$0")/.." && pwd)
bin=${AMOEBA_BUILD:-$top/build}/userland/bin
if [ ! -x "$bin/counterd" ]; then
	echo "1..0 # SKIP $bin/counterd not built (run make userland)"
	exit 0
fi
TRANSPORT=udp PROGS=$bin exec sh "$top/tests/vm/userland.sh"
