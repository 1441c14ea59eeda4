#!/bin/sh
# A DPDK node and a kernel-module node on one Ethernet segment, inside the
# test VM: rpc_lat over libamoeba's dpdk transport with net_af_packet on
# hostA's veth, and rpc_lat over AF_AMOEBA in hostB, both ways, header
# only and in fragments.  The two speak FLIP over Ethernet (ethertype
# 0x8146) and find each other by LOCATE broadcast: nothing is configured
# but the interface.  Prints TAP.
#
# Environment: IP, PROGS (rpc_lat, a static DPDK build: make dpdk),
# MODDIR as for integration.sh.

IP=${IP:-ip}
PROGS=${PROGS:-/progs}
MODDIR=${MODDIR:-/modules}
HOSTS="hostA hostB"
pids=""

if [ ! -x "$PROGS/rpc_lat" ]; then
	echo "1..0 # SKIP no $PROGS/rpc_lat (make dpdk)"
	exit 0
fi
T=$(mktemp -d "${TMPDIR:-/tmp}/amoeba-dpdk.XXXXXX")

. "$(dirname "$0")/lib.sh"

trap 'cleanup; exit 1' INT TERM

start_hosts

# EAL files in the scratch directory; no hugepages in the VM; one lcore.
export RUNTIME_DIRECTORY="$T/run"
mkdir -p "$RUNTIME_DIRECTORY"
EAL="--no-huge -m 128 --no-pci --no-telemetry --lcores 0"
npfx=0

# serve NS TRANSPORT NAME: rpc_lat server in NS; its put-port in $port.
serve() {
	if [ "$2" = dpdk ]; then
		"$IP" netns exec "$1" env AMOEBA_TRANSPORT=dpdk \
			AMOEBA_DPDK_ARGS="$EAL --file-prefix=srv$1 --vdev=net_af_packet0,iface=eth0" \
			timeout 120 "$PROGS/rpc_lat" server -i 30000 \
			>"$T/$3.out" 2>"$T/$3.err" &
	else
		"$IP" netns exec "$1" env AMOEBA_TRANSPORT=kernel \
			timeout 120 "$PROGS/rpc_lat" server -i 30000 \
			>"$T/$3.out" 2>"$T/$3.err" &
	fi
	spid=$!
	pids="$pids $spid"
	wait_line "$T/$3.out" "$spid" || return 1
	port=$(head -n 1 "$T/$3.out")
	echo "$port" | grep -qE '^[0-9a-f]{12}$'
}

# call NAME NS TRANSPORT ARGS...: rpc_lat client in NS; ok if it prints
# its RESULT line.
call() {
	name=$1 ns=$2 tp=$3
	shift 3
	if [ "$tp" = dpdk ]; then
		npfx=$((npfx + 1))
		"$IP" netns exec "$ns" env AMOEBA_TRANSPORT=dpdk \
			AMOEBA_DPDK_ARGS="$EAL --file-prefix=cli$npfx --vdev=net_af_packet0,iface=eth0" \
			timeout 60 "$PROGS/rpc_lat" client -p "$port" "$@" \
			>"$T/c.out" 2>&1
	else
		"$IP" netns exec "$ns" env AMOEBA_TRANSPORT=kernel \
			timeout 60 "$PROGS/rpc_lat" client -p "$port" "$@" \
			>"$T/c.out" 2>&1
	fi
	st=$?
	grep -q '^RESULT ' "$T/c.out" && [ $st -eq 0 ]
	tap $? "$name" || { diag "status $st:"; diag_file "$T/c.out"; }
	grep '^RESULT ' "$T/c.out" | sed 's/^/# /'
}

serve hostB kernel ksrv
tap $? "rpc_lat serves over AF_AMOEBA in hostB" ||
	{ diag_file "$T/ksrv.out"; diag_file "$T/ksrv.err"; bail "no kernel server"; }
call "DPDK (af_packet, hostA) -> kernel (hostB): header-only calls" \
	hostA dpdk -n 200 -w 20 -t 5000
call "...64 KiB requests and replies, in fragments both ways" \
	hostA dpdk -n 20 -w 2 -s 65536 -r 65536 -t 10000
call "...and the kernel's own client still reaches it" \
	hostA kernel -n 50 -w 5 -t 5000

serve hostA dpdk dsrv
tap $? "rpc_lat serves over DPDK (af_packet) in hostA" ||
	{ diag_file "$T/dsrv.out"; diag_file "$T/dsrv.err"; bail "no DPDK server"; }
call "kernel (hostB) -> DPDK (hostA): header-only calls" \
	hostB kernel -n 200 -w 20 -t 5000
call "...64 KiB requests and replies, in fragments both ways" \
	hostB kernel -n 20 -w 2 -s 65536 -r 65536 -t 10000

TRANSPORT=kernel finish
