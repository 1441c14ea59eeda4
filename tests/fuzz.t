#!/bin/sh
# Fuzz tier: the FLIP parser harness (flip/fuzz/fuzz_parse.c) runs for a
# bounded time, FUZZ_SECONDS (default 30), from the seed corpus that
# flip/fuzz/mkseeds.c writes plus whatever earlier runs kept in
# $AMOEBA_BUILD/fuzz/corpus.  Any crash, sanitizer report or failed
# invariant is a `not ok`, with the reproducer's path.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
build=${AMOEBA_BUILD:-$top/build}
secs=${FUZZ_SECONDS:-30}
dir=$build/fuzz
fuzzer=$dir/fuzz_parse

if [ ! -x "$fuzzer" ]; then
	echo "not ok 1 - fuzz_parse not built (make fuzz-build)"
	echo "1..1"
	exit 0
fi
mkdir -p "$dir/corpus" "$dir/crashes"
"$dir/mkseeds" "$dir/corpus"
if "$fuzzer" -max_total_time="$secs" -max_len=2048 -print_final_stats=1 \
	-artifact_prefix="$dir/crashes/" "$dir/corpus" >"$dir/log" 2>&1; then
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$dir/log")
	echo "ok 1 - FLIP parser fuzzed for ${secs}s (${runs:-?} inputs)"
else
	echo "not ok 1 - FLIP parser fuzzer failed (log $dir/log)"
	grep -E 'ERROR|Assertion|SUMMARY|artifact' "$dir/log" | head -n 20 |
		sed 's/^/# /'
fi
echo "1..1"
