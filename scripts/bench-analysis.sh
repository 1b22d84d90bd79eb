#!/usr/bin/env bash
# Analysis load test (issue 13). On a database generated with custody chains
#   scripts/generate-data.sh --records 1000000 --database artifacts/bench/analysis-1m.db --chains-share 0.019
# it builds the analysis tables when they are empty (the rebuild-analysis command, timed), starts the service,
# and measures with wrk the p50/p95/p99 of each analysis route, then the cost of writing one custody event.
# With --before-dll and --before-database (the API built from the commit before issue 13, and a copy of the
# database without migration 0023), the same writes are measured on the old code for the 1.5x target.
#
#   scripts/bench-analysis.sh --database PATH [--duration 10s] [--warmup 3s] [--connections 2] [--threads 1]
#                             [--before-dll PATH --before-database PATH] [--rounds 3] [--writes-only] [--port 5083]
#                             [--write-warmup 20s]
#
# Each write round first writes for --write-warmup unmeasured: a freshly started service spends most of its first
# seconds in the JIT (tiered compilation: 4.5 ms of CPU per write 10-15 s after start against 2.1 ms once compiled,
# on this branch's code at 1 M records), and the code with the analysis refresh has more to compile, so an
# unwarmed round measures start-up, not the write.
#
# Writes artifacts/bench/analysis-report.md. Needs wrk, sqlite3, curl and jq.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

database=""; duration=10s; warmup=3s; write_warmup=20s; connections=2; threads=1; port=5083; before_dll=""; before_db=""; rounds=3; writes_only=0
while [ $# -gt 0 ]; do
  case "$1" in
    --database) database="$2"; shift 2 ;;
    --duration) duration="$2"; shift 2 ;;
    --warmup) warmup="$2"; shift 2 ;;
    --write-warmup) write_warmup="$2"; shift 2 ;;
    --connections) connections="$2"; shift 2 ;;
    --threads) threads="$2"; shift 2 ;;
    --port) port="$2"; shift 2 ;;
    --before-dll) before_dll="$2"; shift 2 ;;
    --before-database) before_db="$2"; shift 2 ;;
    --rounds) rounds="$2"; shift 2 ;;
    --writes-only) writes_only=1; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
[ -n "$database" ] || { echo "--database is required" >&2; exit 2; }
for tool in wrk sqlite3 curl jq; do
  command -v "$tool" >/dev/null || { echo "$tool is not installed: apt-get install -y $tool" >&2; exit 1; }
done

out="$root/artifacts/bench"
mkdir -p "$out"
report="$out/analysis-report.md"
key="bench-search-key-000000000000000001" # DataGenerator.BenchKey (roles analysis, record, search)
url="http://127.0.0.1:$port"
api="$root/src/IArms.Api/bin/Release/net10.0/IArms.Api.dll"

echo "== building (Release)"
dotnet build src/IArms.Api -c Release -nologo -v quiet >"$out/analysis-build.log" 2>&1 || { cat "$out/analysis-build.log"; exit 1; }

ConnectionStrings__IArms="Data Source=$database" Logging__LogLevel__Default=Warning dotnet "$api" migrate >/dev/null
rebuild="(tables already built)"
if [ "$(sqlite3 "$database" "SELECT COUNT(*) FROM (SELECT 1 FROM firearm_serial_shape LIMIT 1)")" = 0 ]; then
  echo "== rebuild-analysis"
  rebuild=$(ConnectionStrings__IArms="Data Source=$database" Logging__LogLevel__Default=Warning dotnet "$api" rebuild-analysis | tail -n1)
  echo "$rebuild"
fi

