#!/bin/sh
# The SOAP directory server end to end, one program for both transports:
# soapd, its commands dir, mkd and chm, Bullet's put, get and del on
# path names, libamoeba's std_* commands, and sload.  A state made and
# served; directories made, listed and restricted; Bullet files entered
# and read back by path; a friend's view through one column; every error
# by its name, leaving the directory as it was; an encrypted directory,
# whose names stay out of the log; restarts and compaction; replicas and
# failover; concurrent compare-and-swap increments; a damaged and a torn
# log.  Prints TAP.
#
# TRANSPORT=kernel (the default): as root inside the test VM, under
# busybox sh, with soapd and the first bulletd in namespace hostB, the
# second bulletd and the clients in hostA, over AF_AMOEBA.  TRANSPORT=udp:
# on the host, over libamoeba's udp transport on loopback; no module, no
# root.
#
# Environment: IP, PROGS (std_*), BPROGS (bulletd and its commands;
# default $PROGS), SPROGS (soapd, dir, mkd, chm, sload; default $PROGS),
# MODDIR as for integration.sh; CAS_CLIENTS and CAS_ITERS (default 4 and
# 50 over UDP, 4 and 25 in the VM).  Scratch files go under $TMPDIR
# (default /tmp).

IP=${IP:-ip}
PROGS=${PROGS:-/progs}
BPROGS=${BPROGS:-$PROGS}
SPROGS=${SPROGS:-$PROGS}
MODDIR=${MODDIR:-/modules}
TRANSPORT=${TRANSPORT:-kernel}
HOSTS="hostA hostB"
[ "$TRANSPORT" = udp ] && HOSTS=""
pids=""
spid=""
bpid1=""
bpid2=""

for p in "$SPROGS/soapd" "$SPROGS/sload" "$BPROGS/bulletd"; do
	if [ ! -x "$p" ]; then
		echo "1..0 # SKIP no $p (make bullet soap)"
		exit 0
	fi
done
T=$(mktemp -d "${TMPDIR:-/tmp}/amoeba-soap.XXXXXX")

. "$(dirname "$0")/lib.sh"

trap 'rm -rf "$T"' EXIT
trap 'cleanup; exit 1' INT TERM

CAPRE='^[0-9a-f]{12}:[0-9a-f]{6}:[0-9a-f]{2}:[0-9a-f]{12}$'
if [ "$TRANSPORT" = udp ]; then
	CAS_CLIENTS=${CAS_CLIENTS:-4}
	CAS_ITERS=${CAS_ITERS:-50}
else
	CAS_CLIENTS=${CAS_CLIENTS:-4}
	CAS_ITERS=${CAS_ITERS:-25}
fi

# --- Where each program runs -------------------------------------------
# Over UDP each server has a port of its own and names the others as
# peers, and the clients name all three.  Over AF_AMOEBA soapd and the
# first bulletd run in hostB, the second bulletd and the clients in hostA.

rand_port() {
	echo $((20000 + 0x$(head -c 2 /dev/urandom | od -An -tx1 | tr -d ' \n') % 40000))
}

SPORT=$(rand_port)
BPORT1=$(rand_port)
BPORT2=$(rand_port)

prefixes() {
	if [ "$TRANSPORT" = udp ]; then
		lo=127.0.0.1
		U="env AMOEBA_TRANSPORT=udp"
		CLIENT="$U AMOEBA_UDP_PEERS=$lo:$SPORT,$lo:$BPORT1,$lo:$BPORT2"
		SSERVER="$U AMOEBA_UDP_PORT=$SPORT AMOEBA_UDP_PEERS=$lo:$BPORT1,$lo:$BPORT2"
		BSERVER1="$U AMOEBA_UDP_PORT=$BPORT1 AMOEBA_UDP_PEERS=$lo:$SPORT,$lo:$BPORT2"
		BSERVER2="$U AMOEBA_UDP_PORT=$BPORT2 AMOEBA_UDP_PEERS=$lo:$SPORT,$lo:$BPORT1"
	else
		CLIENT="$IP netns exec hostA env AMOEBA_TRANSPORT=kernel"
		SSERVER="$IP netns exec hostB env AMOEBA_TRANSPORT=kernel"
		BSERVER1=$SSERVER
		BSERVER2=$CLIENT
	fi
}
prefixes

