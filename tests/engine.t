#!/bin/sh
# Host tier: the FLIP engine's unit tests under cmocka (TAP).
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
exec "${AMOEBA_BUILD:-$top/build}/host/flip_engine_test"
