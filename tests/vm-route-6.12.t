#!/bin/sh
# FLIP routing between two Ethernet segments on Debian's stock 6.12 kernel
# (see vm.t and tests/vm/route.sh).
set -eu
exec "$(dirname "$0")/vm.t" 6.12 route.sh
