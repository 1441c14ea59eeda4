#!/bin/sh
# Host tier: libamoeba's capability and error-name unit tests (cmocka, TAP).
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
exec "${AMOEBA_BUILD:-$top/build}/userland/tests/cap_test"
