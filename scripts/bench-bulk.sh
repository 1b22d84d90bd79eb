#!/usr/bin/env bash
# Bulk exchange benchmark (issue 14), side by side in one run:
#   1. the data generator's raw path writes N records into a fresh database (scripts/generate-data.sh --database), twice:
#      with the indexes in place (--indexes-in-place, serial keys sorted per 500 records: the target's baseline, "the same
#      rows with the same indexes") and with the indexes built after the load (the generator's fastest path); both
#      without journal or fsync, and without the analysis rows the import also writes;
#   2. the service imports an NDJSON file of N records (generate-data.sh --file) into a fresh demo database,
#      timed by the job's own startedAt/finishedAt, with the service's peak resident memory sampled every 0.5 s;
#   3. the imported records are exported as NDJSON and CSV (curl wall time), memory sampled the same way.
#
#   scripts/bench-bulk.sh [--records 200000] [--port 5190] [--exports 3] [--skip-raw] [--before-dll PATH]
#                         [--database PATH]
#
# With --before-dll (the API built from an earlier commit), the import and exports run on it too, right after
# this build's, so that both see the same machine load. With --database (a generated file, e.g. 10M records; never
# written: the service runs on a copy, `cp --reflink=auto`), the import goes into that copy as the generator's bench
# agency (FR-NCB), from a file whose externalIds (FR-IMPORT-...) are all new, instead of into an empty demo database.
#
# Needs curl and jq. Writes under artifacts/bench/bulk-*; prints one line per measurement.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

records=200000; port=5190; exports=3; skip_raw=0; before_dll=""; database=""
while [ $# -gt 0 ]; do
  case "$1" in
    --records) records="$2"; shift 2 ;;
    --port) port="$2"; shift 2 ;;
    --exports) exports="$2"; shift 2 ;;
    --skip-raw) skip_raw=1; shift ;;
    --before-dll) before_dll="$2"; shift 2 ;;
    --database) database="$2"; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
out="$root/artifacts/bench"
mkdir -p "$out"
file="$out/bulk-import-$records.ndjson"
db="$out/bulk-service-$records.db"
key="demo-fr-ncb-key-0000000000000001" # the demo FR-NCB key (record, search)
agency=FR-NCB
if [ -n "$database" ]; then
  [ -f "$database" ] || { echo "no database at $database" >&2; exit 1; }
  file="$out/bulk-import-$records-new.ndjson"; agency=FR-IMPORT
  key="bench-search-key-000000000000000001" # DataGenerator.BenchKey: FR-NCB, roles search, record, analysis
fi
url="http://127.0.0.1:$port"
api="$root/src/IArms.Api/bin/Release/net10.0/IArms.Api.dll"

echo "== building (Release)"
dotnet build src/IArms.Api -c Release -nologo -v quiet >"$out/bulk-build.log" 2>&1 || { cat "$out/bulk-build.log"; exit 1; }
[ -f "$file" ] || scripts/generate-data.sh --records "$records" --file "$file" --agency "$agency" >/dev/null
echo "uptime: $(uptime)"

# CPU seconds (user + system) of a process so far: on a shared machine a steadier measure than wall time.
cpu_of() { awk -v hz="$(getconf CLK_TCK)" '{print ($14 + $15) / hz}' "/proc/$1/stat"; }

raw_indexed=""; raw_after=""
if [ "$skip_raw" = 0 ]; then
  dotnet build tests/IArms.Benchmarks -c Release -nologo -v quiet >/dev/null
  # The generator's raw path: the same rows (same seed), migration included, no journal, no fsync.
  for mode in indexed after; do
    rm -f "$out/bulk-raw-$records.db"*
    /usr/bin/time -f "%e %U %S" -o "$out/bulk-raw-time" dotnet tests/IArms.Benchmarks/bin/Release/net10.0/IArms.Benchmarks.dll generate \
      --records "$records" --database "$out/bulk-raw-$records.db" $([ $mode = indexed ] && echo --indexes-in-place) >/dev/null
    read -r wall user sys <"$out/bulk-raw-time"
    rate=$(echo "$records / $wall" | bc)
    [ $mode = indexed ] && raw_indexed=$rate || raw_after=$rate
    echo "RAW indexes=$([ $mode = indexed ] && echo in-place || echo built-after) records=$records wall_s=$wall cpu_s=$(echo "$user + $sys" | bc) rows_per_s=$rate rows_per_cpu_s=$(echo "$records / ($user + $sys)" | bc)"
    echo "uptime: $(uptime)"
  done
  rm -f "$out/bulk-raw-$records.db"*
