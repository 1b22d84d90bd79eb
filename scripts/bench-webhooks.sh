#!/usr/bin/env bash
# Webhook delivery benchmark (issue 17), on ports 5170-5179 only:
#  1. latency: the service on a fresh database (port 5170), searches from several concurrent clients for a while with
#     no webhook (baseline), then the same with the owner's webhook registered to a local receiver (port 5171):
#     search throughput and p99 against the baseline, and hit-to-receiver latency p50/p99 (from the search's request
#     to the delivery's arrival). Target: p99 < 1 s.
#  2. backlog: the service with delivery off (Webhooks__Enabled=false) takes --count hits into its outbox, is killed,
#     and restarts with delivery on while the receiver (port 5172) times the drain. Target: >= 500 deliveries/s.
#
#   scripts/bench-webhooks.sh [--seconds 20] [--concurrency 8] [--count 10000]
#
# Writes artifacts/bench/webhooks-report.md. The machine is shared: the load average is printed with each result.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
seconds=20; concurrency=8; count=10000
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) seconds="$2"; shift 2 ;;
    --concurrency) concurrency="$2"; shift 2 ;;
    --count) count="$2"; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done

out="$root/artifacts/bench/webhooks"
rm -rf "$out"; mkdir -p "$out"
report="$root/artifacts/bench/webhooks-report.md"
admin="bench-webhooks-admin-key-0000000001" # WebhookBench.AdminKey
api="$root/src/IArms.Api/bin/Release/net10.0/IArms.Api.dll"
driver="dotnet $root/tests/IArms.Benchmarks/bin/Release/net10.0/IArms.Benchmarks.dll webhooks"

echo "== building (Release)"
dotnet build IArms.sln -c Release -nologo -v quiet >"$out/build.log" 2>&1 || { cat "$out/build.log"; exit 1; }

pid=""
start_service() { # start_service DBFOLDER ENABLED
  mkdir -p "$1"
  (cd "$1" && ASPNETCORE_ENVIRONMENT=Production IArms__RateLimits__Enabled=false ConnectionStrings__IArms="Data Source=$1/iarms.db" IArms__BootstrapAdminKey="$admin" \
    Webhooks__AllowLoopback=true Webhooks__Enabled="$2" Logging__LogLevel__Default=Warning \
    exec dotnet "$api" --urls http://127.0.0.1:5170 >>"$1/service.log" 2>&1) &
  pid=$!
  for _ in $(seq 1 300); do
    curl -fs http://127.0.0.1:5170/health/ready >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  echo "the service did not start; see $1/service.log" >&2; exit 1
}
stop_service() { kill -9 "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; }
trap stop_service EXIT

{
  echo "# Webhook benchmark ($(date -u +%Y-%m-%dT%H:%MZ))"
  echo
  echo "\`scripts/bench-webhooks.sh --seconds $seconds --concurrency $concurrency --count $count\` on $(nproc) cores."
  echo
} >"$report"

echo "== 1. hit-to-receiver latency while searches run"
start_service "$out/latency" true
echo "load before: $(uptime)" | tee -a "$report"
$driver latency --api http://127.0.0.1:5170 --receiver-port 5171 --seconds "$seconds" --concurrency "$concurrency" | tee "$out/latency.txt"
echo "load after: $(uptime)" | tee -a "$report"
{ echo; echo '```'; cat "$out/latency.txt"; echo '```'; echo; } >>"$report"
stop_service

echo "== 2. a backlog of $count deliveries drained"
start_service "$out/backlog" false
$driver fill --api http://127.0.0.1:5170 --receiver-port 5172 --count "$count" | tee "$out/fill.txt"
stop_service
$driver drain --receiver-port 5172 --count "$count" --seconds 300 >"$out/drain.txt" 2>&1 &
drainer=$!
sleep 2
echo "load before: $(uptime)" | tee -a "$report"
start_service "$out/backlog" true
wait "$drainer" || true
echo "load after: $(uptime)" | tee -a "$report"
cat "$out/drain.txt"
{ echo; echo '```'; cat "$out/fill.txt" "$out/drain.txt"; echo '```'; } >>"$report"
echo "report: $report"
