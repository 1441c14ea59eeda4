#!/bin/sh
# Host tier: libamoeba's udp transport between threads of one process and
# with a server in another behind a lossy relay (cmocka, TAP).
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
exec "${AMOEBA_BUILD:-$top/build}/userland/tests/udp_test"