cat >"$out/analysis-get.lua" <<'EOF'
wrk.headers["X-Api-Key"] = os.getenv("APIKEY")
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %.1f %.1f %.1f %d %d\n", latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, summary.requests, e.status + e.connect + e.read + e.write + e.timeout))
end
EOF
cat >"$out/analysis-write.lua" <<'EOF'
-- Adds a "recovered" event to firearms with chains, rotating through the ids in IDS.
local ids = {}
local counter = 0
local body = '{"type":"recovered","date":"2026-11-30","countryCode":"FR","toParty":{"name":"Bench Police","kind":"police","countryCode":"FR"}}'
function init(args)
  for line in io.lines(os.getenv("IDS")) do ids[#ids + 1] = line end
  counter = math.random(#ids)
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["X-Api-Key"] = os.getenv("APIKEY")
end
function request()
  counter = counter % #ids + 1
  return wrk.format("POST", "/api/v1/firearms/" .. ids[counter] .. "/custody-events", nil, body)
end
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %.1f %.1f %.1f %d %d\n", latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, summary.requests, e.status + e.connect + e.read + e.write + e.timeout))
end
EOF

start_service() { # DLL DB LOG
  # One key drives thousands of searches a second: the per-key rate limits are off for the measurement.
  ASPNETCORE_ENVIRONMENT=Production ConnectionStrings__IArms="Data Source=$2" Logging__LogLevel__Default=Warning \
    IArms__RateLimits__Enabled=false \
    dotnet "$1" --urls "$url" >"$3" 2>&1 &
  pid=$!
  trap 'kill $pid 2>/dev/null || true' EXIT
  for _ in $(seq 1 120); do
    curl -fs "$url/health/ready" >/dev/null 2>&1 && return 0
    sleep 0.5
  done
  echo "service did not become ready" >&2; cat "$3"; exit 1
}
stop_service() { kill "$pid"; wait "$pid" 2>/dev/null || true; trap - EXIT; }

# wrk_get NAME PATH: "p50 p95 p99 requests errors" (ms) of one run after a warm-up.
wrk_get() {
  APIKEY="$key" wrk -t"$threads" -c"$connections" -d"$warmup" --timeout 60s -s "$out/analysis-get.lua" "$url$2" >/dev/null 2>&1
  APIKEY="$key" wrk -t"$threads" -c"$connections" -d"$duration" --timeout 60s -s "$out/analysis-get.lua" "$url$2" >"$out/wrk-analysis-$1.txt" 2>&1
  awk '/^RESULT/ {print $2, $3, $4, $5, $6}' "$out/wrk-analysis-$1.txt"
}
# The service's CPU time (user + system, in clock ticks): on a shared machine, CPU per write is steadier than latency.
cpu_ticks() { awk '{print $14 + $15}' "/proc/$pid/stat"; }
wrk_write() { # NAME: one connection, so the figure is one write's cost; prints "p50 p95 p99 writes errors cpu-ms-per-write"
  local before after
  IDS="$out/analysis-write-ids.txt" APIKEY="$key" wrk -t1 -c1 -d"$write_warmup" --timeout 60s -s "$out/analysis-write.lua" "$url" >/dev/null 2>&1
  before=$(cpu_ticks)
  IDS="$out/analysis-write-ids.txt" APIKEY="$key" wrk -t1 -c1 -d"$duration" --timeout 60s -s "$out/analysis-write.lua" "$url" >"$out/wrk-analysis-$1.txt" 2>&1
  after=$(cpu_ticks)
  awk -v ticks=$((after - before)) -v hz="$(getconf CLK_TCK)" '/^RESULT/ {printf "%s %s %s %s %s %.2f\n", $2, $3, $4, $5, $6, ticks * 1000 / hz / ($5 > 0 ? $5 : 1)}' "$out/wrk-analysis-$1.txt"
}

records=$(sqlite3 "$database" "SELECT COUNT(*) FROM firearm")
events=$(sqlite3 "$database" "SELECT COUNT(*) FROM custody_event")
make=$(sqlite3 "$database" "SELECT make_key FROM firearm_serial_shape GROUP BY make_key ORDER BY COUNT(*) DESC LIMIT 1")
# Firearms with chains that the bench agency owns, for the write test: only a record's owner adds custody events
# directly (others answer trace requests), so any other firearm answers 403 and measures nothing.
sqlite3 "$database" "SELECT DISTINCT ce.firearm_id FROM custody_event ce JOIN firearm f ON f.id = ce.firearm_id
  WHERE f.owner_agency_id = (SELECT agency_id FROM api_key WHERE label = 'benchmark' ORDER BY id LIMIT 1)
    AND f.withdrawn_at IS NULL ORDER BY ce.firearm_id LIMIT 5000" >"$out/analysis-write-ids.txt"
[ -s "$out/analysis-write-ids.txt" ] || { echo "no firearm with a chain owned by the bench agency in $database" >&2; exit 1; }

results=(); all_makes="(not measured)"; peak="(not measured)"
if [ "$writes_only" = 0 ]; then
  echo "== starting the service on $database"
  start_service "$api" "$database" "$out/analysis-service.log"
  party=$(curl -fs -H "X-Api-Key: $key" "$url/api/v1/analysis/parties?limit=1" | jq -r '.items[0].id')
  buyer=$(curl -fs -H "X-Api-Key: $key" "$url/api/v1/analysis/parties?role=buyer&limit=1" | jq -r '.items[0].id')
  enc_make=$(jq -rn --arg m "$make" '$m|@uri')

  routes=(
    "routes|/api/v1/analysis/routes"
    "routes-filtered|/api/v1/analysis/routes?fromCountry=UA&type=rifle&since=2020-01-01&until=2026-12-31"
    "diversion-country|/api/v1/analysis/diversion-sources?groupBy=country"
    "diversion-party|/api/v1/analysis/diversion-sources?groupBy=party"
    "diversion-party-filtered|/api/v1/analysis/diversion-sources?groupBy=party&reason=theft&toCountry=PL"
    "parties-top100|/api/v1/analysis/parties?limit=100"
    "parties-buyers|/api/v1/analysis/parties?role=buyer&limit=100"
    "network-depth2-stockpile|/api/v1/analysis/parties/$party/network?depth=2"
    "network-depth2-buyer|/api/v1/analysis/parties/$buyer/network?depth=2"
    "graphml-buyer|/api/v1/analysis/network.graphml?party=$buyer"
    "serial-runs-largest-make|/api/v1/analysis/serial-runs?make=$enc_make"
    "trends-thefts-month|/api/v1/analysis/trends?metric=thefts&by=month"
    "trends-seizures-quarter|/api/v1/analysis/trends?metric=seizures&by=quarter"
    "trends-traces-year|/api/v1/analysis/trends?metric=traces&by=year"
  )
  for entry in "${routes[@]}"; do
    name=${entry%%|*}; path=${entry#*|}
    echo "== $name"
    results+=("$name|$path|$(wrk_get "$name" "$path")")
  done
  # Serial runs over every make take seconds: timed one request at a time, so that no abandoned request keeps
  # the service busy during the next measurement.
  echo "== serial-runs-all-makes"
  all_makes=$(for _ in 1 2 3; do curl -fs -o /dev/null -w '%{time_total} ' -H "X-Api-Key: $key" "$url/api/v1/analysis/serial-runs"; done)
  peak=$(awk '/VmHWM/ {printf "%.0f MiB", $2 / 1024}' "/proc/$pid/status")
  stop_service
fi

# Writes, alternating the code with and without the refresh (when the old build is given), so that both see
# the same load from the other users of the machine; each round restarts the service.
writes=()
for round in $(seq 1 "$rounds"); do
  echo "== custody-event writes, round $round (after)"
  start_service "$api" "$database" "$out/analysis-service.log"
  writes+=("after|$round|$(wrk_write "write-after-$round")")
  stop_service
  if [ -n "$before_dll" ] && [ -n "$before_db" ]; then
    echo "== custody-event writes, round $round (before, $before_dll)"
    start_service "$before_dll" "$before_db" "$out/analysis-service-before.log"
    writes+=("before|$round|$(wrk_write "write-before-$round")")
    stop_service
  fi
done

{
  echo "## Analysis: run of $(date -u +%Y-%m-%dT%H:%MZ)"
  echo
  echo "Machine: nproc = $(nproc), load average at the end $(cut -d' ' -f1-3 /proc/loadavg) (shared with other engineers);" \
       "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | xargs); .NET $(dotnet --version); $(wrk -v 2>&1 | head -n1 | cut -d' ' -f1-2)."
  echo
  echo "Database: \`$database\`: $records records, $events custody events. Rebuild: $rebuild. Service peak RSS $peak."
  echo
  echo "Command: \`scripts/bench-analysis.sh --database $database --duration $duration --warmup $warmup --connections $connections --threads $threads${before_dll:+ --before-dll $before_dll --before-database $before_db}\`"
  echo
  echo "| route | p50 ms | p95 ms | p99 ms | requests | errors |"
  echo "|---|---:|---:|---:|---:|---:|"
  for r in "${results[@]}"; do
    IFS='|' read -r name path numbers <<<"$r"
    read -r p50 p95 p99 n errors <<<"$numbers"
    echo "| \`${path#/api/v1/analysis}\` | $p50 | $p95 | $p99 | $n | $errors |"
  done
  echo
  echo "\`/serial-runs\` over every make, three requests one after the other: $all_makes seconds."
  echo
  echo "Custody-event write (\`POST /firearms/{id}/custody-events\` on the bench agency's firearms with chains, one connection, after $write_warmup of unmeasured writes):"
  echo
  echo "| code | p50 ms | p95 ms | p99 ms | writes in $duration | errors | service CPU ms per write |"
  echo "|---|---:|---:|---:|---:|---:|---:|"
  for w in "${writes[@]}"; do
    IFS='|' read -r code round numbers <<<"$w"
    read -r p50 p95 p99 n errors cpu <<<"$numbers"
    label=$([ "$code" = after ] && echo "with the analysis refresh" || echo "before issue 13")
    echo "| $label (round $round) | $p50 | $p95 | $p99 | $n | $errors | $cpu |"
  done
} >"$report"
cat "$report"
