#!/bin/sh
# Integration tests on Debian's stock 6.12 kernel under QEMU (see vm.t).
set -eu
exec "$(dirname "$0")/vm.t" 6.12
