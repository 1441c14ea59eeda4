#!/bin/sh
# Install everything the build, the tests and the demo need on Debian 12.
#
# Idempotent: packages already present are skipped by apt, kernel images
# already unpacked are kept.  The stock kernel images are unpacked into the
# cache (not installed) so that the host's /boot and initramfs hooks are left
# alone: they are only ever booted under QEMU.
set -eu

CACHE=${AMOEBA_CACHE:-/var/cache/amoeba}

PKGS="build-essential bc bison flex libelf-dev libssl-dev cpio kmod xz-utils
zstd rsync perl python3 linux-headers-amd64 linux-headers-6.12-amd64
linux-source-6.1 qemu-system-x86 busybox-static iproute2 libcmocka-dev
pkg-config gnuplot-nox clang libfuzzer-14-dev libclang-rt-14-dev trinity
libdpdk-dev dpdk"

# Kernel images booted by the stock-kernel tier (metapackage names).
IMAGES="linux-image-amd64 linux-image-6.12-amd64"

missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
		grep -q "install ok installed" || missing="$missing $p"
done

if [ -n "$missing" ]; then
	echo "install-deps: installing:$missing"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -q
	# shellcheck disable=SC2086
	apt-get install -y -q --no-install-recommends $missing
fi

# Resolve each metapackage to its versioned image package and unpack it.
mkdir -p "$CACHE/images"
for meta in $IMAGES; do
	pkg=$(apt-cache depends "$meta" 2>/dev/null |
		sed -n 's/^ *Depends: \(linux-image-[0-9].*\)$/\1/p' | head -n 1)
	if [ -z "$pkg" ]; then
		apt-get update -q
		pkg=$(apt-cache depends "$meta" |
			sed -n 's/^ *Depends: \(linux-image-[0-9].*\)$/\1/p' | head -n 1)
	fi
	[ -n "$pkg" ] || { echo "install-deps: cannot resolve $meta" >&2; exit 1; }
	dest="$CACHE/images/$pkg"
	[ -f "$dest/.unpacked" ] && continue
	echo "install-deps: unpacking $pkg into $dest"
	tmp=$(mktemp -d)
	(cd "$tmp" && apt-get download -q "$pkg")
	rm -rf "$dest"
	mkdir -p "$dest"
	dpkg-deb -x "$tmp"/*.deb "$dest"
	rm -rf "$tmp"
	touch "$dest/.unpacked"
done

# The debug kernel's source, unpacked beside the cache so a half-finished
# unpack is never mistaken for a whole one.
if [ ! -d "$CACHE/src/linux-source-6.1" ]; then
	tarball=$(ls /usr/src/linux-source-6.1*.tar.xz | head -n 1)
	echo "install-deps: unpacking $tarball"
	mkdir -p "$CACHE/src"
	tmp=$(mktemp -d "$CACHE/src/unpack.XXXXXX")
	tar -C "$tmp" -xf "$tarball"
	mv "$tmp"/linux-source-6.1 "$CACHE/src/linux-source-6.1"
	rm -rf "$tmp"
fi
echo "install-deps: ok"
