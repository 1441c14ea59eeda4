# Shell functions shared by the payloads in tests/vm/ (busybox sh): TAP
# output, running bounded commands and judging them (expect, lexpect),
# reading /proc/net/amoeba, and building the test network.  The payload
# sets IP, PROGS, T (a scratch directory), HOSTS (namespace names) and
# pids (processes to kill on cleanup) before calling them, and defines A
# (run a client) before calling expect.

n=0
failed=0

# tap STATUS NAME: one test point; STATUS 0 passes.  Returns STATUS.
tap() {
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $n - $2"
	else
		failed=$((failed + 1))
		echo "not ok $n - $2"
	fi
	return "$1"
}

skip() {
	n=$((n + 1))
	echo "ok $n # SKIP $1"
}

diag() {
	echo "# $*"
}

diag_file() {
	[ -s "$1" ] && sed 's/^/#   /' "$1"
}

bail() {
	echo "Bail out! $*"
	cleanup
	exit 0
}

in_ns() {
	ns=$1
	shift
	"$IP" netns exec "$ns" "$@"
}

proc_amoeba() {
	in_ns "$1" cat /proc/net/amoeba
}

# field NS KIND NAME: the count of "KIND NAME COUNT" in NS's /proc/net/amoeba.
field() {
	proc_amoeba "$1" 2>/dev/null |
		awk -v k="$2" -v m="$3" '$1 == k && $2 == m { print $3; f = 1 }
			END { if (!f) print -1 }'
}

diag_proc() {
	diag "/proc/net/amoeba in $1:"
	proc_amoeba "$1" >"$T/proc.$1" 2>&1
	diag_file "$T/proc.$1"
}

# now_ms: milliseconds since boot, to time what takes seconds (busybox
# date has no sub-second format).
now_ms() {
	awk '{ printf "%d\n", $1 * 1000 }' /proc/uptime
}

# wait_above NS KIND NAME VALUE TENTHS: poll NS's count of "KIND NAME" until
# it exceeds VALUE, at most TENTHS tenths of a second (counting may lag a
# packet by a softirq).  Prints the last count; 0 if it rose.
wait_above() {
	i=0
	while :; do
		v=$(field "$1" "$2" "$3")
		[ "$v" -gt "$4" ] && { echo "$v"; return 0; }
		[ $i -ge "$5" ] && { echo "$v"; return 1; }
		sleep 0.1
		i=$((i + 1))
	done
}

# wait_grep FILE PATTERN TENTHS: poll until a line of FILE matches the
# extended regular expression PATTERN, at most TENTHS tenths of a second.
wait_grep() {
	i=0
	while ! grep -qE "$2" "$1" 2>/dev/null; do
		[ $i -ge "$3" ] && return 1
		sleep 0.1
		i=$((i + 1))
	done
	return 0
}

random_port() {
	head -c 6 /dev/urandom | od -An -tx1 | tr -d ' \n'
}

