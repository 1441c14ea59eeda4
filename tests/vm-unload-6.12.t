#!/bin/sh
# Unloading amoeba.ko under load on Debian's stock 6.12 kernel (see vm.t and
# tests/vm/unload.sh; tests/unload.t runs the same in the debug kernel).
set -eu
exec "$(dirname "$0")/vm.t" 6.12 unload.sh
