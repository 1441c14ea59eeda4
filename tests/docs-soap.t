#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Documentation checks for the SOAP directory server (TAP).  Each test
# compares a fact of the programs with what their documentation says:
#   - the walk-through of Documentation/soap.rst (the literal blocks of
#     its section "Walk-through") runs as it stands, over libamoeba's udp
#     transport on loopback, with the commands just built: one point per
#     command, which must exit 0 (unless the next command is `echo $?`,
#     which shows its status) and print what the document shows after
#     it, capabilities' ports and checks, times and runs of blanks
#     aside.  The only change made to the text is the two UDP ports
#     (7001, 7002), for free ones;
#   - every option `soapd --help` lists (short and long) is described in
#     OPTIONS of soapd.8, and OPTIONS describes no option --help lacks
#     (--help itself aside);
#   - every operation of soap/soap.ail and ail/std.ail has a row in the
#     interface table of soap.rst, which has no other, and every error
#     soap.ail defines is in its list of errors with its value;
#   - every STD_, SP_, RPC_ and AM_ constant soap.rst and soapd.8 name
#     exists in the code;
#   - soap/soapd.conf sets every variable soap/soapd.service uses, and
#     soapd accepts its SOAPD_OPTS;
#   - soap.rst renders without docutils warnings, and soapd.8 without
#     groff warnings.
# Skipped when soapd or the commands are not built (make soap bullet
# userland).  POSIX sh, grep, sed, awk; bash runs the walk-through;
# python3 with docutils and groff for the last checks.

top=$(cd "$(dirname "$0")/.." && pwd)
build=${AMOEBA_BUILD:-$top/build}
sbin=$build/soap/bin
bbin=$build/bullet/bin
ubin=$build/userland/bin
for p in "$sbin/soapd" "$sbin/dir" "$sbin/mkd" "$sbin/chm" "$bbin/bulletd" \
	 "$bbin/put" "$bbin/get" "$bbin/del" "$ubin/std_restrict"; do
	if [ ! -x "$p" ]; then
		echo "1..0 # SKIP $p not built (make soap bullet userland)"
		exit 0
	fi
done
cd "$top" || exit 1

DOC=Documentation/soap.rst
MAN=Documentation/man/soapd.8
UNIT=soap/soapd.service
CONF=soap/soapd.conf

# shellcheck source-path=SCRIPTDIR source=host-lib.sh
. "$(dirname "$0")/host-lib.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp" "$out"' EXIT

# rst_section FILE PATTERN: the text of the first section whose title
# matches PATTERN, up to the next title of any level (as in docs.t).
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

# man_section FILE PATTERN: the .SH section whose heading matches
# PATTERN, with font escapes, \- and \& removed.
man_section() {
	awk -v pat="$2" '
		/^\.SH/ { if (on) exit; if ($0 ~ pat) on = 1 }
		on' "$1" |
	sed -e 's/\\f[BIRP]//g' -e 's/\\f(..//g' -e 's/\\-/-/g' -e 's/\\&//g'
}

# ---------------------------------------------------------- walk-through
# The literal blocks of the section, their indentation removed, in order.
rst_section "$DOC" '^Walk-through$' |
	awk '
		/::$/ { block = 1; next }
		block && /^[^[:space:]]/ { block = 0 }
		block && /^    / { sub(/^    /, ""); print }' >"$tmp/walk.txt"

# Two free UDP ports, as tests/vm/lib.sh's new_sport picks one.
port() {
	echo $((20000 + 0x$(head -c 2 /dev/urandom | od -An -tx1 | tr -d ' \n') % 40000))
}
p1=$(port)
p2=$(port)
[ "$p2" = "$p1" ] && p2=$((p1 + 1))

# The script: each command between markers that give its number and its
# exit status, which is then given back to the next command ($?).  Its
# expected output, one file per command; whether its status is shown.
awk -v p1="$p1" -v p2="$p2" -v dir="$tmp" '
	BEGIN {
		print "exec 2>&1"
		print "trap '\''kill $(jobs -p) 2>/dev/null'\'' EXIT"
		print "__st=0"
	}
	/^\$ / {
		n++
		cmd = substr($0, 3)
		if (cmd == "echo $?")
			shown[n - 1] = 1
		gsub(/7001/, p1, cmd)
		gsub(/7002/, p2, cmd)
		printf "echo \"@@CMD %d\"\n(exit $__st)\n%s\n", n, cmd
		print "__st=$?"
		printf "echo \"@@STATUS %d $__st\"\n", n
		print substr($0, 3) > (dir "/cmd." n)
		printf "" > (dir "/want." n)
		next
	}
	n { print > (dir "/want." n) }
	END {
		for (i = 1; i <= n; i++)
			if (shown[i])
				print i > (dir "/shown")
		print n > (dir "/ncmds")
	}' "$tmp/walk.txt" >"$tmp/walk.sh"
touch "$tmp/shown"
ncmds=$(cat "$tmp/ncmds" 2>/dev/null || echo 0)

