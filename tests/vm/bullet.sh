#!/bin/sh
# The Bullet file server end to end, one program for both transports:
# bulletd, its commands put, get, del and bstat, libamoeba's std_*
# commands on its files, and bfsck on its stopped stores.  Round trips of
# every size class (empty, one block, one message and one byte more, the
# upload path, standard input), rights and forgery, a full store,
# deletion, garbage collection, restart, compaction, damage found by
# bulletd and repaired by bfsck, and std_copy on one server and between
# two.  Prints TAP.
#
# TRANSPORT=kernel (the default): as root inside the test VM, under
# busybox sh, with bulletd in namespace hostB and the clients in hostA,
# over AF_AMOEBA.  TRANSPORT=udp: on the host, over libamoeba's udp
# transport on loopback; no module, no root.
#
# Environment: IP, PROGS (std_*), BPROGS (bulletd and its commands;
# default $PROGS), MODDIR as for integration.sh.  The stores are files in
# a scratch directory under $TMPDIR (default /tmp).

IP=${IP:-ip}
PROGS=${PROGS:-/progs}
BPROGS=${BPROGS:-$PROGS}
MODDIR=${MODDIR:-/modules}
TRANSPORT=${TRANSPORT:-kernel}
HOSTS="hostA hostB"
[ "$TRANSPORT" = udp ] && HOSTS=""
pids=""
srv=""
srv2=""

if [ ! -x "$BPROGS/bulletd" ]; then
	echo "1..0 # SKIP no $BPROGS/bulletd (make bullet)"
	exit 0
fi
T=$(mktemp -d "${TMPDIR:-/tmp}/amoeba-bullet.XXXXXX")

. "$(dirname "$0")/lib.sh"

# The stores are large: gone however the script ends (bail exits too).
trap 'rm -rf "$T"' EXIT
trap 'cleanup; exit 1' INT TERM

CAPRE='^[0-9a-f]{12}:[0-9a-f]{6}:[0-9a-f]{2}:[0-9a-f]{12}$'

new_sport

# A: run as a client with a bound; stdout in $T/a.out, stderr in $T/a.err.
# Returns the status.
A() {
	timeout 60 $CLIENT "$@" >"$T/a.out" 2>"$T/a.err"
}

# stat_of CAP KEY: KEY's value in `bstat -p CAP`; empty if it failed.
stat_of() {
	timeout 60 $CLIENT "$BPROGS/bstat" -p "$1" 2>/dev/null | sed -n "s/^$2=//p"
}

# start_bulletd STORE [ARGS...]: bulletd serving STORE as $srv, the
# capability it printed in $SCAP; 0 once it answers a bstat.  Its stdout
# is $T/srv.out, its log $T/srv.err.  Over UDP a port in use is retried
# on another.
start_bulletd() {
	sb_tries=0
	while :; do
		# Gone before the start, so that wait_line sees no old line.
		rm -f "$T/srv.out"
		$SERVER "$BPROGS/bulletd" -s "$@" >"$T/srv.out" 2>"$T/srv.err" &
		srv=$!
		pids="$pids $srv"
		SCAP=""
		if wait_line "$T/srv.out" $srv; then
			SCAP=$(head -n 1 "$T/srv.out")
			timeout 60 $CLIENT "$BPROGS/bstat" -p "$SCAP" \
				>/dev/null 2>"$T/probe.err" && return 0
		fi
		kill -KILL $srv 2>/dev/null
		wait $srv 2>/dev/null
		srv=""
		sb_tries=$((sb_tries + 1))
		[ "$TRANSPORT" = udp ] && grep -q "in use" "$T/srv.err" &&
			[ $sb_tries -lt 5 ] || return 1
		new_ports
	done
}

# new_ports: new_sport, and once a second server runs on UDP port
# $SPORT2 (start_second), the clients and the first server name it as a
# peer too, so that both find it.
new_ports() {
	new_sport
	if [ "$TRANSPORT" = udp ] && [ -n "${SPORT2-}" ]; then
		SERVER="$SERVER AMOEBA_UDP_PEERS=127.0.0.1:$SPORT2"
		CLIENT="$CLIENT,127.0.0.1:$SPORT2"
	fi
}

