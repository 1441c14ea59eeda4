#!/bin/sh
# The AIL compiler's front end: --help and usage, the interfaces in ail/
# and the golden interfaces in ail/tests/ok/ (each must list as its .list
# file says: command codes, largest request and reply, rights), and the
# broken ones in ail/tests/bad/, each of which must fail with the error
# its first line names ("// expect LINE:COL: MESSAGE"), the source line
# and a caret.
top=$(cd "$(dirname "$0")/.." && pwd)
ail=${AMOEBA_BUILD:-$top/build}/ail/ail
if [ ! -x "$ail" ]; then
	echo "1..0 # SKIP $ail not built (run make ail)"
	exit 0
fi

. "$(dirname "$0")/host-lib.sh"

run 0 "^usage: ail" "ail --help prints usage and exits 0" -- "$ail" --help
run 2 "no interface file given" "ail without a file exits 2" -- "$ail"
run 2 "ail --help" "ail with an unknown option exits 2" -- "$ail" --bogus
run 1 "ail: /nonexistent.ail: No such file" "a missing file is named" -- \
	"$ail" /nonexistent.ail

for f in "$top"/ail/*.ail; do
	run 0 "" "$(basename "$f") is sound" -- "$ail" "$f"
done

for f in "$top"/ail/tests/ok/*.ail; do
	name=$(basename "$f" .ail)
	"$ail" -l "$f" >"$out" 2>&1
	st=$?
	if [ $st -eq 0 ] && cmp -s "$out" "${f%.ail}.list"; then
		ok 0 "$name.ail lists as $name.list"
	else
		diff -u "${f%.ail}.list" "$out" >"$out.diff" 2>&1
		cat "$out.diff" >>"$out"
		rm -f "$out.diff"
		ok 1 "$name.ail lists as $name.list (status $st)"
	fi
done

for f in "$top"/ail/tests/bad/*.ail; do
	name=$(basename "$f")
	want=$(head -n 1 "$f" | sed 's|^// expect ||')
	"$ail" "$f" >"$out" 2>&1
	st=$?
	got=$(head -n 1 "$out")
	caret=$(sed -n 3p "$out")
	if [ $st -eq 1 ] && [ "$got" = "$f:${want%%: *}: error: ${want#*: }" ] &&
		echo "$caret" | grep -q '^ *	*^$'; then
		ok 0 "$name fails at ${want%%: *}: ${want#*: }"
	else
		diag "expected status 1 and $f:${want%%: *}: error: ${want#*: } with a caret line"
		ok 1 "$name fails at ${want%%: *}"
	fi
done

echo "1..$n"
[ "$failed" -eq 0 ]
