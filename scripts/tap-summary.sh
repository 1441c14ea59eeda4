#!/bin/sh
# Summarise a `prove -v` run in one line, for `make check`.
#
# Usage: prove -v tests/*.t 2>&1 | scripts/tap-summary.sh
#
# Copies its input to stdout, then prints exactly one line
#   N passed, N failed
# counting individual test points: every line beginning with `ok N` or
# `not ok N` (`not ok ... # TODO` counts as passed, as TAP says it should).
# A test file that prove lists in its summary report as broken without any
# failed test point (died without a plan, bad plan, non-zero exit) counts as
# one more failure, so a crashed test file can never look like success.
# Exits 1 if anything failed or prove said `Result: FAIL`, else 0.
set -eu

case ${1-} in
-h|--help) sed -n '2,/^set -eu/p' "$0" | sed -e '$d' -e 's/^# \{0,1\}//'; exit 0 ;;
esac

awk '
{ print; fflush() }
/^ok [0-9]/ { pass++ }
/^not ok [0-9]/ {
	if ($0 ~ /# *[Tt][Oo][Dd][Oo]/) pass++; else fail++
}
/^Test Summary Report/ { report = 1 }
report && /\(Wstat: .* Tests: [0-9]+ Failed: [0-9]+\)$/ {
	flush_file()
	n = split($0, w, " ")
	file_failed = w[n] + 0
	broken = 0
	infile = 1
	next
}
report && infile && /^  (Parse errors|Non-zero exit status|Non-zero wait status):/ {
	broken = 1
}
/^Result: FAIL/ { result_fail = 1 }
function flush_file() {
	if (infile && broken && file_failed == 0) fail++
	infile = 0
}
END {
	flush_file()
	printf "%d passed, %d failed\n", pass, fail
	exit (fail > 0 || result_fail) ? 1 : 0
}'
