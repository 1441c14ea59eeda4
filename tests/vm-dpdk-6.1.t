#!/bin/sh
# A DPDK node (net_af_packet on a veth) and a kernel-module node exchange
# RPCs both ways on Debian's stock 6.1 kernel (see vm.t and
# tests/vm/dpdk.sh).  DPDK's code needs SSE4.2: the guest gets QEMU's
# "max" CPU model.
set -eu
AMOEBA_VM_CPU=max exec "$(dirname "$0")/vm.t" 6.1 dpdk.sh
