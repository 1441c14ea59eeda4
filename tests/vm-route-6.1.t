#!/bin/sh
# FLIP routing between two Ethernet segments on Debian's stock 6.1 kernel
# (see vm.t and tests/vm/route.sh).
set -eu
exec "$(dirname "$0")/vm.t" 6.1 route.sh