# start_second STORE: a second bulletd serving STORE as $srv2, with the
# capability it printed in $SUPER2; 0 once it answers a bstat.  It runs
# on the other machine, hostA, over AF_AMOEBA, and on UDP port $SPORT2
# over UDP.  Its stdout is $T/srv2.out, its log $T/srv2.err.
start_second() {
	ss_tries=0
	while :; do
		if [ "$TRANSPORT" = udp ]; then
			SPORT2=$((20000 + 0x$(head -c 2 /dev/urandom | od -An -tx1 | tr -d ' \n') % 40000))
			SERVER2="env AMOEBA_TRANSPORT=udp AMOEBA_UDP_PORT=$SPORT2"
		else
			SERVER2="$IP netns exec hostA env AMOEBA_TRANSPORT=kernel"
		fi
		new_ports
		rm -f "$T/srv2.out"
		$SERVER2 "$BPROGS/bulletd" -s "$@" >"$T/srv2.out" 2>"$T/srv2.err" &
		srv2=$!
		pids="$pids $srv2"
		SUPER2=""
		if wait_line "$T/srv2.out" $srv2; then
			SUPER2=$(head -n 1 "$T/srv2.out")
			timeout 60 $CLIENT "$BPROGS/bstat" -p "$SUPER2" \
				>/dev/null 2>"$T/probe.err" && return 0
		fi
		kill -KILL $srv2 2>/dev/null
		wait $srv2 2>/dev/null
		srv2=""
		ss_tries=$((ss_tries + 1))
		[ "$TRANSPORT" = udp ] && grep -q "in use" "$T/srv2.err" &&
			[ $ss_tries -lt 5 ] || return 1
	done
}

# stop_second: end the second bulletd (SIGKILL: it need not be orderly).
stop_second() {
	[ -n "$srv2" ] || return 0
	kill -KILL $srv2 2>/dev/null
	wait $srv2 2>/dev/null
	srv2=""
	cat "$T/srv2.err" >>"$T/srv.log"
}

# copied NAME SERVER ORIG FILE: a point, ok if std_copy SERVER ORIG
# prints a capability of SERVER's port, other than ORIG, that reads back
# FILE's bytes; the copy's capability in $COPY.
copied() {
	A "$PROGS/std_copy" "$2" "$3"
	cp_st=$?
	COPY=$(head -n 1 "$T/a.out")
	if [ $cp_st -ne 0 ] || ! echo "$COPY" | grep -qE "$CAPRE"; then
		tap 1 "$1"
		diag "std_copy: status $cp_st"
		diag_file "$T/a.out"
		diag_file "$T/a.err"
		return 1
	fi
	[ "${COPY%%:*}" = "${2%%:*}" ] && [ "$COPY" != "$3" ] &&
		get_same "$COPY" "$4"
	tap $? "$1" || { diag "copy $COPY of $3:"; diag_file "$T/a.err"; }
}

# serving NAME ARGS...: start_bulletd ARGS as a TAP point NAME, bailing
# out if it does not serve.
serving() {
	name=$1
	shift
	start_bulletd "$@"
	tap $? "$name" ||
		{ diag_file "$T/srv.err"; diag_file "$T/probe.err"; bail "no server"; }
}

# same_cap NAME: a point, ok if bulletd printed the store's capability.
same_cap() {
	[ "$SCAP" = "$SUPER" ]
	tap $? "$1" || diag "first $SUPER, now $SCAP"
}

# stop_bulletd SIGNAL: end $srv with SIGNAL and reap it, so that its lock
# on the store is gone.
stop_bulletd() {
	[ -n "$srv" ] || return 0
	kill -"$1" $srv 2>/dev/null
	wait $srv 2>/dev/null
	srv=""
	cat "$T/srv.err" >>"$T/srv.log"
}