# normalize: a capability's port and check, a time, blanks.
normalize() {
	sed -E -e 's/[0-9a-f]{12}:([0-9a-f]{6}):([0-9a-f]{2}):[0-9a-f]{12}/PORT:\1:\2:CHECK/g' \
		-e 's/[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}/DATE/g' \
		-e 's/[[:space:]]+/ /g' -e 's/ $//' "$1"
}

st=0
if [ "$ncmds" -lt 15 ]; then
	diag "found only $ncmds commands (\"\$ ...\" lines) in the literal" \
	     "blocks of section Walk-through of $DOC"
	st=1
fi
ok $st "the walk-through of $DOC has its commands"

mkdir -p "$tmp/scratch" "$tmp/home"
env -u AMOEBA_ROOT -u AMOEBA_ROOTFILE -u AMOEBA_WORK -u AMOEBA_CONFIG \
	HOME="$tmp/home" TMPDIR="$tmp/scratch" \
	PATH="$sbin:$bbin:$ubin:$PATH" \
	timeout 120 bash "$tmp/walk.sh" >"$tmp/walk.out" 2>&1 </dev/null
# Split the output by command: got.N and status.N.
awk -v dir="$tmp" '
	/^@@CMD [0-9]+$/ { n = $2; printf "" > (dir "/got." n); next }
	/^@@STATUS [0-9]+ [0-9]+$/ { print $3 > (dir "/status." $2); next }
	n { print > (dir "/got." n) }' "$tmp/walk.out"

i=1
while [ "$i" -le "$ncmds" ]; do
	cmd=$(cat "$tmp/cmd.$i")
	st=0
	if [ ! -f "$tmp/status.$i" ]; then
		diag "it did not run (the walk-through stopped before it)"
		st=1
	else
		status=$(cat "$tmp/status.$i")
		if [ "$status" -ne 0 ] && ! grep -qx "$i" "$tmp/shown"; then
			diag "exit status $status"
			st=1
		fi
		normalize "$tmp/want.$i" >"$tmp/want.n"
		normalize "$tmp/got.$i" >"$tmp/got.n"
		if ! cmp -s "$tmp/want.n" "$tmp/got.n"; then
			diag "it printed (- as the document shows, + as it ran):"
			diff -u "$tmp/want.n" "$tmp/got.n" | tail -n +3 >>"$out"
			st=1
		fi
	fi
	if [ "$st" -ne 0 ]; then
		for log in "$tmp"/scratch/*/bulletd.log "$tmp"/scratch/*/soapd.log; do
			[ -s "$log" ] && { diag "$(basename "$log"):"; cat "$log" >>"$out"; }
		done
	fi
	ok $st "walk-through: \$ $cmd"
	i=$((i + 1))
done

# ------------------------------------------------------------- options
# help_options: the options soapd --help lists, one a line.
"$sbin/soapd" --help >"$tmp/help" 2>&1
grep '^[[:space:]]*-' "$tmp/help" |
	grep -o -e '--[a-z][a-z-]*' -e '^[[:space:]]*-[A-Za-z]' |
	tr -d ' \t' | sort -u >"$tmp/opts"
man_section "$MAN" '^\.SH OPTIONS' |
	awk 'tag { print; tag = 0 } /^\.TP/ { tag = 1 }' |
	grep -o -e '--[a-z][a-z-]*' -e '-[A-Za-z]\([^A-Za-z-]\|$\)' |
	sed 's/^\(-[A-Za-z]\).*/\1/' | sort -u >"$tmp/tags"
st=0
if [ "$(wc -l <"$tmp/opts")" -lt 6 ]; then
	diag "found only $(wc -l <"$tmp/opts") options in soapd --help:" \
	     "has its format changed?"
	cat "$tmp/help" >>"$out"
	st=1
fi
while read -r opt; do
	if ! grep -qx -- "$opt" "$tmp/tags"; then
		diag "soapd --help lists $opt, which OPTIONS in $MAN does not describe"
		st=1
	fi
done <"$tmp/opts"
while read -r opt; do
	case $opt in -h | --help) continue ;; esac
	if ! grep -qx -- "$opt" "$tmp/opts"; then
		diag "OPTIONS in $MAN describes $opt, which soapd --help does not list"
		st=1
	fi
done <"$tmp/tags"
ok $st "every option of soapd --help is in $MAN, and no other"

# ------------------------------------------------------------ interface
# Operations: "name [number]" or "name (" at the start of a line of the
# interfaces; the table's rows: lines starting with ``name``.
sed -n 's/^[[:space:]]*\(\(sp\|std\)_[a-z]*\) [[(].*/\1/p' soap/soap.ail ail/std.ail |
	sort -u >"$tmp/ops"
rst_section "$DOC" '^The interface$' >"$tmp/iface"
sed -n 's/^``\([a-z_]*\)``.*/\1/p' "$tmp/iface" | sort -u >"$tmp/rows"
st=0
if [ "$(wc -l <"$tmp/ops")" -lt 15 ]; then
	diag "found only $(wc -l <"$tmp/ops") operations in soap.ail and std.ail"
	st=1
