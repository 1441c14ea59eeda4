#!/bin/bash
# Fuzz AF_AMOEBA with trinity (Debian's system call fuzzer) in the debug
# kernel (lockdep, KASAN, kmemleak) under QEMU, and report flat TAP for prove.
#
# Steps: scripts/debug-kernel.sh gives the (cached) debug kernel tree;
# scripts/build-module.sh builds amoeba.ko against it in
# ${AMOEBA_BUILD:-build}/debug-trinity (its own copy, so that it never races
# kunit.t's build/debug); the VM runs tests/vm/trinity.sh, which loads the
# module, runs trinity as nobody on AF_AMOEBA sockets for
# AMOEBA_TRINITY_SECONDS, unloads the module and asks kmemleak for leaks
# (see the payload for the trinity command line and why).  The payload's
# test points (insmod, trinity ran, rmmod, kmemleak) are renumbered here; a
# kernel problem on the console (oops, BUG, WARN, lockdep, KASAN, kmemleak,
# timeout: see scripts/qemu-run.sh) is one more `not ok`.
#
# Environment: AMOEBA_BUILD (build root), AMOEBA_CACHE (see debug-kernel.sh),
# AMOEBA_TRINITY_SECONDS (fuzzing time, default 60), AMOEBA_TRINITY_APPEND
# (more kernel command line words, e.g. AMOEBA_TRINITY_SEED=N or
# AMOEBA_TRINITY_CHILDREN=N for the payload), AMOEBA_TRINITY_TIMEOUT (seconds
# for the whole VM, default fuzzing time + 240).
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
build=${AMOEBA_BUILD:-build}
case $build in /*) ;; *) build=$top/$build ;; esac
out=$build/debug-trinity
secs=${AMOEBA_TRINITY_SECONDS:-60}
mkdir -p "$out"

# Before any TAP is printed, a failing step is a single failed test.
bail() {
	echo "not ok 1 - $1"
	[ -n "${2-}" ] && [ -f "$2" ] && tail -n 30 "$2" | sed 's/^/# /'
	echo "1..1"
	exit 1
}

case $secs in '' | *[!0-9]*) bail "AMOEBA_TRINITY_SECONDS=$secs is not a number" ;; esac
trinity=$(command -v trinity || true)
[ -z "$trinity" ] && [ -x /usr/bin/trinity ] && trinity=/usr/bin/trinity
[ -n "$trinity" ] || bail "trinity not installed (make deps, or apt-get install trinity)"

kdir=$("$top/scripts/debug-kernel.sh") || bail "debug kernel build"
echo "# debug kernel: $kdir"

"$top/scripts/build-module.sh" "$kdir" "$out" >"$out/build.log" 2>&1 ||
	bail "module build against the debug kernel ($out/build.log)" "$out/build.log"
[ -f "$out/kmod/amoeba.ko" ] || bail "no $out/kmod/amoeba.ko after build-module.sh"

"$top/scripts/mkinitramfs.sh" --out "$out/trinity.cpio.gz" \
	--run "$top/tests/vm/trinity.sh" --module "$out/kmod/amoeba.ko" \
	--bin "$trinity" || bail "initramfs build"

# qemu-run's exit status is reported through its own `not ok` line.
"$top/scripts/qemu-run.sh" --kernel "$kdir/arch/x86/boot/bzImage" \
	--initrd "$out/trinity.cpio.gz" --log "$out/trinity-console.log" \
	--timeout "${AMOEBA_TRINITY_TIMEOUT:-$((secs + 240))}" --mem 1024 --smp 2 \
	--append "AMOEBA_TRINITY_SECONDS=$secs ${AMOEBA_TRINITY_APPEND-}" |
awk '
/^(not )?ok( [0-9]+)?( |$)/ {
	ok = ($0 ~ /^ok/); s = $0
	sub(/^(not )?ok( [0-9]+)?/, "", s)
	printf "%s %d%s\n", ok ? "ok" : "not ok", ++n, s
	if (s !~ /^ - qemu-run: /) ran++
	next
}
/^1\.\.[0-9]+/ { s = $0; sub(/^1\.\./, "", s); plan = s + 0; planned = 1; next }
/^#/ { print; next }
{ print "# " $0 }
END {
	if (!planned) printf "not ok %d - trinity payload printed no plan\n", ++n
	else if (plan != ran) printf "not ok %d - trinity payload planned %d tests, ran %d\n", ++n, plan, ran
	printf "1..%d\n", n
}'