# The root directory capability the clients use (AMOEBA_ROOT).
ROOT=""

# A: run as a client with a bound, from $ROOT; stdout in $T/a.out, stderr
# in $T/a.err.  Returns the status.
A() {
	timeout 60 $CLIENT AMOEBA_ROOT="$ROOT" "$@" >"$T/a.out" 2>"$T/a.err"
}

# AS CAP CMD...: A with CAP as the root directory.
AS() {
	as_root=$1
	shift
	timeout 60 $CLIENT AMOEBA_ROOT="$as_root" "$@" >"$T/a.out" 2>"$T/a.err"
}

# expect_as CAP NAME STATUS PATTERN CMD...: expect, from root CAP.
expect_as() {
	cap=$1 name=$2 want=$3 pattern=$4
	shift 4
	AS "$cap" "$@"
	judge "$name" "$want" "$pattern" $? "$T/a.out" "$T/a.err"
}

# first_line CMD...: as a client, CMD's first line of output ("" if it
# failed).
first_line() {
	A "$@" && head -n 1 "$T/a.out"
}

# status_of KEY: the number before KEY in soapd's std_status report.
status_of() {
	A "$PROGS/std_status" "$SUPER" &&
		sed -n "s/.* \([0-9][0-9]*\) $1.*/\1/p" "$T/a.out"
}

# start_soapd [ARGS...]: soapd on $ST as $spid, the root capability it
# printed in $SROOT; 0 once it answers.  Over UDP a port in use is
# retried on another.
start_soapd() {
	tries=0
	while :; do
		rm -f "$T/soapd.out"
		$SSERVER "$SPROGS/soapd" -d "$ST" "$@" >"$T/soapd.out" \
			2>"$T/soapd.err" &
		spid=$!
		pids="$pids $spid"
		SROOT=""
		if wait_line "$T/soapd.out" $spid; then
			SROOT=$(head -n 1 "$T/soapd.out")
			timeout 60 $CLIENT "$PROGS/std_status" "$SUPER" \
				>/dev/null 2>"$T/probe.err" && return 0
		fi
		kill -KILL $spid 2>/dev/null
		wait $spid 2>/dev/null
		spid=""
		tries=$((tries + 1))
		[ "$TRANSPORT" = udp ] && grep -q "in use" "$T/soapd.err" &&
			[ $tries -lt 5 ] || return 1
		SPORT=$(rand_port)
		prefixes
	done
}

# stop_soapd SIGNAL: end soapd and reap it, so that its lock is gone.
stop_soapd() {
	[ -n "$spid" ] || return 0
	kill -"$1" $spid 2>/dev/null
	wait $spid 2>/dev/null
	spid=""
	cat "$T/soapd.err" >>"$T/soapd.log"
}

# serving NAME [ARGS...]: start_soapd as a point, bailing out if it does
# not serve; ok only if it printed the same root capability.
serving() {
	name=$1
	shift
	start_soapd "$@" && [ "$SROOT" = "$ROOT" ]
	tap $? "$name" || { diag "root $SROOT, expected $ROOT";
		diag_file "$T/soapd.err"; diag_file "$T/probe.err";
		bail "no soapd"; }
}

# start_bulletd N STORE: bulletd N (1 or 2) serving STORE, its pid in
# $bpidN; 0 once it answers.
start_bulletd() {
	tries=0
	while :; do
		rm -f "$T/b$1.out"
		if [ "$1" = 1 ]; then
			$BSERVER1 "$BPROGS/bulletd" -s "$2" >"$T/b$1.out" \
				2>"$T/b$1.err" &
			bpid1=$!
			bp=$bpid1
		else
			$BSERVER2 "$BPROGS/bulletd" -s "$2" >"$T/b$1.out" \
				2>"$T/b$1.err" &
			bpid2=$!
			bp=$bpid2
		fi
		pids="$pids $bp"
		if wait_line "$T/b$1.out" $bp &&
			timeout 60 $CLIENT "$BPROGS/bstat" -p \
				"$(head -n 1 "$T/b$1.out")" >/dev/null \
				2>"$T/probe.err"; then
			return 0
		fi
		kill -KILL $bp 2>/dev/null
		wait $bp 2>/dev/null
		tries=$((tries + 1))
		[ "$TRANSPORT" = udp ] && grep -q "in use" "$T/b$1.err" &&
			[ $tries -lt 5 ] || return 1
		if [ "$1" = 1 ]; then
			BPORT1=$(rand_port)
		else
			BPORT2=$(rand_port)
		fi
		prefixes
	done
}

