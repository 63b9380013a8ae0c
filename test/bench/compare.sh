#!/usr/bin/env bash
# Interleaved load-script comparison of two checkouts of Junction.
#
#   test/bench/compare.sh BASE_DIR NEW_DIR ROUNDS "gateway flags" [duration]
#
# Runs `go run ./test/bench` in BASE_DIR, then in NEW_DIR, ROUNDS times, and
# prints one line per run: throughput and latency, gateway CPU per request,
# peak RSS, load average. On a shared or throttled machine only ratios within
# one run mean anything. To compare gateways alone, copy this checkout's
# test/bench/main.go and subgraphs/internal/serve/serve.go over BASE_DIR first.
set -euo pipefail
base=$1 new=$2 rounds=$3 flags=$4 dur=${5:-10s}
for r in $(seq 1 "$rounds"); do
  for d in "$base" "$new"; do
    out=$(cd "$d" && go run ./test/bench -duration "$dur" -warmup 2s -skip-subgraphs-alone -gateway-flags "$flags" 2>&1)
    echo "$(basename "$d") r$r: $(echo "$out" | grep 'req/s' | sed 's/.*ok, //') | $(echo "$out" | grep 'CPU:' | sed 's/.*CPU: //') | $(echo "$out" | grep RSS | sed 's/.*RSS: //') load=$(cut -d' ' -f1 /proc/loadavg)"
  done
done
