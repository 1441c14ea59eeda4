#!/bin/bash
# Unload under load, in the debug kernel (lockdep, KASAN, kmemleak) under
# QEMU: tests/vm/unload.sh runs small and 1 MiB RPCs between two namespace
# hosts and within one, checks that rmmod is refused meanwhile, kills every
# process mid-call, and checks that the module then unloads (with the
# namespaces still there), loads again and serves.  See scripts/debug-vm.sh.
#
# Environment: AMOEBA_BUILD (build root), AMOEBA_CACHE (see debug-kernel.sh).
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
if ! make -s -C "$top" progs >/dev/null 2>&1; then
	echo "not ok 1 - make progs"
	echo "1..1"
	exit 1
fi
exec "$top/scripts/debug-vm.sh" unload unload.sh --timeout 400 \
	--bin "$top/tests/progs/am_server" --bin "$top/tests/progs/am_client"