# put_file FILE [pipe]: put FILE (through a pipe if asked) on $SUPER; its
# capability in $CAP.  0 if put succeeded and printed a capability.
put_file() {
	if [ -n "${2-}" ]; then
		cat "$1" | A "$BPROGS/put" -q "$SUPER"
	else
		A "$BPROGS/put" -q "$SUPER" "$1"
	fi
	pf_st=$?
	CAP=$(head -n 1 "$T/a.out")
	[ $pf_st -eq 0 ] && echo "$CAP" | grep -qE "$CAPRE"
}

# get_same CAP FILE: the Bullet file CAP holds exactly FILE's bytes.
get_same() {
	rm -f "$T/got"
	A "$BPROGS/get" "$1" "$T/got" && cmp -s "$2" "$T/got"
}

# roundtrip SIZE [pipe]: SIZE random bytes put (through a pipe if asked),
# got back and compared; one test point.  CAP=FILE joins $FILES.
roundtrip() {
	rt_f=$T/f.$1${2:+.pipe}
	head -c "$1" /dev/urandom >"$rt_f"
	how="a file"
	[ -n "${2-}" ] && how="standard input"
	if put_file "$rt_f" ${2-}; then
		FILES="$FILES $CAP=$rt_f"
		get_same "$CAP" "$rt_f"
		tap $? "put and get $1 bytes from $how, equal" ||
			{ diag "get $CAP:"; diag_file "$T/a.err"; }
	else
		tap 1 "put and get $1 bytes from $how, equal"
		diag "put:"
		diag_file "$T/a.out"
		diag_file "$T/a.err"
	fi
}

# check_files NAME [LOST]: every file of $FILES but the one whose
# capability is LOST reads back equal; one test point.
check_files() {
	cf_bad=0 cf_n=0
	for cf in $FILES; do
		[ "${cf%%=*}" = "${2-}" ] && continue
		cf_n=$((cf_n + 1))
		get_same "${cf%%=*}" "${cf#*=}" && continue
		cf_bad=$((cf_bad + 1))
		diag "${cf%%=*} (${cf#*=}) differs or cannot be read:"
		diag_file "$T/a.err"
	done
	tap $cf_bad "$1 ($cf_n files)"
}

# corrupt STORE OFFSET COUNT: COUNT bytes of 0xff over STORE at OFFSET.
corrupt() {
	head -c "$3" /dev/zero | tr '\000' '\377' |
		dd of="$1" bs=1 seek="$2" conv=notrunc 2>/dev/null
}

# refused NAME STORE PATTERN: bulletd will not serve STORE: it exits 1 at
# once, its log naming the damage (PATTERN), saying the store is damaged
# and pointing at bfsck.
refused() {
	timeout 30 $SERVER "$BPROGS/bulletd" -s "$2" >"$T/l.out" 2>&1
	st=$?
	[ $st -eq 1 ] && grep -qE -- "$3" "$T/l.out" &&
		grep -q "damaged" "$T/l.out" && grep -q "bfsck" "$T/l.out"
	tap $? "$1" || { diag "status $st, expected 1; log:"; diag_file "$T/l.out"; }
}

if [ "$TRANSPORT" = kernel ]; then
	insmod "$MODDIR/amoeba.ko" >"$T/insmod.out" 2>&1
	tap $? "insmod amoeba.ko" || { diag_file "$T/insmod.out"; bail "no module"; }
	make_hosts
	tap $? "topology: $HOSTS on bridge br0" ||
		{ diag_file "$T/topo.out"; bail "no topology"; }
fi

# --- A store, served ---------------------------------------------------
M=$T/main.store
L "$BPROGS/bulletd" --init 64M -s "$M"
st=$?
SUPER=$(head -n 1 "$T/l.out")
[ $st -eq 0 ] && echo "$SUPER" | grep -qE '^[0-9a-f]{12}:000000:ff:[0-9a-f]{12}$'
tap $? "bulletd --init 64M makes a store and prints its capability ($SUPER)" ||
	{ diag_file "$T/l.out"; diag_file "$T/l.err"; bail "no store"; }
