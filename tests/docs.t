#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Documentation drift checks (TAP).  Each test compares a fact in the code
# with what the documentation says about it, so that changing one without
# the other fails here:
#   - every drop reason (flip_drop_names, flip/wire.c) and every stat name
#     (stat_names, kmod/proc.c) is described in the /proc section of
#     af_amoeba.rst, flip.rst and amoeba.7, and those sections name no
#     reason or counter the code lacks; af_amoeba.rst's summary of the
#     /proc format lists them in the order the file shows them;
#   - every kind of /proc record kmod/proc.c prints (stat, drop, port,
#     ...) has a line in af_amoeba.rst's summary of the format and a
#     paragraph in amoeba.7, and one printed by a single seq_printf() is
#     given there with as many fields as it prints;
#   - every errno of af_amoeba.rst's error table is in amoeba.7's ERRORS;
#   - amoeba.7 renders without groff warnings;
#   - the header sizes and limits flip.rst quotes match flip/flip.h,
#     include/uapi/linux/amoeba.h and kmod/amoeba.h, every AMOEBA_UDP_
#     limit (kmod/amoeba.h, kmod/udp.c) has a row in its limits table,
#     the UDP link's ifindex (AMOEBA_UDP_LINK) is given in decimal as
#     /proc shows it, and AM_MAXBUF is given with its value in
#     af_amoeba.rst and amoeba.7;
#   - the max_hop hosts send (kmod/rpc.c) is what flip.rst's FLIP header
#     table and worked example show, and the limit of routers that
#     af_amoeba.rst and amoeba.7 give; the route ttl (kmod/forward.c)
#     is in flip.rst's limits table;
#   - the FLIP and RPC packet type numbers and RPC flags in flip.rst's
#     tables match flip/flip.h;
#   - every module parameter (module_param_named in kmod/) is described
#     in af_amoeba.rst and amoeba.7 with its default and whether it can be
#     written at run time;
#   - every sysctl (each entry of the table kmod/sysctl.c registers) is
#     described in af_amoeba.rst and amoeba.7 under both names
#     (net.amoeba.NAME, /proc/sys/net/amoeba/NAME) with its default,
#     whether root may write it, an integer's bounds and a string's
#     length;
#   - every flip_timing field is described in flip.rst, with the value
#     flip_timing_default gives it (flip/trans.c);
#   - every FLIP_/AMOEBA_/AM_/AMIOC_/RPC_/STD_ constant and every
#     ``some_function()`` (with an underscore: not a system call) the
#     documents name exists in the code;
#   - the example programs in af_amoeba.rst and amoeba.7 compile against
#     include/uapi/linux/amoeba.h (skipped without a C compiler).
# POSIX sh, grep, sed, awk; a C compiler only for the last check.

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1

AF=Documentation/networking/af_amoeba.rst
FLIP=Documentation/networking/flip.rst
MAN=Documentation/man/amoeba.7
ARCH=Documentation/architecture.rst

. "$(dirname "$0")/host-lib.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp" "$out"' EXIT

