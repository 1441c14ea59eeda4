#!/bin/sh
# Integration test of amoeba.ko on a stock kernel, run as root inside the
# test VM by busybox sh.  Three network namespaces (hostA, hostB, hostC)
# joined by veths to a bridge act as three machines: a server in hostB is
# found by broadcast locate and used from hostA and hostC, bad input is
# refused with the documented errors, crafted bad frames are dropped and
# counted, a dead server is reported without hanging, messages up to 1 MiB
# arrive intact between hosts and within one (SHA-256 at both ends), a
# client that dies or gives up makes putrep fail promptly and its queued
# request vanish, the memory budget for requests drops fragments and
# counts them, and the module can be unloaded only when no socket holds
# it.  Prints TAP on stdout.
#
# Environment: IP and TC are full iproute2 binaries (busybox ip lacks
# netns), PROGS holds the test programs, MODDIR holds amoeba.ko; veth,
# bridge and netem are already loaded.

IP=${IP:-ip}
TC=${TC:-tc}
PROGS=${PROGS:-/progs}
MODDIR=${MODDIR:-/modules}
FAMILY_PARAM=/sys/module/amoeba/parameters/family
PARAMS=/sys/module/amoeba/parameters
MIB=1048576
HOSTS="hostA hostB hostC"

pids=""
T=$(mktemp -d /tmp/amoeba-it.XXXXXX)

. "$(dirname "$0")/lib.sh"

trap 'cleanup; exit 1' INT TERM
dmesg_start=$(dmesg | wc -l)

# --- module ---------------------------------------------------------------
insmod "$MODDIR/amoeba.ko" >"$T/insmod.out" 2>&1
tap $? "insmod amoeba.ko" || { diag_file "$T/insmod.out"; bail "amoeba.ko did not load"; }
[ -r "$FAMILY_PARAM" ]
tap $? "$FAMILY_PARAM exists (family $(cat $FAMILY_PARAM 2>/dev/null))"

# --- topology: three hosts on one bridge ---------------------------------
make_hosts
tap $? "topology: $HOSTS on bridge br0" ||
	{ diag_file "$T/topo.out"; bail "no topology"; }
readable=0
for h in $HOSTS; do
	proc_amoeba "$h" >"$T/proc.$h" 2>&1 || { readable=1; diag_file "$T/proc.$h"; }
done
tap $readable "/proc/net/amoeba readable in every namespace"

# --- bad input ------------------------------------------------------------
timeout 120 "$IP" netns exec hostA "$PROGS/am_badinput" >"$T/badinput.out" 2>&1
st=$?
total=$(grep -cE '^(not )?ok ' "$T/badinput.out")
bad=$(grep -c '^not ok ' "$T/badinput.out")
if [ $st -eq 0 ] && [ "$bad" -eq 0 ] && [ "$total" -gt 0 ] &&
   ! grep -q '^Bail out!' "$T/badinput.out"; then
	tap 0 "am_badinput in hostA: $total checks pass"
else
	tap 1 "am_badinput in hostA: $bad of $total checks fail (exit $st)"
	diag_file "$T/badinput.out"
fi

# --- a server in hostB, clients in hostA and hostC -------------------------
G=$(random_port)
timeout 300 "$IP" netns exec hostB "$PROGS/am_server" -g "$G" \
	>"$T/srvB.out" 2>"$T/srvB.err" &
srv=$!
pids="$pids $srv"
P=$(wait_port "$T/srvB.out" $srv)
tap $? "am_server in hostB bound get-port $G, put-port ${P:-?}" ||
	diag_file "$T/srvB.err"
addrB=""

