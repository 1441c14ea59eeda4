#!/bin/sh
# Build (once) the debug kernel that runs the KUnit suites, and print its
# build directory on stdout.
#
# The kernel is Debian's linux-source-6.1 configured as `tinyconfig` plus
# scripts/debug-kernel.config (lockdep, KASAN, kmemleak, KUnit, ...).  The
# printed directory is an O= build tree: <dir>/arch/x86/boot/bzImage is the
# kernel and `make -C <dir> M=...` builds out-of-tree modules against it
# (modules_prepare has run and Module.symvers is kept).
#
# The tree is cached in ${AMOEBA_CACHE:-/var/cache/amoeba}/debug-kernel/<hash>
# where <hash> covers the config fragment, the kernel source version, the
# compiler and RECIPE below, so any change to them rebuilds.  The build
# happens in a temporary directory renamed into place only on success, so an
# interrupted build is never mistaken for a cached one.  Progress goes to
# stderr, the full make output to <dir>/build.log.
#
# Environment: AMOEBA_CACHE (cache root), AMOEBA_KSRC (kernel source tree,
# default $AMOEBA_CACHE/src/linux-source-6.1, unpacked by install-deps.sh).
set -eu

# Bump when the build steps below change in a way that affects the result.
RECIPE=1

here=$(cd "$(dirname "$0")" && pwd)
frag=$here/debug-kernel.config
cache=${AMOEBA_CACHE:-/var/cache/amoeba}
src=${AMOEBA_KSRC:-$cache/src/linux-source-6.1}

case ${1-} in
-h|--help)
	sed -n '2,/^set -eu/p' "$0" | sed -e '$d' -e 's/^# \{0,1\}//'
	exit 0 ;;
esac

say() { echo "debug-kernel: $*" >&2; }
die() { say "ERROR: $*"; exit 1; }

[ -f "$src/Makefile" ] ||
	die "no kernel source in $src (run scripts/install-deps.sh)"

srcver=$(make -s -C "$src" kernelversion)
pkgver=$(dpkg-query -W -f='${Version}' linux-source-6.1 2>/dev/null || true)
hash=$({
	cat "$frag"
	echo "source: linux-source-6.1 $srcver $pkgver"
	echo "compiler: $(${CC:-gcc} --version | head -n 1)"
	echo "recipe: $RECIPE"
} | sha256sum | cut -c1-16)

top=$cache/debug-kernel
dir=$top/$hash
mkdir -p "$top"

# Serialise concurrent callers so the kernel is built only once.
exec 9>"$top/.lock"
flock 9

if [ -f "$dir/.complete" ]; then
	echo "$dir"
	exit 0
fi

tmp=$top/$hash.tmp
rm -rf "$tmp"
mkdir -p "$tmp"
log=$tmp/build.log
start=$(date +%s)
jobs=$(nproc)
kmake() { make -C "$src" O="$tmp" ARCH=x86_64 "$@" >>"$log" 2>&1; }
fail() {
	tail -n 40 "$log" >&2
	cp "$log" "$top/$hash.failed.log"
	rm -rf "$tmp"
	die "$* (log: $top/$hash.failed.log)"
}

say "building linux $srcver in $tmp (log: $log), -j$jobs, takes ~10 min"
kmake tinyconfig || fail "tinyconfig failed"
# merge_config.sh drops earlier assignments of the symbols the fragment sets,
# which plain appending would not do for choices such as SLOB vs SLUB.
(cd "$tmp" && "$src/scripts/kconfig/merge_config.sh" -m .config "$frag") \
	>>"$log" 2>&1 || fail "merging $frag failed"
kmake olddefconfig || fail "olddefconfig failed"

missing=$(sed -n 's/^\(CONFIG_[A-Za-z0-9_]*\)=y$/\1/p' "$frag" |
	while read -r opt; do
		grep -qx "$opt=y" "$tmp/.config" || echo "$opt"
	done)
if [ -n "$missing" ]; then
	fail "options dropped by olddefconfig (unmet dependencies):" \
		"$(echo "$missing" | tr '\n' ' ')"
fi

say "config ok, compiling"
kmake -j"$jobs" || fail "kernel build failed"
kmake -j"$jobs" modules_prepare || fail "modules_prepare failed"
[ -f "$tmp/arch/x86/boot/bzImage" ] || fail "no bzImage"
[ -f "$tmp/Module.symvers" ] || fail "no Module.symvers"

touch "$tmp/.complete"
rm -rf "$dir"
mv "$tmp" "$dir"
say "built in $(( $(date +%s) - start )) s: $dir"
echo "$dir"