# rst_section FILE PATTERN: the text of the first section whose title
# matches PATTERN (an awk regular expression), up to the next title of any
# level.  A title is a non-empty line followed by a line of one repeated
# punctuation character at least as long as it.
rst_section() {
	awk -v pat="$2" '
		{ line[NR] = $0 }
		END {
			for (i = 1; i < NR; i++)
				title[i] = is_title(line[i], line[i + 1])
			on = 0
			for (i = 1; i <= NR; i++) {
				if (title[i]) {
					if (on)
						exit
					if (line[i] ~ pat)
						on = 1
				}
				if (on)
					print line[i]
			}
		}
		function is_title(t, u,    c) {
			if (t ~ /^[[:space:]]*$/ || u == "" || length(u) < length(t))
				return 0
			c = substr(u, 1, 1)
			if (c !~ /[=\-~^"`#*+]/ || t ~ /^[=\-~^"`#*+]+$/)
				return 0
			gsub(/[\^]/, "\\\\^", c)
			return u ~ ("^[" c "]+$")
		}' "$1"
}

# man_section FILE PATTERN: the text of the .SH section whose heading
# matches PATTERN, with font escapes and \- removed so words stand alone.
man_section() {
	awk -v pat="$2" '
		/^\.SH/ { if (on) exit; if ($0 ~ pat) on = 1 }
		on' "$1" |
	sed -e 's/\\f[BIRP]//g' -e 's/\\f(..//g' -e 's/\\-/-/g' -e 's/\\&//g'
}

# One line, spaces squeezed: for phrases that may wrap.
flat() {
	tr '\n' ' ' <"$1" | tr -s ' '
}

# ---------------------------------------------------------------- names
sed -n 's/.*\[FLIP_DROP_[A-Z_]*\][[:space:]]*=[[:space:]]*"\([a-z_]*\)".*/\1/p' \
	flip/wire.c | grep -v '^none$' >"$tmp/drops"
sed -n 's/.*\[AMOEBA_STAT_[A-Z_]*\][[:space:]]*=[[:space:]]*"\([a-z_]*\)".*/\1/p' \
	kmod/proc.c >"$tmp/stats"

st=0
if [ "$(wc -l <"$tmp/drops")" -lt 10 ] || [ "$(wc -l <"$tmp/stats")" -lt 5 ]; then
	diag "found only $(wc -l <"$tmp/drops") drop reasons in flip/wire.c and" \
	     "$(wc -l <"$tmp/stats") stat names in kmod/proc.c: has their format changed?"
	st=1
fi
ok $st "drop reasons and stat names found in the code"

rst_section "$AF" '/proc' >"$tmp/af.proc"
rst_section "$FLIP" '/proc' >"$tmp/flip.proc"
man_section "$MAN" '/proc' >"$tmp/man.proc"

for doc in "$AF:af.proc" "$FLIP:flip.proc" "$MAN:man.proc"; do
	file=${doc%%:*}
	sec=$tmp/${doc#*:}
	st=0
	if [ ! -s "$sec" ]; then
		diag "$file: no section with /proc in its title"
		st=1
	fi
	for kind in drop stat; do
		if [ "$kind" = drop ]; then list=$tmp/drops; else list=$tmp/stats; fi
		while read -r name; do
			if ! grep -qw -- "$name" "$sec"; then
				diag "$kind '$name' is missing from the /proc section of $file"
				st=1
			fi
		done <"$list"
	done
	ok $st "$file documents every drop reason and stat counter"
done

# The other way round: a name the /proc sections present as a counter or
# drop reason must exist.  In the rst files those are the ``name`` that
# starts a table row (two spaces after it) or is followed by " (" in
# running text; in amoeba.7
# the bold names of the stat and drop paragraphs.
cat "$tmp/drops" "$tmp/stats" >"$tmp/names"
{
	sed -n 's/^``\([a-z_]*\)``[[:space:]][[:space:]].*/\1/p' "$tmp/flip.proc"
	grep -o '``[a-z_]*`` (' "$tmp/flip.proc" "$tmp/af.proc" |
		sed 's/.*``\([a-z_]*\)`` (/\1/'
} | sort -u >"$tmp/rst.named"
awk '/^\.BI "(stat|drop) "/ { on = 1; next } /^\.(TP|PP|SH)/ { on = 0 } on' \
	"$MAN" | grep -o '\\fB[a-z_]*\\fR (' |
	sed 's/\\fB\([a-z_]*\)\\fR (/\1/' | sort -u >"$tmp/man.named"
st=0
for named in "$FLIP $AF:rst.named" "$MAN:man.named"; do
	while read -r name; do
		if ! grep -qx -- "$name" "$tmp/names"; then
			diag "${named%%:*} describes '$name' as a /proc counter or drop" \
			     "reason, but the code has no such name"
			st=1
		fi
	done <"$tmp/${named#*:}"
done
if [ ! -s "$tmp/man.named" ]; then
	diag "found no \\fBname\\fR ( in the stat and drop paragraphs of $MAN"
	st=1
fi
ok $st "the /proc sections name no counter or drop reason the code lacks"

# af_amoeba.rst's summary of the format lists the names in file order.
awk '/^    stat <name> <count>/ { on = 1 }
     /^    port / { on = 0 }
     on' "$AF" | sed -e 's/<[a-z]*>//g' | tr -s ' \n' '\n\n' |
	grep -v '^$' >"$tmp/af.order"
{
	echo stat
	cat "$tmp/stats"
	echo drop
	cat "$tmp/drops"
} >"$tmp/code.order"
st=0
if ! cmp -s "$tmp/af.order" "$tmp/code.order"; then
	diag "the stat/drop lines of the /proc format in $AF differ from the code" \
	     "(< doc, > code):"
	diff "$tmp/af.order" "$tmp/code.order" | grep '^[<>]' >>"$out"
	st=1
fi
ok $st "$AF lists the stat and drop names in the order the file has them"

# Kinds of record: the first word of every seq_printf()/seq_puts() in
# kmod/proc.c that starts a line.  af_amoeba.rst's summary has a line
# "    KIND <field> ...", amoeba.7 a paragraph '.BI "KIND " "field ..."'.
sed -n -e 's/.*seq_printf(seq, "\([a-z][a-z]*\) .*/\1/p' \
       -e 's/.*seq_puts(seq, "\([a-z][a-z]*\) .*/\1/p' kmod/proc.c |
	sort -u >"$tmp/kinds"
awk '/^\.SH/ { on = ($0 ~ /\/proc/) } on' "$MAN" >"$tmp/man.proc.raw"
st=0
if [ "$(wc -l <"$tmp/kinds")" -lt 4 ]; then
	diag "found only $(wc -l <"$tmp/kinds") kinds of record in kmod/proc.c"
	st=1
fi
while read -r kind; do
	afline=$(grep "^    $kind <" "$tmp/af.proc" | head -n 1)
	manline=$(grep "^\.BI \"$kind \"" "$tmp/man.proc.raw" | head -n 1)
	if [ -z "$afline" ]; then
		diag "$AF: the /proc format has no line '    $kind <...>'"
		st=1
	fi
	if [ -z "$manline" ]; then
		diag "$MAN: the /proc section has no paragraph '.BI \"$kind \" ...'"
		st=1
	fi
	# A record printed whole by one seq_printf(): count its conversions.
	fmt=$(sed -n "s/.*seq_printf(seq, \"$kind \\([^\"]*\\\\n\\)\".*/\\1/p" kmod/proc.c |
		head -n 1)
	[ -n "$fmt" ] || continue
	want=$(printf '%s' "$fmt" | tr -cd '%' | wc -c)
	got=$(echo "$afline" | tr -cd '<' | wc -c)
	if [ -n "$afline" ] && [ "$got" -ne "$want" ]; then
		diag "$AF: '$kind' has $got fields, kmod/proc.c prints $want"
		st=1
	fi
	got=$(echo "$manline" | sed 's/^\.BI "[a-z]* " "\([^"]*\)".*/\1/' | wc -w)
	if [ -n "$manline" ] && [ "$got" -ne "$want" ]; then
		diag "$MAN: '$kind' has $got fields, kmod/proc.c prints $want"
		st=1
	fi
done <"$tmp/kinds"
ok $st "every kind of /proc record is documented, with its fields"

# ---------------------------------------------------------------- errno
rst_section "$AF" '^Errors$' |
	sed -n 's/^``\(E[A-Z0-9]*\)``.*/\1/p' >"$tmp/errnos"
man_section "$MAN" 'ERRORS' >"$tmp/man.errors"
st=0
if [ "$(wc -l <"$tmp/errnos")" -lt 10 ]; then
	diag "found only $(wc -l <"$tmp/errnos") errnos in the Errors table of $AF"
	st=1
fi
while read -r e; do
	if ! grep -qw -- "$e" "$tmp/man.errors"; then
		diag "$e (in the Errors table of $AF) is missing from ERRORS in $MAN"
		st=1
	fi
done <"$tmp/errnos"
ok $st "every errno of $AF is in $MAN"

# ---------------------------------------------------------------- groff
if command -v groff >/dev/null 2>&1; then
	groff -man -Tutf8 -ww "$MAN" 2>"$tmp/groff" >/dev/null
	st=$?
	if [ -s "$tmp/groff" ]; then
		st=1
		cat "$tmp/groff" >>"$out"
	fi
	ok $st "$MAN renders without groff warnings"
else
	n=$((n + 1))
	echo "ok $n # SKIP groff not installed"
fi

# ---------------------------------------------------------------- sizes
# define_of FILE NAME: the number a plain #define gives NAME.
define_of() {
	sed -n "s/^#define[[:space:]]\{1,\}$2[[:space:]]\{1,\}\([0-9]\{1,\}\).*/\1/p" "$1"
}

# value_of FILE NAME: the value of a #define whose body is an integer
# expression of numbers (with U/L suffixes), ( ) * + - << and NSEC_PER_SEC.
value_of() {
	e=$(sed -n "s/^#define[[:space:]]\{1,\}$2[[:space:]]\{1,\}\(.*\)/\1/p" "$1" |
		sed -e 's:/\*.*::' -e 's/\([0-9]\)[UL]\{1,3\}/\1/g' \
		    -e 's/NSEC_PER_SEC/1000000000/g')
	case $e in
	'' | *[!0-9\ \	\(\)\*+\<-]*) ;;
	*) echo $(($e)) ;;
	esac
}

flat "$FLIP" >"$tmp/flip.flat"

# row_says NAME VALUE FILE: a table row "``NAME``  VALUE..." in FILE.
row_says() {
	grep -q "^\`\`$1\`\`[[:space:]]\{1,\}$2\([^0-9]\|$\)" "$3"
}

st=0
for spec in FLIP_HDR_LEN:FLIP FLIP_RPC_HDR_LEN:RPC AM_HDR_WIRE_LEN:Amoeba; do
	c=${spec%%:*}
	what="${spec#*:} header"
	v=$(define_of flip/flip.h "$c")
	if [ -z "$v" ]; then
		diag "no '#define $c <number>' in flip/flip.h"
		st=1
		continue
	fi
	if ! row_says "$c" "$v" "$FLIP"; then
		diag "$FLIP: no table row '\`\`$c\`\`  $v' (flip.h: $c is $v)"
		st=1
	fi
	quoted=$(grep -o "[0-9]\{1,\}-byte $what" "$tmp/flip.flat" | sort -u)
	if [ -z "$quoted" ]; then
		diag "$FLIP never says '$v-byte $what'"
		st=1
	fi
	for q in $(echo "$quoted" | sed 's/-byte.*//'); do
		if [ "$q" != "$v" ]; then
			diag "$FLIP says '$q-byte $what', flip.h has $c $v"
			st=1
		fi
	done
	eval "sz_$c=\$v"
done
off=$(define_of flip/flip.h FLIP_RPC_DATA_OFF)
sum=$((${sz_FLIP_HDR_LEN:-0} + ${sz_FLIP_RPC_HDR_LEN:-0} + ${sz_AM_HDR_WIRE_LEN:-0}))
if ! row_says FLIP_RPC_DATA_OFF "$sum" "$FLIP"; then
	diag "$FLIP: no table row '\`\`FLIP_RPC_DATA_OFF\`\`  $sum'"
	st=1
fi
[ -n "$off" ] && diag "note: FLIP_RPC_DATA_OFF is now a plain number ($off)"
v=$(define_of flip/flip.h FLIP_FLOW_LEN)
if [ -z "$v" ] || ! row_says FLIP_FLOW_LEN "$v" "$FLIP"; then
	diag "$FLIP: no table row '\`\`FLIP_FLOW_LEN\`\`  ${v:-?}' (the RECEIVED body)"
	st=1
fi
ok $st "header sizes in $FLIP match flip/flip.h"

st=0
# NAME:FILE:DIVISOR: flip.rst's limits table gives NAME's value / DIVISOR.
for spec in AM_MAXBUF:include/uapi/linux/amoeba.h:1 \
	    FLIP_WINDOW:flip/flip.h:1 \
	    FLIP_RX_HOLES:flip/flip.h:1 \
	    FLIP_MAX_HOPS:flip/flip.h:1 \
	    FLIP_HOPS_DEFAULT:flip/flip.h:1 \
	    FLIP_SEEN_SIZE:flip/flip.h:1 \
	    AMOEBA_ROUTE_SIZE:kmod/amoeba.h:1 \
	    AMOEBA_PCACHE_SIZE:kmod/amoeba.h:1 \
	    AMOEBA_DEDUP_SIZE:kmod/amoeba.h:1 \
	    AMOEBA_MAX_PENDING:kmod/amoeba.h:1 \
	    AMOEBA_RECENT:kmod/amoeba.h:1 \
	    AMOEBA_PARTIAL_IDLE_NS:kmod/amoeba.h:1000000000; do
	c=${spec%%:*}
	f=${spec#*:}
	div=${f#*:}
	f=${f%%:*}
	v=$(value_of "$f" "$c")
	if [ -z "$v" ]; then
		diag "no '#define $c <integer expression>' in $f"
		st=1
		continue
	fi
	v=$((v / div))
	if ! row_says "$c" "$v" "$FLIP"; then
		diag "$FLIP: the limits table has no row '\`\`$c\`\`  $v' ($f)"
		st=1
	fi
done
# Every limit of the UDP link (#define AMOEBA_UDP_<name> <number> in
# kmod/amoeba.h and kmod/udp.c) has a row as well.  AMOEBA_UDP_LINK is
# not a limit but the link's ifindex, which /proc/net/amoeba prints in
# decimal: the /proc sections of af_amoeba.rst and amoeba.7, and flip.rst,
# must give that number.
nudp=0
for f in kmod/amoeba.h kmod/udp.c; do
	for c in $(sed -n 's/^#define[[:space:]]\{1,\}\(AMOEBA_UDP_[A-Z_0-9]*\)[[:space:]].*/\1/p' "$f"); do
		[ "$c" = AMOEBA_UDP_LINK ] && continue
		nudp=$((nudp + 1))
		v=$(value_of "$f" "$c")
		if [ -z "$v" ]; then
			diag "no '#define $c <integer expression>' in $f"
			st=1
		elif ! row_says "$c" "$v" "$FLIP"; then
			diag "$FLIP: the limits table has no row '\`\`$c\`\`  $v' ($f)"
			st=1
		fi
	done
done
if [ "$nudp" -lt 4 ]; then
	diag "found only $nudp AMOEBA_UDP_ limits in kmod/amoeba.h and kmod/udp.c"
	st=1
fi
v=$(sed -n 's/^#define[[:space:]]\{1,\}AMOEBA_UDP_LINK[[:space:]]\{1,\}\(0x[0-9a-fA-F]\{1,\}\).*/\1/p' \
	kmod/amoeba.h)
if [ -z "$v" ]; then
	diag "no '#define AMOEBA_UDP_LINK 0x...' in kmod/amoeba.h"
	st=1
else
	v=$((v))
	for f in "$tmp/af.proc:$AF" "$tmp/man.proc:$MAN" "$tmp/flip.flat:$FLIP"; do
		if ! grep -qw -- "$v" "${f%%:*}"; then
			diag "${f#*:} does not give the UDP link's ifindex as $v" \
			     "(AMOEBA_UDP_LINK)"
			st=1
		fi
	done
fi
v=$(value_of include/uapi/linux/amoeba.h AM_MAXBUF)
if ! flat "$MAN" | grep -q "AM_MAXBUF ($v bytes"; then
	diag "$MAN does not give AM_MAXBUF as '($v bytes'"
	st=1
fi
if ! flat "$AF" | grep -q "\`\`AM_MAXBUF\`\` = $v bytes"; then
	diag "$AF does not say '\`\`AM_MAXBUF\`\` = $v bytes'"
	st=1
fi
if ! grep -q "\`\`AM_MAXBUF\`\` ($v)" "$tmp/flip.flat"; then
	diag "$FLIP does not give the parser's limit as '\`\`AM_MAXBUF\`\` ($v)'"
	st=1
fi
v=$(sed -n 's/^unsigned int amoeba_trans_timeout_ms = \([0-9]*\);.*/\1/p' kmod/af_amoeba.c)
for f in "$FLIP" "$MAN"; do
	if [ -z "$v" ] || ! flat "$f" | grep -q "$v ms"; then
		diag "$f does not give the default trans_timeout_ms as '${v:-?} ms' (kmod/af_amoeba.c)"
		st=1
	fi
done
ok $st "limits in $FLIP and $MAN match the headers"

# ------------------------------------------------------------------ hops
# The max_hop every packet is built with (amoeba_pkt_init(), kmod/rpc.c),
# a number or a name #defined in flip/flip.h.
st=0
h=$(sed -n 's/^[[:space:]]*p->fh\.max_hop[[:space:]]*=[[:space:]]*\([A-Za-z_0-9]*\);.*/\1/p' \
	kmod/rpc.c | head -n 1)
case $h in
'' | *[!0-9]*) [ -n "$h" ] && h=$(value_of flip/flip.h "$h") ;;
esac
if [ -z "$h" ]; then
	diag "no 'p->fh.max_hop = <number or FLIP_ constant>;' in kmod/rpc.c"
	st=1
else
	# The max_hop row of the FLIP header table, on one line.
	rst_section "$FLIP" '^FLIP header$' |
		awk '/^[0-9]/ { on = /``max_hop``/ } on' | tr '\n' ' ' | tr -s ' ' \
		>"$tmp/maxhop"
	if ! grep -q "sent as $h\([^0-9]\|$\)" "$tmp/maxhop"; then
		diag "$FLIP: the FLIP header table should say max_hop is 'sent as $h'"
		st=1
	fi
	hex=$(printf '%02x %02x' $((h / 256)) $((h % 256)))
	if ! grep -q "^    0004    00 00 $hex  *act_hop 0, max_hop $h\$" "$FLIP" ||
	   ! grep -q "^    0000  01 04 00 00 00 00 $hex " "$FLIP"; then
		diag "$FLIP: the worked example's LOCATE should carry max_hop $h ($hex)"
		st=1
	fi
	for f in "$AF" "$MAN"; do
		if ! flat "$f" | sed 's/\\-/-/g' | grep -q "limit of $h routers"; then
			diag "$f should give the hop limit as 'limit of $h routers'"
			st=1
		fi
	done
fi
# The route ttl: flip_route_init(..., N * NSEC_PER_SEC) in kmod/forward.c.
ttl=$(tr '\n' ' ' <kmod/forward.c |
	sed -n 's/.*flip_route_init([^;]*,[[:space:]]*\([0-9]\{1,\}\)U\{0,1\}L\{0,2\}[[:space:]]*\*[[:space:]]*NSEC_PER_SEC).*/\1/p')
if [ -z "$ttl" ]; then
	diag "no 'flip_route_init(..., N * NSEC_PER_SEC)' in kmod/forward.c"
	st=1
elif ! grep -q "^route ttl[[:space:]]\{1,\}$ttl s" "$FLIP"; then
	diag "$FLIP: the limits table has no row 'route ttl  $ttl s' (kmod/forward.c)"
	st=1
fi
ok $st "the hop limit hosts send and the route ttl match the documents"

# --------------------------------------------------------------- timing
# Fields of struct flip_timing, and the values of flip_timing_default
# written as "N * NSEC_PER_MS_"; flip.rst must say "``field`` (N ms)".
awk '/^struct flip_timing \{/ { on = 1; next }
     on && /^\};/ { exit }
     on' flip/flip.h |
	sed -n 's/^[[:space:]]*u64[[:space:]]\{1,\}\([a-z_0-9]*\);.*/\1/p' >"$tmp/tfields"
awk '/flip_timing_default = \{/ { on = 1; next }
     on && /^\};/ { exit }
     on' flip/trans.c >"$tmp/tvalues"
st=0
if [ ! -s "$tmp/tfields" ]; then
	diag "no u64 fields found in struct flip_timing (flip/flip.h)"
	st=1
fi
while read -r fld; do
	if ! grep -q "\`\`$fld\`\`" "$tmp/flip.flat"; then
		diag "$FLIP does not mention \`\`$fld\`\` of struct flip_timing"
		st=1
		continue
	fi
	ms=$(sed -n "s/^[[:space:]]*\.$fld[[:space:]]*=[[:space:]]*\([0-9]\{1,\}\)[[:space:]]*\*[[:space:]]*NSEC_PER_MS_\{0,1\}[[:space:]]*,.*/\1/p" \
		"$tmp/tvalues")
	if [ -n "$ms" ] && ! grep -q "\`\`$fld\`\` ($ms ms)" "$tmp/flip.flat"; then
		diag "$FLIP should say \`\`$fld\`\` ($ms ms), as flip_timing_default does"
		st=1
	fi
done <"$tmp/tfields"
ok $st "every flip_timing field is described in $FLIP with its default"


# ---------------------------------------------------------------- types
# enum_values FILE ENUM: "NAME NUMBER" for each member of enum ENUM, the
# way C numbers them (an explicit "= N" or one more than the previous);
# members set to another name (FOO_MAX = FOO_LAST) are left out.
enum_values() {
	awk -v e="$2" '
		$0 ~ "^enum " e " \\{" { on = 1; v = -1; next }
		on && /^\};/ { exit }
		on {
			sub(/\/\*.*/, "")
			if (!match($0, /[A-Z_][A-Z0-9_]*/))
				next
			name = substr($0, RSTART, RLENGTH)
			if ($0 ~ /=[[:space:]]*[0-9]/) {
				x = $0
				sub(/.*=[[:space:]]*/, "", x)
				v = x + 0
			} else if ($0 ~ /=/) {
				next
			} else {
				v++
			}
			print name, v
		}' "$1"
}

st=0
enum_values flip/flip.h flip_type >"$tmp/ftypes"
enum_values flip/flip.h flip_rpc_type >"$tmp/rtypes"
if [ "$(wc -l <"$tmp/ftypes")" -lt 6 ] || [ "$(wc -l <"$tmp/rtypes")" -lt 11 ]; then
	diag "found only $(wc -l <"$tmp/ftypes") FLIP and $(wc -l <"$tmp/rtypes")" \
	     "RPC packet types in flip/flip.h: has the enum format changed?"
	st=1
fi
# flip.rst: "N     ``FLIP_UNIDATA``" and "N     ``REQUEST``" table rows.
while read -r name num; do
	if ! grep -q "^$num[[:space:]]\{1,\}\`\`$name\`\`" "$FLIP"; then
		diag "$FLIP: no row '$num  \`\`$name\`\`' in the FLIP packet types"
		st=1
	fi
done <"$tmp/ftypes"
while read -r name num; do
	short=${name#FLIP_RPC_}
	if ! grep -q "^$num[[:space:]]\{1,\}\`\`$short\`\`" "$FLIP"; then
		diag "$FLIP: no row '$num  \`\`$short\`\`' in the RPC packet types"
		st=1
	fi
done <"$tmp/rtypes"
sed -n 's/^#define[[:space:]]\{1,\}\(FLIP_RPC_F_[A-Z_]*\)[[:space:]]\{1,\}\(0x[0-9a-fA-F]*\).*/\1 \2/p' \
	flip/flip.h >"$tmp/rflags"
if [ ! -s "$tmp/rflags" ]; then
	diag "no '#define FLIP_RPC_F_<name> 0x..' in flip/flip.h"
	st=1
fi
while read -r name val; do
	if ! grep -q "^$val[[:space:]]\{1,\}\`\`$name\`\`" "$FLIP"; then
		diag "$FLIP: no row '$val  \`\`$name\`\`' in the RPC flags"
		st=1
	fi
done <"$tmp/rflags"
ok $st "packet type numbers and RPC flags in $FLIP match flip/flip.h"

# ------------------------------------------------------------ module params
# "name variable perm" of every module_param_named(name, variable, type,
# perm) in kmod/.
cat kmod/*.c |
	sed -n 's/^module_param_named(\([a-z_0-9]*\),[[:space:]]*\([a-z_0-9]*\),[^,]*,[[:space:]]*\(0[0-7]*\)).*/\1 \2 \3/p' \
	>"$tmp/params"

# default_of VARIABLE: its initial value, a number or a name #defined to
# one in the ABI header.
default_of() {
	d=$(cat kmod/*.c |
		sed -n "s/^\(unsigned \)\{0,1\}int[[:space:]]\{1,\}$1[[:space:]]*=[[:space:]]*\([A-Za-z_0-9]*\);.*/\2/p")
	case $d in
	'' | *[!0-9]*) [ -n "$d" ] && value_of include/uapi/linux/amoeba.h "$d" ;;
	*) echo "$d" ;;
	esac
}

# af_entry NAME: the definition of ``NAME`` in af_amoeba.rst's "Loading the
# module" section; man_entry NAME: the .TP paragraph of .B NAME in
# amoeba.7's MODULE PARAMETERS; both on one line, escapes removed.
rst_section "$AF" '^Loading the module$' >"$tmp/af.load"
man_section "$MAN" 'MODULE PARAMETERS' >"$tmp/man.params"
af_entry() {
	awk -v t="\`\`$1\`\`" '
		$0 == t { on = 1; next }
		on && /^[^[:space:]]/ { exit }
		on' "$tmp/af.load" | tr '\n' ' ' | tr -s ' '
}
man_entry() {
	awk -v t=".B $1" '
		$0 == t { on = 1; next }
		on && /^\.(TP|PP|SH)/ { exit }
		on' "$tmp/man.params" | tr '\n' ' ' | tr -s ' '
}

st=0
if [ "$(wc -l <"$tmp/params")" -lt 2 ]; then
	diag "found only $(wc -l <"$tmp/params") module_param_named() in kmod/"
	st=1
fi
while read -r name var perm; do
	def=$(default_of "$var")
	case $perm in
	0444) how="read-only" ;;
	*) how="Writable at run time" ;;
	esac
	if ! grep -q "$name=" "$tmp/af.load"; then
		diag "$AF: the insmod line does not show $name="
		st=1
	fi
	for where in "$AF:af_entry" "$MAN:man_entry"; do
		entry=${where#*:}
		file=${where%%:*}
		text=$($entry "$name")
		if [ -z "$text" ]; then
			diag "$file does not describe module parameter $name"
			st=1
			continue
		fi
		if [ -z "$def" ]; then
			diag "no numeric default found for $var (module parameter $name)"
			st=1
		elif ! echo " $text " | grep -q "[^0-9]$def[^0-9]"; then
			diag "$file: module parameter $name: default $def not given"
			st=1
		fi
		if ! echo "$text" | grep -qi "$how"; then
			diag "$file: module parameter $name (perm $perm) should say '$how'"
			st=1
		fi
	done
done <"$tmp/params"
ok $st "every module parameter is documented with its default and access"

# ---------------------------------------------------------------- sysctl
# The sysctls are the entries of the ctl_table template in the kmod/ file
# that registers them under a path (amoeba_register_sysctl(net,
# "net/amoeba", ...); kmod/sysctl.c today).  For each entry: its
# .procname, .maxlen, .mode and range (.extra1, .extra2), and what
# "t[N].data = ..." points it at.  An integer (.maxlen sizeof(int)) has
# the default 0 (the namespace's state is zeroed) unless kmod/ assigns
# the field it names (&an->FIELD, or an->PROCNAME for a handler given the
# whole namespace) a number; a string starts empty.  af_amoeba.rst
# defines each as ``net.amoeba.NAME`` followed by an indented
# description; amoeba.7 in a paragraph that starts
# ".I /proc/sys/net/amoeba/NAME".  Each says the other name, the default
# ("0 (the default)", "empty (the default)"), whether root may write it,
# an integer's bounds and a string's length in characters (.maxlen less
# the NUL).
cat kmod/*.c >"$tmp/kmod.c"
sfile=$(grep -l 'amoeba_register_sysctl(net, "' kmod/*.c | head -n 1)
spath=$(sed -n 's/.*amoeba_register_sysctl(net, "\([a-z_/]*\)".*/\1/p' "$tmp/kmod.c" |
	head -n 1)
# One line per entry: procname maxlen mode extra1 extra2 data ("-": none).
[ -n "$sfile" ] && awk '
	function arg(s) {
		sub(/^[^=]*=[[:space:]]*/, "", s)
		sub(/,?[[:space:]]*(\/\*.*)?$/, "", s)
		gsub(/[[:space:]"]/, "", s)
		return s
	}
	/ctl_table[[:space:]]+[a-z_0-9]+\[\][[:space:]]*=/ { tab = 1; next }
	tab && /^};/ { tab = 0 }
	tab && /\.procname[[:space:]]*=/ {
		n++
		name[n] = arg($0)
		maxlen[n] = mode[n] = lo[n] = hi[n] = "-"
	}
	tab && n && /\.maxlen[[:space:]]*=/ { maxlen[n] = arg($0) }
	tab && n && /\.mode[[:space:]]*=/ { mode[n] = arg($0) }
	tab && n && /\.extra1[[:space:]]*=/ { lo[n] = arg($0) }
	tab && n && /\.extra2[[:space:]]*=/ { hi[n] = arg($0) }
	/^[[:space:]]*t\[[0-9]+\]\.data[[:space:]]*=/ {
		i = $0
		sub(/^[[:space:]]*t\[/, "", i)
		sub(/\].*/, "", i)
		d = $0
		sub(/.*\.data[[:space:]]*=[[:space:]]*/, "", d)
		sub(/;.*/, "", d)
		data[i + 1] = d
	}
	END {
		for (i = 1; i <= n; i++)
			print name[i], maxlen[i], mode[i], lo[i], hi[i],
			      (i in data) ? data[i] : "-"
	}' "$sfile" >"$tmp/sysctls"

# bound_of EXTRA: the number a sysctl's .extra1/.extra2 points at.
bound_of() {
	case $1 in
	SYSCTL_ZERO) echo 0 ;;
	SYSCTL_ONE) echo 1 ;;
	SYSCTL_TWO) echo 2 ;;
	SYSCTL_INT_MAX) echo 2147483647 ;;
	'(void*)&'* | '&'*)
		v=${1#*&}
		sed -n "s/.*[[:space:]]${v}[[:space:]]*=[[:space:]]*\([0-9]\{1,\}\);.*/\1/p" \
			"$sfile" | head -n 1 ;;
	esac
}

st=0
if [ -z "$sfile" ] || [ -z "$spath" ] || [ ! -s "$tmp/sysctls" ]; then
	diag "no sysctl table registered under a path found in kmod/"
	st=1
fi
while read -r name maxlen mode lo hi data; do
	dotted=$(echo "$spath" | tr / .).$name
	file=/proc/sys/$spath/$name
	wants=""
	case $maxlen in
	'sizeof(int)')
		case $data in
		'&an->'*) field=${data#&an->} ;;
		an) field=$name ;;
		*) field="" ;;
		esac
		def=0
		if [ -n "$field" ]; then
			v=$(sed -n "s/.*an->${field}[[:space:]]*=[[:space:]]*\([0-9]\{1,\}\);.*/\1/p" \
				"$tmp/kmod.c" | head -n 1)
			[ -n "$v" ] && def=$v
		fi
		wants="$def (the default)"
		for b in "$lo" "$hi"; do
			[ "$b" = - ] && continue
			v=$(bound_of "$b")
			if [ -z "$v" ]; then
				diag "sysctl $dotted: cannot tell the value of its bound $b"
				st=1
			else
				wants="$wants|$v"
			fi
		done
		;;
	*)
		v=$(value_of kmod/amoeba.h "$maxlen")
		[ -z "$v" ] && v=$(value_of "$sfile" "$maxlen")
		case $maxlen in *[!0-9]*) ;; *) v=$maxlen ;; esac
		if [ -z "$v" ]; then
			diag "sysctl $dotted: cannot tell its .maxlen ($maxlen)"
			st=1
			wants="empty (the default)"
		else
			wants="empty (the default)|$((v - 1)) characters"
		fi
		;;
	esac
	# Owner write bit: root of the namespace may write it.
	case $mode in
	0[2367]??) wants="$wants|writable by root" ;;
	*) wants="$wants|read-only" ;;
	esac
	awk -v t="\`\`$dotted\`\`" '
		$0 == t { on = 1; next }
		on && /^[^[:space:]]/ { exit }
		on' "$AF" | tr '\n' ' ' | tr -s ' ' >"$tmp/af.sysctl"
	awk -v t=".I $file" '
		$0 == t { on = 1 }
		on && /^\.(PP|TP|SS|SH)/ { exit }
		on' "$MAN" |
		sed -e 's/\\f[BIRP]//g' -e 's/\\-/-/g' -e 's/\\&//g' |
		tr '\n' ' ' | tr -s ' ' >"$tmp/man.sysctl"
	for f in "$tmp/af.sysctl:$AF:$file" "$tmp/man.sysctl:$MAN:$dotted"; do
		text=${f%%:*}
		f=${f#*:}
		doc=${f%%:*}
		other=${f#*:}
		if [ ! -s "$text" ]; then
			diag "$doc does not describe sysctl $dotted ($file)"
			st=1
			continue
		fi
		rest="$other|$wants"
		while [ -n "$rest" ]; do
			want=${rest%%|*}
			case $rest in *'|'*) rest=${rest#*|} ;; *) rest="" ;; esac
			case $want in
			*[!0-9]*) grep -qF -- "$want" "$text" ;;
			*) grep -qw -- "$want" "$text" ;;
			esac ||
			{
				diag "$doc: sysctl $dotted: its description does not say '$want'"
				st=1
			}
		done
	done
done <"$tmp/sysctls"
if [ "$(wc -l <"$tmp/sysctls")" -lt 3 ]; then
	diag "found only $(wc -l <"$tmp/sysctls") sysctls in ${sfile:-kmod/}"
	st=1
fi
ok $st "every sysctl is documented with its path, default, bounds and access"

# ------------------------------------------------------------ identifiers
# Constants and functions the documents name must exist in the code.
for f in "$FLIP" "$AF" "$ARCH"; do cat "$f"; done >"$tmp/rst.all"
sed -e 's/\\f[BIRP]//g' -e 's/\\f(..//g' -e 's/\\-/-/g' -e 's/\\&//g' \
	"$MAN" >"$tmp/man.all"
cat "$tmp/rst.all" "$tmp/man.all" |
	grep -o -E '(^|[^A-Za-z0-9_])(FLIP|AMOEBA|AM|AMIOC|RPC|STD)_[A-Z0-9_]*' |
	sed 's/^[^A-Z]//' | grep -v '_$' | sort -u >"$tmp/consts"
grep -o '``[a-z0-9]*_[a-z0-9_]*()``' "$tmp/rst.all" | tr -d '`()' |
	sort -u >"$tmp/funcs"
st=0
if [ "$(wc -l <"$tmp/consts")" -lt 20 ] || [ "$(wc -l <"$tmp/funcs")" -lt 10 ]; then
	diag "found only $(wc -l <"$tmp/consts") constants and" \
	     "$(wc -l <"$tmp/funcs") functions named in the documents"
	st=1
fi
for kind in consts funcs; do
	while read -r id; do
		if ! grep -rqw -- "$id" flip kmod include/uapi; then
			diag "the documents name $id, which is not in flip/, kmod/ or" \
			     "include/uapi/"
			st=1
		fi
	done <"$tmp/$kind"
done
ok $st "every constant and function the documents name exists in the code"

# --------------------------------------------------------------- examples
# The complete programs of af_amoeba.rst (literal blocks of its section
# "A complete client and server") and of amoeba.7 (.EX blocks in
# EXAMPLES) must compile against this tree's ABI header.
rst_section "$AF" '^A complete client and server$' |
	awk -v dir="$tmp" '
		/::$/ { n++; on = 1; next }
		on && /^[^[:space:]]/ { on = 0 }
		on { sub(/^    /, ""); print > (dir "/af_ex" n ".c") }'
awk '/^\.SH/ { on = ($0 ~ /EXAMPLES/) } on' "$MAN" |
	awk -v dir="$tmp" '
		/^\.EX/ { n++; on = 1; next }
		/^\.EE/ { on = 0 }
		on { print > (dir "/man_ex" n ".c") }'
for f in "$tmp"/man_ex*.c; do
	[ -f "$f" ] || continue
	sed -e 's/\\-/-/g' -e 's/\\e/\\/g' "$f" >"$f.tmp" && mv "$f.tmp" "$f"
done
cc=${CC:-cc}
if ! command -v "$cc" >/dev/null 2>&1; then
	n=$((n + 1))
	echo "ok $n # SKIP no C compiler ($cc)"
else
	st=0
	found=0
	for f in "$tmp"/af_ex*.c "$tmp"/man_ex*.c; do
		[ -f "$f" ] || continue
		found=$((found + 1))
		if ! "$cc" -std=gnu11 -Wall -Wextra -Werror -fsyntax-only \
		     -Iinclude/uapi "$f" 2>"$tmp/cc"; then
			diag "example $(basename "$f") does not compile:"
			sed 's/^/  /' "$tmp/cc" >>"$out"
			st=1
		fi
	done
	if [ "$found" -lt 4 ]; then
		diag "found $found example programs, expected 2 in $AF and 2 in $MAN"
		st=1
	fi
	ok $st "the example programs in $AF and $MAN compile"
fi

echo "1..$n"
[ "$failed" -eq 0 ]
