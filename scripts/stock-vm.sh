#!/bin/bash
# Boot one of Debian's stock kernels under QEMU with amoeba.ko, the stock
# veth, bridge and netem modules, the test programs and tests/vm/, and run
# PAYLOAD (a busybox sh script) inside; print what qemu-run.sh prints.
#
# Usage: stock-vm.sh SERIES PAYLOAD [--smp N]
#   SERIES   6.1 or 6.12
#   PAYLOAD  a script in tests/vm/ (the whole directory is in the image)
#   --smp    virtual CPUs (default 2)
#
# The image is the one install-deps.sh unpacked into
# ${AMOEBA_CACHE:-/var/cache/amoeba}/images/linux-image-SERIES.*-amd64; the
# module is built by scripts/build-module.sh against the matching
# /usr/src/linux-headers-<kver> into ${AMOEBA_BUILD:-build}/<kver>, the test
# programs, libamoeba's commands, the Bullet server, the SOAP server and
# (where DPDK is installed) the static rpc_lat by `make progs userland
# bullet soap dpdk`.  The initramfs holds amoeba.ko and the
# stock modules with their dependencies (flat in /lib/modules,
# decompressed, inserted in dependency order before the payload starts),
# the ELF executables of tests/progs/, ${AMOEBA_BUILD:-build}/userland/bin/,
# .../bullet/bin/, .../soap/bin/ and .../dpdk/vm/ in /bin, and tests/vm/ as /vm.  The
# payload runs with MODDIR, PROGS, IP and TC set (see scripts/mkinitramfs.sh).
# Problems before the VM boots are printed as a TAP `not ok` line.
#
# Environment: AMOEBA_BUILD, AMOEBA_CACHE, AMOEBA_VM_TIMEOUT (seconds,
# default 600), AMOEBA_VM_APPEND (extra kernel command line, default
# loglevel=5 so that only warnings and worse interleave with the output).
set -eu

case ${1-} in -h|--help|"") sed -n '2,/^set -eu/p' "$0" | sed -e '$d' -e 's/^# \{0,1\}//'; exit 0 ;; esac
series=$1
payload=$2
shift 2
smp=2
[ "${1-}" = --smp ] && smp=$2
top=$(cd "$(dirname "$0")/.." && pwd)
[ -f "$top/tests/vm/${payload##*/}" ] ||
	{ echo "not ok 1 - payload $payload is not in tests/vm/"; exit 1; }
name=$(basename "$payload" .sh)

cache=${AMOEBA_CACHE:-/var/cache/amoeba}
build=${AMOEBA_BUILD:-build}
case $build in /*) ;; *) build=$top/$build ;; esac
stockmods="veth bridge sch_netem"

bail() {
	echo "not ok 1 - $1"
	[ -n "${2-}" ] && [ -f "$2" ] && tail -n 30 "$2" | sed 's/^/# /'
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
make -s -C "$top" progs userland bullet soap dpdk >"$out/progs.log" 2>&1 ||
	bail "make progs userland bullet soap dpdk ($out/progs.log)" "$out/progs.log"

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
for p in "$top"/tests/progs/* "$build"/userland/bin/* "$build"/bullet/bin/* \
	"$build"/soap/bin/* "$build"/dpdk/vm/*; do
	[ -f "$p" ] && [ -x "$p" ] && [ "$(head -c 4 "$p")" = "$(printf '\177ELF')" ] &&
		progargs+=(--bin "$p")
done

cat >"$out/$name-run.sh" <<EOF
for m in$insmods; do
	insmod "\$MODDIR/\$m" || { echo "not ok 1 - insmod stock module \$m"; exit 1; }
done
exec sh /vm/$name.sh
EOF

"$top/scripts/mkinitramfs.sh" --out "$out/$name.cpio.gz" --run "$out/$name-run.sh" \
	--module "$out/kmod/amoeba.ko" "${modargs[@]}" ${progargs[@]+"${progargs[@]}"} \
	--file "$top/tests/vm:/vm" || bail "initramfs build"

"$top/scripts/qemu-run.sh" --kernel "$vmlinuz" --initrd "$out/$name.cpio.gz" \
	--log "$out/$name-console.log" --timeout "${AMOEBA_VM_TIMEOUT:-600}" \
	--append "${AMOEBA_VM_APPEND-loglevel=5}" --mem 1024 --smp "$smp"
