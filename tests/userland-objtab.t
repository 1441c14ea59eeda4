#!/bin/sh
# Host tier: libamoeba's object table and standard-operation server tests
# (cmocka, TAP).
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
exec "${AMOEBA_BUILD:-$top/build}/userland/tests/objtab_test"
