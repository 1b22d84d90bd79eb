#!/usr/bin/env bash
# Mixed-load test (issue 16): searches, reads and creates at the same time, against /health/live in the same run.
# For each database size and connection count it measures, with wrk, one process per kind of request running at
# the same time, the connections split by the mix (70/20/10 search/read/create, or 50/50 search/create):
#   live      /health/live alone
#   baseline  the 70/20/10 mix without its creates (their connections given to searches and reads, 78/22)
#   mixed     70/20/10 search / read / create
#   half      50/50 search / create
#   writes    creates alone
# and reports per kind: requests/s, p50, p99, max, non-2xx; the total throughput; the ratios the targets name;
# the service's CPU time (user + system, from /proc/PID/stat) per request of the scenario, which moves far less with
# the machine's load than throughput does; and the service's RSS. The mix is a split of connections (each wrk process keeps its connections busy), so the
# share of requests follows the kinds' latencies; the report gives the share actually served.
#
#   scripts/bench-mixed.sh [--sizes "1000000 10000000"] [--connections "16 64"] [--duration 10s] [--warmup 3s]
#                          [--repeat 1] [--port 5182] [--scenarios "live baseline mixed half writes"]
#                          [--api path/to/IArms.Api.dll]   (another build, e.g. the branch point, on the same files)
#                          [--database path/to/iarms-10m.db] (an existing generated file, for the one size given)
#
# Databases are generated once (scripts/generate-data.sh) into artifacts/bench/iarms-<size>.db and reused, or taken
# from --database (read only: never migrated nor checkpointed in place); the service runs on a copy (one copy per
# size: `cp --reflink=auto`), so that the records and audit entries a run writes never reach the next run nor the
# source file.
# Needs wrk and sqlite3 (apt-get install -y wrk sqlite3).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

sizes="1000000"; connections="16 64"; duration=10s; warmup=3s; repeat=1; port=5182; seed=42
scenarios="live baseline mixed half writes"; api_override=""; database="" 
while [ $# -gt 0 ]; do
  case "$1" in
    --sizes) sizes="$2"; shift 2 ;;
    --connections) connections="$2"; shift 2 ;;
    --duration) duration="$2"; shift 2 ;;
    --warmup) warmup="$2"; shift 2 ;;
    --repeat) repeat="$2"; shift 2 ;;
    --port) port="$2"; shift 2 ;;
    --scenarios) scenarios="$2"; shift 2 ;;
    --api) api_override="$2"; shift 2 ;;
    --database) database="$2"; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
for tool in wrk sqlite3; do
  command -v "$tool" >/dev/null || { echo "$tool is not installed: apt-get install -y $tool" >&2; exit 1; }
done

out="$root/artifacts/bench"
mkdir -p "$out/mixed"
report="$out/mixed-report.md"
key="bench-search-key-000000000000000001" # DataGenerator.BenchKey: roles search, record, analysis
url="http://127.0.0.1:$port"

echo "== building (Release)"
dotnet build IArms.sln -c Release -nologo -v quiet >"$out/build.log" 2>&1 || { cat "$out/build.log"; exit 1; }
tool="dotnet $root/tests/IArms.Benchmarks/bin/Release/net10.0/IArms.Benchmarks.dll"
api="${api_override:-$root/src/IArms.Api/bin/Release/net10.0/IArms.Api.dll}"
label() { if [ $(($1 % 1000000)) -eq 0 ]; then echo "$(($1 / 1000000))m"; else echo "$1"; fi; }

