#!/bin/bash
# Integration tests on a stock Debian kernel under QEMU; usage:
#   vm.t SERIES [PAYLOAD [CPUS]]
# SERIES is 6.1 or 6.12, PAYLOAD a script in tests/vm/ (default
# integration.sh), CPUS the VM's virtual CPUs (default 2).  Run through the
# wrappers tests/vm-*.t; without an argument (prove tests/*.t) it skips.
#
# scripts/stock-vm.sh boots the kernel with the payload; its top-level TAP is renumbered into this file's TAP, anything
# else becomes a `#` comment.  A missing or wrong plan, a failed step and a
# kernel problem on the console are each a `not ok`.
set -eu

series=${1-}
payload=${2:-integration.sh}
smp=${3:-2}
if [ -z "$series" ]; then
	echo "1..0 # SKIP run as vm-6.1.t / vm-6.12.t"
	exit 0
fi
top=$(cd "$(dirname "$0")/.." && pwd)

"$top/scripts/stock-vm.sh" "$series" "$top/tests/vm/$payload" --smp "$smp" |
awk -v payload="$payload" -f "$top/scripts/tap-renumber.awk"