client_tests() {
	run "1000 header-only trans from hostA to hostB (locate by broadcast)" 60 \
		"$IP" netns exec hostA "$PROGS/am_client" -p "$P" -n 1000
	run "100 trans of 1000 bytes from hostA, echo verified" 60 \
		"$IP" netns exec hostA "$PROGS/am_client" -p "$P" -n 100 -s 1000

	proc_amoeba hostA >"$T/proc.hostA" 2>&1
	# cache PORT ADDRESS AGE_MS SRTT_US, with a measured round trip
	awk -v p="$P" '$1 == "cache" && $2 == p && $3 ~ /^[0-9a-f]+$/ &&
		length($3) == 16 && $4 ~ /^[0-9]+$/ && $5 ~ /^[0-9]+$/ &&
		$5 > 0 && NF == 5 { f = 1 } END { exit !f }' "$T/proc.hostA"
	tap $? "hostA caches the location of $P and its round trip" ||
		diag_proc hostA
	v=$(field hostA stat trans)
	[ "$v" -ge 1000 ]
	tap $? "hostA stat trans >= 1000 (is $v)" || diag_proc hostA
	v=$(field hostB stat getreq)
	[ "$v" -ge 1000 ]
	tap $? "hostB stat getreq >= 1000 (is $v)" || diag_proc hostB
	proc_amoeba hostB >"$T/proc.hostB" 2>&1
	addrB=$(awk -v p="$P" '$1 == "port" && $2 == p { print $3 }' "$T/proc.hostB")
	echo "$addrB" | grep -qE '^[0-9a-f]{16}$'
	tap $? "hostB lists port $P at FLIP address ${addrB:-?}" || diag_proc hostB

	run "100 trans of 100 bytes from hostC, put-port computed from the get-port" 60 \
		"$IP" netns exec hostC "$PROGS/am_client" -g "$G" -n 100 -s 100

	run "trans to a port nobody serves fails with EHOSTUNREACH" 20 \
		"$IP" netns exec hostA "$PROGS/am_client" -g "$(random_port)" \
		-n 2 -t 300 -e EHOSTUNREACH

	# Duplicated frames must not run a request twice.
	if "$TC" -n hostA qdisc add dev eth0 root netem duplicate 25% \
		>"$T/tc.out" 2>&1; then
		run "200 trans with 25% of hostA's frames duplicated" 60 \
			"$IP" netns exec hostA "$PROGS/am_client" -p "$P" -n 200 -s 10
		"$TC" -n hostA qdisc del dev eth0 root
	else
		diag_file "$T/tc.out"
		skip "netem duplicate unavailable"
	fi
}

if [ -n "$P" ]; then
	client_tests
else
	tap 1 "client tests need the server"
fi

# --- crafted bad frames from hostA are dropped and counted by hostB ---------
for kind in short version type length fragment hops rpctype; do
	before=$(field hostB drop "$kind")
	in_ns hostA "$PROGS/am_rawsend" eth0 "$kind" ${addrB:+"$addrB"} \
		>"$T/raw.out" 2>&1 || diag_file "$T/raw.out"
	# Counting may lag the send by a softirq; poll briefly.
	i=0
	after=$before
	while [ "$before" -ge 0 ] && [ $i -lt 20 ] && [ "$after" -le "$before" ]; do
		sleep 0.05
		after=$(field hostB drop "$kind")
		i=$((i + 1))
	done
	[ "$before" -ge 0 ] && [ "$after" -gt "$before" ]
	tap $? "bad frame '$kind' counted as drop $kind in hostB ($before -> $after)" ||
		diag_proc hostB
done

# --- a dead server is reported, not waited for -----------------------------
dead_server_tests() {
	run "hostB still serves after the bad frames" 30 \
		"$IP" netns exec hostA "$PROGS/am_client" -p "$P" -n 10 -s 10
	kill -TERM "$srv"
	wait "$srv"
	st=$?
	tap $st "am_server exits 0 on SIGTERM" || diag_file "$T/srvB.err"
	diag "$(cat "$T/srvB.err")"
	grep -q 'served [0-9]* requests, 0 repeated' "$T/srvB.err"
	tap $? "no request was executed twice (at-most-once)" || diag_file "$T/srvB.err"

	start=$(date +%s)
	run "trans to the dead server's put-port fails cleanly" 15 \
		"$IP" netns exec hostA "$PROGS/am_client" -p "$P" -n 1 -t 2000 \
		-e EHOSTUNREACH,ECONNRESET,ETIMEDOUT
	took=$(($(date +%s) - start))
	[ $took -le 5 ]
	tap $? "it returned within its 2 s timeout ($took s)"
}

