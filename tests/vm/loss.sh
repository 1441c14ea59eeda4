#!/bin/sh
# At-most-once under a bad network, run as root inside the test VM by
# busybox sh.  netem on both hosts' links loses, duplicates and reorders
# LOSS_PCT percent of the frames each way while a client in hostA makes
# COUNT transactions to a server in hostB.  The server records every
# request it executes (the client's pid and sequence number), so the test
# can assert: no request ran twice, every transaction the client saw
# succeed ran exactly once, and nothing ran that the client did not ask
# for.  Then BIG_COUNT calls of 1 MiB each way (2 x 743 frames at MTU
# 1500) and BIG_COUNT of 300001 bytes go through the same network, their
# data checked by SHA-256: fragments are lost, duplicated and reordered,
# grants are lost, and both the client's request and the server's
# streamed reply must go back and recover.  Prints TAP.
#
# Environment: IP, TC (full iproute2), PROGS, MODDIR as for integration.sh;
# COUNT (default 10000), BIG_COUNT (default 3) and LOSS_PCT (default 30)
# override the load.

IP=${IP:-ip}
TC=${TC:-tc}
PROGS=${PROGS:-/progs}
MODDIR=${MODDIR:-/modules}
COUNT=${COUNT:-10000}
BIG_COUNT=${BIG_COUNT:-3}
LOSS_PCT=${LOSS_PCT:-30}
HOSTS="hostA hostB"
pids=""
T=$(mktemp -d /tmp/amoeba-loss.XXXXXX)

. "$(dirname "$0")/lib.sh"

trap 'cleanup; exit 1' INT TERM

insmod "$MODDIR/amoeba.ko" >"$T/insmod.out" 2>&1
tap $? "insmod amoeba.ko" || { diag_file "$T/insmod.out"; bail "no module"; }
make_hosts
tap $? "topology: $HOSTS on bridge br0" ||
	{ diag_file "$T/topo.out"; bail "no topology"; }

# Reordering in netem needs a delay to reorder against.
netem="loss $LOSS_PCT% duplicate $LOSS_PCT% delay 1ms reorder $LOSS_PCT%"
ok=0
for h in $HOSTS; do
	"$TC" -n "$h" qdisc add dev eth0 root netem $netem >>"$T/tc.out" 2>&1 ||
		ok=1
done
tap $ok "netem on both links: $netem" || { diag_file "$T/tc.out"; bail "no netem"; }

start_server hostB "$(random_port)" srv
srv=$spid
P=$(wait_port "$T/srv.out" $srv)
tap $? "am_server in hostB serves ${P:-?}" || { diag_file "$T/srv.err"; bail "no server"; }

# Long per-call timeouts: under this loss a call needs retransmissions, and
# the test is about how often requests run, not how fast.
timeout 600 "$IP" netns exec hostA "$PROGS/am_client" -p "$P" -n "$COUNT" \
	-s 16 -t 30000 >"$T/cli.out" 2>&1
cst=$?
tap $cst "$COUNT trans from hostA, every reply verified" || diag_file "$T/cli.out"
sed -n 's/^/# /p' "$T/cli.out"

# Large calls: the test is that they complete with the right data.
big_ok=0
for size in 1048576 300001; do
	timeout 600 "$IP" netns exec hostA "$PROGS/am_client" -p "$P" \
		-n "$BIG_COUNT" -s $size -R $size -t 120000 >"$T/big.out" 2>&1 ||
		{ big_ok=1; diag_file "$T/big.out"; }
	grep '^am_client:' "$T/big.out" | sed 's/^/# /'
done
tap $big_ok "$BIG_COUNT echoes each of 1 MiB and 300001 bytes, verified by SHA-256"
BIG_CALLS=$((2 * BIG_COUNT))

kill -TERM $srv
wait $srv
pids=""
summary=$(grep 'served' "$T/srv.err")
diag "$summary"
served=$(echo "$summary" | sed -n 's/.*served \([0-9]*\) requests.*/\1/p')
repeated=$(echo "$summary" | sed -n 's/.* \([0-9]*\) repeated.*/\1/p')
errors=$(echo "$summary" | sed -n 's/.* \([0-9]*\) errors.*/\1/p')
[ "${repeated:-1}" -eq 0 ]
tap $? "no request ran twice (${repeated:-?} repeated)" || diag_file "$T/srv.err"
# Every call succeeded, so each ran at least once; none ran twice; so the
# server ran exactly COUNT requests.  A request whose putrep failed ran
# too: that happens when a client that holds the whole reply exits before
# the server hears so (its last RECEIVED lost), and NOTHERE answers.
ran=$((${served:-0} + ${errors:-0}))
[ $cst -eq 0 ] && [ $big_ok -eq 0 ] && [ -n "$served" ] &&
	[ $ran -eq $((COUNT + BIG_CALLS)) ]
tap $? "every successful trans ran exactly once ($ran executions for $((COUNT + BIG_CALLS)) calls)"

retrans=$(field hostA stat retrans)
dups=$(field hostB drop dup)
[ "$retrans" -gt 0 ] && [ "$dups" -gt 0 ]
tap $? "the loss was real: $retrans retransmissions, $dups duplicates filtered" ||
	{ diag_proc hostA; diag_proc hostB; }

cleanup
rmmod amoeba
tap $? "rmmod amoeba"
echo "1..$n"
exit 0
