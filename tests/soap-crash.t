#!/bin/sh
# Crash consistency of the SOAP directory server, on the host over
# libamoeba's udp transport: ITERS times (SOAP_CRASH_ITERS, default 100)
# soapd is started on one state directory, with a small compaction
# threshold so that some kills come during compactions; sload verify
# checks that every change acknowledged so far is there, and that every
# change whose answer was lost is there whole or not at all; then sload
# churn makes changes (atomic installs of 1 to 10 names across three
# directories, one of them encrypted, and small directories made and
# destroyed) until soapd is killed with SIGKILL after a random 50-500 ms.
# Prints TAP.
top=$(cd "$(dirname "$0")/.." && pwd)
build=${AMOEBA_BUILD:-$top/build}
bin=$build/soap/bin
iters=${SOAP_CRASH_ITERS:-100}
for p in "$bin/soapd" "$bin/sload" "$build/userland/bin/std_status"; do
	if [ ! -x "$p" ]; then
		echo "1..0 # SKIP $p not built (make soap)"
		exit 0
	fi
done
T=$(mktemp -d /tmp/soap-crash.XXXXXX)
pid=""
load=""
trap '[ -n "$pid" ] && kill -9 $pid 2>/dev/null; [ -n "$load" ] && kill -9 $load 2>/dev/null; rm -rf "$T"' EXIT
trap 'exit 1' HUP INT PIPE TERM
echo "1..6"

ok() {
	if [ "$1" -eq 0 ]; then
		echo "ok $2 - $3"
	else
		echo "not ok $2 - $3"
	fi
}

new_port() {
	port=$((20000 + $(od -An -N2 -tu2 /dev/urandom) % 40000))
	export AMOEBA_TRANSPORT=udp AMOEBA_UDP_PEERS=127.0.0.1:$port
}
new_port

"$bin/soapd" --init -d "$T/state" -w "$T/super" >"$T/root" 2>"$T/init.log"
[ -s "$T/root" ] && [ -s "$T/super" ]
ok $? 1 "soapd --init makes a state directory"
AMOEBA_ROOT=$(head -n 1 "$T/root")
export AMOEBA_ROOT
super=$(head -n 1 "$T/super")

# start: soapd on the state, $pid; 0 once it answers.  A port in use is
# retried on another.
start() {
	tries=0
	while [ $tries -lt 5 ]; do
		: >"$T/soapd.err"
		AMOEBA_UDP_PORT=$port "$bin/soapd" -d "$T/state" -C 16K \
			>/dev/null 2>"$T/soapd.err" &
		pid=$!
		if timeout 10 sh -c "until '$build/userland/bin/std_status' '$super' >/dev/null 2>&1; do kill -0 $pid || exit 1; sleep 0.02; done" 2>/dev/null; then
			return 0
		fi
		kill -9 $pid 2>/dev/null
		wait $pid 2>/dev/null
		pid=""
		cat "$T/soapd.err" >>"$T/soapd.log"
		grep -q "in use" "$T/soapd.err" || return 1
		new_port
		tries=$((tries + 1))
	done
	return 1
}

# check I: sload verify, its first lines as comments if it fails.
check() {
	if timeout 60 "$bin/sload" verify / "$T/ack" >"$T/verify.out" 2>&1; then
		return 0
	fi
	verify_bad=$((verify_bad + 1))
	echo "# iteration $1: sload verify:"
	head -n 20 "$T/verify.out" | sed 's/^/#   /'
	return 1
}

# count_lost: add the changes whose answers verify found lost.
count_lost() {
	l=$(sed -n 's/.* \([0-9]*\) with lost answers.*/\1/p' "$T/verify.out")
	lost=$((lost + ${l:-0}))
}

: >"$T/ack"
start_bad=0 verify_bad=0 kills=0 lost=0
t0=$(date +%s)
i=1
while [ $i -le "$iters" ]; do
	if ! start; then
		start_bad=$((start_bad + 1))
		echo "# iteration $i: soapd does not serve:"
		sed 's/^/#   /' "$T/soapd.err" | head -n 5
		break
	fi
	check $i
	count_lost
	# Not under timeout: the kill must reach sload itself, so that no
	# orphan writes into the next iteration's list.
	"$bin/sload" churn / "$T/ack" >"$T/churn.out" 2>&1 &
	load=$!
	sleep "0.$(printf '%03d' $((50 + $(od -An -N2 -tu2 /dev/urandom) % 450)))"
	kill -9 $pid
	wait $pid 2>/dev/null
	pid=""
	cat "$T/soapd.err" >>"$T/soapd.log"
	kills=$((kills + 1))
	# Its lines are whole: each is one write.
	kill -9 $load 2>/dev/null
	wait $load 2>/dev/null
	load=""
	i=$((i + 1))
done
final=1
if start; then
	check final && final=0
	count_lost
	timeout 10 "$build/userland/bin/std_status" "$super" >"$T/status" 2>&1
	kill -9 $pid
	wait $pid 2>/dev/null
	pid=""
	cat "$T/soapd.err" >>"$T/soapd.log"
else
	start_bad=$((start_bad + 1))
	sed 's/^/#   /' "$T/soapd.err" | head -n 5
fi
acked=$(grep -c '^ACK' "$T/ack")
destroys=$(grep -c '^TRYD' "$T/ack")
naks=$(grep -c '^NAK' "$T/ack")
compactions=$(grep -c 'compacted the log' "$T/soapd.log")
echo "# $kills kills in $(($(date +%s) - t0)) s, $acked changes acknowledged, $destroys directories destroyed, $lost answers lost, $compactions compactions"
echo "# last check: $(tail -n 1 "$T/verify.out")"
echo "# $(cat "$T/status" 2>/dev/null)"
[ $start_bad -eq 0 ]
ok $? 2 "soapd loads its log again after each of $kills kills ($start_bad times not)"
[ $verify_bad -eq 0 ] && [ $final -eq 0 ]
ok $? 3 "every acknowledged change there, every lost one whole or not at all, after every restart ($verify_bad checks failed)"
[ "$naks" -eq 0 ]
ok $? 4 "soapd refused none of the changes ($naks refused)" ||
	grep '^NAK' "$T/ack" | head -n 5 | sed 's/^/#   /'
[ "$acked" -ge "$iters" ] && [ "$destroys" -gt 0 ] && [ "$lost" -gt 0 ]
ok $? 5 "the kills came during changes ($acked acknowledged, $destroys destroys, $lost answers lost)"
[ "$compactions" -gt 0 ]
ok $? 6 "...and during compactions ($compactions)"