# One script per kind; each thread starts from its own random offset.
cat >"$out/mixed/search.lua" <<'LUA'
local bodies, counter = {}, 0
function init(args)
  for line in io.lines(os.getenv("BODIES")) do bodies[#bodies + 1] = line end
  counter = math.random(#bodies)
  wrk.method = "POST"; wrk.path = "/api/v1/searches"
  wrk.headers["Content-Type"] = "application/json"; wrk.headers["X-Api-Key"] = os.getenv("APIKEY")
end
function request()
  counter = counter % #bodies + 1
  return wrk.format(nil, nil, nil, bodies[counter])
end
LUA
cat >"$out/mixed/read.lua" <<'LUA'
-- GET /api/v1/firearms/{id} of a random id: about 5 % are restricted records the bench agency may not see (404).
local records
function init(args)
  records = tonumber(os.getenv("RECORDS"))
  wrk.headers["X-Api-Key"] = os.getenv("APIKEY")
end
function request()
  return wrk.format("GET", "/api/v1/firearms/" .. math.random(records))
end
LUA
cat >"$out/mixed/create.lua" <<'LUA'
-- POST /api/v1/firearms with an externalId unique to the run, the thread and the request.
local prefix, counter = "", 0
local makes = { "Glock", "Beretta", "Smith & Wesson", "Colt", "Walther", "CZ", "Sig Sauer", "Heckler & Koch" }
function setup(thread)
  thread:set("tid", tostring(math.random(100000, 999999)))
end
function init(args)
  prefix = os.getenv("RUN") .. "-" .. tid .. "-"
  math.randomseed(tonumber(tid))
  wrk.method = "POST"; wrk.path = "/api/v1/firearms"
  wrk.headers["Content-Type"] = "application/json"; wrk.headers["X-Api-Key"] = os.getenv("APIKEY")
end
function request()
  counter = counter + 1
  local serial = string.format("MX%08d%c", math.random(0, 99999999), 65 + math.random(0, 25))
  local body = string.format(
    '{"externalId":"BM-%s%d","serialNumber":"%s","make":"%s","model":"M%d","calibre":"9x19mm","type":"pistol",' ..
    '"countryOfManufacture":"AT","yearOfManufacture":2015,"status":"stolen","eventDate":"2026-10-01",' ..
    '"eventCountryCode":"FR","eventPlace":"Lyon","caseReference":"BM-%d","visibility":{"scope":"all"}}',
    prefix, counter, serial, makes[math.random(#makes)], math.random(1, 99), counter)
  return wrk.format(nil, nil, nil, body)
end
LUA

# wrk_kind NAME CONNECTIONS SCRIPT: runs one wrk in the background into $out/mixed/NAME.txt.
wrk_kind() {
  local name=$1 conns=$2 script=$3 threads=1
  [ "$conns" -gt 0 ] || return 0
  [ "$conns" -ge 8 ] && threads=2
  if [ "$script" = live ]; then
    wrk -t"$threads" -c"$conns" -d"$current_duration" --latency "$url/health/live" >"$out/mixed/$name.txt" 2>&1 &
    wrk_pids+=($!)
  else
    BODIES="$bodies" RECORDS="$records" APIKEY="$key" RUN="$run_id" \
      wrk -t"$threads" -c"$conns" -d"$current_duration" --latency -s "$out/mixed/$script.lua" "$url" >"$out/mixed/$name.txt" 2>&1 &
    wrk_pids+=($!)
  fi
}

# ms VALUE: wrk's latency (us/ms/s) in milliseconds.
ms() { awk -v v="$1" 'BEGIN { if (v ~ /us$/) printf "%.2f", v / 1000; else if (v ~ /ms$/) printf "%.2f", v + 0; else if (v ~ /s$/) printf "%.0f", v * 1000; else print "?" }'; }
# stats NAME: "rps p50 p99 max non2xx" of one wrk output.
stats() {
  local f="$out/mixed/$1.txt"
  [ -f "$f" ] || { echo "0 - - - 0"; return; }
  local rps p50 p99 max errors
  rps=$(awk '/^Requests\/sec:/ {printf "%.0f", $2}' "$f")
  p50=$(ms "$(awk '$1 == "50%" {print $2}' "$f")")
  p99=$(ms "$(awk '$1 == "99%" {print $2}' "$f")")
  max=$(ms "$(awk '$1 == "Latency" {print $4}' "$f")")
  errors=$(awk '/Non-2xx or 3xx responses:/ {print $NF}' "$f")
  echo "${rps:-0} $p50 $p99 $max ${errors:-0}"
}

# scenario NAME CONNECTIONS: runs the kinds of one scenario at once; its results go to $out/mixed/NAME-<kind>.txt.
scenario() {
  local name=$1 c=$2 s r w
  wrk_pids=()
  case "$name" in
    live) wrk_kind "$name-live" "$c" live ;;
    baseline) r=$(( (c * 22 + 50) / 100 )); s=$((c - r)); wrk_kind "$name-search" "$s" search; wrk_kind "$name-read" "$r" read ;;
    mixed) w=$(( (c * 10 + 50) / 100 )); r=$(( (c * 20 + 50) / 100 )); s=$((c - r - w))
           wrk_kind "$name-search" "$s" search; wrk_kind "$name-read" "$r" read; wrk_kind "$name-create" "$w" create ;;
    half) w=$((c / 2)); s=$((c - w)); wrk_kind "$name-search" "$s" search; wrk_kind "$name-create" "$w" create ;;
    writes) wrk_kind "$name-create" "$c" create ;;
  esac
  wait "${wrk_pids[@]}" # only the wrk processes: the service runs in the background too
}

{
  echo "## Mixed load: run of $(date -u +%Y-%m-%dT%H:%MZ)"
  echo
  echo "Machine: nproc = $(nproc); $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | xargs); $(. /etc/os-release && echo "$PRETTY_NAME");" \
       ".NET $(dotnet --version); $(wrk -v 2>&1 | head -n1 | cut -d' ' -f1-2). Load before the run: \`$(uptime | sed 's/.*load/load/')\`."
  echo
  echo "Service: \`$api\`."
  echo
  echo "Command: \`scripts/bench-mixed.sh --sizes \"$sizes\" --connections \"$connections\" --duration $duration --warmup $warmup --repeat $repeat --scenarios \"$scenarios\"${database:+ --database $database}\`"
  echo
} >"$report"