# --- failures: a server that moves, one killed mid-call, an impostor ------
failure_tests() {
	G2=$(random_port)
	start_server hostB "$G2" moved1
	P2=$(wait_port "$T/moved1.out" $spid)
	run "10 trans to a server in hostB" 30 \
		"$IP" netns exec hostA "$PROGS/am_client" -p "$P2" -n 10
	kill -TERM $spid
	wait $spid
	start_server hostC "$G2" moved2
	wait_port "$T/moved2.out" $spid >/dev/null
	tap $? "the same get-port served again, now from hostC"
	run "hostA finds it in hostC by itself (NOTHERE, then locate)" 30 \
		"$IP" netns exec hostA "$PROGS/am_client" -p "$P2" -n 10
	addrC=$(proc_amoeba hostC | awk -v p="$P2" '$1 == "port" && $2 == p { print $3 }')
	proc_amoeba hostA | grep -q "^cache $P2 ${addrC:-none} "
	tap $? "hostA's port cache now names hostC's address ${addrC:-?}" ||
		diag_proc hostA
	kill -TERM $spid
	wait $spid

	G3=$(random_port)
	start_server hostB "$G3" slow -d 20000
	P3=$(wait_port "$T/slow.out" $spid)
	t0=$(date +%s)
	timeout 40 "$IP" netns exec hostA "$PROGS/am_client" -p "$P3" -n 1 \
		-t 30000 -e ECONNRESET >"$T/mid.out" 2>&1 &
	cpid=$!
	sleep 2
	kill -KILL $spid
	wait $spid
	wait $cpid
	st=$?
	took=$(($(date +%s) - t0))
	tap $st "a server killed mid-call gives the client ECONNRESET (RPC_FAILURE)" ||
		diag_file "$T/mid.out"
	[ $took -le 8 ]
	tap $? "within seconds of the kill, not at its 30 s timeout ($took s)"

	# Many threads on each side of one socket: every getreq gets its own
	# request and every reply finds its caller.
	G5=$(random_port)
	start_server hostB "$G5" threaded -t 4
	P5=$(wait_port "$T/threaded.out" $spid)
	run "8 client threads on one socket, 200 calls each, to 4 server threads" 120 \
		"$IP" netns exec hostA "$PROGS/am_client" -p "$P5" -j 8 -n 200 -s 64
	run "...and from hostC at the same time as hostA" 120 sh -c "
		$IP netns exec hostC $PROGS/am_client -p $P5 -j 4 -n 100 &
		$IP netns exec hostA $PROGS/am_client -p $P5 -j 4 -n 100 -s 500
		a=\$?; wait \$!; exit \$((a | \$?))"
	kill -TERM $spid
	wait $spid
	tap $? "the threaded server stops cleanly on SIGTERM" ||
		diag_file "$T/threaded.err"
	grep -q 'served 2400 requests, 0 repeated' "$T/threaded.err"
	tap $? "it served 2400 requests, none twice" || diag_file "$T/threaded.err"

	G4=$(random_port)
	start_server hostB "$G4" real
	real=$spid
	P4=$(wait_port "$T/real.out" $real)
	# Binding the put-port as if it were a get-port serves F(P4), not P4.
	start_server hostC "$P4" impostor
	fake=$spid
	F4=$(wait_port "$T/impostor.out" $fake)
	[ -n "$F4" ] && [ "$F4" != "$P4" ]
	tap $? "binding the put-port $P4 itself serves another port (${F4:-?})"
	run "20 trans to $P4 answered with the impostor listening" 30 \
		"$IP" netns exec hostA "$PROGS/am_client" -p "$P4" -n 20
	kill -TERM $fake $real
	wait $fake
	wait $real
	grep -q 'served 0 requests' "$T/impostor.err"
	tap $? "the impostor received nothing" || diag_file "$T/impostor.err"
	pids="$srv"
}

if [ -n "$P" ]; then
	dead_server_tests
	failure_tests
fi

# --- messages up to AM_MAXBUF (1 MiB), in fragments --------------------------
# hashes FILE...: the "request N bytes sha256 X, reply M bytes sha256 Y"
# part of the lines am_client -R and am_server -H print, sorted.
hashes() {
	sed -n 's/.*: \(request [0-9]* bytes sha256 [0-9a-f]*, reply [0-9]* bytes sha256 [0-9a-f]*\)$/\1/p' "$@" |
		sort
}

