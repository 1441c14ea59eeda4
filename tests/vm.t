#!/bin/bash
# Integration tests on a stock Debian kernel under QEMU; usage: vm.t SERIES
# (6.1 or 6.12).  Run through the wrappers tests/vm-6.1.t and vm-6.12.t;
# without an argument (prove tests/*.t) it skips.
#
# The stock image is the one install-deps.sh unpacked into
# ${AMOEBA_CACHE:-/var/cache/amoeba}/images/linux-image-SERIES.*-amd64; the
# module is built by scripts/build-module.sh against the matching
# /usr/src/linux-headers-<kver> into ${AMOEBA_BUILD:-build}/<kver>, the test
# programs by `make progs`.  The initramfs holds amoeba.ko and the stock
# modules veth, bridge and sch_netem with their dependencies (all flat in
# /lib/modules, decompressed, inserted in dependency order by a wrapper
# before the payload starts), the
# ELF executables of tests/progs/ in /bin, and tests/vm/ as /vm.  The payload
# is /vm/integration.sh, run with MODDIR, PROGS, IP and TC set (see
# scripts/mkinitramfs.sh); its top-level TAP is renumbered into this file's
# TAP, anything else becomes a `#` comment.  A missing or wrong plan, a
# failed step and a kernel problem on the console are each a `not ok`.
#
# Environment: AMOEBA_BUILD, AMOEBA_CACHE, AMOEBA_VM_TIMEOUT (seconds,
# default 600), AMOEBA_VM_APPEND (extra kernel command line, default
# loglevel=5 so that only warnings and worse interleave with the TAP).
set -eu

series=${1-}
if [ -z "$series" ]; then
	echo "1..0 # SKIP run as vm-6.1.t / vm-6.12.t"
	exit 0
fi

top=$(cd "$(dirname "$0")/.." && pwd)
cache=${AMOEBA_CACHE:-/var/cache/amoeba}
build=${AMOEBA_BUILD:-build}
case $build in /*) ;; *) build=$top/$build ;; esac
stockmods="veth bridge sch_netem"

bail() {
	echo "not ok 1 - $1"
	[ -n "${2-}" ] && [ -f "$2" ] && tail -n 30 "$2" | sed 's/^/# /'
	echo "1..1"
	exit 1
}

img=$(ls -d "$cache/images/linux-image-$series".*-amd64 2>/dev/null | sort -V | tail -n 1)
[ -n "$img" ] || bail "no unpacked linux-image-$series.*-amd64 in $cache/images (run scripts/install-deps.sh)"
kver=$(basename "$(ls -d "$img"/lib/modules/* | head -n 1)")
moddir=$img/lib/modules/$kver
vmlinuz=$img/boot/vmlinuz-$kver
headers=/usr/src/linux-headers-$kver
[ -f "$vmlinuz" ] || bail "no $vmlinuz"
[ -d "$headers" ] || bail "no $headers (install linux-headers-$kver)"
out=$build/$kver
mkdir -p "$out"
echo "# kernel $kver, build $out"

"$top/scripts/build-module.sh" "$headers" "$out" >"$out/build.log" 2>&1 ||
	bail "module build against $kver ($out/build.log)" "$out/build.log"
[ -f "$out/kmod/amoeba.ko" ] || bail "no $out/kmod/amoeba.ko after build-module.sh"
make -s -C "$top" progs >"$out/progs.log" 2>&1 ||
	bail "make progs ($out/progs.log)" "$out/progs.log"

# Stock modules and their dependencies, dependencies first.  The unpacked
# image has no modules.dep (depmod runs at install time), so ask each .ko.
declare -A kofile
while IFS= read -r f; do
	n=${f##*/}; n=${n%%.ko*}; kofile[${n//-/_}]=$f
done < <(find "$moddir/kernel" -name '*.ko*')
order=""
add_module() {    # $1: module name with underscores
	case " $order " in *" $1 "*) return 0 ;; esac
	local f d
	f=${kofile[$1]-}
	if [ -z "$f" ]; then
		grep -q "/$1\.ko" "$moddir/modules.builtin" && return 0
		bail "module $1 is neither a module nor built into $kver"
	fi
	for d in $(modinfo -F depends "$f" | tr , ' '); do
		add_module "${d//-/_}"
	done
	order="$order $1"
}
for m in $stockmods; do add_module "$m"; done
modargs=() insmods=""
for m in $order; do
	f=${kofile[$m]}
	modargs+=(--module "$f")
	f=${f##*/}; insmods="$insmods ${f%%.ko*}.ko"
done
echo "# stock modules:$insmods"

progargs=()
for p in "$top"/tests/progs/*; do
	[ -f "$p" ] && [ -x "$p" ] && [ "$(head -c 4 "$p")" = "$(printf '\177ELF')" ] &&
		progargs+=(--bin "$p")
done
[ -f "$top/tests/vm/integration.sh" ] || bail "no tests/vm/integration.sh"

cat >"$out/vm-run.sh" <<EOF
for m in$insmods; do
	insmod "\$MODDIR/\$m" || { echo "not ok 1 - insmod stock module \$m"; exit 1; }
done
exec sh /vm/integration.sh
EOF

"$top/scripts/mkinitramfs.sh" --out "$out/vm.cpio.gz" --run "$out/vm-run.sh" \
	--module "$out/kmod/amoeba.ko" "${modargs[@]}" ${progargs[@]+"${progargs[@]}"} \
	--file "$top/tests/vm:/vm" || bail "initramfs build"

"$top/scripts/qemu-run.sh" --kernel "$vmlinuz" --initrd "$out/vm.cpio.gz" \
	--log "$out/vm-console.log" --timeout "${AMOEBA_VM_TIMEOUT:-600}" \
	--append "${AMOEBA_VM_APPEND-loglevel=5}" --mem 1024 --smp 2 |
awk '
/^(not )?ok( [0-9]+)?( |$)/ {
	ok = ($0 ~ /^ok/); s = $0
	sub(/^(not )?ok( [0-9]+)?/, "", s)
	printf "%s %d%s\n", ok ? "ok" : "not ok", ++n, s
	if (s !~ /^ - qemu-run: /) ran++
	next
}
/^1\.\.[0-9]+/ { s = $0; sub(/^1\.\./, "", s); plan = s + 0; planned = 1; skipall = (s ~ /# *SKIP/) ? $0 : ""; next }
/^Bail out!/ { printf "not ok %d - integration.sh: %s\n", ++n, $0; next }
/^TAP version/ { next }
{ print "# " $0 }
END {
	if (n == 0 && planned && plan == 0 && skipall != "") { print skipall; exit }
	if (!planned) printf "not ok %d - integration.sh printed no plan\n", ++n
	else if (plan != ran) printf "not ok %d - integration.sh planned %d tests, ran %d\n", ++n, plan, ran
	printf "1..%d\n", n
}'
