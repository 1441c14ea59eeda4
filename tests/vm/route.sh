#!/bin/sh
# FLIP routing, run as root inside the test VM by busybox sh: two Ethernet
# segments (bridges br0 and br1) joined by a router namespace with a leg on
# each.  hostA sits on br0, hostC on br1.  With net.amoeba.forwarding off
# in the router, a client in hostA cannot find a server in hostC; with it
# on, the LOCATE crosses the router (which learns the way back), the
# HEREIS comes back through it, and small calls and 1 MiB echoes flow,
# their fragments forwarded.  Turning forwarding off again cuts the
# client off with a named error.
#
# Then the same two sites are joined over IP instead: gateways gw1 (on
# br0) and gw2 (on br1) reach each other only through ipr, a plain IP
# router (FLIP forwarding off), and exchange FLIP over UDP
# (net.amoeba.udp_port, udp_peers) with forwarding on: calls from hostA
# to a server in hostC cross both gateways and the UDP path, and stop when
# the UDP link is closed.  Prints TAP.
#
# Environment: IP (full iproute2), PROGS, MODDIR as for integration.sh.

IP=${IP:-ip}
PROGS=${PROGS:-/progs}
MODDIR=${MODDIR:-/modules}
HOSTS="hostA hostC rtr gw1 gw2 ipr"
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

# amset NS NAME VALUE: write net.amoeba.NAME in NS.
amset() {
	in_ns "$1" sh -c "echo '$3' >/proc/sys/net/amoeba/$2"
}

fwd() {
	amset rtr forwarding "$1"
}

[ "$(in_ns rtr cat /proc/sys/net/amoeba/forwarding)" = 0 ]
tap $? "net.amoeba.forwarding exists in every namespace and is 0"

start_server hostC "$(random_port)" srv
P=$(wait_port "$T/srv.out" $spid)
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

kill -TERM $spid
wait $spid
pids=""

# Site to site over UDP: gw1 10.77.1.1 -- ipr -- 10.77.2.1 gw2.
{
	leg gw1 eth0 br0 && leg gw2 eth0 br1 &&
	for i in 1 2; do
		"$IP" link add wan0 netns gw$i type veth peer name w$i netns ipr &&
		in_ns gw$i "$IP" addr add 10.77.$i.1/24 dev wan0 &&
		in_ns gw$i "$IP" link set wan0 up &&
		in_ns gw$i "$IP" route add default via 10.77.$i.254 &&
		in_ns ipr "$IP" addr add 10.77.$i.254/24 dev w$i &&
		in_ns ipr "$IP" link set w$i up || exit 1
	done &&
	in_ns ipr sh -c 'echo 1 >/proc/sys/net/ipv4/ip_forward'
} >"$T/topo2.out" 2>&1
tap $? "gw1 on br0 and gw2 on br1, joined by IP through ipr" ||
	{ diag_file "$T/topo2.out"; bail "no second topology"; }

ok=0
for i in 1 2; do
	peer=10.77.$((3 - i)).1:3366
	amset gw$i udp_port 3366 && amset gw$i udp_peers "$peer" &&
		amset gw$i forwarding 1 || ok=1
	[ "$(in_ns gw$i cat /proc/sys/net/amoeba/udp_peers)" = "$peer" ] || ok=1
done
tap $ok "gw1 and gw2: udp_port 3366, each the other's peer, forwarding on"
! amset gw1 udp_peers "10.77.2.1" 2>/dev/null &&
	! amset gw1 udp_peers "10.77.2.1:0" 2>/dev/null &&
	[ "$(in_ns gw1 cat /proc/sys/net/amoeba/udp_peers)" = 10.77.2.1:3366 ]
tap $? "a malformed peer list is refused and the old one kept"

start_server hostC "$(random_port)" srv
P=$(wait_port "$T/srv.out" $spid)
tap $? "a new am_server in hostC serves ${P:-?}" || { diag_file "$T/srv.err"; bail "no server"; }
run "200 calls from hostA over gw1, UDP and gw2" 120 \
	"$IP" netns exec hostA "$PROGS/am_client" -p "$P" -n 200 -s 100 -t 5000
run "2 echoes of 1 MiB over the UDP path, verified by SHA-256" 300 \
	"$IP" netns exec hostA "$PROGS/am_client" -p "$P" -n 2 -s 1048576 -R 9 -t 60000
g1=$(field gw1 stat forward)
g2=$(field gw2 stat forward)
[ "$g1" -gt 1000 ] && [ "$g2" -gt 1000 ] &&
	[ "$(field ipr stat forward)" -eq 0 ] && [ "$(field rtr stat forward)" -eq "$fw" ]
tap $? "the gateways forwarded ($g1, $g2), ipr and rtr carried no FLIP" ||
	{ diag_proc gw1; diag_proc ipr; }
proc_amoeba gw1 | grep -q '^route [0-9a-f]* 4294967295 10\.77\.2\.1:3366 '
tap $? "gw1 routes hostC's side through its UDP peer" || diag_proc gw1

amset gw1 udp_port 0
tap $? "close gw1's UDP link"
run "with the UDP link closed, a fresh call fails with a named error" 60 \
	"$IP" netns exec hostA "$PROGS/am_client" -g "$(random_port)" -t 2000 \
	-e EHOSTUNREACH

kill -TERM $spid
wait $spid
pids=""
cleanup_route
rmmod amoeba
tap $? "rmmod amoeba"
echo "1..$n"
exit 0