# big_call NAME NS SIZE REPLY COUNT [ARGS...]: one test point, COUNT calls
# from NS to $PB with SIZE bytes of random data from a fresh seed, and the
# echo back (REPLY "echo") or REPLY bytes of random data, each verified by
# SHA-256; the client's hash lines are kept in $T/big.cli.
big_call() {
	name=$1 ns=$2 size=$3 reply=$4 count=$5
	shift 5
	seed=$((seed + 1))
	rarg=""
	[ "$reply" = echo ] || rarg="-r $reply"
	calls=$((calls + count))
	# shellcheck disable=SC2086 # $rarg is empty or two words
	run "$name" 180 "$IP" netns exec "$ns" "$PROGS/am_client" -p "$PB" \
		-n "$count" -s "$size" $rarg -R "$seed" -t 30000 "$@"
	st=$?
	cat "$T/run.out" >>"$T/big.cli"
	return $st
}

# Sizes around the fragment boundaries and the limit, both ways
# and lopsided, several in a row, between hosts and within hostB.
large_echo_tests() {
	big_call "3 echoes of 1 MiB (AM_MAXBUF) from hostA to hostB, SHA-256 verified" \
		hostA $MIB echo 3
	big_call "3 echoes of 1413 bytes (one byte over a frame)" hostA 1413 echo 3
	big_call "2 echoes of 65543 bytes" hostA 65543 echo 2
	big_call "2 echoes of 300001 bytes" hostA 300001 echo 2
	big_call "2 calls of a 1 MiB request and an empty reply" hostA $MIB 0 2
	big_call "2 calls of a 1-byte request and a 1 MiB reply" hostA 1 $MIB 2
	big_call "2 calls of a 300001-byte request and a 1413-byte reply" \
		hostA 300001 1413 2
	big_call "3 echoes of 1 MiB from hostC" hostC $MIB echo 3
	big_call "3 echoes of 1 MiB within hostB (local delivery)" hostB $MIB echo 3
	big_call "2 echoes of 300001 bytes within hostB" hostB 300001 echo 2
	big_call "2 local calls of a 1-byte request and a 1 MiB reply" hostB 1 $MIB 2
	big_call "2 local calls of a 1 MiB request and an empty reply" hostB $MIB 0 2

	# Four 1 MiB calls in flight to one socket at once, from two hosts.
	seed=$((seed + 1))
	"$IP" netns exec hostC "$PROGS/am_client" -p "$PB" -j 2 -n 2 -s $MIB \
		-R $seed -t 60000 >"$T/bigC.out" 2>&1 &
	cpid=$!
	big_call "2 threads x 2 echoes of 1 MiB from hostA, while hostC does the same" \
		hostA $MIB echo 2 -j 2
	calls=$((calls + 2))
	wait $cpid
	tap $? "...and hostC's 2 threads x 2 echoes of 1 MiB at the same time" ||
		diag_file "$T/bigC.out"
	calls=$((calls + 4))
	cat "$T/bigC.out" >>"$T/big.cli"
}

