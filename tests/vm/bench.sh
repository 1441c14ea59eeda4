#!/bin/sh
# Payload of "make bench" (scripts/bench.sh), run as root inside the test VM
# by busybox sh: two network namespaces (hostA, hostB) on a bridge act as
# two machines, and am_lat measures, between them and in the same boot:
#   - header-only round trips: an AF_AMOEBA trans with no data, and TCP
#     (TCP_NODELAY) and UDP request/responses of 32 bytes, the size of the
#     Amoeba header: ITERS timed round trips after WARMUP untimed ones;
#   - the largest message that fits one frame, 1412 bytes each way, over
#     AF_AMOEBA, TCP and UDP: BIG_ITERS after BIG_WARMUP;
#   - 1 MiB (AM_MAXBUF) AF_AMOEBA messages: MIB_ITERS calls after
#     MIB_WARMUP of a 1 MiB request with a header-only reply (one way, as
#     the TCP stream), then as many 1 MiB echoes (both ways);
#   - one TCP stream of STREAM_BYTES into a sink (after an untimed stream of
#     32 MiB), the baseline for the 1 MiB messages;
#   - the 1 MiB calls and the stream again with every link's MTU at 65535
#     (veth's largest; loopback's is 65536): FLIP fragments to the link's
#     MTU, while TCP hands the device 64 KiB segments whatever the MTU
#     (GSO), so this shows what per-packet cost takes at 1500.  Their
#     RESULT lines name the path with "@64k";
#   - the Bullet server (before the MTU change): creates/s and reads/s of
#     4 KiB files, MB/s of 1 MiB files made and read from its cache, and
#     1 MiB replies of a bare libamoeba server on the same path (bload).
# Prints "bench: ..." lines describing the run, one RESULT line per
# am_lat measurement (see am_lat --help) and one BULLET line per Bullet
# figure; exits non-zero if any measurement fails.
#
# Environment: IP (full iproute2), PROGS (test programs), MODDIR
# (amoeba.ko); ITERS, WARMUP, BIG_ITERS, BIG_WARMUP, MIB_ITERS, MIB_WARMUP
# and STREAM_BYTES override the defaults below (pass them on the kernel
# command line).

IP=${IP:-ip}
PROGS=${PROGS:-/progs}
MODDIR=${MODDIR:-/modules}
ITERS=${ITERS:-100000}
WARMUP=${WARMUP:-10000}
BIG_ITERS=${BIG_ITERS:-20000}
BIG_WARMUP=${BIG_WARMUP:-2000}
MIB_ITERS=${MIB_ITERS:-256}
MIB_WARMUP=${MIB_WARMUP:-16}
MIB=1048576
STREAM_BYTES=${STREAM_BYTES:-268435456}
BIG=1412
SRV=10.99.0.2
T=$(mktemp -d /tmp/amoeba-bench.XXXXXX)
pids=""
HOSTS="hostA hostB"

. "$(dirname "$0")/lib.sh"

trap 'cleanup; exit 1' INT TERM

start_hosts

# server NAME ARGS...: start "am_lat ARGS" in hostB, wait for its first line.
server() {
	name=$1
	shift
	"$IP" netns exec hostB "$PROGS/am_lat" "$@" \
		>"$T/srv-$name.out" 2>"$T/srv-$name.err" &
	pids="$pids $!"
	wait_line "$T/srv-$name.out" $! ||
		{ cat "$T/srv-$name.err" >&2; die "am_lat $1 failed"; }
}

# client NAME LIMIT ARGS...: run "am_lat ARGS" in hostA for at most LIMIT
# seconds and print its RESULT line.
client() {
	name=$1 limit=$2
	shift 2
	timeout "$limit" "$IP" netns exec hostA "$PROGS/am_lat" "$@" \
		>"$T/$name.out" 2>&1
	st=$?
	[ $st -eq 143 ] && echo "am_lat $1: killed after $limit s" >>"$T/$name.out"
	sed -n "s/^RESULT \([^ ]*\)/RESULT \1${TAG-}/p" "$T/$name.out" | grep . ||
		{ cat "$T/$name.out" >&2; die "am_lat $1 ($name) printed no RESULT"; }
	[ $st -eq 0 ] || { cat "$T/$name.out" >&2; die "am_lat $1 ($name) exited $st"; }
}

G=$(random_port)
server amoeba server-amoeba -g "$G"
P=$(head -n 1 "$T/srv-amoeba.out")
echo "$P" | grep -qE '^[0-9a-f]{12}$' ||
	die "am_lat server-amoeba printed \"$P\", not a put-port"
server tcp server-tcp -l "$SRV:7000"
server udp server-udp -l "$SRV:7001"
server sink server-tcp-sink -l "$SRV:7002"

cpus=$(nproc 2>/dev/null || echo 1)
echo "bench: kernel $(uname -r), $cpus virtual CPU(s), client and server not pinned"
echo "bench: hostA -> hostB over veth+bridge"
echo "bench: header-only: $ITERS round trips after $WARMUP warm-up"
echo "bench: $BIG bytes each way: $BIG_ITERS round trips after $BIG_WARMUP warm-up"
echo "bench: 1 MiB AF_AMOEBA: $MIB_ITERS calls after $MIB_WARMUP warm-up, with an empty reply, then echoed"
echo "bench: TCP stream: $STREAM_BYTES bytes in 1 MiB writes after 32 MiB warm-up"

