#!/bin/sh
# The porting guide's code is the example that is built and run: the code
# blocks of Documentation/userland/porting.rst that follow a ".. file: F"
# comment, with their one-tab indent removed and joined in order by one
# empty line, must be exactly userland/examples/F.  (tests/vm/userland.sh runs the programs.)
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
guide=$top/Documentation/userland/porting.rst
. "$(dirname "$0")/host-lib.sh"

# extract F: the code of the guide's blocks for file F.
extract() {
	awk -v want="$1" '
		/^\.\. file: / { file = $3; armed = 1; next }
		armed && /^\.\. code-block::/ {
			inblock = (file == want); armed = 0; started = 0
			if (inblock && blocks++) pending = "\n"
			next
		}
		inblock {
			if ($0 == "") { if (started) pending = pending "\n"; next }
			if (substr($0, 1, 1) != "\t") { inblock = 0; pending = ""; next }
			started = 1
			printf "%s%s\n", pending, substr($0, 2)
			pending = ""
		}
	' "$guide"
}

for f in counter.ail counterd.c counter.c; do
	extract "$f" >"$out.code"
	diff -u "$top/userland/examples/$f" "$out.code" >"$out" 2>&1
	ok $? "porting.rst shows userland/examples/$f exactly"
	rm -f "$out.code"
done
echo "1..$n"
[ "$failed" -eq 0 ]