# Clients killed while a slow server (3 s per request) works: the one being
# served makes putrep fail, the one queued behind it is withdrawn.
killed_client_tests() {
	GS=$(random_port)
	start_server hostB "$GS" slowk -d 3000
	slowk=$spid
	PS=$(wait_port "$T/slowk.out" $slowk)
	tx0=$(field hostA stat abort_tx)
	rx0=$(field hostB stat abort_rx)
	g0=$(field hostB stat getreq)
	"$IP" netns exec hostA "$PROGS/am_client" -p "$PS" -n 1 -s 1000 \
		-t 30000 >"$T/killed.out" 2>&1 &
	kpid=$!
	g1=$(wait_above hostB stat getreq "$g0" 100)
	tap $? "a slow server in hostB took a call from hostA (getreq $g0 -> $g1)" ||
		{ diag_file "$T/killed.out"; diag_file "$T/slowk.err"; }
	kill -KILL $kpid
	wait $kpid
	wait_grep "$T/slowk.err" 'putrep id [0-9]+ .*: ECONNRESET' 100
	tap $? "putrep to the client SIGKILLed mid-call fails with ECONNRESET" ||
		diag_file "$T/slowk.err"
	v=$(wait_above hostB stat abort_rx "$rx0" 20)
	tap $? "hostB stat abort_rx went up ($rx0 -> $v)" || diag_proc hostB
	v=$(field hostA stat abort_tx)
	[ "$v" -gt "$tx0" ]
	tap $? "hostA stat abort_tx went up ($tx0 -> $v)" || diag_proc hostA

	# One call being served, a second queued behind it whose client dies:
	# the second must never reach getreq.
	g0=$(field hostB stat getreq)
	"$IP" netns exec hostA "$PROGS/am_client" -p "$PS" -n 1 -s 10 \
		-t 30000 >"$T/first.out" 2>&1 &
	fpid=$!
	g1=$(wait_above hostB stat getreq "$g0" 100)
	"$IP" netns exec hostC "$PROGS/am_client" -p "$PS" -n 1 -s 2000 \
		-t 30000 >"$T/queued.out" 2>&1 &
	kpid=$!
	sleep 1
	kill -KILL $kpid
	wait $kpid
	wait $fpid
	tap $? "the call being served when the queued client died completes" ||
		diag_file "$T/first.out"
	# Longer than one request's work: a request still queued would run.
	sleep 4
	g2=$(field hostB stat getreq)
	[ "$g1" -ge 0 ] && [ "$g2" -eq "$g1" ]
	tap $? "the killed client's queued request was withdrawn, never taken (getreq $g1 -> $g2)" ||
		diag_file "$T/slowk.err"

	kill -TERM $slowk
	wait $slowk
	grep -q 'served 1 requests, 0 repeated (h_extra,h_offset), 1 errors; putrep failed: ECONNRESET 1$' \
		"$T/slowk.err"
	tap $? "the slow server served 1 call and counted 1 putrep ECONNRESET" ||
		diag_file "$T/slowk.err"
}

