#!/usr/bin/env bash
# Instructions per request of one benchmark server on one workload, counted by callgrind:
# unlike CPU time, the count does not move with the machine's load (BENCHMARKS.md).
#
#   bench/callgrind.sh compiled w2        # or interp, limit; w1, w2, w4
#
# Needs valgrind and wrk (Debian packages) and a release build of the benchmark
# (`cargo build --release -p flowc-bench`); FLOWC_BENCH_BIN names another build, and
# KEEP_CALLGRIND=FILE keeps the profile.
set -euo pipefail
server=${1:?server: compiled, interp or limit}
workload=${2:?workload: w1, w2 or w4}
bin=${FLOWC_BENCH_BIN:-$(dirname "$0")/../target/release/flowc-bench}
port=${PORT:-18080}
case "$workload" in
  w1) route=b1000000-0000-4000-8000-000000000001 token=bench-greeting-token
      body='{"name":"Ada"}' ;;
  w2) route=b2000000-0000-4000-8000-000000000002 token=bench-order-token
      body='{"customer":{"id":"C123456","tier":"gold"},"items":[{"sku":"A-1","qty":2,"price":19.99},{"sku":"B-2","qty":1,"price":5.5},{"sku":"C-3","qty":3,"price":7.25}]}' ;;
  w4) route=b4000000-0000-4000-8000-000000000004 token=bench-profile-token
      body='{"user":{"id":"U12345","name":"  Ada Lovelace ","email":" Ada@Example.COM","age":36,"country":"gb","tier":"Gold","phone":"+27 82 123 4567"},"scores":[3,5,8,13,21],"coupon":"save5","amount":120.5,"tags":["vip","beta"]}' ;;
  *) echo "unknown workload $workload" >&2; exit 2 ;;
esac
work=$(mktemp -d)
trap '[ -n "${KEEP_CALLGRIND:-}" ] && cp "$work/out" "$KEEP_CALLGRIND"; rm -rf "$work"' EXIT
cat > "$work/request.lua" <<LUA
wrk.method = "POST"
wrk.body = '$body'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer $token"
LUA
BENCH_UPSTREAM=http://127.0.0.1:9 valgrind --tool=callgrind --callgrind-out-file="$work/out" \
  "$bin" serve --server "$server" --port "$port" --data-dir "$work/data" > "$work/serve.log" 2>&1 &
pid=$!
for _ in $(seq 1 100); do grep -q listening "$work/serve.log" && break; sleep 0.3; done
if ! grep -q listening "$work/serve.log"; then
  echo "the server did not start:" >&2; cat "$work/serve.log" >&2; kill "$pid" 2>/dev/null; exit 1
fi
wrk -t1 -c4 -d8s -s "$work/request.lua" "http://127.0.0.1:$port/dynamic/$route" > "$work/wrk.txt"
kill -INT "$pid"; wait "$pid" 2>/dev/null || true
requests=$(awk '/requests in/ {print $1}' "$work/wrk.txt")
total=$(callgrind_annotate "$work/out" 2>/dev/null | awk '/PROGRAM TOTALS/ {gsub(",", "", $1); print $1}')
if [ -z "$requests" ] || [ "$requests" -eq 0 ] || [ -z "$total" ]; then
  echo "no requests answered or no count:" >&2; cat "$work/wrk.txt" >&2; exit 1
fi
# Start-up and idle polling are counted in the total; the connection tasks' own count
# (axum's `handle_connection`, inclusive) leaves them out and moves far less between runs
# of one build (±0.1 % against ±1 %), so compare builds by it.
serving=$(callgrind_annotate --inclusive=yes "$work/out" 2>/dev/null \
  | awk '!found && /handle_connection::\{\{closure\}\}::\{\{closure\}\} \[/ {gsub(",", "", $1); print $1; found = 1}')
echo "$server $workload: $((total / requests)) instructions per request ($requests requests)"
if [ -n "$serving" ]; then
  echo "$server $workload: $((serving / requests)) of them serving the connection"
fi