# same_files NAME A B: a point, ok if files A and B are equal.
same_files() {
	cmp -s "$2" "$3"
	tap $? "$1" || { diag "$2 and $3 differ:"; diff "$2" "$3" | head -n 20 |
		sed 's/^/#   /'; }
}

# get_same PATH FILE: the Bullet file PATH names holds exactly FILE's
# bytes.
get_same() {
	rm -f "$T/got"
	A "$BPROGS/get" "$1" "$T/got" && cmp -s "$2" "$T/got"
}

# listing NAME FILE PATH...: `dir -l -c PATH...` into FILE, as a point.
listing() {
	name=$1 out=$2
	shift 2
	A "$SPROGS/dir" -l -c "$@"
	st=$?
	cp "$T/a.out" "$out"
	tap $st "$name" || diag_file "$T/a.err"
}

# unchanged NAME: a point, ok if `dir -l -c` of /home/ann is as it was
# in $T/ann.before.
unchanged() {
	A "$SPROGS/dir" -l -c /home/ann
	cmp -s "$T/a.out" "$T/ann.before"
	tap $? "$1" || { diag "now:"; diag_file "$T/a.out";
		diag "before:"; diag_file "$T/ann.before"; }
}

# flip FILE OFFSET: invert the byte of FILE at OFFSET.
flip() {
	b=$(dd if="$1" bs=1 skip="$2" count=1 2>/dev/null | od -An -tu1 | tr -d ' ')
	printf "\\$(printf '%03o' $((b ^ 255)))" |
		dd of="$1" bs=1 seek="$2" conv=notrunc 2>/dev/null
}

# size FILE: its length in bytes.
size() {
	wc -c <"$1" | tr -d ' '
}

if [ "$TRANSPORT" = kernel ]; then
	insmod "$MODDIR/amoeba.ko" >"$T/insmod.out" 2>&1
	tap $? "insmod amoeba.ko" || { diag_file "$T/insmod.out"; bail "no module"; }
	make_hosts
	tap $? "topology: $HOSTS on bridge br0" ||
		{ diag_file "$T/topo.out"; bail "no topology"; }
fi

# --- A state, served ---------------------------------------------------
ST=$T/state
L "$SPROGS/soapd" --init -d "$ST" -w "$T/super"
st=$?
ROOT=$(head -n 1 "$T/l.out")
SUPER=$(head -n 1 "$T/super" 2>/dev/null)
[ $st -eq 0 ] && echo "$ROOT" | grep -qE '^[0-9a-f]{12}:000001:ff:[0-9a-f]{12}$' &&
	echo "$SUPER" | grep -qE '^[0-9a-f]{12}:000000:ff:[0-9a-f]{12}$'
tap $? "soapd --init prints the root's capability ($ROOT) and writes the super capability" ||
	{ diag_file "$T/l.out"; diag_file "$T/l.err"; bail "no state"; }
lexpect "a second --init without --force is refused" 1 'there already' \
	"$SPROGS/soapd" --init -d "$ST"

serving "soapd serves it over $TRANSPORT, printing the same root capability"
expect "std_info of the root: a directory of no rows, columns owner:group:other" \
	0 '^/ directory, 0 rows, columns owner:group:other$' \
	"$PROGS/std_info" "$ROOT"
expect "std_status of the super capability: 1 directory" 0 \
	'^soapd: 1 directories' "$PROGS/std_status" "$SUPER"

