#!/usr/bin/env bash
# Export benchmark (issue 14's target: GET /api/v1/exports/firearms at 100,000 rows/s or more, memory flat), on a
# generated database, e.g. the 1M file of scripts/generate-data.sh --records 1000000 --database ...
#
#   scripts/bench-export.sh --database PATH [--runs 3] [--port 5590] [--before-dll PATH]
#
# The database is never written: the service runs on a copy (cp --reflink=auto), a fresh one for each build, as the
# generator's bench key (agency FR-NCB, which owns ~3 % of the records and may see ~95 % of them). One warm-up export
# (not counted: JIT and the page cache), then --runs of each of: NDJSON and CSV, every record the caller may see
# (owner=visible) and only its own (owner=me). Each line: rows, curl's wall time (microseconds), rows/s, the service's
# CPU (user + system from /proc/PID/stat) per 1,000 rows, which moves less than wall time on a shared machine, and the
# service's peak resident memory sampled every 0.2 s during the export. The medians close each build's block.
# With --before-dll (the API built from an earlier commit, outside this tree), the same runs follow on it at once, so
# both see the same machine load.
#
# Needs curl. Writes under artifacts/bench/export-*.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

runs=3; port=5590; before_dll=""; database=""
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) runs="$2"; shift 2 ;;
    --port) port="$2"; shift 2 ;;
    --before-dll) before_dll="$2"; shift 2 ;;
    --database) database="$2"; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
[ -n "$database" ] && [ -f "$database" ] || { echo "usage: $0 --database PATH (a generated database, never written)" >&2; exit 2; }
out="$root/artifacts/bench"
mkdir -p "$out"
db="$out/export-service.db"
key="bench-search-key-000000000000000001" # DataGenerator.BenchKey: FR-NCB, roles search, record, analysis
url="http://127.0.0.1:$port"
api="$root/src/IArms.Api/bin/Release/net10.0/IArms.Api.dll"
hz=$(getconf CLK_TCK)

echo "== building (Release)"
dotnet build src/IArms.Api -c Release -nologo -v quiet >"$out/export-build.log" 2>&1 || { cat "$out/export-build.log"; exit 1; }

ticks_of() { awk '{print $14 + $15}' "/proc/$1/stat"; }
median() { sort -n | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }

run_service() { # DLL LABEL
  rm -f "$db" "$db-wal" "$db-shm"
  cp --reflink=auto "$database" "$db"
  chmod u+w "$db"
  ASPNETCORE_ENVIRONMENT=Production IArms__RateLimits__Enabled=false ConnectionStrings__IArms="Data Source=$db" \
    IArms__BootstrapAdminKey=demo-admin-key-0000000000000000 Logging__LogLevel__Default=Warning \
    dotnet "$1" --urls "$url" >"$out/export-service.log" 2>&1 &
  pid=$!
  trap 'kill $pid 2>/dev/null || true' EXIT
  for _ in $(seq 1 1200); do curl -fs "$url/health/ready" >/dev/null 2>&1 && break; sleep 0.5; done

  export_once() { # FORMAT OWNER -> sets rows, seconds, cpu_ms, peak
    local format=$1 owner=$2 rss c0 c1 cpid
    peak=0
    c0=$(ticks_of $pid)
    curl -fs -o "$out/export.$format" -w '%{time_total}\n' "$url/api/v1/exports/firearms?format=$format&owner=$owner" \
      -H "X-Api-Key: $key" >"$out/export-time" &
    cpid=$!
    while kill -0 $cpid 2>/dev/null; do
      rss=$(awk '/VmRSS/ {print $2}' "/proc/$pid/status"); [ "$rss" -gt "$peak" ] && peak=$rss
      sleep 0.2
    done
    wait $cpid
    c1=$(ticks_of $pid)
    seconds=$(cat "$out/export-time")
    rows=$(wc -l <"$out/export.$format")
    [ "$format" = csv ] && rows=$((rows - 1)) # the header
    cpu_ms=$(echo "($c1 - $c0) * 1000 / $hz" | bc)
  }

  echo "uptime: $(uptime)"
  export_once ndjson visible
  echo "EXPORT $2 warm-up rows=$rows seconds=$seconds"
  for format in ndjson csv; do
    for owner in visible me; do
      : >"$out/export-rates"; : >"$out/export-cpu"
      for i in $(seq 1 "$runs"); do
        export_once $format $owner
        rate=$(echo "$rows / $seconds" | bc)
        per=$(echo "scale=2; $cpu_ms * 1000 / $rows" | bc)
        echo "$rate" >>"$out/export-rates"; echo "$per" >>"$out/export-cpu"
        echo "EXPORT $2 $format owner=$owner run=$i rows=$rows seconds=$seconds rows_per_s=$rate service_cpu_ms=$cpu_ms cpu_ms_per_1000_rows=$per peak_rss_mb=$((peak / 1024)) | $(uptime | sed 's/.*load/load/')"
      done
      echo "MEDIAN $2 $format owner=$owner rows=$rows rows_per_s=$(median <"$out/export-rates") cpu_ms_per_1000_rows=$(median <"$out/export-cpu")"
    done
  done
  kill $pid; wait $pid 2>/dev/null || true
  rm -f "$db" "$db-wal" "$db-shm"
}

run_service "$api" after
[ -z "$before_dll" ] || run_service "$before_dll" before
echo "uptime: $(uptime)"
