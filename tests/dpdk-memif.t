#!/bin/sh
# Host tier: libamoeba's dpdk transport between two processes over
# net_memif (shared memory, no NIC, no hugepages): header-only
# transactions, a 1 MiB request and reply in fragments, and the messages
# for a wrong port id, a missing memif peer and a program linked without
# the transport; and a client and server thread in one process.  Server
# on lcore 1, client on lcore 0, each with its own EAL file prefix, EAL
# files in a temporary RUNTIME_DIRECTORY.  Every process runs under
# timeout(1): the pollers spin while they wait.
top=$(cd "$(dirname "$0")/.." && pwd)
build=${AMOEBA_BUILD:-$top/build}
lat=$build/dpdk/rpc_lat
if ! pkg-config --exists libdpdk 2>/dev/null; then
	echo "1..0 # SKIP libdpdk is not installed"
	exit 0
fi
if [ ! -x "$lat" ]; then
	echo "1..0 # SKIP $lat not built (run make dpdk)"
	exit 0
fi
. "$top/tests/host-lib.sh"

tmp=$(mktemp -d)
spid=
cleanup() {
	[ -n "$spid" ] && kill "$spid" 2>/dev/null
	rm -rf "$tmp" "$out"
}
trap cleanup EXIT
export RUNTIME_DIRECTORY="$tmp/run"
export AMOEBA_TRANSPORT=dpdk
mkdir -p "$RUNTIME_DIRECTORY"
eal="--no-huge -m 512 --no-pci --no-telemetry"
sock="$tmp/memif.sock"
memif="net_memif0,socket=$sock,socket-abstract=no"

# server ARGS...: rpc_lat server in the background; its put-port in $port.
server() {
	AMOEBA_DPDK_ARGS="--lcores 1 $eal --file-prefix=amsrv$$ --vdev=$memif,role=server" \
		timeout 60 "$lat" server "$@" >"$tmp/srv.out" 2>"$tmp/srv.err" &
	spid=$!
	port=
	for _ in $(seq 50); do
		port=$(head -n 1 "$tmp/srv.out" 2>/dev/null)
		[ -n "$port" ] && break
		sleep 0.1
	done
}

# client PREFIX ARGS...: rpc_lat client on lcore 0.
client() {
	pfx=$1
	shift
	AMOEBA_DPDK_ARGS="--lcores 0 $eal --file-prefix=$pfx$$ --vdev=$memif,role=client" \
		timeout 30 "$lat" client -p "$port" "$@"
}

server -i 5000
client amcli -n 3000 -w 300 -t 2000 >"$tmp/lat.out" 2>&1
st=$?
grep -q 'RESULT rpc_lat transport=dpdk n=3000 .* size=0 reply=0' "$tmp/lat.out" ||
	st=1
[ "$st" -eq 0 ] || cat "$tmp/lat.out" >>"$out"
ok "$st" "3000 header-only transactions over memif"
grep RESULT "$tmp/lat.out" | sed 's/^/# /'
run 0 'RESULT rpc_lat transport=dpdk n=4 .* size=1048576 reply=1048576' \
	"1 MiB request and 1 MiB reply in fragments" -- \
	client amcli -n 4 -w 1 -s 1048576 -r 1048576 -t 5000
kill "$spid" 2>/dev/null
wait "$spid" 2>/dev/null
spid=

rm -f "$sock"
run 0 'RESULT rpc_lat transport=dpdk n=200 .* size=65536 reply=65536' \
	"a client finds a server thread of its own process (no memif peer)" -- \
	env AMOEBA_DPDK_ARGS="--lcores 0 $eal --file-prefix=amself$$ --vdev=$memif,role=server" \
	timeout 30 "$lat" self -n 200 -w 10 -s 65536 -r 65536 -t 5000

run 1 'port 5' "a wrong port id ends with a message, not a crash" -- \
	env AMOEBA_DPDK_PORT=5 AMOEBA_DPDK_LINK_WAIT=1 \
	AMOEBA_DPDK_ARGS="--lcores 0 $eal --file-prefix=ambad$$ --vdev=$memif,role=client" \
	timeout 30 "$lat" client -p 0123456789ab -n 1
rm -f "$sock"
run 1 'memif.*start the' "a missing memif peer is named, with the fix" -- \
	env AMOEBA_DPDK_LINK_WAIT=1 \
	AMOEBA_DPDK_ARGS="--lcores 0 $eal --file-prefix=amnop$$ --vdev=$memif,role=client" \
	timeout 30 "$lat" client -p 0123456789ab -n 1
run 1 'dpdk transport is not built' \
	"a program linked without libamoeba_dpdk.a says so" -- \
	"$build/userland/bin/std_touch" 0123456789ab:000001:ff:a1b2c3d4e5f6

echo "1..$n"
[ "$failed" -eq 0 ]
