#!/bin/sh
# Payload of tests/unload.t (the debug kernel) and tests/vm-unload-*.t
# (Debian's stock kernels), run as root inside the VM by busybox sh: while RPCs of every kind run on the module (small and 1 MiB,
# across a bridge, over UDP and within one host), rmmod must be refused;
# once the processes are killed in the middle of their calls, the module
# must unload with the namespaces it served still alive, load again and
# work.
# Prints TAP; kernel reports (oops, WARN, lockdep, KASAN) are caught on the
# console by qemu-run.sh, leaks by the kmemleak point at the end (skipped
# on kernels without kmemleak, such as Debian's).

IP=${IP:-ip}
PROGS=${PROGS:-/bin}
MODDIR=${MODDIR:-/lib/modules}
T=$(mktemp -d /tmp/unload.XXXXXX)
HOSTS="hostA hostB"
pids=""
kml=/sys/kernel/debug/kmemleak

. /vm/lib.sh

# Leaks from booting are not ours: mark them reported, console muted.
if [ -w $kml ]; then
	read -r level rest </proc/sys/kernel/printk
	echo 1 >/proc/sys/kernel/printk
	echo scan >$kml && echo scan >$kml && echo clear >$kml
	echo "$level" >/proc/sys/kernel/printk
fi

insmod "$MODDIR/amoeba.ko"
tap $? "insmod amoeba.ko" || bail "cannot load the module"
make_hosts
tap $? "two namespace hosts on a bridge" || { diag_file "$T/topo.out"; bail "no topology"; }

# Each host also a UDP peer of the other, forwarding on: the UDP sockets,
# their work items and learnt routes must go with the module too.
ok=0
for h in hostA hostB; do
	peer=10.99.0.$([ $h = hostA ] && echo 2 || echo 1):3366
	in_ns $h sh -c "echo 3366 >/proc/sys/net/amoeba/udp_port &&
		echo $peer >/proc/sys/net/amoeba/udp_peers &&
		echo 1 >/proc/sys/net/amoeba/forwarding" || ok=1
done
tap $ok "hostA and hostB are each other's FLIP-over-UDP peers, forwarding"

G=$(random_port)
start_server hostB "$G" srv -t 4 -q
P=$(wait_port "$T/srv.out" $spid)
tap $? "am_server in hostB serves put-port ${P:-?}" || bail "no server"

# Calls that would run for minutes: they end by being killed.  (Not through
# in_ns: a backgrounded function is a subshell, and killing it would leave
# its child running.)
"$IP" netns exec hostA "$PROGS/am_client" -p "$P" -n 3000 -s 1048576 -j 2 >/dev/null 2>&1 &
pids="$pids $!"
"$IP" netns exec hostA "$PROGS/am_client" -p "$P" -n 200000 -s 100 -j 2 >/dev/null 2>&1 &
pids="$pids $!"
"$IP" netns exec hostB "$PROGS/am_client" -p "$P" -n 10000 -s 300000 >/dev/null 2>&1 &
pids="$pids $!"

sleep 3
a=$(field hostA stat trans)
sleep 2
b=$(field hostA stat trans)
c=$(field hostB stat getreq)
[ "$b" -gt "$a" ] && [ "$c" -gt 0 ]
tap $? "calls are running (hostA trans $a -> $b, hostB getreq $c)"

rmmod amoeba 2>"$T/rmmod.err"
st=$?
[ $st -ne 0 ] && lsmod | grep -q '^amoeba '
tap $? "rmmod refused while sockets are open" || diag_file "$T/rmmod.err"

for p in $pids; do
	kill -KILL "$p" 2>/dev/null
done
for p in $pids; do
	wait "$p" 2>/dev/null
done
pids=""

# Sockets close as their processes exit; the namespaces stay.
i=0
until rmmod amoeba 2>"$T/rmmod.err"; do
	i=$((i + 1))
	[ $i -ge 50 ] && break
	sleep 0.2
done
! lsmod | grep -q '^amoeba '
if ! tap $? "rmmod after killing every process mid-call, namespaces alive"; then
	diag_file "$T/rmmod.err"
	diag "refcnt $(cat /sys/module/amoeba/refcnt)"
	ps >"$T/ps" 2>&1
	diag_file "$T/ps"
	for s in /proc/[0-9]*/stack; do
		grep -q amoeba "$s" 2>/dev/null && { diag "$s:"; diag_file "$s"; }
	done
	diag_proc hostA
	diag_proc hostB
fi

insmod "$MODDIR/amoeba.ko"
tap $? "insmod again" || bail "cannot load the module again"
G=$(random_port)
start_server hostB "$G" srv -t 4 -q
P=$(wait_port "$T/srv.out" $spid)
timeout 60 "$IP" netns exec hostA "$PROGS/am_client" -p "$P" -n 5 -s 1048576 \
	>"$T/cli.out" 2>&1
tap $? "five 1 MiB echoes after reloading" || diag_file "$T/cli.out"
kill -KILL $spid 2>/dev/null
wait $spid 2>/dev/null
pids=""
cleanup
rmmod amoeba
tap $? "rmmod after the namespaces are gone"

if [ -w $kml ]; then
	# kmemleak ignores objects younger than 5 s, and objects it has not
	# seen unchanged across two scans.
	sleep 6
	echo scan >$kml
	echo scan >$kml
	leaks=$(cat $kml)
	[ -z "$leaks" ]
	tap $? "kmemleak finds no leak" || echo "$leaks" | sed 's/^/# /'
elif [ -e /sys/kernel/debug ] && ! grep -q kmemleak /proc/kallsyms; then
	skip "this kernel has no kmemleak"
else
	tap 1 "kmemleak: no $kml"
fi
echo "1..$n"