# --- Directories -------------------------------------------------------
expect "mkd /home" 0 '' "$SPROGS/mkd" /home
expect "mkd /home/ann" 0 '' "$SPROGS/mkd" /home/ann
expect "mkd /home/ann again: STD_EXISTS" 1 'STD_EXISTS' "$SPROGS/mkd" /home/ann
expect "dir / lists home" 0 '^home$' "$SPROGS/dir" /
expect "dir -l /: the column names, then ff:06:04 and one capability for home" \
	0 '^ff:06:04 .* 1  home$' "$SPROGS/dir" -l /
grep -q '^owner:group:other' "$T/a.out"
tap $? "...headed by owner:group:other" || diag_file "$T/a.out"
expect "dir -c /home shows ann's capability, an owner one of this server" 0 \
	"^	${ROOT%%:*}:[0-9a-f]{6}:ff:" "$SPROGS/dir" -c /home
expect "mkd -c a,b makes a directory of two columns" 0 '' \
	"$SPROGS/mkd" -c a,b /home/two
expect "...that std_info describes so" 0 'columns a:b$' \
	"$PROGS/std_info" /home/two

# --- Bullet files by path -----------------------------------------------
BS1=$T/b1.store
L "$BPROGS/bulletd" --init 16M -s "$BS1"
BULLET1=$(head -n 1 "$T/l.out")
start_bulletd 1 "$BS1"
tap $? "a bulletd serves a 16M store" ||
	{ diag_file "$T/b1.err"; diag_file "$T/probe.err"; bail "no bulletd"; }
head -c 5000 /dev/urandom >"$T/notes"
expect "put -n /home/ann/notes enters a new Bullet file" 0 "$CAPRE" \
	"$BPROGS/put" -q -n /home/ann/notes "$BULLET1" "$T/notes"
NOTES=$(head -n 1 "$T/a.out")
get_same /home/ann/notes "$T/notes"
tap $? "get /home/ann/notes gives its bytes back" || diag_file "$T/a.err"
expect "dir -c /home/ann shows the file's capability" 0 "^	$NOTES$" \
	"$SPROGS/dir" -c /home/ann
expect "std_info /home/ann/notes: a Bullet file of 5000 bytes" 0 \
	'^bullet file, 5000 bytes$' "$PROGS/std_info" /home/ann/notes
head -c 3000 /dev/urandom >"$T/clear"
expect "put -n /home/ann/clearrowname" 0 "$CAPRE" \
	"$BPROGS/put" -q -n /home/ann/clearrowname "$BULLET1" "$T/clear"

# --- Columns: a friend's view -------------------------------------------
expect "chm ff:ff:02 /home/ann/notes" 0 '' "$SPROGS/chm" ff:ff:02 /home/ann/notes
expect "...dir -l shows the masks ff:ff:02" 0 '^ff:ff:02 .*  notes$' \
	"$SPROGS/dir" -l /home/ann
FRIEND=$(first_line "$PROGS/std_restrict" /home/ann 0x04)
echo "$FRIEND" | grep -qE '^[0-9a-f]{12}:[0-9a-f]{6}:04:[0-9a-f]{12}$'
tap $? "std_restrict /home/ann 0x04: ann's directory, other column only ($FRIEND)" ||
	diag_file "$T/a.err"
RO=${NOTES%:*:*}:02:
expect_as "$FRIEND" "through it, dir -c gives the file restricted to read ($RO...)" \
	0 "^	$RO" "$SPROGS/dir" -c /
rm -f "$T/got"
AS "$FRIEND" "$BPROGS/get" /notes "$T/got" && cmp -s "$T/got" "$T/notes"
tap $? "...with which get /notes works, equal" || diag_file "$T/a.err"
expect_as "$FRIEND" "...but del /notes is refused (STD_DENIED)" 1 'STD_DENIED' \
	"$BPROGS/del" /notes
expect "...and the file is still there under its name" 0 '^notes$' \
	"$SPROGS/dir" /home/ann
expect_as "$FRIEND" "...and mkd /x through it is refused (STD_DENIED)" 1 \
	'STD_DENIED' "$SPROGS/mkd" /x
