#!/bin/bash
# Boot a kernel and an initramfs from mkinitramfs.sh under QEMU (TCG), and
# turn what happened into output a TAP consumer can trust.
#
# Usage: qemu-run.sh --kernel BZIMAGE --initrd CPIO --log FILE
#                    [--timeout SECONDS] [--append "cmdline"] [--mem MB] [--smp N]
#
#   --timeout  kill QEMU after this many seconds (default 300)
#   --append   extra kernel command line (e.g. loglevel=5, NAME=value env)
#   --mem      guest memory in MB (default 1024, KASAN needs it)
#   --smp      guest CPUs (default 2)
#
# AMOEBA_VM_CPU, if set, is QEMU's -cpu model: "max" gives the guest
# SSE4.2 and the rest of what DPDK's code is built for, which QEMU's
# default model lacks.
#
# The serial console goes to the log file only.  Afterwards stdout gets the
# console lines between `AMOEBA-VM-START` and `AMOEBA-VM-END rc=N` (printed by
# the initramfs /init around its payload), with kernel timestamps and \r
# removed, so both the payload's TAP and the kernel's KTAP can be parsed.
#
# Exit status is non-zero, with one line on stderr and one TAP line
#   not ok 999 - qemu-run: <cause> (log: FILE)
# at the end of stdout, when: a kernel console line shows a problem (BUG,
# Oops, WARNING, panic, lockdep, KASAN, kmemleak, UBSAN, call trace), QEMU
# timed out, the end marker is missing, or the payload exited non-zero.
# Only kernel lines (those with a [ seconds ] prefix; printk.time=1 is always
# passed) are scanned, so a payload printing "WARNING:" is harmless.
set -eu

usage() { sed -n '2,/^set -eu/p' "$0" | sed -e '$d' -e 's/^# \{0,1\}//'; }

kernel='' initrd='' log='' timeout=300 append='' mem=1024 smp=2
while [ $# -gt 0 ]; do
	case $1 in
	--kernel) kernel=$2; shift ;;
	--initrd) initrd=$2; shift ;;
	--log) log=$2; shift ;;
	--timeout) timeout=$2; shift ;;
	--append) append=$2; shift ;;
	--mem) mem=$2; shift ;;
	--smp) smp=$2; shift ;;
	-h|--help) usage; exit 0 ;;
	*) usage >&2; exit 2 ;;
	esac
	shift
done
[ -n "$kernel" ] && [ -n "$initrd" ] && [ -n "$log" ] || { usage >&2; exit 2; }
[ -f "$kernel" ] || { echo "qemu-run: no kernel $kernel" >&2; exit 2; }
[ -f "$initrd" ] || { echo "qemu-run: no initrd $initrd" >&2; exit 2; }
mkdir -p "$(dirname "$log")"
: >"$log"

start=$(date +%s)
rc=0
# QEMU's own messages go to stderr; the guest's console only to the log.
timeout -k 10 "$timeout" qemu-system-x86_64 \
	-nographic -nodefaults -no-reboot -monitor none \
	-m "$mem" -smp "$smp" ${AMOEBA_VM_CPU:+-cpu "$AMOEBA_VM_CPU"} \
	-kernel "$kernel" -initrd "$initrd" \
	-append "console=ttyS0 panic=-1 printk.time=1 $append" \
	-serial "file:$log" </dev/null >&2 || rc=$?
echo "qemu-run: VM ran $(( $(date +%s) - start )) s (log: $log)" >&2

# Extract the payload and classify the first kernel problem in one pass.
# Prints the payload lines, then a last line "STATUS <code> <text>".
tr -d '\r' <"$log" | awk -v qrc="$rc" '
function problem(s) {
	if (s ~ /KASAN:/) return "KASAN report"
	if (s ~ /kmemleak:.*new suspected/) return "kmemleak report"
	if (s ~ /UBSAN:/) return "UBSAN report"
	if (s ~ /possible .*(locking|dependency|inversion)|suspicious RCU usage|inconsistent lock state|bad unlock balance|lock held when returning|held lock freed|non-static key|DEBUG_LOCKS_WARN_ON|INFO: .*detected/)
		return "lockdep report"
	if (s ~ /Kernel panic/) return "kernel panic"
	if (s ~ /general protection fault/) return "general protection fault"
	if (s ~ /BUG:|kernel BUG at/) return "kernel BUG"
	if (s ~ /Oops/) return "kernel Oops"
	if (s ~ /WARNING:/) return "kernel WARNING"
	if (s ~ /blocked for more than/) return "hung task"
	if (s ~ /Call Trace:/) return "kernel call trace"
	return ""
}
{
	line = $0
	kern = sub(/^\[ *[0-9]+\.[0-9]+\] /, "", line)
	if (kern && cause == "" && (p = problem(line)) != "") {
		cause = "kernel console: " p
		what = line
	}
	if (line ~ /AMOEBA-VM-END rc=[0-9]+/) {
		match(line, /AMOEBA-VM-END rc=[0-9]+/)
		endrc = substr(line, RSTART + 17, RLENGTH - 17) + 0
		ended = 1
		inside = 0
		next
	}
	if (line ~ /AMOEBA-VM-START/) { inside = 1; started = 1; next }
	if (inside) print line
}
END {
	if (cause != "") {
		gsub(/#/, "", what)
		msg = cause ": " what
	} else if (qrc == 124 || qrc == 137)
		msg = "timeout"
	else if (!started)
		msg = "no start marker (kernel or /init failed to boot)"
	else if (!ended)
		msg = "no end marker (payload or kernel died)"
	else if (endrc != 0)
		msg = "payload exited rc=" endrc
	else if (qrc != 0)
		msg = "qemu exited rc=" qrc
	print "STATUS " msg
}' >"$log.out"

status=$(tail -n 1 "$log.out")
sed '$d' "$log.out"
rm -f "$log.out"
msg=${status#STATUS}
msg=${msg# }
if [ -n "$msg" ]; then
	[ "$msg" = timeout ] && msg="timeout after $timeout s"
	echo "qemu-run: FAIL: $msg (log: $log)" >&2
	echo "not ok 999 - qemu-run: $msg (log: $log)"
	exit 1
fi
exit 0
