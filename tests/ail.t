#!/bin/sh
# The AIL compiler: --help and usage, the interfaces in ail/ and the
# golden interfaces in ail/tests/ok/ (each must list as its .list file
# says: command codes, largest request and reply, rights; and its C stubs
# must compile with -Wall -Wextra -Werror under gcc and clang), and the
# broken ones in ail/tests/bad/, each of which must fail with the error
# its first line names ("// expect LINE:COL: MESSAGE"), the source line
# and a caret, and write no stubs.  The stubs' behaviour is tested by
# tests/userland-ail.t and the fuzz tier.
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

gen=$(mktemp -d /tmp/ail-gen.XXXXXX)
trap 'rm -rf "$gen"' EXIT
run 1 "ail: $gen/none/.*No such file" "an output directory that is not there is named" -- \
	"$ail" -o "$gen/none" "$top/ail/std.ail"
cflags="-std=gnu11 -Wall -Wextra -Werror -I$top/userland/include -I$top/include/uapi -I$gen"

# The stubs of every sound interface compile cleanly with both compilers.
for f in "$top"/ail/*.ail "$top"/ail/tests/ok/*.ail; do
	name=$(basename "$f" .ail)
	rm -f "$gen"/*
	if ! "$ail" -I "$top/ail" -o "$gen" "$f" >"$out" 2>&1; then
		ok 1 "$name.ail: stubs written"
		continue
	fi
	# An importer's header includes std_ail.h: std's stubs beside it.
	"$ail" -o "$gen" "$top/ail/std.ail" >>"$out" 2>&1
	for cc in gcc clang; do
		st=0
		for c in "$gen/${name}_client.c" "$gen/${name}_server.c"; do
			$cc $cflags -c "$c" -o "$gen/out.o" >>"$out" 2>&1 || st=1
		done
		ok $st "$name.ail: stubs compile with $cc -Wall -Wextra -Werror"
	done
done

for f in "$top"/ail/tests/ok/*.ail; do
	name=$(basename "$f" .ail)
	"$ail" -I "$top/ail" -l "$f" >"$out" 2>&1
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
	rm -f "$gen"/*
	"$ail" -o "$gen" "$f" >"$out" 2>&1
	st=$?
	got=$(head -n 1 "$out")
	caret=$(sed -n 3p "$out")
	if [ $st -eq 1 ] && [ "$got" = "$f:${want%%: *}: error: ${want#*: }" ] &&
		echo "$caret" | grep -q '^[ 	]*^$' &&
		[ -z "$(ls -A "$gen")" ]; then
		ok 0 "$name fails at ${want%%: *}: ${want#*: }"
	else
		diag "expected status 1 and $f:${want%%: *}: error: ${want#*: } with a caret line"
		ok 1 "$name fails at ${want%%: *}"
	fi
done

echo "1..$n"
[ "$failed" -eq 0 ]
