#!/usr/bin/env bash
# Serial-search load test: for each database size, generate (or reuse) a synthetic SQLite database,
# start the service on it, and measure with wrk the requests/s and p50/p99 latency of exact,
# confusable, wildcard and fuzzy searches and of /health/live, plus database/table sizes, the
# service's peak memory and the query plans. Writes a markdown report to artifacts/bench/.
#
#   scripts/bench-search.sh [--sizes "1000000 10000000"] [--duration 20s] [--warmup 5s]
#                           [--threads 2] [--connections "16 64 256"] [--kinds "exact confusable wildcard fuzzy"]
#                           [--seed 42] [--regenerate] [--api path/to/IArms.Api.dll]
#
# --api runs another build of the service (the branch point, say) on the same files, for a before/after comparison.
#
# --kinds may also name "two-edits": serials misread twice (a transposition and a substitution), which only the last
# tier of a search finds. And "audited": GET /api/v1/reference/types with the key, i.e. authentication and a durable audit
# entry with no lookup behind them: the floor under any audited request, beside the searches that stand on it.
#
# --connections takes one count or several: each is measured in the same run of the service, /health/live
# first and then every kind, so that each ratio compares requests at the same concurrency.
#
# Needs wrk (Debian/Ubuntu: apt-get install -y wrk) and sqlite3 (apt-get install -y sqlite3).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

sizes="1000000 10000000"; duration=20s; warmup=5s; threads=2; connections="16 64 256"; seed=42; regenerate=0
kinds="exact confusable wildcard fuzzy"
port=5081; api_override=""
while [ $# -gt 0 ]; do
  case "$1" in
    --sizes) sizes="$2"; shift 2 ;;
    --duration) duration="$2"; shift 2 ;;
    --warmup) warmup="$2"; shift 2 ;;
    --threads) threads="$2"; shift 2 ;;
    --connections) connections="$2"; shift 2 ;;
    --kinds) kinds="$2"; shift 2 ;;
    --seed) seed="$2"; shift 2 ;;
    --port) port="$2"; shift 2 ;;
    --regenerate) regenerate=1; shift ;;
    --api) api_override="$2"; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done

for tool in wrk sqlite3; do
  command -v "$tool" >/dev/null || { echo "$tool is not installed: apt-get install -y $tool" >&2; exit 1; }
done

out="$root/artifacts/bench"
mkdir -p "$out"
report="$out/search-report.md"
key="bench-search-key-000000000000000001" # DataGenerator.BenchKey
url="http://127.0.0.1:$port"

echo "== building (Release)"
dotnet build IArms.sln -c Release -nologo -v quiet >"$out/build.log" 2>&1 || { cat "$out/build.log"; exit 1; }
tool="dotnet $root/tests/IArms.Benchmarks/bin/Release/net10.0/IArms.Benchmarks.dll"
api="${api_override:-$root/src/IArms.Api/bin/Release/net10.0/IArms.Api.dll}"

label() { if [ $(($1 % 1000000)) -eq 0 ]; then echo "$(($1 / 1000000))m"; else echo "$1"; fi; }