fi
while read -r op; do
	if ! grep -qx -- "$op" "$tmp/rows"; then
		diag "$op (soap.ail, std.ail) has no row in the interface table of $DOC"
		st=1
	fi
done <"$tmp/ops"
while read -r op; do
	if ! grep -qx -- "$op" "$tmp/ops"; then
		diag "the interface table of $DOC has a row $op, which no .ail defines"
		st=1
	fi
done <"$tmp/rows"
ok $st "every operation of soap.ail and std.ail is in $DOC's table, and no other"

# Errors: "const SP_NAME = -NNNN;" in soap.ail; the list says
# "``SP_NAME`` (-NNNN)".
sed -n 's/^[[:space:]]*const \(SP_[A-Z_]*\) = \(-[0-9]*\);.*/\1 \2/p' \
	soap/soap.ail >"$tmp/errs"
st=0
if [ "$(wc -l <"$tmp/errs")" -lt 3 ]; then
	diag "found only $(wc -l <"$tmp/errs") errors (const SP_X = -N) in soap.ail"
	st=1
fi
while read -r name value; do
	if ! grep -q -- "\`\`$name\`\` ($value)" "$tmp/iface"; then
		diag "$DOC does not list the error \`\`$name\`\` ($value)"
		st=1
	fi
done <"$tmp/errs"
ok $st "every error soap.ail defines is listed in $DOC with its value"

# ------------------------------------------------------------ constants
{ cat "$DOC"; man_section "$MAN" .; } |
	grep -o -E '(^|[^A-Za-z0-9_])(STD|SP|RPC|AM)_[A-Z0-9_]*' |
	sed 's/^[^A-Z]//' | grep -v '_$' | sort -u >"$tmp/consts"
st=0
if [ "$(wc -l <"$tmp/consts")" -lt 15 ]; then
	diag "found only $(wc -l <"$tmp/consts") constants named in $DOC and $MAN"
	st=1
fi
while read -r c; do
	if ! grep -rqw -- "$c" include/uapi soap/soap.ail soap/soap.h ail/std.ail \
	     userland/include userland/lib; then
		diag "the documents name $c, which is not in the code"
		st=1
	fi
done <"$tmp/consts"
ok $st "every constant $DOC and $MAN name exists in the code"

# ----------------------------------------------------------------- unit
# The variables ExecStart uses ($X or ${X}) must be set in the
# environment file, whose every SOAPD_ variable the unit must use.
sed -n 's/^ExecStart=//p' "$UNIT" | grep -o '\$[{]\{0,1\}[A-Z_]*' |
	tr -d '${' | sort -u >"$tmp/uvars"
sed -n 's/^#\{0,1\}\([A-Z_][A-Z_0-9]*\)=.*/\1/p' "$CONF" | sort -u >"$tmp/cvars"
st=0
if ! grep -q "^EnvironmentFile=/etc/amoeba/soapd.conf" "$UNIT"; then
	diag "$UNIT does not read /etc/amoeba/soapd.conf (EnvironmentFile=)"
	st=1
fi
while read -r v; do
	if ! grep -qx -- "$v" "$tmp/cvars"; then
		diag "$UNIT uses \$$v, which $CONF does not set"
		st=1
	fi
done <"$tmp/uvars"
while read -r v; do
	case $v in
	AMOEBA_*) continue ;;
	esac
	if ! grep -qx -- "$v" "$tmp/uvars"; then
		diag "$CONF sets $v, which $UNIT does not use"
		st=1
	fi
done <"$tmp/cvars"
# soapd reads its options in order, and --help exits where it stands.
opts=$(sed -n 's/^SOAPD_OPTS=//p' "$CONF")
# shellcheck disable=SC2086 # the unit splits it into words too
if ! "$sbin/soapd" $opts --help >/dev/null 2>"$tmp/opts.err"; then
	diag "soapd refuses SOAPD_OPTS of $CONF ($opts):"
	cat "$tmp/opts.err" >>"$out"
	st=1
fi
ok $st "$CONF sets what $UNIT uses, and soapd takes its options"

# -------------------------------------------------------------- render
if python3 -c 'import docutils' 2>/dev/null; then
	python3 -m docutils --halt=warning "$DOC" /dev/null 2>"$tmp/rst"
	st=$?
	[ -s "$tmp/rst" ] && { st=1; cat "$tmp/rst" >>"$out"; }
	ok $st "$DOC renders without docutils warnings"
else
	n=$((n + 1))
	echo "ok $n # SKIP python3 docutils not installed"
fi
if command -v groff >/dev/null 2>&1; then
	groff -man -Tutf8 -ww "$MAN" 2>"$tmp/groff" >/dev/null
	st=$?
	[ -s "$tmp/groff" ] && { st=1; cat "$tmp/groff" >>"$out"; }
	ok $st "$MAN renders without groff warnings"
else
	n=$((n + 1))
	echo "ok $n # SKIP groff not installed"
fi

echo "1..$n"
[ "$failed" -eq 0 ]