fi

run_service() { # DLL LABEL
  rm -rf "$db"* "$out/imports"
  if [ -n "$database" ]; then
    echo "== copying $database to $db"
    cp --reflink=auto "$database" "$db"
  fi
  ASPNETCORE_ENVIRONMENT=Production IArms__RateLimits__Enabled=false ConnectionStrings__IArms="Data Source=$db" IArms__SeedDemoData=true \
    IArms__BootstrapAdminKey=demo-admin-key-0000000000000000 Logging__LogLevel__Default=Warning \
    dotnet "$1" --urls "$url" >"$out/bulk-service.log" 2>&1 &
  pid=$!
  trap 'kill $pid 2>/dev/null || true' EXIT
  for _ in $(seq 1 1200); do curl -fs "$url/health/ready" >/dev/null 2>&1 && break; sleep 0.5; done

  peak=0
  sample() { local rss; rss=$(awk '/VmRSS/ {print $2}' "/proc/$pid/status"); [ "$rss" -gt "$peak" ] && peak=$rss; true; }

  echo "uptime: $(uptime)"
  cpu_before=$(cpu_of $pid)
  location=$(curl -fs -D - -o /dev/null -X POST "$url/api/v1/imports" -H "X-Api-Key: $key" -H 'Content-Type: application/x-ndjson' \
    --data-binary "@$file" | tr -d '\r' | awk -F': ' 'tolower($1) == "location" {print $2}')
  while true; do
    sample
    job=$(curl -fs "$url$location" -H "X-Api-Key: $key")
    status=$(echo "$job" | jq -r .status)
    [ "$status" = queued ] || [ "$status" = running ] || break
    sleep 0.5
  done
  seconds=$(echo "$job" | jq -r '((.finishedAt | sub("\\.[0-9]+"; "") | sub("\\+00:00$"; "Z") | fromdateiso8601) - (.startedAt | sub("\\.[0-9]+"; "") | sub("\\+00:00$"; "Z") | fromdateiso8601))')
  cpu=$(echo "$(cpu_of $pid) - $cpu_before" | bc)
  echo "IMPORT $2 $(echo "$job" | jq -c '{status, rowsRead, created, updated, unchanged, rejected, startedAt, finishedAt}')"
  rate=$(echo "$records / $seconds" | bc)
  ratios=""
  [ -z "$raw_indexed" ] || ratios="ratio_to_raw_indexes_in_place=$(echo "scale=3; $rate / $raw_indexed" | bc) ratio_to_raw_indexes_built_after=$(echo "scale=3; $rate / $raw_after" | bc)"
  echo "IMPORT $2 seconds=$seconds rows_per_s=$rate service_cpu_s=$cpu rows_per_cpu_s=$(echo "$records / $cpu" | bc) peak_rss_mb=$((peak / 1024)) $ratios"

  for format in ndjson csv; do
    for i in $(seq 1 "$exports"); do
      peak=0
      cpu_before=$(cpu_of $pid)
      curl -fs -o "$out/bulk-export.$format" -w '%{time_total}\n' "$url/api/v1/exports/firearms?format=$format&owner=me" \
        -H "X-Api-Key: $key" >"$out/bulk-export-time" &
      cpid=$!
      while kill -0 $cpid 2>/dev/null; do sample; sleep 0.2; done
      wait $cpid
      t=$(cat "$out/bulk-export-time")
      rows=$(wc -l <"$out/bulk-export.$format")
      [ "$format" = csv ] && rows=$((rows - 1)) # the header
      cpu=$(echo "$(cpu_of $pid) - $cpu_before" | bc)
      echo "EXPORT $2 $format run=$i rows=$rows seconds=$t rows_per_s=$(echo "$rows / $t" | bc) service_cpu_s=$cpu rows_per_cpu_s=$(echo "$rows / $cpu" | bc) peak_rss_mb=$((peak / 1024))"
    done
  done
  kill $pid; wait $pid 2>/dev/null || true
  [ -z "$database" ] || rm -f "$db" "$db-wal" "$db-shm"
}

run_service "$api" after
[ -z "$before_dll" ] || run_service "$before_dll" before
echo "uptime: $(uptime)"