start=$(date +%s)
client amoeba 600 client-amoeba -p "$P" -n "$ITERS" -w "$WARMUP"
client tcp 600 client-tcp -a "$SRV:7000" -n "$ITERS" -w "$WARMUP" -s 32
client udp 600 client-udp -a "$SRV:7001" -n "$ITERS" -w "$WARMUP" -s 32
client amoeba-big 300 client-amoeba -p "$P" -n "$BIG_ITERS" -w "$BIG_WARMUP" -s $BIG
client tcp-big 300 client-tcp -a "$SRV:7000" -n "$BIG_ITERS" -w "$BIG_WARMUP" -s $BIG
client udp-big 300 client-udp -a "$SRV:7001" -n "$BIG_ITERS" -w "$BIG_WARMUP" -s $BIG
client amoeba-mib 600 client-amoeba -p "$P" -n "$MIB_ITERS" -w "$MIB_WARMUP" \
	-s $MIB -r 0
client amoeba-mib-echo 600 client-amoeba -p "$P" -n "$MIB_ITERS" \
	-w "$MIB_WARMUP" -s $MIB
client stream-warmup 60 client-tcp-stream -a "$SRV:7002" -b 33554432 >/dev/null
client stream 120 client-tcp-stream -a "$SRV:7002" -b "$STREAM_BYTES"

# The Bullet server in hostB, bload in hostA, through libamoeba's kernel
# transport; then bload's 1 MiB sink on the same path, the bulk RPC
# figure a cached 1 MiB read is judged against.  BULLET lines.
bullet() {
	name=$1 limit=$2
	shift 2
	timeout "$limit" "$IP" netns exec hostA env AMOEBA_TRANSPORT=kernel \
		"$PROGS/bload" "$@" >"$T/$name.out" 2>&1 ||
		{ cat "$T/$name.out" >&2; die "bload $1 ($name) failed"; }
	sed -n 's/^RESULT /BULLET /p' "$T/$name.out"
}
"$PROGS/bulletd" --init 192M --files 8192 -s "$T/store" >"$T/bcap" 2>&1 ||
	{ cat "$T/bcap" >&2; die "bulletd --init failed"; }
"$IP" netns exec hostB env AMOEBA_TRANSPORT=kernel "$PROGS/bulletd" \
	-s "$T/store" >"$T/bulletd.out" 2>"$T/bulletd.err" &
pids="$pids $!"
wait_line "$T/bulletd.out" $! || { cat "$T/bulletd.err" >&2; die "bulletd failed"; }
"$IP" netns exec hostB env AMOEBA_TRANSPORT=kernel "$PROGS/bload" sink \
	>"$T/sink.out" 2>"$T/sink.err" &
pids="$pids $!"
wait_line "$T/sink.out" $! || { cat "$T/sink.err" >&2; die "bload sink failed"; }
echo "bench: Bullet: bulletd in hostB (store in tmpfs, cache 256 MiB), bload in hostA"
bullet bullet 600 bench "$(head -n 1 "$T/bulletd.out")"
bullet bullet-rpc 300 rpc "$(head -n 1 "$T/sink.out")"

# The SOAP directory server in hostB, sload in hostA: lookups, and atomic
# installs of 1 and of 10 names, each change synced to the log (tmpfs
# here) before its reply.  SOAP lines.
soap() {
	name=$1
	shift
	timeout 120 "$IP" netns exec hostA env AMOEBA_TRANSPORT=kernel \
		"$PROGS/sload" "$@" >"$T/$name.out" 2>&1 ||
		{ cat "$T/$name.out" >&2; die "sload $1 ($name) failed"; }
	grep '^SOAP ' "$T/$name.out"
}
"$PROGS/soapd" --init -d "$T/soap" >/dev/null 2>"$T/soapd.err" ||
	{ cat "$T/soapd.err" >&2; die "soapd --init failed"; }
"$IP" netns exec hostB env AMOEBA_TRANSPORT=kernel "$PROGS/soapd" \
	-d "$T/soap" >"$T/soapd.out" 2>"$T/soapd.err" &
pids="$pids $!"
wait_line "$T/soapd.out" $! || { cat "$T/soapd.err" >&2; die "soapd failed"; }
root=$(head -n 1 "$T/soapd.out")
echo "bench: SOAP: soapd in hostB (log in tmpfs), sload in hostA, one client, ${SOAP_SECONDS:=10} s each"
soap soap-lookup bench-lookup "$root" 1 "$SOAP_SECONDS"
soap soap-install1 bench-install "$root" 1 "$SOAP_SECONDS" 1
soap soap-install10 bench-install "$root" 1 "$SOAP_SECONDS" 10

for h in $HOSTS; do
	in_ns "$h" "$IP" link set eth0 mtu 65535 &&
	"$IP" link set "v$h" mtu 65535 || die "cannot set MTU 65535"
done
echo "bench: then 1 MiB calls and the stream again with MTU 65535 (@64k)"
TAG=@64k
client amoeba-mib-64k 600 client-amoeba -p "$P" -n "$MIB_ITERS" \
	-w "$MIB_WARMUP" -s $MIB -r 0
client amoeba-mib-echo-64k 600 client-amoeba -p "$P" -n "$MIB_ITERS" \
	-w "$MIB_WARMUP" -s $MIB
client stream-64k 120 client-tcp-stream -a "$SRV:7002" -b "$STREAM_BYTES"
echo "bench: measurements took $(($(date +%s) - start)) s"

cleanup
rm -rf "$T"
exit 0