lexpect "a second --init without --force is refused, naming the store" 1 \
	"$M: it is a Bullet store already" "$BPROGS/bulletd" --init 64M -s "$M"

serving "bulletd -s serves it over $TRANSPORT" "$M"
same_cap "...printing the same capability as --init"

# --- Round trips -------------------------------------------------------
FILES=""
roundtrip 0
EMPTY=$CAP
roundtrip 1
roundtrip 4096
F4K=$CAP
roundtrip 1048576
roundtrip 1048577
FBIG=$CAP
roundtrip 3000000
roundtrip 3000001 pipe
roundtrip 4097 pipe
A "$BPROGS/get" "$FBIG"
cmp -s "$T/a.out" "$T/f.1048577"
tap $? "get to standard output, equal" || diag_file "$T/a.err"

nfiles=0
for f in $FILES; do nfiles=$((nfiles + 1)); done
expect "bstat on the server shows its $nfiles files" 0 "^  files +$nfiles, " \
	"$BPROGS/bstat" "$SUPER"
expect "bstat -p on a file shows size=1048577" 0 '^size=1048577$' \
	"$BPROGS/bstat" -p "$FBIG"
expect "bstat -p on the empty file shows size=0" 0 '^size=0$' \
	"$BPROGS/bstat" -p "$EMPTY"
expect "std_info on a file says \"bullet file, 4096 bytes\"" 0 \
	'^bullet file, 4096 bytes$' "$PROGS/std_info" "$F4K"

# --- Rights and forgery ------------------------------------------------
A "$PROGS/std_restrict" "$F4K" 02
R=$(head -n 1 "$T/a.out")
echo "$R" | grep -qE '^[0-9a-f]{12}:[0-9a-f]{6}:02:[0-9a-f]{12}$'
tap $? "std_restrict FILECAP 02: a read-only capability ($R)" || diag_file "$T/a.err"
get_same "$R" "$T/f.4096"
tap $? "...with which get works, equal" || diag_file "$T/a.err"
expect "...but del is refused (STD_DENIED)" 1 'STD_DENIED' "$BPROGS/del" "$R"
expect "...and the file is still there" 0 '^size=4096$' "$BPROGS/bstat" -p "$F4K"
FORGED=$(flip_check "$F4K")
expect "a forged capability (check changed) gets STD_CAPBAD" 1 'STD_CAPBAD' \
	"$BPROGS/get" "$FORGED" "$T/forged"
[ ! -e "$T/forged" ]
tap $? "...and the failed get leaves no output file"

A "$PROGS/std_restrict" "$SUPER" 02
RS=$(head -n 1 "$T/a.out")
expect "put with the server capability restricted to read is refused (STD_DENIED)" \
	1 'STD_DENIED' "$BPROGS/put" -q "$RS" "$T/f.1"
expect "del of the server capability is refused (STD_DENIED)" 1 'STD_DENIED' \
	"$BPROGS/del" "$SUPER"

# --- Concurrent uploads ------------------------------------------------
# Four clients at once, each file larger than a message: their b_fill
# calls interleave at the server.
cpids=""
i=0
while [ $i -lt 4 ]; do
	head -c $((1500000 + i)) /dev/urandom >"$T/p.$i"
	timeout 60 $CLIENT "$BPROGS/put" -q "$SUPER" "$T/p.$i" \
		>"$T/p.$i.cap" 2>"$T/p.$i.err" &
	cpids="$cpids $!"
	i=$((i + 1))
done
ok=0
for p in $cpids; do
	wait "$p" || ok=1
done
i=0
while [ $i -lt 4 ]; do
	CAP=$(head -n 1 "$T/p.$i.cap")
	if echo "$CAP" | grep -qE "$CAPRE" && get_same "$CAP" "$T/p.$i"; then
		FILES="$FILES $CAP=$T/p.$i"
	else
		ok=1
		diag "upload $i:"
		diag_file "$T/p.$i.err"
		diag_file "$T/a.err"
	fi
	i=$((i + 1))
