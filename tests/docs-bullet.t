#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Documentation drift checks for the Bullet server (TAP).  Each test
# compares a fact of the programs with what their documentation says:
#   - every option `bulletd --help` lists (short and long) is described
#     in OPTIONS of bulletd.8, and OPTIONS describes no option --help
#     lacks (--help itself aside);
#   - every key bulletd's configuration file takes (the strcmp(key, "...")
#     of set() in bullet/bulletd.c) is described in CONFIGURATION FILE of
#     bulletd.8, which names no other, and set in the example
#     bullet/bulletd.conf, which bulletd accepts as it is;
#   - every option `bfsck --help` lists is described in OPTIONS of
#     bfsck.8, which describes no other, and every fsck(8) exit code
#     bfsck.c defines (FSCK_*) is in its EXIT STATUS;
#   - bulletd.8 and bfsck.8 render without groff warnings.
# Skipped when bulletd or bfsck is not built (make bullet).  POSIX sh,
# grep, sed, awk; groff for the last check.

top=$(cd "$(dirname "$0")/.." && pwd)
bin=${AMOEBA_BUILD:-$top/build}/bullet/bin
if [ ! -x "$bin/bulletd" ] || [ ! -x "$bin/bfsck" ]; then
	echo "1..0 # SKIP bulletd or bfsck not built (make bullet)"
	exit 0
fi
cd "$top" || exit 1

BMAN=Documentation/man/bulletd.8
FMAN=Documentation/man/bfsck.8
CONF=bullet/bulletd.conf

# shellcheck source-path=SCRIPTDIR source=host-lib.sh
. "$(dirname "$0")/host-lib.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp" "$out"' EXIT

# man_section FILE PATTERN: the .SH section whose heading matches PATTERN,
# with font escapes, \- and \& removed so that options stand alone.
man_section() {
	awk -v pat="$2" '
		/^\.SH/ { if (on) exit; if ($0 ~ pat) on = 1 }
		on' "$1" |
	sed -e 's/\\f[BIRP]//g' -e 's/\\f(..//g' -e 's/\\-/-/g' -e 's/\\&//g'
}

# help_options PROGRAM: the options its --help lists, one a line: "-x" and
# "--long" of every line that starts (after blanks) with an option.
help_options() {
	"$bin/$1" --help >"$tmp/$1.help" 2>&1 || return 1
	grep '^[[:space:]]*-' "$tmp/$1.help" |
		grep -o -e '--[a-z][a-z-]*' -e '^[[:space:]]*-[A-Za-z]' |
		tr -d ' \t' | sort -u
}

# tagged_options SECTION_FILE: the options named by the .TP tags (the line
# after .TP) of an OPTIONS section.
tagged_options() {
	awk 'tag { print; tag = 0 } /^\.TP/ { tag = 1 }' "$1" |
		grep -o -e '--[a-z][a-z-]*' -e '-[A-Za-z]\([^A-Za-z-]\|$\)' |
		sed 's/^\(-[A-Za-z]\).*/\1/' | sort -u
}

# check_options PROGRAM MAN: ok if the options of --help and of the man
# page's OPTIONS tags are the same, --help aside.
check_options() {
	st=0
	if ! help_options "$1" >"$tmp/$1.opts"; then
		diag "$1 --help failed:"
		cat "$tmp/$1.help" >>"$out"
		st=1
	fi
	man_section "$2" '^\.SH OPTIONS' >"$tmp/$1.man"
	tagged_options "$tmp/$1.man" >"$tmp/$1.tags"
	if [ "$(wc -l <"$tmp/$1.opts")" -lt 2 ]; then
		diag "found only $(wc -l <"$tmp/$1.opts") options in $1 --help:" \
		     "has its format changed?"
		st=1
	fi
	while read -r opt; do
		if ! grep -qx -- "$opt" "$tmp/$1.tags"; then
			diag "$1 --help lists $opt, which OPTIONS in $2 does not describe"
			st=1
		fi
	done <"$tmp/$1.opts"
	while read -r opt; do
		case $opt in -h | --help) continue ;; esac
		if ! grep -qx -- "$opt" "$tmp/$1.opts"; then
			diag "OPTIONS in $2 describes $opt, which $1 --help does not list"
			st=1
		fi
	done <"$tmp/$1.tags"
	ok $st "every option of $1 --help is in $2, and no other"
}

# ------------------------------------------------------------- options
check_options bulletd "$BMAN"
check_options bfsck "$FMAN"

