#!/bin/sh
# Host checks of libamoeba's commands and the example service, without the
# module: --help and usage errors (status 2, a message naming what is
# wrong, the position of a bad capability), local work that needs no
# service (restricting an owner capability), and how each transport
# choice and bad transport setting fails here (status 1 and a message
# that says why).
# Built by "make userland"; this test only runs them.

build=${AMOEBA_BUILD:-$(cd "$(dirname "$0")/.." && pwd)/build}
bin=$build/userland/bin
cmds="std_info std_status std_restrict std_destroy std_touch std_age counter counterd"

for c in $cmds; do
	if [ ! -x "$bin/$c" ]; then
		echo "1..0 # SKIP $bin/$c not built (run make userland)"
		exit 0
	fi
done

. "$(dirname "$0")/host-lib.sh"

OWNER=0123456789ab:000001:ff:a1b2c3d4e5f6
RESTRICTED=0123456789ab:000001:03:9e7e0004221c

for c in $cmds; do
	run 0 "^usage: $c" "$c --help prints usage and exits 0" -- "$bin/$c" --help
	run 2 "$c --help" "$c with an unknown option exits 2" -- "$bin/$c" --bogus
done
run 2 "no operand given" "std_info without an operand exits 2" -- "$bin/std_info"
run 2 "at character 19: expected a hexadecimal digit in the object number" \
	"a capability with a short object number is refused at its position" -- \
	"$bin/std_info" 0123456789ab:00001:ff:a1b2c3d4e5f6
run 2 "at character 13: expected ':' after the port" \
	"a capability without its first colon is refused at its position" -- \
	"$bin/std_touch" 0123456789ab-000001:ff:a1b2c3d4e5f6
run 2 "ends before the check is complete" \
	"a truncated capability is refused" -- \
	"$bin/std_destroy" 0123456789ab:000001:ff:a1b2c3
run 2 "bad capability '0123456789ab:x'" \
	"std_destroy checks every operand before destroying any" -- \
	"$bin/std_destroy" "$OWNER" 0123456789ab:x
run 2 "bad rights mask '0x100'" "std_restrict refuses a mask over 0xff" -- \
	"$bin/std_restrict" "$OWNER" 0x100
run 2 "unexpected operand" "std_restrict refuses a third operand" -- \
	"$bin/std_restrict" "$OWNER" 3 4

# An owner capability carries the object's secret check: restricting it
# needs no service, and gives F(check with the rights xored in).
run 0 "^$RESTRICTED\$" "std_restrict of an owner capability works offline" -- \
	"$bin/std_restrict" "$OWNER" 0x03
run 0 "^$OWNER\$" "std_restrict with mask 0xff gives the owner capability back" -- \
	"$bin/std_restrict" "$OWNER" 255

if [ -e /sys/module/amoeba ]; then
	n=$((n + 1))
	echo "ok $n # SKIP amoeba.ko is loaded on this host"
else
	run 1 "transaction failed (RPC_FAILURE): kernel transport: .*is the amoeba module loaded" \
		"without the module the kernel transport fails and says why" -- \
		"$bin/std_restrict" "$RESTRICTED" 1
fi
run 1 'udp_peers: "10.0.0.1" is not IPV4ADDRESS:PORT' \
	"the udp transport refuses a peer without a port" -- \
	env AMOEBA_TRANSPORT=udp AMOEBA_UDP_PEERS="127.0.0.1:1 10.0.0.1" \
	"$bin/std_info" "$OWNER"
run 1 'udp_mtu "100": expected a number from 576 to 65507' \
	"the udp transport refuses an MTU below 576" -- \
	env AMOEBA_TRANSPORT=udp AMOEBA_UDP_MTU=100 "$bin/std_info" "$OWNER"
run 1 'udp_port "65536": expected a number from 0 to 65535' \
	"the udp transport refuses a port over 65535" -- \
	env AMOEBA_TRANSPORT=udp AMOEBA_UDP_PORT=65536 "$bin/std_info" "$OWNER"
run 1 'RPC_NOTFOUND.*in 200 ms (udp transport, 0 peers: set AMOEBA_UDP_PEERS)' \
	"over udp without peers, a call fails within its timeout and says what to set" -- \
	env AMOEBA_TRANSPORT=udp AMOEBA_TRANS_TIMEOUT_MS=200 "$bin/std_info" "$OWNER"
run 1 'unknown transport "bogus"' "AMOEBA_TRANSPORT=bogus is refused" -- \
	env AMOEBA_TRANSPORT=bogus "$bin/std_info" "$OWNER"
run 1 "dpdk transport is not built" "AMOEBA_TRANSPORT=dpdk says it is not built" -- \
	env AMOEBA_TRANSPORT=dpdk "$bin/std_touch" "$OWNER"

conf=$(mktemp)
printf '# a comment\n\ntransport  bogus2   # trailing comment\ntransport kernel\n' >"$conf"
run 1 'unknown transport "bogus2"' "the first transport line of AMOEBA_CONFIG is used" -- \
	env -u AMOEBA_TRANSPORT AMOEBA_CONFIG="$conf" "$bin/std_info" "$OWNER"
run 1 "dpdk transport is not built" "AMOEBA_TRANSPORT overrides the configuration file" -- \
	env AMOEBA_TRANSPORT=dpdk AMOEBA_CONFIG="$conf" "$bin/std_info" "$OWNER"
rm -f "$conf"

run 2 "12 hexadecimal digits" "counterd -g with a bad port exits 2" -- \
	"$bin/counterd" -g 0123
run 2 "1 to 64 threads" "counterd -t 0 exits 2" -- "$bin/counterd" -t 0
run 2 "signed 32-bit number" "counter add with a bad amount exits 2" -- \
	"$bin/counter" add "$OWNER" 4294967296
run 2 "unknown command" "counter with an unknown command exits 2" -- \
	"$bin/counter" frob "$OWNER"

echo "1..$n"
[ "$failed" -eq 0 ]
