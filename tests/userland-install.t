#!/bin/sh
# `make install DESTDIR=...` puts libamoeba where pkg-config finds it, and a
# program built with `pkg-config --cflags --libs amoeba` (shared) and
# `--static` compiles, links and runs against the installed copy only.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
build=${AMOEBA_BUILD:-$top/build}
. "$(dirname "$0")/host-lib.sh"

dest=$(mktemp -d)
trap 'rm -rf "$dest" "$out"' EXIT
prefix=/usr
run 0 "" "make install DESTDIR=... PREFIX=$prefix" -- \
	make -s -C "$top/userland" BUILD="$build" DESTDIR="$dest" \
	PREFIX=$prefix install

pc() {
	PKG_CONFIG_SYSROOT_DIR=$dest PKG_CONFIG_LIBDIR=$dest$prefix/lib/pkgconfig \
		pkg-config "$@" amoeba
}
run 0 "-I$dest$prefix/include " "pkg-config --cflags amoeba names the installed headers" -- \
	pc --cflags
run 0 "-lamoeba" "pkg-config --libs amoeba links libamoeba" -- pc --libs

cat >"$dest/hello.c" <<'PROG'
#include <stdio.h>
#include <amoeba.h>

int main(void)
{
	char text[AM_CAP_TEXTLEN + 1];
	struct am_cap cap, out;

	if (am_cap_parse("0123456789ab:000001:ff:a1b2c3d4e5f6", &cap, NULL) ||
	    am_cap_restrict_owner(&cap, 0x03, &out))
		return 1;
	am_cap_format(&out, text, sizeof(text));
	printf("%s %s\n", text, err_name(STD_CAPBAD));
	return 0;
}
PROG
want="0123456789ab:000001:03:9e7e0004221c STD_CAPBAD"
# shellcheck disable=SC2046
run 0 "" "a program builds with pkg-config (shared)" -- \
	cc -Wall -Werror -o "$dest/hello" "$dest/hello.c" $(pc --cflags --libs)
run 0 "^$want\$" "...and runs against the installed libamoeba.so" -- \
	env LD_LIBRARY_PATH="$dest$prefix/lib" "$dest/hello"
run 0 "libamoeba.so.0 => $dest$prefix/lib/libamoeba.so.0" \
	"...which is the one it loads" -- \
	env LD_LIBRARY_PATH="$dest$prefix/lib" ldd "$dest/hello"
# shellcheck disable=SC2046
run 0 "" "a program builds with pkg-config --static" -- \
	cc -Wall -Werror -static -o "$dest/hello-static" "$dest/hello.c" \
	$(pc --cflags --libs --static)
run 0 "^$want\$" "...and runs" -- "$dest/hello-static"

# A service outside the tree: the installed ail, std.ail and headers.
cat >"$dest/kv.ail" <<'AIL'
import std;
class kv [4000..4009] {
	inherit std;
	kv_get (*, in:h_offset uint32 key, out int64 value) rights AM_RGT_READ;
};
AIL
cat >"$dest/kv.c" <<'PROG'
#include <amoeba.h>
#include "kv_ail.h"

static errstat get(const struct am_call *call, uint32_t key, int64_t *value)
{
	(void)call;
	*value = key;
	return STD_OK;
}

static const struct kv_impl impl = { AM_STD_IMPL, .kv_get = get };

int main(void)
{
	struct am_hdr hdr = { .h_command = KV_GET, .h_offset = 7 };
	char rep[KV_REP_MAX];

	return kv_serve(&impl, NULL, &hdr, NULL, 0, rep, sizeof(rep)) == 8 &&
	       hdr.h_status == STD_OK && rep[7] == 7 ? 0 : 1;
}
PROG
run 0 "" "the installed ail makes stubs importing the installed std.ail" -- \
	"$dest$prefix/bin/ail" -I "$dest$prefix/share/amoeba" -o "$dest" "$dest/kv.ail"
# shellcheck disable=SC2046
run 0 "" "...which build against the installed headers and library" -- \
	cc -Wall -Wextra -Werror -static -o "$dest/kv" -I"$dest" "$dest/kv.c" \
	"$dest/kv_server.c" "$dest/kv_client.c" $(pc --cflags --libs --static)
run 0 "" "...and serve" -- "$dest/kv"

for f in include/amoeba.h include/amoeba/cap.h include/amoeba/linux/amoeba.h \
	include/amoeba/ail.h include/amoeba/std_ail.h include/amoeba/soap_ail.h \
	include/amoeba/path.h share/amoeba/soap.ail bin/ail \
	share/amoeba/std.ail share/man/man1/ail.1 \
	bin/std_info share/man/man1/std_info.1; do
	[ -f "$dest$prefix/$f" ]
	st=$?
	echo "no $dest$prefix/$f" >"$out"
	ok $st "installed $prefix/$f"
done

echo "1..$n"
[ "$failed" -eq 0 ]
