#!/bin/sh
# Crash consistency of the Bullet server, on the host over libamoeba's udp
# transport: ITERS times (BULLET_CRASH_ITERS, default 200) bulletd is
# started on one store, every file acknowledged so far is checked byte by
# byte (bload verify), then bload creates, uploads, deletes and compacts
# while bulletd is killed with SIGKILL after a random 0-150 ms; bfsck -d
# must then find the store clean: no torn table entry, no file whose bytes
# fail their checksum (a partial file would).  Prints TAP.
top=$(cd "$(dirname "$0")/.." && pwd)
bin=${AMOEBA_BUILD:-$top/build}/bullet/bin
iters=${BULLET_CRASH_ITERS:-200}
if [ ! -x "$bin/bulletd" ] || [ ! -x "$bin/bload" ]; then
	echo "1..0 # SKIP bulletd or bload not built (make bullet)"
	exit 0
fi
T=$(mktemp -d /tmp/bullet-crash.XXXXXX)
pid=""
trap '[ -n "$pid" ] && kill -9 $pid 2>/dev/null; rm -rf "$T"' EXIT
echo "1..4"

port=$((20000 + $(od -An -N2 -tu2 /dev/urandom) % 40000))
export AMOEBA_TRANSPORT=udp AMOEBA_UDP_PEERS=127.0.0.1:$port

"$bin/bulletd" --init 256M --files 4096 -s "$T/store" >"$T/cap" 2>"$T/init.log"
[ -s "$T/cap" ]
echo "$([ $? -eq 0 ] && echo ok || echo not ok) 1 - a 256 MiB store made"
cap=$(cat "$T/cap")

start() {
	AMOEBA_UDP_PORT=$port "$bin/bulletd" -s "$T/store" -m 16M \
		>/dev/null 2>>"$T/bulletd.log" &
	pid=$!
	# Serving once it answers: the first verify or create would wait anyway.
	timeout 10 sh -c "until '$bin/bstat' '$cap' >/dev/null 2>&1; do sleep 0.05; done"
}

: >"$T/list"
verified=0 fsck_bad=0 verify_bad=0 acked=0 kills=0
i=1
while [ $i -le "$iters" ]; do
	start
	if ! timeout 60 "$bin/bload" verify <"$T/list" >"$T/verify.out"; then
		verify_bad=$((verify_bad + 1))
		sed 's/^/# iteration '$i': /' "$T/verify.out" | head -n 5
	fi
	verified=$(sed -n 's/^verified \([0-9]*\).*/\1/p' "$T/verify.out")
	# Not under timeout: the kill below must reach bload itself, or an
	# orphan would go on writing into the next iteration's list.
	"$bin/bload" create "$cap" $i 100000 "$T/list" >"$T/new" 2>/dev/null &
	load=$!
	sleep "0.$(printf '%03d' $(($(od -An -N2 -tu2 /dev/urandom) % 150)))"
	kill -9 $pid
	wait $pid 2>/dev/null
	pid=""
	kills=$((kills + 1))
	# Its lines are whole: each is one write.  Unsaid acks are no loss.
	kill -9 $load 2>/dev/null
	wait $load 2>/dev/null
	acked=$((acked + $(grep -c '^ACK' "$T/new")))
	cat "$T/new" >>"$T/list"
	if ! "$bin/bfsck" -d "$T/store" >"$T/fsck.out" 2>&1; then
		fsck_bad=$((fsck_bad + 1))
		sed 's/^/# iteration '$i': /' "$T/fsck.out" | head -n 5
	fi
	i=$((i + 1))
done
start
timeout 120 "$bin/bload" verify <"$T/list" >"$T/verify.out" ||
	verify_bad=$((verify_bad + 1))
kill -9 $pid
pid=""
echo "# $kills kills, $acked creates acknowledged; last check: $(cat "$T/verify.out")"
[ $fsck_bad -eq 0 ]
echo "$([ $? -eq 0 ] && echo ok || echo not ok) 2 - bfsck -d clean after each of $kills kills ($fsck_bad not)"
[ $verify_bad -eq 0 ]
echo "$([ $? -eq 0 ] && echo ok || echo not ok) 3 - every acknowledged file whole after every restart ($verify_bad checks failed)"
[ "$acked" -ge "$iters" ] && [ "${verified:-0}" -gt 0 ]
echo "$([ $? -eq 0 ] && echo ok || echo not ok) 4 - the kills came during creates ($acked acknowledged, $verified live files checked last)"