# wait_port FILE PID: the put-port the server PID printed first, or "".
wait_port() {
	i=0
	while [ $i -lt 100 ]; do
		p=$(head -n 1 "$1" 2>/dev/null)
		if echo "$p" | grep -qE '^[0-9a-f]{12}$'; then
			echo "$p"
			return 0
		fi
		kill -0 "$2" 2>/dev/null || return 1
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

cleanup() {
	for p in $pids; do
		kill -KILL "$p" 2>/dev/null
	done
	for h in $HOSTS; do
		"$IP" netns del "$h" 2>/dev/null
	done
	if [ -n "$HOSTS" ]; then
		"$IP" link del br0 2>/dev/null
	fi
}

# run NAME TIMEOUT CMD...: run bounded by TIMEOUT seconds; one test point,
# with the output as diagnostics when it fails.
run() {
	name=$1 limit=$2
	shift 2
	timeout "$limit" "$@" >"$T/run.out" 2>&1
	st=$?
	if ! tap $st "$name"; then
		[ $st -eq 143 ] && diag "killed after $limit s"
		diag_file "$T/run.out"
		return 1
	fi
	# The summary line of am_client is worth seeing even on success.
	grep -q '^am_client:' "$T/run.out" && sed -n 's/^/# /p' "$T/run.out"
	return 0
}

# make_hosts: one namespace per name in $HOSTS, each with a veth "eth0"
# (address 10.99.0.<index>/24) whose peer is a port of bridge br0 in the
# root namespace.  Output goes to $T/topo.out; returns non-zero on failure.
make_hosts() {
	{
		"$IP" link add br0 type bridge forward_delay 0 stp_state 0 &&
		"$IP" link set br0 up || return 1
		i=1
		for h in $HOSTS; do
			"$IP" netns add "$h" &&
			"$IP" link add eth0 netns "$h" type veth peer name "v$h" &&
			"$IP" link set "v$h" master br0 &&
			"$IP" link set "v$h" up &&
			in_ns "$h" "$IP" link set lo up &&
			in_ns "$h" "$IP" addr add "10.99.0.$i/24" dev eth0 &&
			in_ns "$h" "$IP" link set eth0 up || return 1
			i=$((i + 1))
		done
	} >"$T/topo.out" 2>&1
}

# The demo and bench payloads print results, not TAP.  die MESSAGE ends
# such a payload with a message; start_hosts loads amoeba.ko (unless it
# is loaded) and builds $HOSTS, or dies.
die() {
	echo "${0##*/}: $*" >&2
	cleanup
	exit 1
}

start_hosts() {
	[ -e /sys/module/amoeba ] || insmod "$MODDIR/amoeba.ko" ||
		die "insmod $MODDIR/amoeba.ko failed"
	make_hosts || { cat "$T/topo.out" >&2; die "cannot build the topology"; }
}

# wait_line FILE PID: wait until the server PID has printed its first line.
wait_line() {
	i=0
	while [ $i -lt 100 ]; do
		[ -s "$1" ] && return 0
		kill -0 "$2" 2>/dev/null || return 1
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

# start_server NS GETPORT NAME [ARGS...]: am_server in NS; sets $spid and
# prints nothing; its put-port goes to $T/NAME.out, messages to NAME.err.
start_server() {
	ns=$1 g=$2 name=$3
	shift 3
	"$IP" netns exec "$ns" "$PROGS/am_server" -g "$g" "$@" \
		>"$T/$name.out" 2>"$T/$name.err" &
	spid=$!
	pids="$pids $spid"
}

# new_sport: $CLIENT and $SERVER, the command prefixes that run a program
# where the clients run and where the server runs, over $TRANSPORT.  Over
# UDP the server listens on $SPORT, the clients' peer: a random port (call
# again for another if that one is taken).
new_sport() {
	SPORT=$((20000 + 0x$(head -c 2 /dev/urandom | od -An -tx1 | tr -d ' \n') % 40000))
	if [ "$TRANSPORT" = udp ]; then
		CLIENT="env AMOEBA_TRANSPORT=udp AMOEBA_UDP_PEERS=127.0.0.1:$SPORT"
		SERVER="env AMOEBA_TRANSPORT=udp AMOEBA_UDP_PORT=$SPORT"
	else
		CLIENT="$IP netns exec hostA env AMOEBA_TRANSPORT=kernel"
		SERVER="$IP netns exec hostB env AMOEBA_TRANSPORT=kernel"
	fi
}

# L: run locally, bounded; stdout in $T/l.out, stderr in $T/l.err.
# Returns the status.
L() {
	timeout 60 "$@" >"$T/l.out" 2>"$T/l.err"
}

# judge NAME WANT PATTERN STATUS OUT ERR: a TAP point, ok if STATUS is
# WANT and OUT or ERR matches PATTERN (if not empty).
judge() {
	[ "$4" -eq "$2" ] &&
		{ [ -z "$3" ] || cat "$5" "$6" | grep -qE -- "$3"; }
	tap $? "$1" ||
		{ diag "status $4, expected $2, output should match $3:";
		  diag_file "$5"; diag_file "$6"; }
}

# expect NAME STATUS PATTERN CMD...: as a client (the payload's A, which
# leaves $T/a.out and $T/a.err), CMD ends with STATUS and prints
# something matching PATTERN (if not empty) on stdout or stderr.
expect() {
	name=$1 want=$2 pattern=$3
	shift 3
	A "$@"
	judge "$name" "$want" "$pattern" $? "$T/a.out" "$T/a.err"
}

# lexpect NAME STATUS PATTERN CMD...: expect for a local command (L).
lexpect() {
	name=$1 want=$2 pattern=$3
	shift 3
	L "$@"
	judge "$name" "$want" "$pattern" $? "$T/l.out" "$T/l.err"
}

# flip_check CAP: the same capability with the last bit of its check
# field inverted.
flip_check() {
	last=$(echo "$1" | cut -c35)
	case $last in
	[0-9]) d=$((last ^ 1)) ;;
	*) d=$(printf '%x' $((0x$last ^ 1))) ;;
	esac
	echo "$1" | cut -c1-34 | tr -d '\n'
	echo "$d"
}

# finish: unload the module (a point of its own over the kernel
# transport), remove $T, print the plan and exit 0.
finish() {
	if [ "$TRANSPORT" = kernel ]; then
		cleanup
		rmmod amoeba
		tap $? "rmmod amoeba"
	fi
	cleanup
	rm -rf "$T"
	echo "1..$n"
	exit 0
}
