#!/bin/sh
# Host checks of the AF_AMOEBA test programs, without the module: each
# program answers --help with its usage and status 0, refuses bad arguments
# with a message and status 2, and a client run where the family is not
# registered fails with EAFNOSUPPORT and a message that says what to do.
# The programs are built by "make progs"; this test only runs them.

dir=$(cd "$(dirname "$0")/progs" && pwd)
progs="am_server am_client am_lat am_badinput am_rawsend"

for p in $progs; do
	if [ ! -x "$dir/$p" ]; then
		echo "1..0 # SKIP $dir/$p not built (run make progs)"
		exit 0
	fi
done

. "$(dirname "$0")/host-lib.sh"

for p in $progs; do
	run 0 "^usage: $p" "$p --help prints usage and exits 0" -- "$dir/$p" --help
	run 2 "usage: $p" "$p with an unknown option exits 2" -- "$dir/$p" --no-such-option
done

run 2 "required" "am_server without -g exits 2" -- "$dir/am_server"
run 2 "12 hex digits" "am_server -g with 11 digits exits 2" -- \
	"$dir/am_server" -g 0123456789a
run 2 "12 hex digits" "am_server -g with a non-hex digit exits 2" -- \
	"$dir/am_server" -g 0123456789ag
run 2 "12 hex digits" "am_server refuses the null get-port" -- \
	"$dir/am_server" -g 000000000000
run 2 "not a count" "am_server -n -1 exits 2" -- \
	"$dir/am_server" -g 0123456789ab -n -1
run 2 "not a CPU" "am_server -c x exits 2" -- "$dir/am_server" -g 0123456789ab -c x
run 2 "unexpected argument" "am_server with a stray argument exits 2" -- \
	"$dir/am_server" -g 0123456789ab extra
run 2 "not a number of milliseconds" "am_server -T 1s exits 2" -- \
	"$dir/am_server" -g 0123456789ab -T 1s

run 2 "required" "am_client without a port exits 2" -- "$dir/am_client"
run 2 "one of -p and -g" "am_client with both -p and -g exits 2" -- \
	"$dir/am_client" -p 0123456789ab -g 0123456789ab
run 2 "not a count" "am_client -n 0 exits 2" -- "$dir/am_client" -p 0123456789ab -n 0
# Up to 2 x AM_MAXBUF, so that the kernel's EMSGSIZE can be tested.
run 2 "not a size" "am_client -s 2097153 exits 2" -- \
	"$dir/am_client" -p 0123456789ab -s 2097153
run 2 "not a size" "am_client -r 1048577 (over AM_MAXBUF) exits 2" -- \
	"$dir/am_client" -p 0123456789ab -r 1048577
run 2 "not a seed" "am_client -R with a non-number exits 2" -- \
	"$dir/am_client" -p 0123456789ab -R x
run 2 "not milliseconds" "am_client -t 1.5 exits 2" -- \
	"$dir/am_client" -p 0123456789ab -t 1.5
run 2 "unknown errno name" "am_client -e ENOTANERRNO exits 2" -- \
	"$dir/am_client" -p 0123456789ab -e ENOTANERRNO

run 2 "unknown mode" "am_lat with an unknown mode exits 2" -- "$dir/am_lat" both
run 2 "usage" "am_lat without a mode exits 2" -- "$dir/am_lat"
run 2 "required" "am_lat client-amoeba without -n/-w exits 2" -- \
	"$dir/am_lat" client-amoeba -p 0123456789ab
run 2 "not an IPv4" "am_lat client-tcp with a bad address exits 2" -- \
	"$dir/am_lat" client-tcp -a 10.0.0.1 -n 1 -w 0
run 2 "invalid option" "am_lat server-tcp refuses client options" -- \
	"$dir/am_lat" server-tcp -l 127.0.0.1:1 -n 5
run 2 "not a size" "am_lat client-amoeba -s 1048577 (over AM_MAXBUF) exits 2" -- \
	"$dir/am_lat" client-amoeba -p 0123456789ab -n 1 -w 0 -s 1048577
run 2 "not a size" "am_lat client-amoeba -r 1048577 exits 2" -- \
	"$dir/am_lat" client-amoeba -p 0123456789ab -n 1 -w 0 -r 1048577
run 2 "not a size from 1 to 65536" "am_lat client-tcp -s 65537 exits 2" -- \
	"$dir/am_lat" client-tcp -a 127.0.0.1:1 -n 1 -w 0 -s 65537
run 2 "invalid option" "am_lat client-tcp refuses -r (AF_AMOEBA only)" -- \
	"$dir/am_lat" client-tcp -a 127.0.0.1:1 -n 1 -w 0 -r 0

run 2 "unexpected argument" "am_badinput with an argument exits 2" -- \
	"$dir/am_badinput" extra
run 2 "need IFNAME and KIND" "am_rawsend without arguments exits 2" -- \
	"$dir/am_rawsend"
run 2 "unknown KIND" "am_rawsend with an unknown kind exits 2" -- \
	"$dir/am_rawsend" lo sideways
run 2 "16 hex digits" "am_rawsend with a bad FLIP address exits 2" -- \
	"$dir/am_rawsend" lo short 0123

if [ -e /sys/module/amoeba ]; then
	n=$((n + 1))
	echo "ok $n # SKIP amoeba.ko is loaded on this host"
	n=$((n + 1))
	echo "ok $n # SKIP amoeba.ko is loaded on this host"
else
	run 1 "is amoeba.ko loaded.*EAFNOSUPPORT" \
		"am_client without the module fails with EAFNOSUPPORT" -- \
		"$dir/am_client" -g 0123456789ab -t 100
	run 1 "Bail out!.*EAFNOSUPPORT" \
		"am_badinput without the module bails out with EAFNOSUPPORT" -- \
		"$dir/am_badinput"
fi

echo "1..$n"
[ "$failed" -eq 0 ]