done
tap $ok "four concurrent uploads of 1.5 MB each read back equal"

# --- Deletion ----------------------------------------------------------
head -c 5000 /dev/urandom >"$T/f.del"
put_file "$T/f.del"
D=$CAP
expect "del with the owner capability" 0 '' "$BPROGS/del" "$D"
expect "...after which get gives STD_CAPBAD" 1 'STD_CAPBAD' "$BPROGS/get" "$D"
expect "...and so does del again" 1 'STD_CAPBAD' "$BPROGS/del" "$D"

# --- Restart -----------------------------------------------------------
stop_bulletd KILL
serving "bulletd serves the store again after SIGKILL" "$M"
same_cap "...printing the same capability"
check_files "...and every file's old capability reads back equal"
expect "...the deleted file stays deleted" 1 'STD_CAPBAD' "$BPROGS/get" "$D"
nfiles=0
for f in $FILES; do nfiles=$((nfiles + 1)); done
expect "...and bstat counts the same $nfiles files" 0 "^files=$nfiles$" \
	"$BPROGS/bstat" -p "$SUPER"

# --- bfsck and damage --------------------------------------------------
stop_bulletd TERM
lexpect "bfsck on the stopped store: no problems (exit 0)" 0 ' 0 problems' \
	"$BPROGS/bfsck" "$M"
lexpect "bfsck -d (every file's bytes) too" 0 ' 0 problems' \
	"$BPROGS/bfsck" -d "$M"

corrupt "$M" 10 1
refused "one byte of the superblock changed: bulletd refuses to start" "$M" \
	'superblock'
lexpect "...bfsck finds it (exit 4)" 4 'superblock' "$BPROGS/bfsck" "$M"
lexpect "...bfsck -r restores it from its copy (exit 1)" 1 'restored' \
	"$BPROGS/bfsck" -r "$M"
lexpect "...after which bfsck finds nothing (exit 0)" 0 ' 0 problems' \
	"$BPROGS/bfsck" "$M"
serving "...and bulletd serves it" "$M"
same_cap "...with the same capability"
check_files "...and every file reads back equal"
stop_bulletd TERM

# Slot 0 is object 1, the first file made: find which one that is.
LOST=""
for f in $FILES; do
	case ${f%%=*} in ????????????:000001:*) LOST=${f%%=*} ;; esac
done
corrupt "$M" 4096 128
lexpect "both copies of slot 0 damaged: bfsck reports slot 0 (exit 4)" 4 \
	'slot 0 ' "$BPROGS/bfsck" "$M"
refused "...bulletd refuses to start" "$M" 'slot 0 '
lexpect "...bfsck -r frees it (exit 1)" 1 'slot 0 .*freed' \
	"$BPROGS/bfsck" -r "$M"
lexpect "...after which bfsck finds nothing (exit 0)" 0 ' 0 problems' \
	"$BPROGS/bfsck" "$M"
serving "...and bulletd serves it" "$M"
check_files "...every other file reads back equal" "$LOST"
if [ -n "$LOST" ]; then
	expect "...and slot 0's file ($LOST) is gone (STD_CAPBAD)" 1 \
		'STD_CAPBAD' "$BPROGS/get" "$LOST"
else
	skip "no file was object 1"
fi
stop_bulletd TERM

# --- A full store ------------------------------------------------------
S=$T/small.store
lexpect "bulletd --init 2M makes a small store" 0 '' \
	"$BPROGS/bulletd" --init 2M -s "$S"
SUPER=$(head -n 1 "$T/l.out")
start_bulletd "$S"
tap $? "bulletd serves it" ||
	{ diag_file "$T/srv.err"; diag_file "$T/probe.err"; bail "no server"; }
