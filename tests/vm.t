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
awk -v payload="$payload" '
/^(not )?ok( [0-9]+)?( |$)/ {
	ok = ($0 ~ /^ok/); s = $0
	sub(/^(not )?ok( [0-9]+)?/, "", s)
	printf "%s %d%s\n", ok ? "ok" : "not ok", ++n, s
	if (s !~ /^ - qemu-run: /) ran++
	next
}
/^1\.\.[0-9]+/ { s = $0; sub(/^1\.\./, "", s); plan = s + 0; planned = 1; skipall = (s ~ /# *SKIP/) ? $0 : ""; next }
/^Bail out!/ { printf "not ok %d - %s: %s\n", ++n, payload, $0; next }
/^TAP version/ { next }
{ print "# " $0 }
END {
	if (n == 0 && planned && plan == 0 && skipall != "") { print skipall; exit }
	if (!planned) printf "not ok %d - %s printed no plan\n", ++n, payload
	else if (plan != ran) printf "not ok %d - %s planned %d tests, ran %d\n", ++n, payload, plan, ran
	printf "1..%d\n", n
}'
