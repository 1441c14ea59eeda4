#!/bin/sh
# FLIP routing, run as root inside the test VM by busybox sh: two Ethernet
# segments (bridges br0 and br1) joined by a router namespace with a leg on
# each.  hostA sits on br0, hostC on br1.  With net.amoeba.forwarding off
# in the router, a client in hostA cannot find a server in hostC; with it
# on, the LOCATE crosses the router (which learns the way back), the
# HEREIS comes back through it, and small calls and 1 MiB echoes flow,
# their fragments forwarded.  Turning forwarding off again cuts the
# client off with a named error.  Prints TAP.
#
# Environment: IP (full iproute2), PROGS, MODDIR as for integration.sh.

IP=${IP:-ip}
PROGS=${PROGS:-/progs}
MODDIR=${MODDIR:-/modules}
HOSTS="hostA hostC rtr"
pids=""
T=$(mktemp -d /tmp/amoeba-route.XXXXXX)

. "$(dirname "$0")/lib.sh"

cleanup_route() {
	cleanup
	"$IP" link del br1 2>/dev/null
}
trap 'cleanup_route; exit 1' INT TERM

# leg NS DEV BRIDGE: a veth DEV in NS whose peer is a port of BRIDGE.
leg() {
	"$IP" link add "$2" netns "$1" type veth peer name "v$1$2" &&
	"$IP" link set "v$1$2" master "$3" &&
	"$IP" link set "v$1$2" up &&
	in_ns "$1" "$IP" link set "$2" up
}

insmod "$MODDIR/amoeba.ko" >"$T/insmod.out" 2>&1
tap $? "insmod amoeba.ko" || { diag_file "$T/insmod.out"; bail "no module"; }
{
	for b in br0 br1; do
		"$IP" link add $b type bridge forward_delay 0 stp_state 0 &&
		"$IP" link set $b up || exit 1
	done
	for h in $HOSTS; do
		"$IP" netns add $h && in_ns $h "$IP" link set lo up || exit 1
	done
	leg hostA eth0 br0 && leg rtr eth0 br0 &&
	leg hostC eth0 br1 && leg rtr eth1 br1
} >"$T/topo.out" 2>&1
tap $? "hostA on br0, hostC on br1, rtr on both" ||
	{ diag_file "$T/topo.out"; bail "no topology"; }

fwd() {
	in_ns rtr sh -c "echo $1 >/proc/sys/net/amoeba/forwarding"
}

[ "$(in_ns rtr cat /proc/sys/net/amoeba/forwarding)" = 0 ]
tap $? "net.amoeba.forwarding exists in every namespace and is 0"

G=$(random_port)
"$IP" netns exec hostC "$PROGS/am_server" -g "$G" >"$T/srv.out" 2>"$T/srv.err" &
srv=$!
pids=$srv
P=$(wait_port "$T/srv.out" $srv)
tap $? "am_server in hostC serves ${P:-?}" || { diag_file "$T/srv.err"; bail "no server"; }

run "forwarding off: hostA cannot locate it (EHOSTUNREACH)" 30 \
	"$IP" netns exec hostA "$PROGS/am_client" -p "$P" -t 1000 -e EHOSTUNREACH

fwd 1
tap $? "turn forwarding on in rtr"
run "forwarding on: 200 calls from hostA through rtr" 120 \
	"$IP" netns exec hostA "$PROGS/am_client" -p "$P" -n 200 -s 100
run "3 echoes of 1 MiB through rtr, verified by SHA-256" 300 \
	"$IP" netns exec hostA "$PROGS/am_client" -p "$P" -n 3 -s 1048576 -R 5 -t 30000

fw=$(field rtr stat forward)
[ "$fw" -gt 1500 ]
tap $? "rtr forwarded the fragments ($fw packets)" || diag_proc rtr
# Both ends are one hop from the router: learnt routes with 0 routers between.
routes=$(proc_amoeba rtr | awk '$1 == "route" && $5 == 0' | wc -l)
[ "$routes" -ge 2 ]
tap $? "rtr learnt routes to both hosts ($routes)" || diag_proc rtr
[ "$(field hostA stat forward)" -eq 0 ] && [ "$(field hostC stat forward)" -eq 0 ]
tap $? "the end hosts forwarded nothing"

fwd 0
tap $? "turn forwarding off again"
run "forwarding off: the cached path fails with a named error" 60 \
	"$IP" netns exec hostA "$PROGS/am_client" -p "$P" -t 3000 \
	-e EHOSTUNREACH,ECONNRESET,ETIMEDOUT

kill -TERM $srv
wait $srv
pids=""
cleanup_route
rmmod amoeba
tap $? "rmmod amoeba"
echo "1..$n"
exit 0
