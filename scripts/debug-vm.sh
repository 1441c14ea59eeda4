#!/bin/bash
# Run a TAP payload from tests/vm/ in the debug kernel (lockdep, KASAN,
# kmemleak) under QEMU, with amoeba.ko built for it, and print flat TAP
# for prove.
#
# Usage: debug-vm.sh NAME PAYLOAD [--bin FILE]... [--timeout S] [--append W]
#   NAME       build directory ${AMOEBA_BUILD:-build}/debug-NAME (its own, so
#              that tiers never race each other's builds)
#   PAYLOAD    a script in tests/vm/, run as /run.sh; tests/vm/ is /vm
#   --bin      an executable to put in /bin (see scripts/mkinitramfs.sh)
#   --timeout  seconds for the whole VM (default 600)
#   --append   kernel command line words (NAME=value reach the payload)
#
# The payload's test points are renumbered (scripts/tap-renumber.awk); a
# kernel problem on the console (oops, BUG, WARN, lockdep, KASAN, kmemleak,
# timeout: see qemu-run.sh) is one more `not ok`, and so is a payload that
# ran fewer points than its plan.
# Problems before the VM boots are a single `not ok`.
set -eu

case ${1-} in -h|--help|"") sed -n '2,/^set -eu/p' "$0" | sed -e '$d' -e 's/^# \{0,1\}//'; exit 0 ;; esac
name=$1
payload=$2
shift 2
bins=() timeout=600 append=''
while [ $# -gt 0 ]; do
	case $1 in
	--bin) bins+=(--bin "$2"); shift ;;
	--timeout) timeout=$2; shift ;;
	--append) append=$2; shift ;;
	*) echo "debug-vm: unknown option $1" >&2; exit 2 ;;
	esac
	shift
done

top=$(cd "$(dirname "$0")/.." && pwd)
build=${AMOEBA_BUILD:-build}
case $build in /*) ;; *) build=$top/$build ;; esac
out=$build/debug-$name
mkdir -p "$out"

bail() {
	echo "not ok 1 - $1"
	[ -n "${2-}" ] && [ -f "$2" ] && tail -n 30 "$2" | sed 's/^/# /'
	echo "1..1"
	exit 1
}

[ -f "$top/tests/vm/${payload##*/}" ] || bail "payload $payload is not in tests/vm/"
kdir=$("$top/scripts/debug-kernel.sh") || bail "debug kernel build"
echo "# debug kernel: $kdir"

"$top/scripts/build-module.sh" "$kdir" "$out" >"$out/build.log" 2>&1 ||
	bail "module build against the debug kernel ($out/build.log)" "$out/build.log"
[ -f "$out/kmod/amoeba.ko" ] || bail "no $out/kmod/amoeba.ko after build-module.sh"

"$top/scripts/mkinitramfs.sh" --out "$out/$name.cpio.gz" \
	--run "$top/tests/vm/${payload##*/}" --module "$out/kmod/amoeba.ko" \
	--file "$top/tests/vm:/vm" "${bins[@]}" || bail "initramfs build"

# qemu-run's exit status is reported through its own `not ok` line.
"$top/scripts/qemu-run.sh" --kernel "$kdir/arch/x86/boot/bzImage" \
	--initrd "$out/$name.cpio.gz" --log "$out/$name-console.log" \
	--timeout "$timeout" --mem 1024 --smp 2 --append "$append" |
awk -v payload="$name" -f "$top/scripts/tap-renumber.awk"