blocks=$(stat_of "$SUPER" blocks)
blocks=${blocks:-0}
# Leave 100 blocks free: less than a message (256).
head -c $(((blocks - 100) * 4096)) /dev/urandom >"$T/f.fill"
put_file "$T/f.fill"
tap $? "a file of all but 100 of its $blocks blocks fits" ||
	{ diag_file "$T/a.out"; diag_file "$T/a.err"; }
FILL=$CAP
free0=$(stat_of "$SUPER" free_blocks)
head -c 1048576 /dev/urandom >"$T/f.1m"
expect "put of 1 MiB (one b_create) fails: no space (STD_NOSPACE)" 1 \
	'no space.*STD_NOSPACE' "$BPROGS/put" -q "$SUPER" "$T/f.1m"
head -c 1048577 /dev/urandom >"$T/f.1m1"
expect "put of 1 MiB + 1 (b_begin) fails: no space (STD_NOSPACE)" 1 \
	'no space.*STD_NOSPACE' "$BPROGS/put" -q "$SUPER" "$T/f.1m1"
cat "$T/f.3000001.pipe" | A "$BPROGS/put" -q "$SUPER"
st=$?
[ $st -eq 1 ] && grep -qE 'no space.*STD_NOSPACE' "$T/a.err"
tap $? "put of 3 MB, larger than the store, from standard input fails: no space" ||
	{ diag "status $st"; diag_file "$T/a.err"; }
A "$BPROGS/bstat" -p "$SUPER"
grep -q '^files=1$' "$T/a.out" && grep -q '^uploads=0$' "$T/a.out" &&
	grep -q "^free_blocks=$free0$" "$T/a.out"
tap $? "...and bstat shows no new file, no upload left, no space taken" ||
	{ diag "free_blocks was $free0:"; diag_file "$T/a.out"; }
get_same "$FILL" "$T/f.fill"
tap $? "the file that filled it still reads back equal" || diag_file "$T/a.err"
stop_bulletd TERM

# --- Compaction --------------------------------------------------------
OLD=$SUPER
lexpect "bulletd --init --force makes it anew" 0 '' \
	"$BPROGS/bulletd" --init 2M --force -s "$S"
SUPER=$(head -n 1 "$T/l.out")
[ "$SUPER" != "$OLD" ] && echo "$SUPER" | grep -qE "$CAPRE"
tap $? "...with a new capability ($SUPER)"
start_bulletd "$S"
tap $? "bulletd serves it" ||
	{ diag_file "$T/srv.err"; diag_file "$T/probe.err"; bail "no server"; }
# Eight files of k blocks, a ninth of the store or so; delete every
# other one: four holes of k blocks and the rest free at the end, with
# no extent of 3k blocks among them.
blocks=$(stat_of "$SUPER" blocks)
blocks=${blocks:-0}
k=$((blocks / 9))
FILES=""
ok=0
i=0
while [ $i -lt 8 ]; do
	head -c $((k * 4096 - 100)) /dev/urandom >"$T/c.$i"
	put_file "$T/c.$i" || { ok=1; diag_file "$T/a.err"; }
	eval "C$i=\$CAP"
	[ $((i % 2)) -eq 1 ] && FILES="$FILES $CAP=$T/c.$i"
	i=$((i + 1))
done
tap $ok "eight files of $k blocks each fill $((8 * k)) of its $blocks blocks"
expect "del every other one" 0 '' "$BPROGS/del" "$C0" "$C2" "$C4" "$C6"
n3=$((3 * k))
largest=$(stat_of "$SUPER" largest_free)
[ -n "$largest" ] && [ "$largest" -lt "$n3" ] && [ "$n3" -le $((blocks - 4 * k)) ]
tap $? "no free extent holds $n3 blocks (largest $largest), $((blocks - 4 * k)) are free"
head -c $((n3 * 4096)) /dev/urandom >"$T/c.big"
put_file "$T/c.big"
tap $? "a file of $n3 blocks is stored all the same" ||
	{ diag_file "$T/a.err"; diag_file "$T/srv.err"; }
