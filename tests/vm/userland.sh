#!/bin/sh
# libamoeba end to end, one program for both transports: the example
# service counterd, its client `counter` and the standard-operation
# commands.  Capabilities are checked end to end: rights, restriction
# (locally for an owner capability, by the service otherwise), forgery,
# destruction and garbage collection by std_touch/std_age.  Prints TAP.
#
# TRANSPORT=kernel (the default): as root inside the test VM, under
# busybox sh, with counterd in namespace hostB and the clients in hostA,
# over AF_AMOEBA; then the module's UDP link and libamoeba's udp transport
# call each other.  TRANSPORT=udp: on the host, over libamoeba's udp
# transport on loopback; no module, no root.
#
# Environment: IP, PROGS, MODDIR as for integration.sh.

IP=${IP:-ip}
PROGS=${PROGS:-/progs}
MODDIR=${MODDIR:-/modules}
TRANSPORT=${TRANSPORT:-kernel}
HOSTS="hostA hostB"
[ "$TRANSPORT" = udp ] && HOSTS=""
pids=""
T=$(mktemp -d /tmp/amoeba-userland.XXXXXX)
LIFETIME=24	# AM_OBJ_LIFETIME

. "$(dirname "$0")/lib.sh"

trap 'cleanup; exit 1' INT TERM

new_sport

# A: run as a client with a bound; output in $T/a.out.  Returns the status.
A() {
	timeout 30 $CLIENT "$@" >"$T/a.out" 2>&1
}

# expect NAME STATUS PATTERN CMD...: as a client, CMD ends with STATUS and
# prints something matching PATTERN (if not empty).
expect() {
	name=$1 want=$2 pattern=$3
	shift 3
	A "$@"
	st=$?
	[ $st -eq "$want" ] &&
		{ [ -z "$pattern" ] || grep -qE -- "$pattern" "$T/a.out"; }
	tap $? "$name" ||
		{ diag "status $st, expected $want, output should match $pattern:"; diag_file "$T/a.out"; }
}


# interop: amoeba.ko's UDP link and libamoeba's udp transport, one wire
# format.  A counterd over the udp transport in hostB, called from hostA
# by a client of the module, whose UDP link has it as its peer; and a
# client over the udp transport in hostA calling the kernel counterd of
# hostB through hostB's UDP link.  The module talks only to its listed
# peers, so the udp client listens on a fixed port too.
interop() {
	in_ns hostA sh -c "echo 7100 >/proc/sys/net/amoeba/udp_port &&
		echo 10.99.0.2:7101 >/proc/sys/net/amoeba/udp_peers" &&
	in_ns hostB sh -c "echo 7102 >/proc/sys/net/amoeba/udp_port &&
		echo 10.99.0.1:7103 >/proc/sys/net/amoeba/udp_peers"
	tap $? "UDP links: hostA's module to hostB:7101, hostB's to hostA:7103" ||
		return
	in_ns hostB env AMOEBA_TRANSPORT=udp AMOEBA_UDP_PORT=7101 \
		AMOEBA_UDP_PEERS=10.99.0.1:7100 "$PROGS/counterd" \
		>"$T/usrv.out" 2>"$T/usrv.err" &
	usrv=$!
	pids="$pids $usrv"
	wait_line "$T/usrv.out" $usrv
	U=$(head -n 1 "$T/usrv.out")
	[ -n "$U" ]
	tap $? "counterd over the udp transport in hostB ($U)" ||
		{ diag_file "$T/usrv.err"; return; }
	A "$PROGS/counter" create "$U"
	tap $? "a client of amoeba.ko in hostA creates a counter there" ||
		diag_file "$T/a.out"
	UC=$(head -n 1 "$T/a.out")
	expect "...adds 7 to it" 0 '^7$' \
		"$PROGS/counter" add "$UC" 7
	expect "...and std_info reads it" 0 '^counter = 7$' "$PROGS/std_info" "$UC"
	A env AMOEBA_TRANSPORT=udp AMOEBA_UDP_PORT=7103 \
		AMOEBA_UDP_PEERS=10.99.0.2:7102 "$PROGS/counter" read "$P"
	st=$?
	grep -qE '^200$' "$T/a.out"
	tap $(( st | $? )) "a client over the udp transport in hostA reads the kernel counterd's counter in hostB" ||
		diag_file "$T/a.out"
}

if [ "$TRANSPORT" = kernel ]; then
	insmod "$MODDIR/amoeba.ko" >"$T/insmod.out" 2>&1
	tap $? "insmod amoeba.ko" || { diag_file "$T/insmod.out"; bail "no module"; }
	make_hosts
	tap $? "topology: $HOSTS on bridge br0" ||
		{ diag_file "$T/topo.out"; bail "no topology"; }
fi

tries=0
while :; do
	$SERVER "$PROGS/counterd" -t 4 >"$T/srv.out" 2>"$T/srv.err" &
	srv=$!
	wait_line "$T/srv.out" $srv && break
	tries=$((tries + 1))
	grep -q "in use" "$T/srv.err" && [ $tries -lt 5 ] || break
	new_sport
done
pids="$pids $srv"
SUPER=$(head -n 1 "$T/srv.out")
echo "$SUPER" | grep -qE '^[0-9a-f]{12}:000000:ff:[0-9a-f]{12}$'
tap $? "counterd over $TRANSPORT prints its super capability ($SUPER)" ||
	{ diag_file "$T/srv.err"; bail "no server"; }

A "$PROGS/counter" create "$SUPER"
tap $? "counter create with the super capability" || diag_file "$T/a.out"
C=$(head -n 1 "$T/a.out")
echo "$C" | grep -qE '^[0-9a-f]{12}:[0-9a-f]{6}:ff:[0-9a-f]{12}$'
tap $? "...gives an owner capability ($C)"

