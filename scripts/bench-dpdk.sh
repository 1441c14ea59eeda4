#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# DPDK benchmark of "make bench", on the host (not in a VM), in one run and
# on the same two cores (servers on SRV_CPU, default 1; clients on
# CLI_CPU, default 0), one request in flight:
#   (a) raw memif ping-pong of 64-byte frames (memif_pp): the floor;
#   (b) header-only RPC over DPDK memif (rpc_lat with AMOEBA_TRANSPORT=dpdk);
#   (c) TCP request/response of 32 bytes (the size of the Amoeba header)
#       with TCP_NODELAY over loopback (tests/progs/am_lat), for scale;
#   (d) throughput of 1 MiB RPCs over memif (1 MiB request, header-only
#       reply), next to one TCP stream over loopback in 1 MiB writes.
# Every DPDK process busy-polls its core and uses the EAL flags
#   -l CPU --no-huge -m 512 --no-pci --no-telemetry --file-prefix=UNIQUE
# (DPDK_MEM replaces "--no-huge -m 512", e.g. DPDK_MEM="-m 512" where
# hugepages are reserved), a memif socket file in a temporary directory,
# and RUNTIME_DIRECTORY there too, so that nothing is left in /var/run.
# Prints a table with the three targets of the DPDK fast path (header-only
# median <= 3 us, <= 0.15 x TCP's, <= 2 x the raw ping-pong) and writes
# BUILD/bench/dpdk.csv.  Rows whose program is not built say "missing".
# Every process is bounded by a timeout; the run takes about 10 seconds.
#
# Usage: scripts/bench-dpdk.sh [--help]
#
# Exit status is non-zero only for a missing memif_pp or am_lat or a
# failed measurement; a missed target is reported, not a failure.
# Environment: ITERS, WARMUP (round trips of (a) and (b), default 200000
# and 10000), TCP_ITERS (default 100000), MIB_ITERS, MIB_WARMUP (1 MiB
# calls, default 200 and 20), STREAM_BYTES (default 256 MiB), SRV_CPU,
# CLI_CPU, DPDK_MEM, AMOEBA_BUILD (default build), AMOEBA_DPDK_RPC_LAT
# (the rpc_lat to run).
set -eu

case ${1-} in
-h|--help)
	sed -n '3,/^set -eu/p' "$0" | sed -e '$d' -e 's/^# \{0,1\}//'
	exit 0 ;;
"") ;;
*)
	echo "bench-dpdk.sh: unknown argument \"$1\" (see --help)" >&2
	exit 2 ;;
esac