FILES="$FILES $CAP=$T/c.big"
moved=$(stat_of "$SUPER" moved)
[ -n "$moved" ] && [ "$moved" -gt 0 ]
tap $? "...by compaction: bstat shows moved=$moved" || diag_file "$T/srv.err"
check_files "every surviving file, and the new one, reads back equal"
expect "...and bstat counts 5 files" 0 '^files=5$' "$BPROGS/bstat" -p "$SUPER"
stop_bulletd TERM
lexpect "bfsck -d on the compacted store: no problems" 0 ' 0 problems' \
	"$BPROGS/bfsck" -d "$S"

# --- Garbage collection ------------------------------------------------
G=$T/gc.store
lexpect "bulletd --init 1M makes a store for garbage collection" 0 '' \
	"$BPROGS/bulletd" --init 1M -s "$G"
SUPER=$(head -n 1 "$T/l.out")
start_bulletd "$G" -l 2
tap $? "bulletd -l 2 serves it (lifetime of two std_age cycles)" ||
	{ diag_file "$T/srv.err"; diag_file "$T/probe.err"; bail "no server"; }
head -c 3000 /dev/urandom >"$T/g.keep"
head -c 3000 /dev/urandom >"$T/g.drop"
put_file "$T/g.keep"
KEEP=$CAP
put_file "$T/g.drop"
DROP=$CAP
ok=0
A "$PROGS/std_touch" "$KEEP" || ok=1
A "$PROGS/std_age" "$SUPER" || ok=1
tap $ok "std_touch one file, std_age the server" || diag_file "$T/a.err"
get_same "$DROP" "$T/g.drop"
tap $? "...after one cycle the untouched file is still there" || diag_file "$T/a.err"
ok=0
A "$PROGS/std_touch" "$KEEP" || ok=1
A "$PROGS/std_age" "$SUPER" || ok=1
tap $ok "std_touch and std_age again" || diag_file "$T/a.err"
get_same "$KEEP" "$T/g.keep"
tap $? "...the touched file survives two cycles, equal" || diag_file "$T/a.err"
expect "...the untouched one is gone after two (STD_CAPBAD)" 1 'STD_CAPBAD' \
	"$BPROGS/get" "$DROP"
expect "std_age with a file's capability is refused (STD_DENIED)" 1 \
	'STD_DENIED' "$PROGS/std_age" "$KEEP"
stop_bulletd KILL
start_bulletd "$G" -l 2
tap $? "after a restart" || diag_file "$T/srv.err"
expect "...the aged-away file is still gone" 1 'STD_CAPBAD' "$BPROGS/get" "$DROP"
get_same "$KEEP" "$T/g.keep"
tap $? "...and the touched one still reads back equal" || diag_file "$T/a.err"
stop_bulletd TERM

# --- Copies (std_copy) ------------------------------------------------
# Two servers: the second holds originals, the first makes copies, of its
# own files and of the second's, which it reads with b_size and b_read.
X2=$T/copy2.store
lexpect "bulletd --init 32M makes a store for a second server" 0 '' \
	"$BPROGS/bulletd" --init 32M -s "$X2"
start_second "$X2"
tap $? "a second bulletd serves it" ||
	{ diag_file "$T/srv2.err"; diag_file "$T/probe.err"; bail "no second server"; }
X1=$T/copy1.store
lexpect "bulletd --init 32M -f 4 makes a store for copies, of four files" 0 '' \
	"$BPROGS/bulletd" --init 32M -f 4 -s "$X1"
SUPER=$(head -n 1 "$T/l.out")
start_bulletd "$X1"
tap $? "bulletd serves it too" ||
	{ diag_file "$T/srv.err"; diag_file "$T/probe.err"; bail "no server"; }

head -c 5000 /dev/urandom >"$T/x.local"
put_file "$T/x.local"
XL=$CAP
copied "std_copy of a file on the same server: a new capability, the same bytes" \
	"$SUPER" "$XL" "$T/x.local"
XLC=$COPY
A "$BPROGS/del" "$XL"
get_same "$XLC" "$T/x.local"
tap $? "...deleting the original leaves the copy, equal" || diag_file "$T/a.err"

