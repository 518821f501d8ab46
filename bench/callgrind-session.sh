#!/usr/bin/env bash
# Instructions per session alone, the session micro-benchmark's measure counted by
# callgrind (steady from run to run, unlike nanoseconds): compiled, interpreter and the
# hand-written limit, each net of its input's clone (and that clone's drop), and the ratios.
#
#   bench/callgrind-session.sh w4        # or w2, w1
#
# Needs valgrind and a release build of the benchmark (`cargo build --release -p
# flowc-bench`); FLOWC_BENCH_BIN names another build.
set -euo pipefail
workload=${1:?workload: w1, w2 or w4}
bin=${FLOWC_BENCH_BIN:-$(dirname "$0")/../target/release/flowc-bench}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
if ! valgrind --tool=callgrind --callgrind-out-file="$work/out" \
  "$bin" --only micro --workloads "$workload" --micro-seconds 1 > "$work/log" 2>&1; then
  echo "the micro-benchmark failed:" >&2; cat "$work/log" >&2; exit 1
fi
callgrind_annotate --inclusive=yes --tree=calling --threshold=100 "$work/out" \
  > "$work/tree" 2>/dev/null
# Instructions per call of one of `micro.rs`'s measured functions: its callee lines,
# `N (p%)  >   file:flowc_bench::micro::NAME (Cx)`, summed over its callers.
per_call() {
  awk -v name="flowc_bench::micro::$1" '
    {
      line = $0
      if (!sub("^ *", "", line) || index(line, ">   ") == 0) next
      if (index(line, ":" name " (") == 0) next
      n = line; sub(" .*", "", n); gsub(",", "", n)
      c = line; sub(".*:" name " [(]", "", c); sub("x[)].*", "", c); gsub(",", "", c)
      total += n; calls += c
    }
    END {
      if (calls == 0) { print "no calls of " name " in the profile" > "/dev/stderr"; exit 1 }
      printf "%.0f\n", total / calls
    }' "$work/tree"
}
clone=$(per_call clone_call)
compiled=$(( $(per_call compiled_session) - clone ))
interp=$(( $(per_call interp_session) - clone ))
limit=$(( $(per_call limit_session) - $(per_call clone_limit_input) ))
echo "$workload instructions per session: compiled $compiled, interpreter $interp, limit $limit"
awk -v c="$compiled" -v i="$interp" -v l="$limit" 'BEGIN {
  printf "interp/compiled %.2f, interp/limit %.2f, compiled/limit %.2f\n", i / c, i / l, c / l }'
