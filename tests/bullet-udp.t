#!/bin/sh
# The Bullet server and its commands end to end over libamoeba's udp
# transport on loopback: the same program, tests/vm/bullet.sh, that
# vm-bullet-*.t runs over AF_AMOEBA in the VM.
top=$(cd "$(dirname "$0")/.." && pwd)
build=${AMOEBA_BUILD:-$top/build}
bin=$build/userland/bin
bbin=$build/bullet/bin
for p in "$bin/std_age" "$bbin/bulletd" "$bbin/put" "$bbin/bfsck"; do
	if [ ! -x "$p" ]; then
		echo "1..0 # SKIP $p not built (run make userland ail bullet)"
		exit 0
	fi
done
TRANSPORT=udp PROGS=$bin BPROGS=$bbin exec sh "$top/tests/vm/bullet.sh"
