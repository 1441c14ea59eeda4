#!/bin/sh
# The SOAP directory server, its commands and Bullet files by path over
# AF_AMOEBA on Debian's stock 6.1 kernel (see vm.t and tests/vm/soap.sh).
set -eu
exec "$(dirname "$0")/vm.t" 6.1 soap.sh
