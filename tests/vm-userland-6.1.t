#!/bin/sh
# libamoeba, its commands and the example service over AF_AMOEBA on
# Debian's stock 6.1 kernel (see vm.t and tests/vm/userland.sh).
set -eu
exec "$(dirname "$0")/vm.t" 6.1 userland.sh