# ---------------------------------------------------------- config keys
awk '/^static void set\(/ { on = 1 } on { print } on && /^}/ { exit }' \
	bullet/bulletd.c |
	sed -n 's/.*strcmp(key, "\([a-z_]*\)").*/\1/p' | sort -u >"$tmp/keys"
# The man page's keys: the first word of each .TP tag of the section.
man_section "$BMAN" '^\.SH CONFIGURATION FILE' >"$tmp/conf.man"
awk 'tag { print; tag = 0 } /^\.TP/ { tag = 1 }' "$tmp/conf.man" |
	sed -n 's/^\.[BIR]*[[:space:]]\{1,\}"\{0,1\}\([a-z_]*\).*/\1/p' |
	sort -u >"$tmp/keys.man"
# The example's: every setting, commented out ("#key value") or not.
sed -n 's/^#\{0,1\}\([a-z_]\{1,\}\)[[:space:]]\{1,\}[^[:space:]].*/\1/p' \
	"$CONF" | sort -u >"$tmp/keys.conf"
st=0
if [ "$(wc -l <"$tmp/keys")" -lt 3 ]; then
	diag "found only $(wc -l <"$tmp/keys") keys (strcmp(key, \"...\")) in" \
	     "set() of bullet/bulletd.c: has it changed?"
	st=1
fi
while read -r key; do
	if ! grep -qx -- "$key" "$tmp/keys.man"; then
		diag "bulletd takes the key '$key', which CONFIGURATION FILE in" \
		     "$BMAN does not describe (a .TP tag '.BI $key ...')"
		st=1
	fi
done <"$tmp/keys"
while read -r key; do
	if ! grep -qx -- "$key" "$tmp/keys"; then
		diag "CONFIGURATION FILE in $BMAN describes the key '$key'," \
		     "which bullet/bulletd.c does not take"
		st=1
	fi
done <"$tmp/keys.man"
ok $st "every configuration key bulletd takes is in $BMAN, and no other"

st=0
while read -r key; do
	if ! grep -qx -- "$key" "$tmp/keys.conf"; then
		diag "bulletd takes the key '$key', which $CONF does not show" \
		     "(a line '$key VALUE' or '#$key VALUE')"
		st=1
	fi
done <"$tmp/keys"
# bulletd reads every -c file before it looks at --help, so this parses
# the example with bulletd's own parser, every key and value checked.
if ! "$bin/bulletd" -c "$CONF" --help >/dev/null 2>"$tmp/conf.err"; then
	diag "bulletd refuses $CONF:"
	cat "$tmp/conf.err" >>"$out"
	st=1
fi
ok $st "$CONF sets every configuration key, and bulletd accepts it"

# ------------------------------------------------------- bfsck statuses
sed -n 's/^#define[[:space:]]\{1,\}FSCK_[A-Z]*[[:space:]]\{1,\}\([0-9]\{1,\}\).*/\1/p' \
	bullet/bfsck.c | sort -n >"$tmp/codes"
man_section "$FMAN" '^\.SH EXIT STATUS' |
	awk 'tag { print; tag = 0 } /^\.TP/ { tag = 1 }' >"$tmp/codes.man"
st=0
if [ "$(wc -l <"$tmp/codes")" -lt 4 ]; then
	diag "found only $(wc -l <"$tmp/codes") '#define FSCK_<NAME> <code>'" \
	     "in bullet/bfsck.c"
	st=1
fi
while read -r code; do
	if ! grep -qx -- "$code" "$tmp/codes.man"; then
		diag "bfsck.c defines exit code $code, which EXIT STATUS in $FMAN" \
		     "does not describe"
		st=1
	fi
done <"$tmp/codes"
while read -r code; do
	if ! grep -qx -- "$code" "$tmp/codes"; then
		diag "EXIT STATUS in $FMAN describes code $code, which bfsck.c" \
		     "does not define"
		st=1
	fi
done <"$tmp/codes.man"
ok $st "every exit code of bfsck is in $FMAN, and no other"

# ---------------------------------------------------------------- groff
for page in "$BMAN" "$FMAN"; do
	if command -v groff >/dev/null 2>&1; then
		groff -man -Tutf8 -ww "$page" 2>"$tmp/groff" >/dev/null
		st=$?
		if [ -s "$tmp/groff" ]; then
			st=1
			cat "$tmp/groff" >>"$out"
		fi
		ok $st "$page renders without groff warnings"
	else
		n=$((n + 1))
		echo "ok $n # SKIP groff not installed"
	fi
done

echo "1..$n"
[ "$failed" -eq 0 ]
