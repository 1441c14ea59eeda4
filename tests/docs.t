#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Documentation drift checks (TAP).  Each test compares a fact in the code
# with what the documentation says about it, so that changing one without
# the other fails here:
#   - every drop reason (flip_drop_names, flip/wire.c) and every stat name
#     (stat_names, kmod/proc.c) is described in the /proc section of
#     af_amoeba.rst, flip.rst and amoeba.7;
#   - every errno of af_amoeba.rst's error table is in amoeba.7's ERRORS;
#   - amoeba.7 renders without groff warnings;
#   - the header sizes and limits flip.rst quotes match flip/flip.h,
#     include/uapi/linux/amoeba.h and kmod/amoeba.h;
#   - every field of struct flip_timing is described in flip.rst, with the
#     value flip_timing_default gives it (flip/trans.c).
# POSIX sh, grep, sed, awk; no build needed.

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1

AF=Documentation/networking/af_amoeba.rst
FLIP=Documentation/networking/flip.rst
MAN=Documentation/man/amoeba.7

n=0
failed=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# ok STATUS NAME: one test point; diagnostics are in $tmp/diag.
ok() {
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $n - $2"
	else
		failed=$((failed + 1))
		echo "not ok $n - $2"
		[ -s "$tmp/diag" ] && sed 's/^/# /' "$tmp/diag"
	fi
	: >"$tmp/diag"
}

diag() {
	echo "$*" >>"$tmp/diag"
}
: >"$tmp/diag"

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
		cat "$tmp/groff" >>"$tmp/diag"
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
ok $st "header sizes in $FLIP match flip/flip.h"

st=0
for spec in AM_MAXBUF_SMALL:include/uapi/linux/amoeba.h \
	    FLIP_MAX_HOPS:flip/flip.h \
	    AMOEBA_PCACHE_SIZE:kmod/amoeba.h \
	    AMOEBA_DEDUP_SIZE:kmod/amoeba.h \
	    AMOEBA_MAX_PENDING:kmod/amoeba.h; do
	c=${spec%%:*}
	f=${spec#*:}
	v=$(define_of "$f" "$c")
	if [ -z "$v" ]; then
		diag "no '#define $c <number>' in $f"
		st=1
	elif ! row_says "$c" "$v" "$FLIP"; then
		diag "$FLIP: the limits table has no row '\`\`$c\`\`  $v' ($f: $v)"
		st=1
	fi
done
v=$(define_of include/uapi/linux/amoeba.h AM_MAXBUF_SMALL)
if ! flat "$MAN" | grep -q "AM_MAXBUF_SMALL ($v)"; then
	diag "$MAN does not give AM_MAXBUF_SMALL as ($v)"
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

echo "1..$n"
[ "$failed" -eq 0 ]
