#!/bin/sh
# libamoeba, its commands and the example service over AF_AMOEBA on
# Debian's stock 6.12 kernel (see vm.t and tests/vm/userland.sh).
set -eu
exec "$(dirname "$0")/vm.t" 6.12 userland.sh