head -c 5000 /dev/urandom >"$T/x.remote"
A "$BPROGS/put" -q "$SUPER2" "$T/x.remote"
XR=$(head -n 1 "$T/a.out")
copied "std_copy of a file of the second server: a file of the first, equal" \
	"$SUPER" "$XR" "$T/x.remote"
A "$BPROGS/put" -q "$SUPER2" "$T/f.3000000"
XB=$(head -n 1 "$T/a.out")
copied "std_copy of a 3 MB file of the second server (b_read by messages), equal" \
	"$SUPER" "$XB" "$T/f.3000000"
FILES="$XLC=$T/x.local $COPY=$T/f.3000000"
put_file "$T/f.4096"
FILES="$FILES $CAP=$T/f.4096"

# Failures: each leaves no file and no space taken on the first server.
free0=$(stat_of "$SUPER" free_blocks)
files0=$(stat_of "$SUPER" files)
[ "$files0" = 4 ]
tap $? "a fourth file fills its table" || diag "files=$files0"
expect "std_copy with the file table full: STD_NOSPACE" 1 'STD_NOSPACE' \
	"$PROGS/std_copy" "$SUPER" "$XLC"
A "$PROGS/std_restrict" "$XR" 0x0d
expect "std_copy of a capability without the read right (from the second server): STD_DENIED" \
	1 'STD_DENIED' "$PROGS/std_copy" "$SUPER" "$(head -n 1 "$T/a.out")"
A "$PROGS/std_restrict" "$XLC" 0x0d
expect "...and of one of its own files: STD_DENIED" 1 'STD_DENIED' \
	"$PROGS/std_copy" "$SUPER" "$(head -n 1 "$T/a.out")"
A "$PROGS/std_restrict" "$SUPER" 0xfe
expect "std_copy with the server capability without the create right: STD_DENIED" \
	1 'STD_DENIED' "$PROGS/std_copy" "$(head -n 1 "$T/a.out")" "$XR"
expect "std_copy with a file's capability as the server's: STD_DENIED" 1 \
	'STD_DENIED' "$PROGS/std_copy" "$XLC" "$XR"
expect "std_copy of a forged capability (from the second server): STD_CAPBAD" \
	1 'STD_CAPBAD' "$PROGS/std_copy" "$SUPER" "$(flip_check "$XR")"
expect "...and of a forged one of its own: STD_CAPBAD" 1 'STD_CAPBAD' \
	"$PROGS/std_copy" "$SUPER" "$(flip_check "$XLC")"
expect "...and of the deleted original: STD_CAPBAD" 1 'STD_CAPBAD' \
	"$PROGS/std_copy" "$SUPER" "$XL"
stop_second
expect "std_copy of a file of a server that is gone: STD_NOTNOW" 1 \
	'STD_NOTNOW' "$PROGS/std_copy" "$SUPER" "$XR"
grep -q "copy: b_size on port ${XR%%:*} failed: RPC_" "$T/srv.err"
tap $? "...and bulletd logs the call that failed" || diag_file "$T/srv.err"
A "$BPROGS/bstat" -p "$SUPER"
grep -q "^files=$files0$" "$T/a.out" && grep -q '^uploads=0$' "$T/a.out" &&
	grep -q "^free_blocks=$free0$" "$T/a.out"
tap $? "...no failed copy left a file or took space" ||
	{ diag "files was $files0, free_blocks $free0:"; diag_file "$T/a.out"; }
check_files "the copies and the fourth file still read back equal"
stop_bulletd KILL
serving "...and after a restart" "$X1"
check_files "...too"
stop_bulletd TERM
lexpect "bfsck -d on the store of copies: no problems" 0 ' 0 problems' \
	"$BPROGS/bfsck" -d "$X1"

grep putrep "$T/srv.log" >"$T/putrep.out"
[ $? -ne 0 ]
tap $? "bulletd reported no failed putrep" || diag_file "$T/putrep.out"

finish
