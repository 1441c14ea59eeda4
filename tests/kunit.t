#!/bin/bash
# Run the module's KUnit suites in the debug kernel (lockdep, KASAN,
# kmemleak) under QEMU, and report them as flat TAP for prove.
#
# Steps: scripts/debug-kernel.sh gives the (cached) debug kernel tree;
# scripts/build-module.sh builds amoeba.ko and amoeba_kunit.ko against it in
# ${AMOEBA_BUILD:-build}/debug; the VM inserts both modules (the KUnit suites
# run at insmod and print KTAP on the console), removes them again, and asks
# kmemleak for leaks.  Each KUnit test case becomes one `ok N - suite.case`
# line; each VM step (insmod, rmmod, kmemleak) one more; a suite that
# reports fewer cases than it planned, missing KTAP, or a kernel problem on
# the console (see scripts/qemu-run.sh) is a `not ok`.
#
# Environment: AMOEBA_BUILD (build root), AMOEBA_CACHE (see debug-kernel.sh),
# AMOEBA_KUNIT_TIMEOUT (seconds for the VM, default 600).
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
build=${AMOEBA_BUILD:-build}
case $build in /*) ;; *) build=$top/$build ;; esac
out=$build/debug
mkdir -p "$out"

# Before any TAP is printed, a failing step is a single failed test.
bail() {
	echo "not ok 1 - $1"
	[ -n "${2-}" ] && [ -f "$2" ] && tail -n 30 "$2" | sed 's/^/# /'
	echo "1..1"
	exit 1
}

kdir=$("$top/scripts/debug-kernel.sh") || bail "debug kernel build"
echo "# debug kernel: $kdir"

"$top/scripts/build-module.sh" "$kdir" "$out" >"$out/build.log" 2>&1 ||
	bail "module build against the debug kernel ($out/build.log)" "$out/build.log"
for m in kmod/amoeba.ko kmod/tests/amoeba_kunit.ko; do
	[ -f "$out/$m" ] || bail "no $out/$m after build-module.sh"
done

# The payload: each step prints a `STEP ok|not ok - what` line that the
# converter below turns into a test point.
cat >"$out/kunit-run.sh" <<'EOF'
step() { if "$@"; then echo "STEP ok - $*"; else echo "STEP not ok - $*"; return 1; fi; }
kml=/sys/kernel/debug/kmemleak
# Whatever leaked while booting is not ours: scan with the console muted
# (the report is printk'ed) and mark those objects as already reported.
if [ -w $kml ]; then
	read -r level rest </proc/sys/kernel/printk
	echo 1 >/proc/sys/kernel/printk
	echo scan >$kml && echo scan >$kml && echo clear >$kml
	echo "$level" >/proc/sys/kernel/printk
fi
step insmod "$MODDIR/amoeba.ko" || exit 0
step insmod "$MODDIR/amoeba_kunit.ko" || exit 0
step rmmod amoeba_kunit || exit 0
step rmmod amoeba || exit 0
if [ -w $kml ]; then
	# kmemleak ignores objects younger than 5 s, and objects it has not yet
	# seen unchanged across two scans.
	sleep 6
	echo scan >$kml
	echo scan >$kml
	leaks=$(cat $kml)
	if [ -z "$leaks" ]; then echo "STEP ok - kmemleak scan"
	else echo "$leaks"; echo "STEP not ok - kmemleak scan found leaks"; fi
fi
EOF

"$top/scripts/mkinitramfs.sh" --out "$out/kunit.cpio.gz" --run "$out/kunit-run.sh" \
	--module "$out/kmod/amoeba.ko" --module "$out/kmod/tests/amoeba_kunit.ko" ||
	bail "initramfs build"

# qemu-run's exit status is reported through its own `not ok` line.
"$top/scripts/qemu-run.sh" --kernel "$kdir/arch/x86/boot/bzImage" \
	--initrd "$out/kunit.cpio.gz" --log "$out/kunit-console.log" \
	--timeout "${AMOEBA_KUNIT_TIMEOUT:-600}" --mem 1024 --smp 2 |
awk '
function emit(ok, desc) { printf "%s %d - %s\n", ok ? "ok" : "not ok", ++n, desc }
function indent(s) { match(s, /^ */); return RLENGTH }
# Close the open subtests at indentation >= i; a suite (depth 1) left
# without its result line is reported here, deeper ones via their parent.
function close_to(i, why) {
	while (sp > 0 && ind[sp] >= i) {
		if (sp == 1 && why != "") emit(0, name[1] ": " why)
		last_name = name[sp]; last_plan = plan[sp]; last_seen = seen[sp]
		last_bad = bad[sp]; sp--
	}
}
/^not ok [0-9]+ - qemu-run: / { sub(/^not ok [0-9]+ - /, ""); emit(0, $0); next }
/^STEP (ok|not ok) - / { s = $0; sub(/^STEP (ok|not ok) - /, "", s); emit($2 == "ok", s); next }
/^ *# Subtest: / {
	i = indent($0); close_to(i, "KTAP ended early")
	s = $0; sub(/^ *# Subtest: /, "", s)
	sp++; ind[sp] = i; name[sp] = s; plan[sp] = -1; seen[sp] = 0; bad[sp] = 0
	suites++
	next
}
/^ *1\.\.[0-9]+ *$/ {
	i = indent($0); if (sp > 0 && ind[sp] == i) { s = $0; sub(/^ *1\.\./, "", s); plan[sp] = s + 0 }
	next
}
/^ *(not )?ok [0-9]+( |$)/ {           # the " - " before the name is optional
	i = indent($0); s = $0; sub(/^ *(not )?ok [0-9]+( - | )?/, "", s)
	ok = ($0 !~ /^ *not ok/)
	skip = ""
	if (match(s, / # SKIP.*$/)) { skip = substr(s, RSTART); s = substr(s, 1, RSTART - 1) }
	last_name = ""
	close_to(i + 1, "")
	# A closed child subtest that stopped short fails its parent result.
	short = (last_name == s && last_plan >= 0 && last_seen < last_plan)
	if (sp > 0 && ind[sp] == i) seen[sp]++
	if (sp == 1) {                          # a test case of suite name[1]
		if (!ok || short) bad[1]++
		emit(ok && !short, name[1] "." s (short ? " (stopped early)" : "") skip)
	} else if (sp == 0 && last_name == s) { # a suite result
		if (last_plan >= 0 && last_seen < last_plan)
			emit(0, s ": only " last_seen " of " last_plan " test cases reported")
		else if (!ok && last_bad == 0)
			emit(0, s ": suite failed outside its test cases")
	} else if (sp == 0 && !ok)
		emit(0, s)
	next
}
/^ *KTAP version/ { next }
{ print "# " $0 }
END {
	close_to(0, "KTAP ended early")
	if (!suites) emit(0, "KUnit printed no KTAP (see console log)")
	printf "1..%d\n", n
}'
