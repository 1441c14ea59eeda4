#!/bin/sh
# Build amoeba.ko (and the KUnit module) against one kernel tree.
#
# usage: build-module.sh KDIR OUTDIR
#
# Out-of-tree builds write their objects beside the sources, so building
# for several kernels from one checkout needs a copy per kernel: the sources
# are mirrored into OUTDIR and built there.  Prints OUTDIR on success.
set -eu

[ $# -eq 2 ] || { echo "usage: $0 KDIR OUTDIR" >&2; exit 2; }
kdir=$1
out=$2
top=$(cd "$(dirname "$0")/.." && pwd)

[ -f "$kdir/Makefile" ] || { echo "build-module: no kernel tree at $kdir" >&2; exit 1; }
mkdir -p "$out"
rsync -a --delete --exclude '*.o' --exclude '*.ko' --exclude '*.cmd' \
	--exclude '*.mod*' --exclude 'modules.order' --exclude 'Module.symvers' \
	--include 'Kbuild' --include 'kmod/***' --include 'flip/***' \
	--include 'include/***' --exclude '*' "$top/" "$out/"
make -s -C "$kdir" M="$(cd "$out" && pwd)" modules >&2
echo "$out"
