#!/bin/sh
# The SOAP directory server and its commands end to end over libamoeba's
# udp transport on loopback: the same program, tests/vm/soap.sh, that
# vm-soap-*.t runs over AF_AMOEBA in the VM.
top=$(cd "$(dirname "$0")/.." && pwd)
build=${AMOEBA_BUILD:-$top/build}
bin=$build/userland/bin
bbin=$build/bullet/bin
sbin=$build/soap/bin
for p in "$bin/std_status" "$bbin/bulletd" "$bbin/put" "$sbin/soapd" \
	"$sbin/dir" "$sbin/mkd" "$sbin/chm" "$sbin/sload"; do
	if [ ! -x "$p" ]; then
		echo "1..0 # SKIP $p not built (run make soap)"
		exit 0
	fi
done
TRANSPORT=udp PROGS=$bin BPROGS=$bbin SPROGS=$sbin exec sh "$top/tests/vm/soap.sh"