top=$(cd "$(dirname "$0")/.." && pwd)
build=${AMOEBA_BUILD:-build}
case $build in /*) ;; *) build=$top/$build ;; esac
out=$build/bench
csv=$out/dpdk.csv
mkdir -p "$out"

ITERS=${ITERS:-200000}
WARMUP=${WARMUP:-10000}
TCP_ITERS=${TCP_ITERS:-100000}
MIB_ITERS=${MIB_ITERS:-200}
MIB_WARMUP=${MIB_WARMUP:-20}
STREAM_BYTES=${STREAM_BYTES:-268435456}
SRV_CPU=${SRV_CPU:-1}
CLI_CPU=${CLI_CPU:-0}
DPDK_MEM=${DPDK_MEM:---no-huge -m 512}
val=
for v in ITERS WARMUP TCP_ITERS MIB_ITERS MIB_WARMUP STREAM_BYTES SRV_CPU \
	CLI_CPU; do
	eval "val=\$$v"
	case $val in
	''|*[!0-9]*) echo "bench-dpdk.sh: $v=$val is not a number" >&2; exit 2 ;;
	esac
done

# dpdk/Makefile (make dpdk) builds both DPDK programs into BUILD/dpdk.
pp=$build/dpdk/memif_pp
rpc=${AMOEBA_DPDK_RPC_LAT:-$build/dpdk/rpc_lat}
[ -x "$rpc" ] || rpc=
amlat=$top/tests/progs/am_lat
if [ ! -x "$pp" ]; then
	echo "bench-dpdk.sh: $pp is not built: run make dpdk" >&2
	exit 1
fi
if [ ! -x "$amlat" ]; then
	echo "bench-dpdk.sh: $amlat is not built: run make progs" >&2
	exit 1
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/amoeba-dpdk.XXXXXX")
export RUNTIME_DIRECTORY="$tmp/run"
mkdir -p "$RUNTIME_DIRECTORY"
res=$tmp/results
: >"$res"
pids=""
cpid=

# Stop every server this script started, by its process id: SIGTERM, and
# SIGKILL for any still there after 6 s (a DPDK server may be inside its
# bounded wait for a link).
stop_servers() {
	for p in $pids; do
		kill "$p" 2>/dev/null || true
	done
	for p in $pids; do
		i=0
		while kill -0 "$p" 2>/dev/null && [ $i -lt 60 ]; do
			sleep 0.1
			i=$((i + 1))
		done
		kill -KILL "$p" 2>/dev/null || true
		wait "$p" 2>/dev/null || true
	done
	pids=""
}
cleanup() {
	[ -z "$cpid" ] || kill "$cpid" 2>/dev/null || true
	stop_servers
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# client OUT CMD...: run a client to completion, output in OUT.  It runs
# in the background and is waited for, because sh runs a trap only after
# the foreground command ends, and a client may poll for a minute.
client() {
	o=$1
	shift
	"$@" >"$o" 2>&1 &
	cpid=$!
	wait "$cpid" || true
	cpid=
}

# wait_for TEST ARG SECONDS: poll until "test TEST ARG" holds; 1 on time-out.
wait_for() {
	i=0
	while ! test "$1" "$2"; do
		[ $i -lt $(($3 * 10)) ] || return 1
		sleep 0.1
		i=$((i + 1))
	done
}

# EAL arguments of one side of memif socket $1: role $2, lcore $3, prefix $4.
eal() {
	echo "-l $3 $DPDK_MEM --no-pci --no-telemetry --file-prefix=$4" \
		"--vdev=net_memif0,role=$2,socket=$1,socket-abstract=no"
}

# note LABEL OUT LOG: keep the RESULT line of client output OUT under LABEL,
# or say why there is none (OUT and the server's LOG on stderr).
note() {
	line=$(grep '^RESULT ' "$2" | tail -n 1 || true)
	if [ -n "$line" ]; then
		echo "$1 $line" >>"$res"
	else
		echo "$1 FAILED" >>"$res"
		echo "bench-dpdk.sh: $1: no RESULT; its output:" >&2
		sed 's/^/  /' "$2" "$3" >&2 2>/dev/null || true
	fi
}

echo "make bench (DPDK): host, servers on CPU $SRV_CPU, clients on CPU $CLI_CPU; about 10 seconds"

# (a) The raw ping-pong over memif.  The EAL arguments are words: unquoted.
sock=$tmp/pp.sock
# shellcheck disable=SC2046
taskset -c "$SRV_CPU" timeout 60 "$pp" server -- \
	$(eal "$sock" server "$SRV_CPU" "amb_pps$$") >"$tmp/pps.out" 2>&1 &
pids="$pids $!"
if wait_for -S "$sock" 10; then
	# shellcheck disable=SC2046
	client "$tmp/ppc.out" taskset -c "$CLI_CPU" timeout 60 "$pp" client \
		-n "$ITERS" -w "$WARMUP" \
		-- $(eal "$sock" client "$CLI_CPU" "amb_ppc$$")
	note raw "$tmp/ppc.out" "$tmp/pps.out"
else
	echo "raw FAILED" >>"$res"
	echo "bench-dpdk.sh: memif_pp server made no socket:" >&2
	sed 's/^/  /' "$tmp/pps.out" >&2
fi
stop_servers

# rpc_run LABEL CLIENT-ARGS...: one rpc_lat server and one client over a
# fresh memif link; the server prints its put-port once its port is open.
rpc_run() {
	label=$1
	shift
	sock=$tmp/$label.sock
	AMOEBA_TRANSPORT=dpdk AMOEBA_DPDK_PORT=0 \
		AMOEBA_DPDK_ARGS=$(eal "$sock" server "$SRV_CPU" "amb_rs$$") \
		taskset -c "$SRV_CPU" timeout 90 "$rpc" server -i 30000 \
		>"$tmp/$label.srv" 2>"$tmp/$label.err" &
	pids="$pids $!"
	i=0
	while ! grep -q '^[0-9a-f]\{12\}$' "$tmp/$label.srv" 2>/dev/null; do
		if [ $i -ge 150 ]; then
			echo "$label FAILED" >>"$res"
			echo "bench-dpdk.sh: rpc_lat server printed no port in 15 s:" >&2
			sed 's/^/  /' "$tmp/$label.err" >&2
			stop_servers
			return
		fi
		sleep 0.1
		i=$((i + 1))
	done
	port=$(head -n 1 "$tmp/$label.srv")
	client "$tmp/$label.cli" env AMOEBA_TRANSPORT=dpdk AMOEBA_DPDK_PORT=0 \
		AMOEBA_DPDK_ARGS="$(eal "$sock" client "$CLI_CPU" "amb_rc$$")" \
		taskset -c "$CLI_CPU" timeout 60 "$rpc" client -p "$port" "$@"
	note "$label" "$tmp/$label.cli" "$tmp/$label.err"
	stop_servers
}

# (b) and (d): RPC over DPDK memif.
if [ -n "$rpc" ]; then
	rpc_run rpc -n "$ITERS" -w "$WARMUP" -s 0 -r 0 -t 1000
	rpc_run rpc_mib -n "$MIB_ITERS" -w "$MIB_WARMUP" -s 1048576 -r 0 -t 5000
else
	echo "rpc missing" >>"$res"
	echo "rpc_mib missing" >>"$res"
fi

# (c) TCP over loopback, and the TCP stream beside the 1 MiB RPCs.  A
# port taken by someone else makes the server exit: try the next one.
tcp_run() {
	label=$1 smode=$2 cmode=$3
	shift 3
	for tport in $(($$ % 20000 + 30000)) $(($$ % 20000 + 30001)) \
		$(($$ % 20000 + 30002)); do
		taskset -c "$SRV_CPU" timeout 90 "$amlat" "$smode" \
			-l "127.0.0.1:$tport" >"$tmp/$label.srv" 2>&1 &
		pids="$pids $!"
		i=0
		while ! grep -q listening "$tmp/$label.srv" && [ $i -lt 50 ]; do
			sleep 0.1
			i=$((i + 1))
		done
		if grep -q listening "$tmp/$label.srv"; then
			client "$tmp/$label.cli" taskset -c "$CLI_CPU" \
				timeout 60 "$amlat" "$cmode" -a "127.0.0.1:$tport" "$@"
			note "$label" "$tmp/$label.cli" "$tmp/$label.srv"
			stop_servers
			return
		fi
		stop_servers
	done
	echo "$label FAILED" >>"$res"
	echo "bench-dpdk.sh: $label: no TCP port to listen on:" >&2
	sed 's/^/  /' "$tmp/$label.srv" >&2
}
tcp_run tcp server-tcp client-tcp -n "$TCP_ITERS" -w "$WARMUP" -s 32
tcp_run tcp_stream server-tcp-sink client-tcp-stream -b "$STREAM_BYTES"

# One awk pass: the table on stdout and the CSV.
awk -v csv="$csv" -v iters="$ITERS" '
{
	label = $1
	state[label] = $2
	if ($2 != "RESULT")
		next
	for (i = 4; i <= NF; i++) {
		split($i, kv, "=")
		f[label, kv[1]] = kv[2]
	}
}
function have(l) { return state[l] == "RESULT" }
function row(l, what, size,    m) {
	if (!have(l)) {
		printf "%-32s %s\n", what, (state[l] == "" ? "not run" : state[l])
		printf "%s,%s,,,,,,,,\"%s: %s\"\n", l, size, what,
			(state[l] == "" ? "not run" : state[l]) >csv
		missing = 1
		return
	}
	m = f[l, "MBps"]
	# Header only: no payload, so no MB/s.
	printf "%-32s %10.2f %10.2f %10.2f %10s\n", what, f[l, "median_us"],
		f[l, "p99_us"], f[l, "min_us"],
		(size == 0 ? "-" : sprintf("%.2f", m))
	printf "%s,%s,%s,%s,%.2f,%.2f,%.2f,%.2f,%.2f,\"%s\"\n", l, size,
		f[l, "reply"], f[l, "n"], f[l, "median_us"], f[l, "p99_us"],
		f[l, "min_us"], f[l, "max_us"], m, what >csv
}
# verdict(OK, HAVE): PASS, MISS, or n/a when a figure is missing.
function verdict(ok, h) { return !h ? "n/a" : ok ? "PASS" : "MISS" }
END {
	print "path,size,reply,iterations,median_us,p99_us,min_us,max_us,MBps,what" >csv
	printf "%-32s %10s %10s %10s %10s\n", "path", "median_us", "p99_us",
		"min_us", "MB/s"
	row("raw", "(a) raw memif ping-pong, 64 B", 64)
	row("rpc", "(b) RPC over DPDK memif, 0 B", 0)
	row("tcp", "(c) TCP loopback NODELAY, 32 B", 32)
	row("rpc_mib", "(d) 1 MiB RPC over DPDK memif", 1048576)
	if (have("tcp_stream")) {
		printf "%-32s %10s %10s %10s %10.2f\n",
			"    TCP stream, loopback", "-", "-", "-",
			f["tcp_stream", "MBps"]
		printf "tcp_stream,%s,,,,,,,%.2f,\"one TCP stream over loopback in 1 MiB writes\"\n",
			f["tcp_stream", "bytes"], f["tcp_stream", "MBps"] >csv
	} else {
		printf "%-32s %s\n", "    TCP stream, loopback", state["tcp_stream"]
	}
	med = f["rpc", "median_us"]
	h = have("rpc")
	ht = h && have("tcp") && f["tcp", "median_us"] > 0
	hr = h && have("raw") && f["raw", "median_us"] > 0
	rt = ht ? med / f["tcp", "median_us"] : 0
	rr = hr ? med / f["raw", "median_us"] : 0
	print ""
	print "MB/s: payload both ways, 10^6 B/s; (d) moves 1 MiB one way per call."
	if (missing)
		print "missing: its program is not built (rpc_lat: make dpdk)."
	print ""
	print "Targets (DPDK header-only RPC median):"
	printf "  <= 3 us:                   %8s us  %s\n",
		h ? sprintf("%.2f", med) : "-", verdict(med <= 3, h)
	printf "  <= 0.15 x TCP loopback:    %8s x   %s\n",
		ht ? sprintf("%.3f", rt) : "-", verdict(rt <= 0.15, ht)
	printf "  <= 2 x raw memif ping-pong: %7s x   %s\n",
		hr ? sprintf("%.2f", rr) : "-", verdict(rr <= 2, hr)
	for (l in state)
		if (state[l] == "FAILED")
			failed = 1
	exit failed
}' "$res" || { echo "make bench (DPDK): a measurement FAILED (above); table in $csv" >&2; exit 1; }
echo "CSV: $csv"