expect "add 5 prints 5" 0 '^5$' "$PROGS/counter" add "$C" 5
expect "add -2 prints 3" 0 '^3$' "$PROGS/counter" add "$C" -2
expect "read prints 3" 0 '^3$' "$PROGS/counter" read "$C"
expect "adding past 2^31-1 is refused with STD_ARGBAD, value kept" 1 'STD_ARGBAD' \
	"$PROGS/counter" add "$C" 2147483647
expect "...and the counter still reads 3" 0 '^3$' "$PROGS/counter" read "$C"
expect "std_info describes the counter" 0 '^counter = 3$' "$PROGS/std_info" "$C"
expect "std_info of the super capability describes the service" 0 '^service$' \
	"$PROGS/std_info" "$SUPER"
expect "std_status reports the service" 0 '^counterd: 1 counters, [0-9]+ requests served$' \
	"$PROGS/std_status" "$SUPER"

# Restriction: an owner capability locally, a restricted one by counterd.
A "$PROGS/std_restrict" "$C" 0x03
tap $? "std_restrict to read and create rights" || diag_file "$T/a.out"
R=$(head -n 1 "$T/a.out")
expect "the restricted capability reads" 0 '^3$' "$PROGS/counter" read "$R"
expect "...but cannot add (STD_DENIED)" 1 'STD_DENIED' "$PROGS/counter" add "$R" 1
expect "...nor destroy (STD_DENIED)" 1 'STD_DENIED' "$PROGS/std_destroy" "$R"
A "$PROGS/std_restrict" "$R" 0x01
tap $? "the service restricts a restricted capability further" || diag_file "$T/a.out"
R1=$(head -n 1 "$T/a.out")
expect "...which can no longer read (STD_DENIED)" 1 'STD_DENIED' \
	"$PROGS/counter" read "$R1"
expect "...nor std_info (needs the read right)" 1 'STD_DENIED' \
	"$PROGS/std_info" "$R1"
AMP=$(echo "$R" | cut -c1-20)ff$(echo "$R" | cut -c23-35)
expect "raising a restricted capability's rights gives STD_CAPBAD" 1 'STD_CAPBAD' \
	"$PROGS/counter" add "$AMP" 1
expect "a check field with one bit changed gives STD_CAPBAD" 1 'STD_CAPBAD' \
	"$PROGS/counter" read "$(flip_check "$C")"
expect "a port nobody serves gives RPC_NOTFOUND" 1 'RPC_NOTFOUND' \
	"$PROGS/std_info" 0123456789ab:000001:ff:a1b2c3d4e5f6

# Garbage collection: touched objects survive, the others go.
A "$PROGS/counter" create "$SUPER"
K=$(head -n 1 "$T/a.out")
i=0
ok=0
while [ $i -lt $LIFETIME ]; do
	A "$PROGS/std_touch" "$C" || ok=1
	A "$PROGS/std_age" "$SUPER" || ok=1
	i=$((i + 1))
done
tap $ok "$LIFETIME age cycles, touching one counter each time"
expect "the touched counter survives" 0 '^3$' "$PROGS/counter" read "$C"
expect "the untouched one is gone (STD_CAPBAD)" 1 'STD_CAPBAD' "$PROGS/counter" read "$K"
expect "std_age with a counter's capability is refused (STD_DENIED)" 1 'STD_DENIED' \
	"$PROGS/std_age" "$C"

expect "std_destroy with the owner capability" 0 '' "$PROGS/std_destroy" "$C"
expect "...after which the counter is gone (STD_CAPBAD)" 1 'STD_CAPBAD' \
	"$PROGS/counter" read "$C"
expect "...and so are its restricted capabilities" 1 'STD_CAPBAD' \
	"$PROGS/counter" read "$R"

# Many clients at once on the four server threads.
$CLIENT "$PROGS/counter" create "$SUPER" >"$T/p.out" 2>&1
P=$(head -n 1 "$T/p.out")
cpids=""
i=0
while [ $i -lt 8 ]; do
	(j=0; while [ $j -lt 25 ]; do
		$CLIENT "$PROGS/counter" add "$P" 1 >/dev/null || exit 1
		j=$((j + 1))
	done) &
	cpids="$cpids $!"
	i=$((i + 1))
done
ok=0
for p in $cpids; do
	wait "$p" || ok=1
done
tap $ok "8 clients add 1 25 times each, concurrently"
expect "...and the counter reads 200" 0 '^200$' "$PROGS/counter" read "$P"

# The golden test of the AIL stubs, client and server in one process, over
# AF_AMOEBA (tests/userland-ail.t runs it over UDP on the host).
if [ "$TRANSPORT" = kernel ]; then
	in_ns hostA timeout 300 "$PROGS/ail_roundtrip" >"$T/ail.out" 2>&1
	pass=$(grep -c '^ok' "$T/ail.out")
	plan=$(sed -n 's/^1\.\.//p' "$T/ail.out")
	[ -n "$plan" ] && [ "$plan" -gt 0 ] && [ "$pass" = "$plan" ]
	tap $? "AIL stubs round trip over AF_AMOEBA: $pass of ${plan:-?} points" ||
		diag_file "$T/ail.out"
fi

[ "$TRANSPORT" = kernel ] && interop
kill -TERM $srv
wait $srv 2>/dev/null
grep -q putrep "$T/srv.err"
[ $? -ne 0 ]
tap $? "counterd reported no failed putrep" || diag_file "$T/srv.err"

finish