expect_as "$FRIEND" "...and chm too" 1 'STD_DENIED' "$SPROGS/chm" ff:ff:ff /notes

# --- Errors, each leaving the directory as it was ------------------------
A "$SPROGS/dir" -l -c /home/ann
cp "$T/a.out" "$T/ann.before"
denied0=$(status_of denied)
ANN=$(first_line "$PROGS/std_restrict" /home/ann 0xff)
N255=$(head -c 255 /dev/zero | tr '\000' x)
N256=${N255}x
expect "sp_append of an empty name: STD_ARGBAD" 1 '^STD_ARGBAD$' \
	"$SPROGS/sload" append "$ANN" ""
unchanged "...the directory is as it was"
expect "sp_append of a name with '/': STD_ARGBAD" 1 '^STD_ARGBAD$' \
	"$SPROGS/sload" append "$ANN" "a/b"
unchanged "...the directory is as it was"
expect "sp_append of a name of 256 bytes: STD_ARGBAD" 1 '^STD_ARGBAD$' \
	"$SPROGS/sload" append "$ANN" "$N256"
unchanged "...the directory is as it was"
expect "mkd of a name of 256 bytes is refused (bad argument)" 1 \
	'bad argument.*256 bytes' \
	"$SPROGS/mkd" "/home/ann/$N256"
unchanged "...the directory is as it was"
expect "chm with four masks for three columns: STD_ARGBAD" 1 'STD_ARGBAD' \
	"$SPROGS/chm" ff:ff:ff:ff /home/ann/notes
unchanged "...the directory is as it was"
expect "dir of a missing name: STD_NOTFOUND" 1 'STD_NOTFOUND' \
	"$SPROGS/dir" /home/ann/missing
expect "del of a missing name: STD_NOTFOUND" 1 'STD_NOTFOUND' \
	"$BPROGS/del" /home/ann/missing
unchanged "...the directory is as it was"
NOCOL=$(first_line "$PROGS/std_restrict" /home/ann 0xc0)
expect_as "$NOCOL" "a capability of no column (rights c0): dir gets STD_DENIED" \
	1 'STD_DENIED' "$SPROGS/dir" /
NOMOD=$(first_line "$PROGS/std_restrict" /home/ann 0x87)
expect_as "$NOMOD" "one without the modify right (87): mkd gets STD_DENIED" \
	1 'STD_DENIED' "$SPROGS/mkd" /x
expect_as "$NOMOD" "...and so does del -n" 1 'STD_DENIED' \
	"$BPROGS/del" -n /clearrowname
unchanged "...the directory is as it was"
denied1=$(status_of denied)
[ -n "$denied0" ] && [ "$denied1" -ge $((denied0 + 3)) ]
tap $? "std_status counts the refusals: denied $denied0, then $denied1" ||
	diag_file "$T/a.out"
expect "mkd /home/ann/full" 0 '' "$SPROGS/mkd" /home/ann/full
expect "put -n /home/ann/full/f" 0 "$CAPRE" \
	"$BPROGS/put" -q -n /home/ann/full/f "$BULLET1" "$T/clear"
A "$SPROGS/dir" -l -c /home/ann
cp "$T/a.out" "$T/ann.before"
expect "del -d of a directory that is not empty: SP_NOTEMPTY" 1 'SP_NOTEMPTY' \
	"$BPROGS/del" -d /home/ann/full
unchanged "...the directory is as it was"
expect "...and its entry is still there" 0 '^f$' "$SPROGS/dir" /home/ann/full
expect "sp_append of a name of 255 bytes works" 0 '^STD_OK$' \
	"$SPROGS/sload" append "$ANN" "$N255"
expect "...dir lists it" 0 "^$N255$" "$SPROGS/dir" /home/ann
expect "...and del -n removes it" 0 '' "$BPROGS/del" -n "/home/ann/$N255"
unchanged "...the directory is as it was"
expect "del of /home/ann/full/f, then del -d of the empty directory" 0 '' \
	"$BPROGS/del" /home/ann/full/f
