#!/bin/sh
# Many clients of one SOAP server at once, on the host over libamoeba's
# udp transport: CLIENTS threads of sload cas (SOAP_CAS_CLIENTS, default
# 8) make ITERS optimistic increments each (SOAP_CAS_ITERS, default 250)
# of one counter, while two sload churn runs change two other directory
# trees and sload bench-lookup reads.  No acknowledged increment may be
# lost or counted twice, every atomic install of g0..g9 must be whole,
# and every churn change must be there, before and after soapd is killed
# and restarted.  Prints TAP.
top=$(cd "$(dirname "$0")/.." && pwd)
build=${AMOEBA_BUILD:-$top/build}
bin=$build/soap/bin
clients=${SOAP_CAS_CLIENTS:-8}
iters=${SOAP_CAS_ITERS:-250}
for p in "$bin/soapd" "$bin/sload" "$bin/mkd" "$build/userland/bin/std_status"; do
	if [ ! -x "$p" ]; then
		echo "1..0 # SKIP $p not built (make soap)"
		exit 0
	fi
done
T=$(mktemp -d /tmp/soap-conc.XXXXXX)
pid=""
trap '[ -n "$pid" ] && kill -9 $pid 2>/dev/null; rm -rf "$T"' EXIT
trap 'exit 1' HUP INT PIPE TERM
echo "1..9"
n=0

ok() {
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
		[ -n "${3-}" ] && [ -s "$3" ] && sed 's/^/#   /' "$3" | head -n 20
	fi
}

new_port() {
	port=$((20000 + $(od -An -N2 -tu2 /dev/urandom) % 40000))
	export AMOEBA_TRANSPORT=udp AMOEBA_UDP_PEERS=127.0.0.1:$port
}
new_port

"$bin/soapd" --init -d "$T/state" -w "$T/super" >"$T/root" 2>"$T/init.log"
AMOEBA_ROOT=$(head -n 1 "$T/root")
export AMOEBA_ROOT
super=$(head -n 1 "$T/super")

# start: soapd as $pid, 0 once it answers; a port in use is retried.
start() {
	tries=0
	while [ $tries -lt 5 ]; do
		AMOEBA_UDP_PORT=$port "$bin/soapd" -d "$T/state" \
			>/dev/null 2>"$T/soapd.err" &
		pid=$!
		if timeout 10 sh -c "until '$build/userland/bin/std_status' '$super' >/dev/null 2>&1; do kill -0 $pid || exit 1; sleep 0.02; done" 2>/dev/null; then
			return 0
		fi
		kill -9 $pid 2>/dev/null
		wait $pid 2>/dev/null
		pid=""
		grep -q "in use" "$T/soapd.err" || return 1
		new_port
		tries=$((tries + 1))
	done
	return 1
}

start
ok $? "soapd serves a new state" "$T/soapd.err"
timeout 30 "$bin/mkd" /cas >"$T/mkd.out" 2>&1 &&
	timeout 30 "$bin/mkd" /churn1 >>"$T/mkd.out" 2>&1 &&
	timeout 30 "$bin/mkd" /churn2 >>"$T/mkd.out" 2>&1
ok $? "mkd /cas /churn1 /churn2" "$T/mkd.out"

total=$((clients * iters))
t0=$(date +%s)
timeout 120 "$bin/sload" cas /cas "$clients" "$iters" >"$T/cas.out" 2>&1 &
cas=$!
timeout 120 "$bin/sload" churn /churn1 "$T/ack1" 400 >"$T/churn1.out" 2>&1 &
c1=$!
timeout 120 "$bin/sload" churn /churn2 "$T/ack2" 400 >"$T/churn2.out" 2>&1 &
c2=$!
timeout 60 "$bin/sload" bench-lookup /cas 2 2 >"$T/bench.out" 2>&1
bst=$?
wait $cas
st=$?
wait $c1 && wait $c2
cst=$?
echo "# $(cat "$T/cas.out") in $(($(date +%s) - t0)) s; $(cat "$T/bench.out")"
[ $st -eq 0 ] && grep -q "^acked=$total " "$T/cas.out"
ok $? "sload cas: $clients clients x $iters increments, all acknowledged" "$T/cas.out"
[ $cst -eq 0 ] && [ $bst -eq 0 ]
ok $? "...while two sload churn runs changed their trees and a bench-lookup read" \
	"$T/churn1.out"

# checks WHEN: the counter and the churned trees, as points.
checks() {
	timeout 60 "$bin/sload" check /cas "$total" >"$T/check.out" 2>&1
	ok $? "$1: the counter is $total, g0..g9 are one install's" "$T/check.out"
	timeout 60 "$bin/sload" verify /churn1 "$T/ack1" >"$T/v1.out" 2>&1 &&
		timeout 60 "$bin/sload" verify /churn2 "$T/ack2" >"$T/v2.out" 2>&1
	ok $? "$1: every churn change there" "$T/v1.out"
	[ -s "$T/v2.out" ] && sed 's/^/#   /' "$T/v2.out" | head -n 5
}
checks "at once"
kill -9 $pid
wait $pid 2>/dev/null
pid=""
start
ok $? "soapd serves the state again after SIGKILL" "$T/soapd.err"
checks "after the restart"
kill -9 $pid
wait $pid 2>/dev/null
pid=""
