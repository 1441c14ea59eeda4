#!/bin/sh
# Fuzz tier: each libFuzzer harness runs for a bounded time from its seed
# corpus plus whatever earlier runs kept in $AMOEBA_BUILD/fuzz/<name>/:
#   - the FLIP parser, engine and routes (flip/fuzz/fuzz_parse.c), for
#     FUZZ_SECONDS (default 30), seeded by flip/fuzz/mkseeds.c;
#   - libamoeba's capability and port text parsers
#     (userland/fuzz/fuzz_cap.c), for FUZZ_CAP_SECONDS (default 10);
#   - the AIL front end (ail/fuzz/fuzz_ail.c), for FUZZ_AIL_SECONDS
#     (default 20), seeded by the interfaces and tests in ail/;
#   - the server stubs ail generates, on ail/tests/ok/types.ail
#     (userland/fuzz/fuzz_stubs.c), for FUZZ_STUBS_SECONDS (default 20),
#     seeded by a request of each command's smallest size;
#   - the Bullet store's superblock and file-table loader
#     (bullet/fuzz/fuzz_table.c), for FUZZ_TABLE_SECONDS (default 20);
#   - the SOAP server's log loader (soap/fuzz/fuzz_log.c), for
#     FUZZ_SOAP_LOG_SECONDS (default 18), and its requests, the stub and
#     every operation, against a state in a log (soap/fuzz/fuzz_req.c),
#     for FUZZ_SOAP_REQ_SECONDS (default 18); each writes its own seeds
#     (SOAP_FUZZ_SEEDS=DIR).
# Any crash, sanitizer report or failed invariant is a `not ok`, with the
# reproducer's path.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
build=${AMOEBA_BUILD:-$top/build}
n=0

# fuzz NAME FUZZER SECONDS CORPUS MAXLEN WHAT
fuzz() {
	name=$1 fuzzer=$2 secs=$3 corpus=$4 maxlen=$5 what=$6
	dir=$build/fuzz
	log=$dir/$name.log
	n=$((n + 1))
	if [ ! -x "$fuzzer" ]; then
		echo "not ok $n - $name not built (make fuzz-build)"
		return
	fi
	mkdir -p "$corpus" "$dir/crashes"
	if "$fuzzer" -max_total_time="$secs" -max_len="$maxlen" \
		-print_final_stats=1 -artifact_prefix="$dir/crashes/" \
		"$corpus" >"$log" 2>&1; then
		runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
		echo "ok $n - $what fuzzed for ${secs}s (${runs:-?} inputs)"
	else
		echo "not ok $n - $what fuzzer failed (log $log)"
		grep -E 'ERROR|Assertion|SUMMARY|artifact' "$log" | head -n 20 |
			sed 's/^/# /'
	fi
}

if [ -x "$build/fuzz/mkseeds" ]; then
	mkdir -p "$build/fuzz/corpus"
	"$build/fuzz/mkseeds" "$build/fuzz/corpus"
fi
fuzz fuzz_parse "$build/fuzz/fuzz_parse" "${FUZZ_SECONDS:-30}" \
	"$build/fuzz/corpus" 2048 "FLIP parser"

capseeds=$build/fuzz/cap-corpus
mkdir -p "$capseeds"
printf '0123456789ab:000001:ff:a1b2c3d4e5f6' >"$capseeds/seed-cap"
printf 'A1B2C3D4E5F6' >"$capseeds/seed-port"
fuzz fuzz_cap "$build/userland/fuzz/fuzz_cap" "${FUZZ_CAP_SECONDS:-10}" \
	"$capseeds" 64 "capability text"

ailseeds=$build/fuzz/ail-corpus
mkdir -p "$ailseeds"
cp "$top"/ail/*.ail "$top"/ail/tests/ok/*.ail "$top"/ail/tests/bad/*.ail \
	"$ailseeds/"
fuzz fuzz_ail "$build/ail/fuzz_ail" "${FUZZ_AIL_SECONDS:-20}" \
	"$ailseeds" 4096 "AIL parser"

# Seeds: command index, 8 header bytes, then zeros of the request's size
# when every count is 0.
stubseeds=$build/fuzz/stubs-corpus
mkdir -p "$stubseeds"
for seed in 0:0 1:30 2:0 3:0 4:4 5:8 6:52 7:39 8:0; do
	i=${seed%%:*}
	{ printf "\\$(printf %o "$i")"; head -c $((8 + ${seed#*:})) /dev/zero; } \
		>"$stubseeds/seed-$i"
done
fuzz fuzz_stubs "$build/userland/fuzz/fuzz_stubs" \
	"${FUZZ_STUBS_SECONDS:-20}" "$stubseeds" 16384 "generated server stubs"
# Seed: the superblock and table of a store just made.
tableseeds=$build/fuzz/table-corpus
mkdir -p "$tableseeds"
if [ -x "$build/bullet/bin/bulletd" ]; then
	store=$(mktemp /tmp/fuzz-store.XXXXXX)
	"$build/bullet/bin/bulletd" --init 1M --files 16 --force -s "$store" \
		>/dev/null 2>&1 &&
		{ head -c 64 "$store"; tail -c +4097 "$store" | head -c 2048; } \
		>"$tableseeds/seed-empty"
	rm -f "$store"
fi
fuzz fuzz_table "$build/bullet/fuzz/fuzz_table" \
	"${FUZZ_TABLE_SECONDS:-20}" "$tableseeds" 16384 "Bullet table loader"
# Seeds: logs made with the sp_log_* calls, and request lists; each
# harness writes its own.
for h in log req; do
	mkdir -p "$build/fuzz/soap-$h-corpus"
	if [ -x "$build/soap/fuzz/fuzz_$h" ]; then
		SOAP_FUZZ_SEEDS=$build/fuzz/soap-$h-corpus \
			"$build/soap/fuzz/fuzz_$h" >/dev/null 2>&1 || true
	fi
done
fuzz fuzz_log "$build/soap/fuzz/fuzz_log" "${FUZZ_SOAP_LOG_SECONDS:-18}" \
	"$build/fuzz/soap-log-corpus" 32768 "SOAP log loader"
fuzz fuzz_req "$build/soap/fuzz/fuzz_req" "${FUZZ_SOAP_REQ_SECONDS:-18}" \
	"$build/fuzz/soap-req-corpus" 16384 "SOAP requests"
echo "1..$n"
