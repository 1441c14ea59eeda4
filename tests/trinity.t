#!/bin/bash
# Fuzz AF_AMOEBA with trinity (Debian's system call fuzzer) in the debug
# kernel (lockdep, KASAN, kmemleak) under QEMU, and report flat TAP for prove.
#
# scripts/debug-vm.sh builds amoeba.ko for the debug kernel in
# ${AMOEBA_BUILD:-build}/debug-trinity and boots it with tests/vm/trinity.sh,
# which loads the module, runs trinity as nobody on AF_AMOEBA sockets for
# AMOEBA_TRINITY_SECONDS, unloads the module and asks kmemleak for leaks
# (see the payload for the trinity command line and why).  The payload's
# test points (insmod, trinity ran, rmmod, kmemleak) are renumbered here; a
# kernel problem on the console (oops, BUG, WARN, lockdep, KASAN, kmemleak,
# timeout: see scripts/qemu-run.sh) is one more `not ok`.
#
# Environment: AMOEBA_BUILD (build root), AMOEBA_CACHE (see debug-kernel.sh),
# AMOEBA_TRINITY_SECONDS (fuzzing time, default 60), AMOEBA_TRINITY_APPEND
# (more kernel command line words, e.g. AMOEBA_TRINITY_SEED=N or
# AMOEBA_TRINITY_CHILDREN=N for the payload), AMOEBA_TRINITY_TIMEOUT (seconds
# for the whole VM, default fuzzing time + 240).
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
secs=${AMOEBA_TRINITY_SECONDS:-60}

bail() {
	echo "not ok 1 - $1"
	echo "1..1"
	exit 1
}

case $secs in '' | *[!0-9]*) bail "AMOEBA_TRINITY_SECONDS=$secs is not a number" ;; esac
trinity=$(command -v trinity || true)
[ -z "$trinity" ] && [ -x /usr/bin/trinity ] && trinity=/usr/bin/trinity
[ -n "$trinity" ] || bail "trinity not installed (make deps, or apt-get install trinity)"

exec "$top/scripts/debug-vm.sh" trinity trinity.sh --bin "$trinity" \
	--timeout "${AMOEBA_TRINITY_TIMEOUT:-$((secs + 240))}" \
	--append "AMOEBA_TRINITY_SECONDS=$secs ${AMOEBA_TRINITY_APPEND-}"