cat >"$out/rotate.lua" <<'EOF'
-- Rotates through the request bodies in BODIES (one JSON body per line), each thread from its own offset.
local bodies = {}
local counter = 0
function init(args)
  for line in io.lines(os.getenv("BODIES")) do bodies[#bodies + 1] = line end
  counter = math.random(#bodies)
  wrk.method = "POST"
  wrk.path = "/api/v1/searches"
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["X-Api-Key"] = os.getenv("APIKEY")
end
function request()
  counter = counter % #bodies + 1
  return wrk.format(nil, nil, nil, bodies[counter])
end
EOF

# run_wrk NAME CONNECTIONS DURATION [BODIES]: prints "rps p50 p99 errors" of one wrk run, keeps its output.
run_wrk() {
  local name=$1 conns=$2 dur=$3 bodies=${4:-} log="$out/wrk-$1.txt"
  if [ "$bodies" = audited ]; then
    wrk -t"$threads" -c"$conns" -d"$dur" --latency -H "X-Api-Key: $key" "$url/api/v1/reference/types" >"$log" 2>&1
  elif [ -n "$bodies" ]; then
    BODIES="$bodies" APIKEY="$key" wrk -t"$threads" -c"$conns" -d"$dur" --latency -s "$out/rotate.lua" "$url" >"$log" 2>&1
  else
    wrk -t"$threads" -c"$conns" -d"$dur" --latency "$url/health/live" >"$log" 2>&1
  fi
  local rps p50 p99 errors
  rps=$(awk '/^Requests\/sec:/ {print $2}' "$log")
  p50=$(awk '$1 == "50%" {print $2}' "$log")
  p99=$(awk '$1 == "99%" {print $2}' "$log")
  errors=$(awk '/Non-2xx or 3xx responses:/ {print $NF}' "$log")
  echo "$rps ${p50:-?} ${p99:-?} ${errors:-0}"
}

{
  echo "## Serial search: run of $(date -u +%Y-%m-%dT%H:%MZ)"
  echo
  echo "Machine: nproc = $(nproc); CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | xargs);" \
       "memory $(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo); $(. /etc/os-release && echo "$PRETTY_NAME");" \
       ".NET $(dotnet --version); SQLite (app) via Microsoft.Data.Sqlite; $(wrk -v 2>&1 | head -n1 | cut -d' ' -f1-2)."
  echo
  echo "Command: \`scripts/bench-search.sh --sizes \"$sizes\" --duration $duration --warmup $warmup --threads $threads --connections \"$connections\" --kinds \"$kinds\" --seed $seed\`"
  echo
} >"$report"

for size in $sizes; do
  name=$(label "$size")
  db="$out/iarms-$name.db"
  if [ "$regenerate" = 1 ] || [ ! -f "$db" ]; then
    echo "== generating $size records into $db"
    start=$(date +%s)
    $tool generate --records "$size" --database "$db" --seed "$seed" | tee "$out/generate-$name.log"
    echo "generation: $(( $(date +%s) - start )) s" | tee -a "$out/generate-$name.log"
  fi
  # A database generated by older code gets the newer migrations now, so that the service's start-up
  # (and its readiness wait below) does not include rebuilding indexes.
  ConnectionStrings__IArms="Data Source=$db" Logging__LogLevel__Default=Warning dotnet "$api" migrate >/dev/null
  # Keep the reused file comparable between runs: searches append audit entries and alerts.
  sqlite3 "$db" "DELETE FROM alert; DELETE FROM audit_entry; PRAGMA wal_checkpoint(TRUNCATE);" >/dev/null
  $tool queries --database "$db" --out "$out/queries-$name" --count 500 >/dev/null

  echo "== starting the service on $db"
  # One key drives thousands of searches a second: the per-key rate limits are off for the measurement.
  ASPNETCORE_ENVIRONMENT=Production ConnectionStrings__IArms="Data Source=$db" Logging__LogLevel__Default=Warning \
    IArms__RateLimits__Enabled=false \
    dotnet "$api" --urls "$url" >"$out/service-$name.log" 2>&1 &
  pid=$!
  trap 'kill $pid 2>/dev/null || true' EXIT
  for _ in $(seq 1 120); do
    curl -fs "$url/health/ready" >/dev/null 2>&1 && break
    sleep 0.5
  done
  curl -fs "$url/health/ready" >/dev/null || { echo "service did not become ready" >&2; cat "$out/service-$name.log"; exit 1; }
  # A sanity check that the key works and a search answers.
  curl -fs -X POST "$url/api/v1/searches" -H "X-Api-Key: $key" -H 'Content-Type: application/json' \
    -d "$(head -n1 "$out/queries-$name/exact.txt")" >"$out/sample-$name.json"

  results=()
  for conns in $connections; do
    echo "== $name /health/live at $conns connections"
    row="$(run_wrk "live-$name-c$conns" "$conns" "$duration")"; results+=("$conns /health/live $row $row")
    for kind in $kinds; do
      echo "== $name $kind at $conns connections"
      bodies="$out/queries-$name/$kind.txt"; [ "$kind" = audited ] && bodies=audited
      run_wrk "warmup-$name-$kind-c$conns" "$conns" "$warmup" "$bodies" >/dev/null
      results+=("$conns $kind $(run_wrk "$name-$kind-c$conns" "$conns" "$duration" "$bodies") $row")
    done
  done
  peak=$(awk '/VmHWM/ {printf "%.0f MiB", $2 / 1024}' "/proc/$pid/status")
  kill "$pid"; wait "$pid" 2>/dev/null || true
  trap - EXIT

  {
    echo "### $size records ($name)"
    echo
    [ -f "$out/generate-$name.log" ] && echo "Generation: $(tail -n1 "$out/generate-$name.log" | sed 's/generation: //') (log: \`artifacts/bench/generate-$name.log\`)." && echo
    echo "| connections | request | req/s | ratio to /health/live at the same connections | p50 | p99 | non-2xx |"
    echo "|---:|---|---:|---:|---:|---:|---:|"
    for r in "${results[@]}"; do
      read -r conns what rps p50 p99 errors live_rps _ <<<"$r"
      ratio=$(awk -v a="$rps" -v b="$live_rps" 'BEGIN { printf "%.2f", a / b }')
      echo "| $conns | $what | $rps | $ratio | $p50 | $p99 | $errors |"
    done
    echo
    echo "Service peak memory (VmHWM): $peak. Database file: $(du -mL "$db" | cut -f1) MiB."
    echo
    echo "| table or index | MiB |"
    echo "|---|---:|"
    sqlite3 "$db" "SELECT name, ROUND(SUM(pgsize) / 1048576.0, 1) FROM dbstat GROUP BY name HAVING SUM(pgsize) > 1048576 ORDER BY SUM(pgsize) DESC" | awk -F'|' '{print "| " $1 " | " $2 " |"}'
    sqlite3 "$db" "SELECT
        ROUND(SUM(CASE WHEN name IN ('firearm', 'ux_firearm_external', 'ix_firearm_updated', 'firearm_visibility') THEN pgsize END) / 1048576.0, 1),
        ROUND(SUM(CASE WHEN name IN ('firearm_serial', 'serial_key') OR name LIKE 'ix_firearm_serial%' THEN pgsize END) / 1048576.0, 1)
      FROM dbstat" | awk -F'|' '{printf "\nBase table (firearm, its indexes, firearm_visibility): %s MiB; search indexes (firearm_serial, its indexes, serial_key): %s MiB; ratio %.2f.\n\n", $1, $2, $2 / $1}'
  } >>"$report"
  cat "$report"
done

{
  echo "### Query plans (SQLite, on the last database)"
  echo
  $tool plans --database "$db"
} >>"$report"
echo "== report: $report"
