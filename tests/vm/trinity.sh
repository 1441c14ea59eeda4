#!/bin/sh
# Payload of tests/trinity.t, run as root inside the debug-kernel VM by
# busybox sh: load amoeba.ko, let the trinity system call fuzzer hammer
# AF_AMOEBA sockets for AMOEBA_TRINITY_SECONDS (default 60), unload the
# module and ask kmemleak for leaks.  Prints TAP on stdout; kernel reports
# (oops, WARN, lockdep, KASAN, ...) are caught on the console by qemu-run.sh.
#
# How trinity is aimed at the family (trinity 2023.01, Debian bookworm):
# - `-P NAME` restricts every socket it makes and every address it builds to
#   one family, by name only; our number 22 is PF_SNA in its table (18 and
#   25, the other documented free numbers, are ASH and WANPIPE).
# - trinity refuses to create sockets of families it thinks are not
#   implemented (SNA is one), so its socket pool would stay empty and every
#   fd argument would be -1.  It does trust its socket cache file
#   (./trinity.socketcache, records of three native ints: family, type,
#   protocol), so the payload writes one with AMOEBA_TRINITY_SOCKETS records
#   of (22, SOCK_DGRAM, 0), the only kind AF_AMOEBA creates.  trinity opens
#   them at start, sets random socket options, and its children share them.
# - `-c` limits the calls to the socket and file-descriptor system calls
#   (the other ~400 would mostly fuzz the rest of the kernel), and
#   --enable-fds=sockets keeps fd arguments on sockets.
# - trinity runs as nobody (unprivileged users are who a socket family must
#   withstand; running as root also costs a 10 s countdown per start).
# - trinity 2023.01 itself sometimes segfaults: its random setsockopt
#   generator, used for every family it has no option table for, indexes
#   its protocol table with a negative number.  In a child that is
#   harmless (trinity starts another child); when it hits trinity-main
#   while it sets up the sockets, the run ends early, so the payload starts
#   trinity again with a new seed until the time is used up (a crashed start
#   costs about a second), and adds up the system calls of all runs.
#
# Environment (kernel command line words become environment variables):
#   AMOEBA_TRINITY_SECONDS   fuzzing time, default 60
#   AMOEBA_TRINITY_CHILDREN  trinity child processes, default 4
#   AMOEBA_TRINITY_SOCKETS   AF_AMOEBA sockets in trinity's pool, default 4
#                            (each one is a chance for the crash above)
#   AMOEBA_TRINITY_SEED      seed of the first run (later runs: seed+1, ...)
#   MODDIR                   directory holding amoeba.ko

MODDIR=${MODDIR:-/lib/modules}
secs=${AMOEBA_TRINITY_SECONDS:-60}
children=${AMOEBA_TRINITY_CHILDREN:-4}
nsock=${AMOEBA_TRINITY_SOCKETS:-4}
seed=${AMOEBA_TRINITY_SEED:-}
W=/tmp/trinity
kml=/sys/kernel/debug/kmemleak
calls="socket bind connect listen accept4 getsockname getpeername
setsockopt getsockopt sendto recvfrom sendmsg recvmsg sendmmsg recvmmsg
shutdown ioctl poll ppoll select read write readv writev fcntl dup close"

n=0
tap() {
	n=$((n + 1))
	echo "$1 $n - $2"
}
# The remaining test points when an early step fails.
give_up() {
	while [ $n -lt 4 ]; do tap "not ok" "$1"; done
	echo "1..4"
	exit 0
}

# Kill every trinity process left (children can outlive trinity-main).
reap_trinity() {
	i=0
	while [ $i -lt 20 ]; do
		left=""
		for d in /proc/[0-9]*; do
			read -r comm <"$d/comm" 2>/dev/null || continue
			case $comm in trinity*) left="$left ${d#/proc/}" ;; esac
		done
		[ -z "$left" ] && return 0
		# shellcheck disable=SC2086 # a list of pids
		kill -KILL $left 2>/dev/null
		sleep 0.5
		i=$((i + 1))
	done
	echo "# trinity processes still alive:$left"
	return 1
}

# Whatever leaked while booting is not ours: scan with the console muted
# (the report is printk'ed) and mark those objects as already reported.
if [ -w $kml ]; then
	read -r level rest </proc/sys/kernel/printk
	echo 1 >/proc/sys/kernel/printk
	echo scan >$kml && echo scan >$kml && echo clear >$kml
	echo "$level" >/proc/sys/kernel/printk
fi

if insmod "$MODDIR/amoeba.ko"; then
	tap ok "insmod amoeba.ko"
else
	tap "not ok" "insmod amoeba.ko"
	give_up "skipped: amoeba.ko did not load"
fi

