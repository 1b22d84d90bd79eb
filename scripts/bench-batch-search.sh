#!/usr/bin/env bash
# Batch search latency (issue 14: a batch of 1,000 serials, p99 under 2 s at 10 M records). On a generated database
#   scripts/generate-data.sh --records 1000000 --database artifacts/bench/search-1m.db
# it starts the service, builds batches of 1,000 serials (nine in ten a stored main serial spread over the whole
# table, one in ten a serial that is not stored, so both the stop rule and the later tiers run) and posts them one
# after another, each a different batch, timing every answer with curl. Every item is its own audited search.
#
#   scripts/bench-batch-search.sh --database PATH [--requests 30] [--port 5191]
#
# Needs sqlite3, curl and jq. Prints p50/p95/p99/max in ms.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

database=""; requests=30; port=5191
while [ $# -gt 0 ]; do
  case "$1" in
    --database) database="$2"; shift 2 ;;
    --requests) requests="$2"; shift 2 ;;
    --port) port="$2"; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
[ -n "$database" ] || { echo "--database is required" >&2; exit 2; }
out="$root/artifacts/bench"
mkdir -p "$out/batches"
key="bench-search-key-000000000000000001" # DataGenerator.BenchKey (roles analysis, record, search)
url="http://127.0.0.1:$port"
api="$root/src/IArms.Api/bin/Release/net10.0/IArms.Api.dll"

dotnet build src/IArms.Api -c Release -nologo -v quiet >"$out/batch-build.log" 2>&1 || { cat "$out/batch-build.log"; exit 1; }
ConnectionStrings__IArms="Data Source=$database" Logging__LogLevel__Default=Warning dotnet "$api" migrate >/dev/null

max=$(sqlite3 "$database" "SELECT MAX(id) FROM firearm_serial")
step=$((max / (requests * 900)))
for r in $(seq 0 $((requests - 1))); do
  # Batch r takes every step-th serial from its own offset: no two batches share a serial, none is cached.
  sqlite3 -json "$database" "SELECT serial FROM firearm_serial WHERE location = 'main' AND id % $step = $r ORDER BY id LIMIT 900" \
    | jq -c --arg r "$r" '{purpose: "seizure", caseReference: ("BENCH-BATCH-" + $r),
        items: ([.[] | .serial] + [range(0; 100) | "ZZQ" + $r + "X" + tostring + "Q9"]) | to_entries | map({ref: (.key | tostring), serialNumber: .value})}' \
    >"$out/batches/$r.json"
done

ASPNETCORE_ENVIRONMENT=Production IArms__RateLimits__Enabled=false ConnectionStrings__IArms="Data Source=$database" Logging__LogLevel__Default=Warning \
  dotnet "$api" --urls "$url" >"$out/batch-service.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
for _ in $(seq 1 240); do curl -fs "$url/health/ready" >/dev/null 2>&1 && break; sleep 0.5; done

echo "uptime: $(uptime)"
# One warm-up batch (not counted), then the measured ones.
curl -fs -o /dev/null -X POST "$url/api/v1/searches/batch" -H "X-Api-Key: $key" -H 'Content-Type: application/json' \
  --data-binary "@$out/batches/0.json"
: >"$out/batch-times"
for r in $(seq 1 $((requests - 1))); do
  curl -fs -o "$out/batch-answer.json" -w '%{time_total}\n' -X POST "$url/api/v1/searches/batch" -H "X-Api-Key: $key" \
    -H 'Content-Type: application/json' --data-binary "@$out/batches/$r.json" >>"$out/batch-times"
done
items=$(jq '.items | length' "$out/batch-answer.json")
found=$(jq '[.items[] | select((.results // []) | length > 0)] | length' "$out/batch-answer.json")
# Nearest-rank percentiles over the measured requests.
sort -n "$out/batch-times" | awk -v items="$items" -v found="$found" '
  function rank(q,   i) { i = int(NR * q); if (i < NR * q) i++; return t[i] }
  { t[NR] = $1 * 1000 }
  END { printf "BATCH requests=%d items=%s found_in_last=%s p50_ms=%.0f p95_ms=%.0f p99_ms=%.0f max_ms=%.0f\n",
    NR, items, found, rank(0.50), rank(0.95), rank(0.99), t[NR] }'
echo "uptime: $(uptime)"