# A 1 MiB reply streamed to hostA at 2 Mbit/s (about 4.5 s), whose
# client is killed a second into it, or whose client stops taking it.
stream_abort_tests() {
	if ! "$TC" qdisc add dev vhostA root netem rate 2mbit >"$T/tc.out" 2>&1; then
		diag_file "$T/tc.out"
		skip "netem rate unavailable: no killed-mid-transfer test"
		return
	fi
	GL=$(random_port)
	start_server hostB "$GL" stream -T 60000
	stream=$spid
	PL=$(wait_port "$T/stream.out" $stream)
	p0=$(field hostB stat putrep)
	"$IP" netns exec hostA "$PROGS/am_client" -p "$PL" -n 1 -s 1 -r $MIB \
		-t 60000 >"$T/stream.cli" 2>&1 &
	kpid=$!
	p1=$(wait_above hostB stat putrep "$p0" 100)
	tap $? "hostB streams a 1 MiB reply to hostA at 2 Mbit/s (putrep $p0 -> $p1)" ||
		diag_file "$T/stream.cli"
	sleep 1
	grep -q putrep "$T/stream.err" &&
		diag "putrep ended before the kill: $(cat "$T/stream.err")"
	kill -KILL $kpid
	t0=$(now_ms)
	wait $kpid
	wait_grep "$T/stream.err" 'putrep id [0-9]+ .*: ' 150
	took=$(($(now_ms) - t0))
	grep -qE 'putrep id [0-9]+ .*: ECONNRESET' "$T/stream.err"
	tap $? "putrep of a 1 MiB reply to a client killed mid-transfer fails with ECONNRESET" ||
		diag_file "$T/stream.err"
	[ $took -le 3000 ]
	tap $? "within 3 s of the kill ($took ms), not at its 60 s send timeout"
	kill -TERM $stream
	wait $stream

	# SO_SNDTIMEO bounds a stall, not the transfer: a reply that takes
	# three times the send timeout but keeps moving is delivered whole.
	# A fresh qdisc first: the old one may still queue the killed call.
	"$TC" qdisc del dev vhostA root
	"$TC" qdisc add dev vhostA root netem rate 2mbit
	GL=$(random_port)
	start_server hostB "$GL" sndtimeo -T 1500
	stream=$spid
	PL=$(wait_port "$T/sndtimeo.out" $stream)
	run "a 1 MiB reply at 2 Mbit/s (4.5 s) arrives whole under SO_SNDTIMEO 1500 ms" 60 \
		"$IP" netns exec hostA "$PROGS/am_client" -p "$PL" -n 1 -s 1 \
		-r $MIB -t 20000

	kill -TERM $stream
	wait $stream

	# Then hostA's link goes dark mid-transfer: the client takes nothing
	# more, and putrep gives up one send timeout after the last progress
	# (reported every half window, 0.5 s at this rate).
	# The timeout is putrep's own (AMIOC_PUTREP_TIMEO), which overrides
	# the socket's SO_SNDTIMEO of 60 s.
	GL=$(random_port)
	start_server hostB "$GL" dark -T 60000 -P 1500
	stream=$spid
	PL=$(wait_port "$T/dark.out" $stream)
	p0=$(field hostB stat putrep)
	"$IP" netns exec hostA "$PROGS/am_client" -p "$PL" -n 1 -s 1 -r $MIB \
		-t 8000 -e ECONNRESET,ETIMEDOUT >"$T/dark.cli" 2>&1 &
	kpid=$!
	wait_above hostB stat putrep "$p0" 100 >/dev/null
	sleep 1
	# Changed in place, not deleted and added: in between, the rest of the
	# reply would pass at full speed.  What it already queued (under a
	# second at this rate) still arrives.
	"$TC" qdisc change dev vhostA root netem rate 2mbit loss 100% \
		>"$T/tc.out" 2>&1
	t0=$(now_ms)
	wait_grep "$T/dark.err" 'putrep id [0-9]+ .*: ' 100
	took=$(($(now_ms) - t0))
	grep -qE 'putrep id [0-9]+ .*: ETIMEDOUT' "$T/dark.err" &&
		[ $took -ge 700 ] && [ $took -le 4000 ]
	tap $? "with a putrep timeout of 1500 ms, putrep fails with ETIMEDOUT $took ms after the client's link went dark" ||
		{ diag_file "$T/dark.err"; diag_file "$T/tc.out"; }
	wait $kpid
	tap $? "...and the client's trans fails (ETIMEDOUT or ECONNRESET)" ||
		diag_file "$T/dark.cli"
	kill -TERM $stream
	wait $stream
	"$TC" qdisc del dev vhostA root
}

# With a request budget smaller than the request, every fragment is
# dropped and counted, and the caller times out rather than hanging.
budget_tests() {
	for param in sock_budget_kb net_budget_kb; do
		old=$(cat "$PARAMS/$param")
		d0=$(field hostB drop budget)
		echo 64 >"$PARAMS/$param"
		t0=$(now_ms)
		run "with $param=64 a 1 MiB call to hostB fails with ETIMEDOUT" 30 \
			"$IP" netns exec hostA "$PROGS/am_client" -p "$PB" -n 1 \
			-s $MIB -t 3000 -e ETIMEDOUT
		took=$(($(now_ms) - t0))
		[ $took -le 6000 ]
		tap $? "...after its 3 s timeout, not later ($took ms)"
		d1=$(field hostB drop budget)
		[ "$d0" -ge 0 ] && [ "$d1" -gt "$d0" ]
		tap $? "hostB counts the fragments as drop budget ($d0 -> $d1)" ||
			diag_proc hostB
		echo "$old" >"$PARAMS/$param"
		[ "$(cat "$PARAMS/$param")" = "$old" ]
		tap $? "$param restored to $old"
		big_call "with $param=$old again, a 1 MiB echo works" hostA $MIB echo 1
	done
}

