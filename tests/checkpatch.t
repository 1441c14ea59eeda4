#!/bin/sh
# Style tier: every C file and header of kmod/, flip/, userland/, ail/,
# bullet/, soap/ and dpdk/ passes the kernel's checkpatch.pl (from the linux-source tree
# install-deps.sh unpacks).  User space has no <linux/compiler_attributes.h>, so there
# defining __printf() itself is no fault.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cp=${AMOEBA_CACHE:-/var/cache/amoeba}/src/linux-source-6.1/scripts/checkpatch.pl
cd "$top"
files=$(git ls-files 'kmod/*.[ch]' 'flip/*.[ch]' 'include/uapi/linux/*.h' 'userland/*.[ch]' 'ail/*.[ch]' 'bullet/*.[ch]' 'soap/*.[ch]' 'dpdk/*.[ch]' 2>/dev/null ||
	find kmod flip include userland ail bullet soap dpdk -name '*.[ch]')
n=0
for f in $files; do
	n=$((n + 1))
	ignore=
	case $f in userland/* | ail/* | bullet/* | soap/* | dpdk/*) ignore=--ignore=PREFER_DEFINED_ATTRIBUTE_MACRO ;; esac
	if out=$(perl "$cp" --no-tree --quiet --show-types $ignore -f "$f" 2>&1); then
		echo "ok $n - checkpatch $f"
	else
		echo "not ok $n - checkpatch $f"
		echo "$out" | sed 's/^/# /'
	fi
done
echo "1..$n"
