#!/bin/sh
# The Bullet server, its commands and bfsck over AF_AMOEBA on Debian's
# stock 6.1 kernel (see vm.t and tests/vm/bullet.sh).
set -eu
exec "$(dirname "$0")/vm.t" 6.1 bullet.sh