fam=$(cat /sys/module/amoeba/parameters/family)
case $fam in
18) dom=ASH ;;
22) dom=SNA ;;
25) dom=WANPIPE ;;
*)
	tap "not ok" "family $fam has no name in trinity's table (use 18, 22 or 25)"
	rmmod amoeba
	give_up "skipped: no trinity domain"
	;;
esac

grep -q '^nobody:' /etc/passwd ||
	echo 'nobody:x:65534:65534:nobody:/nonexistent:/bin/sh' >>/etc/passwd
grep -q '^nogroup:' /etc/group || echo 'nogroup:x:65534:' >>/etc/group
# mkinitramfs's root directory is mode 0700 (mktemp -d): nobody could not
# even run /bin/sh.
chmod 755 /
mkdir -p $W
chmod 1777 $W
cd $W || give_up "skipped: no $W"

# One cache record: family, SOCK_DGRAM (2), protocol 0, little-endian.
rec="\\$(printf %03o "$fam")\\000\\000\\000\\002\\000\\000\\000\\000\\000\\000\\000"
args="-q -l off -P $dom -C $children --enable-fds=sockets"
for c in $calls; do args="$args -c $c"; done
echo "# trinity $args [-s SEED]  (family $fam = $dom, $nsock sockets, $secs s, as nobody)"

start=$(date +%s)
end=$((start + secs))
runs=0 crashed=0 total=0 succ=0 fail=0
now=$start
while [ "$now" -lt "$end" ]; do
	left=$((end - now))
	runs=$((runs + 1))
	rm -f trinity.socketcache
	i=0
	while [ $i -lt "$nsock" ]; do
		# shellcheck disable=SC2059 # $rec is the format: octal escapes
		printf "$rec" >>trinity.socketcache
		i=$((i + 1))
	done
	chmod 666 trinity.socketcache
	s=""
	[ -n "$seed" ] && s="-s $((seed + runs - 1))"
	# SIGINT makes trinity stop its children and print its totals; SIGKILL
	# 30 s later is the backstop.  su, sh -c and both timeouts exec, so all
	# of them are trinity-main's pid.
	timeout -s KILL $((left + 30)) su -s /bin/sh nobody -c \
		"exec timeout -s INT $left trinity $args $s" >run.log 2>&1
	rc=$?
	reap_trinity
	grep -m 1 'Initial random seed' run.log | sed 's/^/# run '"$runs"': /'
	line=$(grep -m 1 'Ran [0-9]* syscalls' run.log)
	if [ -n "$line" ]; then
		# shellcheck disable=SC2046 # three numbers
		set -- $(echo "$line" | sed 's/.*Ran \([0-9]*\) syscalls. Successes: \([0-9]*\) *Failures: \([0-9]*\).*/\1 \2 \3/')
		total=$((total + $1)) succ=$((succ + $2)) fail=$((fail + $3))
		echo "# run $runs: $1 system calls (rc=$rc)"
	else
		crashed=$((crashed + 1))
		echo "# run $runs: trinity ended without totals (rc=$rc), last lines:"
		grep -v '^\[child' run.log | tail -n 3 | cut -c1-200 | sed 's/^/#   /'
		# Nothing ran yet and little time is left: show more of why.
		[ $total -eq 0 ] && [ $((end - $(date +%s))) -lt 5 ] &&
			grep -v '^\[child' run.log | tail -n 20 | cut -c1-200 | sed 's/^/#   /'
	fi
	now=$(date +%s)
done
ran=$((now - start))

echo "# /proc/net/amoeba after the runs (non-zero lines):"
grep -v ' 0$' /proc/net/amoeba | sed 's/^/#   /'
what="trinity on family $fam ($dom) for $ran s: $total system calls ($succ succeeded, $fail failed) in $runs runs"
[ $crashed -gt 0 ] && what="$what, $crashed of them cut short by a trinity crash"
if [ $total -gt 0 ] && [ $ran -ge "$secs" ]; then
	tap ok "$what"
else
	tap "not ok" "$what"
fi

# Every trinity process is gone, so every socket is closed: rmmod must work.
if rmmod amoeba; then
	tap ok "rmmod amoeba"
else
	tap "not ok" "rmmod amoeba after trinity exited"
	grep -v ' 0$' /proc/net/amoeba 2>/dev/null | sed 's/^/# /'
fi

if [ -w $kml ]; then
	# kmemleak ignores objects younger than 5 s, and objects it has not yet
	# seen unchanged across two scans.
	sleep 6
	echo scan >$kml
	echo scan >$kml
	leaks=$(cat $kml)
	if [ -z "$leaks" ]; then
		tap ok "kmemleak scan"
	else
		echo "$leaks" | sed 's/^/# /'
		tap "not ok" "kmemleak scan found leaks"
	fi
else
	tap "not ok" "kmemleak: no $kml"
fi
echo "1..$n"
