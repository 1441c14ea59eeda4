#!/bin/sh
# Host tier: the SOAP server's durable state and its encryption, cmocka,
# as one TAP stream: soap/tests/log_test.c (the table of directories in
# memory, the log's round trip, compaction, torn and damaged records,
# operations that make no sense) and soap/tests/crypt_test.c (key
# wrapping per rights value, sealing).  Each program's points renumbered
# after the last one's, the plan at the end, and a program that dies, or
# prints fewer points than it planned, a `not ok`.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
bin=${AMOEBA_BUILD:-$top/build}/soap/tests
out=$(mktemp)
trap 'rm -f "$out"' EXIT
n=0

for t in log_test crypt_test; do
	rc=0
	"$bin/$t" >"$out" 2>&1 </dev/null || rc=$?
	plan=$(sed -n 's/^1\.\.\([0-9][0-9]*\).*/\1/p' "$out" | head -n 1)
	# Points renumbered; anything else passed on as a comment.
	awk -v base="$n" -v prog="${t%_test}" '
		/^1\.\.[0-9]+/ { next }
		/^(not )?ok [0-9]+/ {
			k++
			neg = /^not /
			sub(/^(not )?ok [0-9]+( - )?/, "")
			printf "%sok %d - %s: %s\n", neg ? "not " : "", \
				base + k, prog, $0
			next
		}
		/^#/ { print; next }
		{ print "# " $0 }
	' "$out"
	seen=$(grep -cE '^(not )?ok [0-9]+' "$out" || true)
	n=$((n + seen))
	if [ "$seen" != "${plan:-none}" ]; then
		n=$((n + 1))
		echo "not ok $n - $t planned ${plan:-no} points, ran $seen" \
			"(exit status $rc)"
	elif [ "$rc" -ne 0 ] && ! grep -q '^not ok' "$out"; then
		n=$((n + 1))
		echo "not ok $n - $t exited with status $rc"
	fi
done
echo "1..$n"
