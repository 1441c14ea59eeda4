#!/bin/sh
# Payload of "make demo", run as root inside the test VM by busybox sh:
# two network namespaces (hostA, hostB) on a bridge act as two machines,
# and am_lat measures the round trip of a header-only AF_AMOEBA trans and
# of a 32-byte TCP request/response between them, in the same boot, so the
# two numbers can be compared.  Prints a table and the raw RESULT lines.
#
# Environment: IP (full iproute2), PROGS (test programs), MODDIR
# (amoeba.ko); ITERS and WARMUP override the iteration counts.

IP=${IP:-ip}
PROGS=${PROGS:-/progs}
MODDIR=${MODDIR:-/modules}
ITERS=${ITERS:-20000}
WARMUP=${WARMUP:-2000}
TCP_ADDR=10.99.0.2:7000
T=$(mktemp -d /tmp/amoeba-demo.XXXXXX)
pids=""
HOSTS="hostA hostB"

. "$(dirname "$0")/lib.sh"

trap 'cleanup; exit 1' INT TERM

start_hosts

# Server and client on different CPUs when there are two: otherwise each
# round trip includes a context switch the real network would not have.
cpus=$(nproc 2>/dev/null || echo 1)
if [ "$cpus" -ge 2 ]; then
	srv_cpu="-c 1"
	cli_cpu="-c 0"
	pinning="server on CPU 1, client on CPU 0"
else
	srv_cpu=""
	cli_cpu=""
	pinning="one CPU, not pinned"
fi

G=$(random_port)
# shellcheck disable=SC2086 # $srv_cpu is empty or two words
"$IP" netns exec hostB "$PROGS/am_lat" server-amoeba -g "$G" $srv_cpu \
	>"$T/srv-amoeba.out" 2>"$T/srv-amoeba.err" &
pids="$pids $!"
wait_line "$T/srv-amoeba.out" $! ||
	{ cat "$T/srv-amoeba.err" >&2; die "am_lat server-amoeba failed"; }
P=$(head -n 1 "$T/srv-amoeba.out")
echo "$P" | grep -qE '^[0-9a-f]{12}$' || die "am_lat server-amoeba printed \"$P\", not a put-port"

# shellcheck disable=SC2086
"$IP" netns exec hostB "$PROGS/am_lat" server-tcp -l "$TCP_ADDR" $srv_cpu \
	>"$T/srv-tcp.out" 2>"$T/srv-tcp.err" &
pids="$pids $!"
wait_line "$T/srv-tcp.out" $! ||
	{ cat "$T/srv-tcp.err" >&2; die "am_lat server-tcp failed"; }

echo "demo: $ITERS round trips after $WARMUP warm-up, hostA -> hostB over veth+bridge, $pinning"
# shellcheck disable=SC2086
timeout 600 "$IP" netns exec hostA "$PROGS/am_lat" client-amoeba -p "$P" \
	-n "$ITERS" -w "$WARMUP" $cli_cpu >"$T/amoeba.out" 2>&1 ||
	{ cat "$T/amoeba.out" >&2; die "am_lat client-amoeba failed"; }
# shellcheck disable=SC2086
timeout 600 "$IP" netns exec hostA "$PROGS/am_lat" client-tcp -a "$TCP_ADDR" \
	-n "$ITERS" -w "$WARMUP" -s 32 $cli_cpu >"$T/tcp.out" 2>&1 ||
	{ cat "$T/tcp.out" >&2; die "am_lat client-tcp failed"; }

grep -h '^RESULT ' "$T/amoeba.out" "$T/tcp.out" >"$T/results"
[ "$(wc -l <"$T/results")" -eq 2 ] || { cat "$T/amoeba.out" "$T/tcp.out" >&2; die "missing RESULT lines"; }

echo
awk '
	{
		for (i = 3; i <= NF; i++) {
			split($i, kv, "=")
			v[$2, kv[1]] = kv[2]
		}
	}
	END {
		printf "%-8s %12s %12s\n", "path", "median_us", "p99_us"
		printf "%-8s %12s %12s\n", "amoeba", v["amoeba", "median_us"], v["amoeba", "p99_us"]
		printf "%-8s %12s %12s\n", "tcp", v["tcp", "median_us"], v["tcp", "p99_us"]
		if (v["tcp", "median_us"] > 0 && v["tcp", "p99_us"] > 0)
			printf "%-8s %12.2f %12.2f\n", "ratio", \
				v["amoeba", "median_us"] / v["tcp", "median_us"], \
				v["amoeba", "p99_us"] / v["tcp", "p99_us"]
		print "(ratio = amoeba / tcp; below 1 means AF_AMOEBA is faster)"
	}' "$T/results"
echo
cat "$T/results"

cleanup
rm -rf "$T"
exit 0