expect "...del -d /home/ann/full" 0 '' "$BPROGS/del" -d /home/ann/full
expect "...which is gone" 1 'STD_NOTFOUND' "$SPROGS/dir" /home/ann/full

# --- An encrypted directory ---------------------------------------------
expect "mkd -e /home/sec" 0 '' "$SPROGS/mkd" -e /home/sec
expect "...std_info says it is encrypted" 0 'encrypted$' \
	"$PROGS/std_info" /home/sec
head -c 4000 /dev/urandom >"$T/hidden"
expect "put -n /home/sec/hiddenrowname" 0 "$CAPRE" \
	"$BPROGS/put" -q -n /home/sec/hiddenrowname "$BULLET1" "$T/hidden"
expect "mkd /home/sec/hiddensubdir" 0 '' "$SPROGS/mkd" /home/sec/hiddensubdir
get_same /home/sec/hiddenrowname "$T/hidden"
tap $? "get /home/sec/hiddenrowname, equal" || diag_file "$T/a.err"
n_clear=$(grep -c clearrowname "$ST/soap.log")
n_hidden=$(grep -c -e hiddenrowname -e hiddensubdir "$ST/soap.log")
[ "$n_clear" -gt 0 ] && [ "$n_hidden" -eq 0 ]
tap $? "soap.log holds the plain directory's row name ($n_clear), not the encrypted one's ($n_hidden)"

# --- Restart -------------------------------------------------------------
DIRS="/ /home /home/ann /home/two /home/sec /home/sec/hiddensubdir"
listing "dir -l -c of every directory" "$T/before" $DIRS
stop_soapd KILL
serving "soapd serves the state again after SIGKILL, with the same root"
listing "...dir -l -c of every directory" "$T/after" $DIRS
same_files "...is as it was" "$T/before" "$T/after"
get_same /home/sec/hiddenrowname "$T/hidden"
tap $? "...the encrypted directory's file reads back by path, equal" ||
	diag_file "$T/a.err"
get_same /home/ann/notes "$T/notes"
tap $? "...and the plain one's" || diag_file "$T/a.err"
expect "...std_status: 6 directories" 0 '^soapd: 6 directories' \
	"$PROGS/std_status" "$SUPER"
n_hidden=$(grep -c -e hiddenrowname -e hiddensubdir "$ST/soap.log")
[ "$n_hidden" -eq 0 ]
tap $? "...and the encrypted names are still not in soap.log"

# --- Compaction ----------------------------------------------------------
stop_soapd TERM
serving "soapd -C 4K (compaction every 4 KiB of growth)" -C 4K
expect "mkd /churn" 0 '' "$SPROGS/mkd" /churn
A "$SPROGS/sload" churn /churn "$T/ack" 300
st=$?
tap $st "sload churn: 300 changes to /churn and two directories in it" ||
	{ diag_file "$T/a.out"; diag_file "$T/a.err"; }
expect "...sload verify: every one there" 0 '^verified' \
	"$SPROGS/sload" verify /churn "$T/ack"
comp=$(status_of compactions)
[ -n "$comp" ] && [ "$comp" -ge 3 ]
tap $? "std_status: several compactions ($comp)" || diag_file "$T/a.out"
DIRS="$DIRS /churn /churn/c1 /churn/c2"
listing "dir -l -c of every directory" "$T/before" $DIRS
stop_soapd KILL
serving "soapd serves the compacted log again"
listing "...dir -l -c of every directory" "$T/after" $DIRS
same_files "...is as it was" "$T/before" "$T/after"
expect "...sload verify: every change there" 0 '^verified' \
	"$SPROGS/sload" verify /churn "$T/ack"

# --- Concurrent compare-and-swap ------------------------------------------
expect "mkd /cas" 0 '' "$SPROGS/mkd" /cas
ncas=$((CAS_CLIENTS * CAS_ITERS))
expect "sload cas: $CAS_CLIENTS clients, $CAS_ITERS increments each, all acknowledged" \
	0 "^acked=$ncas " "$SPROGS/sload" cas /cas "$CAS_CLIENTS" "$CAS_ITERS"
