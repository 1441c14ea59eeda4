# Shared by the host-tier shell tests (sourced, not run): TAP counting and
# a runner that checks a command's exit status and output.  The caller
# prints the plan ("1..$n") and exits with [ "$failed" -eq 0 ].

n=0
failed=0
out=$(mktemp)
trap 'rm -f "$out"' EXIT

# ok STATUS NAME: a TAP line; on failure what $out holds is shown as
# diagnostics.  Either way $out is emptied for the next test point.
ok() {
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $n - $2"
	else
		failed=$((failed + 1))
		echo "not ok $n - $2"
		[ -s "$out" ] && sed 's/^/# /' "$out"
	fi
	: >"$out"
}

# diag TEXT: a line of diagnostics for the next test point.
diag() {
	echo "$*" >>"$out"
}

# run EXPECTED_STATUS PATTERN NAME -- CMD...: status and output both match
# (an empty PATTERN matches any output, none included).
run() {
	run_want=$1 run_pattern=$2 run_name=$3
	shift 4
	"$@" >"$out" 2>&1
	st=$?
	if [ "$st" -eq "$run_want" ] &&
		{ [ -z "$run_pattern" ] || grep -q -- "$run_pattern" "$out"; }; then
		ok 0 "$run_name"
	else
		echo "exit status $st, expected $run_want; output should match '$run_pattern'" >>"$out"
		ok 1 "$run_name"
	fi
}