large_tests() {
	GB=$(random_port)
	start_server hostB "$GB" big -H -t 2
	bigsrv=$spid
	PB=$(wait_port "$T/big.out" $bigsrv)
	tap $? "am_server -H -t 2 in hostB for large messages, put-port ${PB:-?}" ||
		{ diag_file "$T/big.err"; return; }
	: >"$T/big.cli"
	seed=100
	calls=0
	large_echo_tests
	killed_client_tests
	stream_abort_tests
	budget_tests

	hashes "$T/big.cli" >"$T/big.cli.sha"
	hashes "$T/big.out" >"$T/big.srv.sha"
	nc=$(wc -l <"$T/big.cli.sha")
	[ "$nc" -eq "$calls" ] && cmp -s "$T/big.cli.sha" "$T/big.srv.sha"
	tap $? "am_server hashed the same $calls requests and replies as its clients ($nc)" || {
		diag "SHA-256 lines of the clients, then of the server:"
		diag_file "$T/big.cli.sha"
		diag_file "$T/big.srv.sha"
	}
	kill -TERM $bigsrv
	wait $bigsrv
	tap $? "the large-message server exits 0 on SIGTERM" ||
		diag_file "$T/big.err"
	grep -q "served $calls requests, 0 repeated" "$T/big.err"
	tap $? "it served exactly $calls requests, none twice" ||
		diag_file "$T/big.err"
}

large_tests

# --- tear down, then unload ------------------------------------------------
cleanup
pids=""
teardown=0
for h in $HOSTS; do
	"$IP" netns list | awk -v h="$h" '$1 == h { f = 1 } END { exit !f }' &&
		teardown=1
done
tap $teardown "namespaces and bridge deleted"

G=$(random_port)
timeout 60 "$PROGS/am_server" -g "$G" >"$T/held.out" 2>"$T/held.err" &
held=$!
pids="$held"
if wait_port "$T/held.out" $held >/dev/null; then
	rmmod amoeba >"$T/rmmod.out" 2>&1
	st=$?
	# busybox rmmod reports the kernel's EWOULDBLOCK, kmod "in use".
	if [ $st -ne 0 ]; then
		grep -qiE 'in use|busy|temporarily unavailable' "$T/rmmod.out" &&
			[ -e /sys/module/amoeba ]
		tap $? "rmmod with a socket open is refused (module in use)" ||
			diag_file "$T/rmmod.out"
	else
		tap 1 "rmmod with a socket open is refused (module in use)"
	fi
	kill -TERM "$held" 2>/dev/null
	wait "$held"
	pids=""
else
	tap 1 "am_server holding a socket in the root namespace started"
	diag_file "$T/held.err"
fi

if [ -e /sys/module/amoeba ]; then
	# Right after the last close: no delayed reference may linger.
	rmmod amoeba >"$T/rmmod.out" 2>&1
	[ ! -e /sys/module/amoeba ]
	tap $? "rmmod amoeba right after the last socket closed" || {
		diag_file "$T/rmmod.out"
		diag "refcnt $(cat /sys/module/amoeba/refcnt 2>/dev/null)"
	}
else
	skip "module already unloaded"
fi
[ ! -e /sys/module/amoeba ]
tap $? "amoeba is no longer loaded"

# The family number is a module parameter, and out-of-range ones are refused.
! insmod "$MODDIR/amoeba.ko" family=99 2>/dev/null && [ ! -e /sys/module/amoeba ]
tap $? "insmod family=99 (not below AF_MAX) is refused"
if insmod "$MODDIR/amoeba.ko" family=25; then
	[ "$(cat $FAMILY_PARAM)" = 25 ]
	tap $? "family=25 shows in $FAMILY_PARAM"
	timeout 10 "$PROGS/am_client" -g "$(random_port)" -n 1 -t 200 \
		-e EHOSTUNREACH >"$T/fam.out" 2>&1
	tap $? "sockets of family 25 work" || diag_file "$T/fam.out"
	rmmod amoeba
	tap $? "rmmod after family=25"
else
	tap 1 "insmod amoeba.ko family=25"
fi

dmesg | tail -n +$((dmesg_start + 1)) >"$T/dmesg.out"
! grep -qE 'BUG|WARNING|Oops|general protection|KASAN|UBSAN|lockdep|refcount_t|leak' \
	"$T/dmesg.out"
tap $? "no kernel warnings during the test" || diag_file "$T/dmesg.out"

rm -rf "$T"
echo "1..$n"
exit 0
