# Renumber the TAP a VM payload printed into one flat TAP stream for prove:
# every `ok`/`not ok` line gets the next number; `#` lines pass, anything
# else becomes a comment; `Bail out!` becomes a `not ok`; a missing plan
# or a payload that ran fewer points than it planned is one more `not ok`
# (qemu-run.sh's own points are not the payload's).  A payload that skips
# everything (1..0 # SKIP) stays skipped.  Set payload= to its name.
/^(not )?ok( [0-9]+)?( |$)/ {
	ok = ($0 ~ /^ok/); s = $0
	sub(/^(not )?ok( [0-9]+)?/, "", s)
	printf "%s %d%s\n", ok ? "ok" : "not ok", ++n, s
	if (s !~ /^ - qemu-run: /) ran++
	next
}
/^1\.\.[0-9]+/ { s = $0; sub(/^1\.\./, "", s); plan = s + 0; planned = 1; skipall = (s ~ /# *SKIP/) ? $0 : ""; next }
/^Bail out!/ { printf "not ok %d - %s: %s\n", ++n, payload, $0; next }
/^TAP version/ { next }
{ print "# " $0 }
END {
	if (n == 0 && planned && plan == 0 && skipall != "") { print skipall; exit }
	if (!planned) printf "not ok %d - %s printed no plan\n", ++n, payload
	else if (plan != ran) printf "not ok %d - %s planned %d tests, ran %d\n", ++n, payload, plan, ran
	printf "1..%d\n", n
}