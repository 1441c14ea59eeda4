#!/bin/sh
# The Bullet server, its commands and bfsck over AF_AMOEBA on Debian's
# stock 6.1 kernel (see vm.t and tests/vm/bullet.sh).  scripts/stock-vm.sh
# builds the module, the test programs and libamoeba's commands, and puts
# build/bullet/bin in the image, but does not build it: make bullet here.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
log=$(mktemp)
if ! make -s -C "$top" bullet >"$log" 2>&1; then
	echo "not ok 1 - make bullet"
	tail -n 30 "$log" | sed 's/^/# /'
	rm -f "$log"
	echo "1..1"
	exit 0
fi
rm -f "$log"
exec "$top/tests/vm.t" 6.1 bullet.sh
