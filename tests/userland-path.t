#!/bin/sh
# Host tier: libamoeba's path names (normalisation, the root, capability
# sets, resolution across fake SOAP servers over the udp transport) unit
# tests (cmocka, TAP).
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
exec "${AMOEBA_BUILD:-$top/build}/userland/tests/path_test"