[ -z "$database" ] || [ "$(echo $sizes | wc -w)" = 1 ] || { echo "--database takes exactly one --sizes value" >&2; exit 2; }
# CPU seconds (user + system) a process has used so far.
cpu_of() { awk -v hz="$(getconf CLK_TCK)" '{printf "%.2f", ($14 + $15) / hz}' "/proc/$1/stat"; }
# requests NAME: the requests one wrk output counted.
requests() { awk '/requests in/ {print $1}' "$out/mixed/$1.txt" 2>/dev/null || echo 0; }

for size in $sizes; do
  name=$(label "$size"); db="${database:-$out/iarms-$name.db}"; records=$size
  if [ ! -f "$db" ]; then
    [ -z "$database" ] || { echo "no database at $db" >&2; exit 1; }
    echo "== generating $size records into $db"
    $tool generate --records "$size" --database "$db" --seed "$seed" | tee "$out/generate-$name.log"
  fi
  # The service runs on a fresh copy, so that the source file never holds an earlier run's records or audit, and is
  # never written at all (a shared --database stays as it was): the copy is the one migrated and checkpointed.
  run_db="$out/mixed/iarms-$name-run.db"
  rm -f "$run_db" "$run_db-wal" "$run_db-shm"
  echo "== copying $db to $run_db"
  cp --reflink=auto "$db" "$run_db"
  [ ! -s "$db-wal" ] || cp --reflink=auto "$db-wal" "$run_db-wal"
  ConnectionStrings__IArms="Data Source=$run_db" Logging__LogLevel__Default=Warning dotnet "$api" migrate >/dev/null
  sqlite3 "$run_db" "PRAGMA wal_checkpoint(TRUNCATE);" >/dev/null
  queries="$out/queries-$(basename "$db" .db)"
  [ -f "$queries/exact.txt" ] || $tool queries --database "$run_db" --out "$queries" --count 500 >/dev/null
  bodies="$queries/exact.txt"

  echo "== starting the service on $run_db"
  ASPNETCORE_ENVIRONMENT=Production IArms__RateLimits__Enabled=false ConnectionStrings__IArms="Data Source=$run_db" Logging__LogLevel__Default=Warning \
    dotnet "$api" --urls "$url" >"$out/mixed/service-$name.log" 2>&1 &
  pid=$!
  trap 'kill $pid 2>/dev/null || true' EXIT
  for _ in $(seq 1 240); do curl -fs "$url/health/ready" >/dev/null 2>&1 && break; sleep 0.5; done
  curl -fs "$url/health/ready" >/dev/null || { echo "service did not become ready" >&2; cat "$out/mixed/service-$name.log"; exit 1; }

  {
    echo "### $size records ($name)"
    echo
    echo "| connections | round | scenario | kind | connections of the kind | req/s | p50 ms | p99 ms | max ms | non-2xx | RSS after | service CPU ms per request (all kinds) |"
    echo "|---:|---:|---|---|---:|---:|---:|---:|---:|---:|---:|---:|"
  } >>"$report"
  for round in $(seq 1 "$repeat"); do
    for c in $connections; do
      for sc in $scenarios; do
        run_id="r$(date +%s%N | tail -c 9)"
        echo "== $name c=$c round $round: $sc (load: $(cut -d' ' -f1-3 /proc/loadavg))"
        current_duration=$warmup; scenario "$sc" "$c"
        cpu_before=$(cpu_of "$pid")
        current_duration=$duration; scenario "$sc" "$c"
        cpu_after=$(cpu_of "$pid")
        total=0
        for f in "$out/mixed/$sc"-*.txt; do n=${f##*/}; total=$((total + $(requests "${n%.txt}"))); done
        cpu_per=$(awk -v a="$cpu_before" -v b="$cpu_after" -v n="$total" 'BEGIN { if (n > 0) printf "%.3f", (b - a) * 1000 / n; else print "-" }')
        echo "   service CPU: $(awk -v a="$cpu_before" -v b="$cpu_after" 'BEGIN { printf "%.2f", b - a }') s for $total requests = $cpu_per ms each"
        rss=$(awk '/VmRSS/ {printf "%.0f MiB", $2 / 1024}' "/proc/$pid/status")
        for f in "$out/mixed/$sc"-*.txt; do
          kind=${f##*/$sc-}; kind=${kind%.txt}
          conns=$(awk '/connections/ {print $4; exit}' "$f")
          read -r rps p50 p99 max errors <<<"$(stats "$sc-$kind")"
          echo "| $c | $round | $sc | $kind | $conns | $rps | $p50 | $p99 | $max | $errors | $rss | $cpu_per |" >>"$report"
          cp "$f" "$out/mixed/$name-c$c-r$round-$sc-$kind.txt"
        done
        rm -f "$out/mixed/$sc"-*.txt
      done
    done
  done
  echo >>"$report"
  echo "Service peak memory (VmHWM): $(awk '/VmHWM/ {printf "%.0f MiB", $2 / 1024}' "/proc/$pid/status"). Load after: \`$(cut -d' ' -f1-3 /proc/loadavg)\`." >>"$report"
  echo >>"$report"
  kill "$pid"; wait "$pid" 2>/dev/null || true
  trap - EXIT
  rm -f "$run_db" "$run_db-wal" "$run_db-shm"
done
cat "$report"
echo "== report: $report"