diag "$(cat "$T/a.out")"
expect "sload check: the counter is $ncas, and g0..g9 are one install's" 0 \
	"^counter=$ncas;" "$SPROGS/sload" check /cas "$ncas"

# --- Replicas -------------------------------------------------------------
BS2=$T/b2.store
L "$BPROGS/bulletd" --init 16M -s "$BS2"
BULLET2=$(head -n 1 "$T/l.out")
start_bulletd 2 "$BS2"
tap $? "a second bulletd serves another store" ||
	{ diag_file "$T/b2.err"; diag_file "$T/probe.err"; bail "no bulletd"; }
head -c 200000 /dev/urandom >"$T/rep"
expect "put -n /home/ann/rep -r SERVER2 SERVER1: a file and its copy" 0 \
	"$CAPRE" "$BPROGS/put" -q -n /home/ann/rep -r "$BULLET2" "$BULLET1" \
	"$T/rep"
[ "$(grep -cE "$CAPRE" "$T/a.out")" -eq 2 ]
tap $? "...two capabilities printed" || diag_file "$T/a.out"
A "$SPROGS/dir" -c /home/ann
sed -n '/^rep$/,/^[^	]/p' "$T/a.out" | grep -c '^	' >"$T/ncaps"
[ "$(cat "$T/ncaps")" -eq 2 ]
tap $? "dir -c shows two capabilities under rep" || diag_file "$T/a.out"
expect "dir -l: rep holds 2" 0 ' 2  rep$' "$SPROGS/dir" -l /home/ann
kill -KILL "$bpid1"
wait "$bpid1" 2>/dev/null
get_same /home/ann/rep "$T/rep"
tap $? "with the first bulletd killed, get /home/ann/rep reads the copy, equal" ||
	diag_file "$T/a.err"
start_bulletd 1 "$BS1"
tap $? "the first bulletd serves again" || diag_file "$T/b1.err"

# --- A damaged log, a torn log ---------------------------------------------
A "$SPROGS/sload" append "$ANN" prevname
A "$SPROGS/dir" -l -c /home/ann
cp "$T/a.out" "$T/ann.before"
expect "sp_append lastname (one record, the log's last)" 0 '^STD_OK$' \
	"$SPROGS/sload" append "$ANN" lastname
stop_soapd TERM
cp "$ST/soap.log" "$T/good.log"
len=$(size "$ST/soap.log")
mid=$((len / 2))
flip "$ST/soap.log" $mid
cp "$ST/soap.log" "$T/bad.log"
timeout 30 $SSERVER "$SPROGS/soapd" -d "$ST" >"$T/l.out" 2>&1
st=$?
off=$(sed -n 's/.*damaged at offset \([0-9]*\).*/\1/p' "$T/l.out")
[ $st -eq 1 ] && [ -n "$off" ] && [ "$off" -le $mid ]
tap $? "a byte flipped at offset $mid of $len: soapd refuses to start, naming offset $off" ||
	{ diag "status $st:"; diag_file "$T/l.out"; }
cmp -s "$ST/soap.log" "$T/bad.log"
tap $? "...and leaves the log as it was"
cp "$T/good.log" "$ST/soap.log"
head -c $((len - 3)) "$T/good.log" >"$ST/soap.log"
start_soapd
tap $? "its last 3 bytes cut off: soapd starts" ||
	{ diag_file "$T/soapd.err"; diag_file "$T/probe.err"; bail "no soapd"; }
grep -q 'torn last record' "$T/soapd.err"
tap $? "...saying that it drops a torn last record" || diag_file "$T/soapd.err"
expect "...lastname is gone" 1 'STD_NOTFOUND' "$SPROGS/dir" /home/ann/lastname
unchanged "...and the rest is as it was, prevname there"
get_same /home/ann/notes "$T/notes"
tap $? "...get /home/ann/notes, equal" || diag_file "$T/a.err"
stop_soapd TERM

grep putrep "$T/soapd.log" >"$T/putrep.out"
[ $? -ne 0 ]
tap $? "soapd reported no failed putrep" || diag_file "$T/putrep.out"

finish
