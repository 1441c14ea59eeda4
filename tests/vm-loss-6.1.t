#!/bin/sh
# At-most-once under 30% loss, duplication and reordering, on Debian's
# stock 6.1 kernel (see vm.t and tests/vm/loss.sh).  One virtual CPU keeps
# emulated wake-ups from dominating the run time.
set -eu
exec "$(dirname "$0")/vm.t" 6.1 loss.sh 1
