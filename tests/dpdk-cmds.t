#!/bin/sh
# Host tier: the servers and commands, unchanged but relinked with the
# dpdk transport (make -C dpdk progs), chosen by AMOEBA_TRANSPORT=dpdk:
# soapd and bulletd on one end of a veth pair, the commands on the other,
# each a DPDK process of its own with net_af_packet on its end and its own
# MAC.  Needs root (for the veth pair) and libdpdk.
top=$(cd "$(dirname "$0")/.." && pwd)
build=${AMOEBA_BUILD:-$top/build}
all=$build/dpdk/all
if ! pkg-config --exists libdpdk 2>/dev/null; then
	echo "1..0 # SKIP libdpdk is not installed"
	exit 0
fi
if [ ! -x "$all/soap/bin/soapd" ] || [ ! -x "$all/bullet/bin/bulletd" ]; then
	echo "1..0 # SKIP $all not built (run make -C dpdk progs)"
	exit 0
fi
veth=dpc$$
if ! ip link add "${veth}s" type veth peer name "${veth}c" 2>/dev/null; then
	echo "1..0 # SKIP cannot make a veth pair (not root?)"
	exit 0
fi

tmp=$(mktemp -d)
pids=
cleanup() {
	for p in $pids; do
		kill "$p" 2>/dev/null
	done
	wait 2>/dev/null
	ip link del "${veth}s" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
ip link set "${veth}s" up && ip link set "${veth}c" up

n=0
ok() {
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
	fi
	return "$1"
}

export RUNTIME_DIRECTORY="$tmp/run" AMOEBA_TRANSPORT=dpdk
mkdir -p "$RUNTIME_DIRECTORY"
eal="--no-huge -m 256 --no-pci --no-telemetry"
ncli=0

# server NAME LCORE CMD...: a server on the servers' end; its first line
# (a capability) in $tmp/NAME.out.
server() {
	name=$1 lcore=$2
	shift 2
	AMOEBA_DPDK_ARGS="--lcores $lcore $eal --file-prefix=$name$$ --vdev=net_af_packet0,iface=${veth}s" \
		timeout 120 "$@" >"$tmp/$name.out" 2>"$tmp/$name.err" &
	pids="$pids $!"
	for _ in $(seq 50); do
		[ -s "$tmp/$name.out" ] && return 0
		sleep 0.1
	done
	sed 's/^/# /' "$tmp/$name.err"
	return 1
}

# cli CMD...: a command on the clients' end; stdout in $tmp/c.out.
cli() {
	ncli=$((ncli + 1))
	AMOEBA_DPDK_ARGS="--lcores 0 $eal --file-prefix=cli$ncli.$$ --vdev=net_af_packet0,iface=${veth}c" \
		timeout 30 "$@" >"$tmp/c.out" 2>"$tmp/c.err"
	st=$?
	[ $st -eq 0 ] || sed 's/^/# /' "$tmp/c.err" | grep -v '^# EAL'
	return $st
}

"$all/soap/bin/soapd" --init -d "$tmp/soap" >/dev/null 2>&1 &&
	server soapd 1 "$all/soap/bin/soapd" -d "$tmp/soap"
ok $? "soapd serves over dpdk (net_af_packet)" || exit 1
export AMOEBA_ROOT="$(head -n 1 "$tmp/soapd.out")"
"$all/bullet/bin/bulletd" --init 16M -s "$tmp/store" >/dev/null 2>&1 &&
	server bulletd 1 "$all/bullet/bin/bulletd" -s "$tmp/store"
ok $? "bulletd serves over dpdk beside it" || exit 1
bullet=$(head -n 1 "$tmp/bulletd.out")

cli "$all/soap/bin/mkd" /home && cli "$all/soap/bin/mkd" /home/ann
ok $? "mkd /home and /home/ann"
head -c 100000 /dev/urandom >"$tmp/file"
cli "$all/bullet/bin/put" -q -n /home/ann/file "$bullet" "$tmp/file"
ok $? "put -n /home/ann/file: 100000 bytes in fragments"
cli "$all/soap/bin/dir" -l /home/ann && grep -q ' file$' "$tmp/c.out"
ok $? "dir -l /home/ann lists it"
cli "$all/bullet/bin/get" /home/ann/file && cmp -s "$tmp/c.out" "$tmp/file"
ok $? "get /home/ann/file gives the same bytes"
cli "$all/userland/bin/std_info" /home/ann &&
	grep -q '^/ directory, 1 row' "$tmp/c.out"
ok $? "std_info /home/ann over dpdk"
cli "$all/bullet/bin/del" /home/ann/file &&
	cli "$all/soap/bin/dir" /home/ann && [ ! -s "$tmp/c.out" ]
ok $? "del /home/ann/file: gone"
echo "1..$n"
