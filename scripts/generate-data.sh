#!/usr/bin/env bash
# Builds a migrated SQLite database of N synthetic firearm records (deterministic for a seed).
#   scripts/generate-data.sh --records 10000000 --database artifacts/bench/iarms-10m.db [--seed 42] [--chains-share 0.017]
# With --chains-share, that share of records gets a custody chain, planted scenarios are added and their
# ground truth is written to PATH.planted.json; "IArms.Benchmarks.dll check-planted --database PATH" verifies them.
# Or an import file of N records for one agency (POST /api/v1/imports), NDJSON or CSV by the file's extension:
#   scripts/generate-data.sh --records 1000000 --file artifacts/bench/import-1m.ndjson [--agency FR-NCB] [--seed 42]
# See tests/IArms.Benchmarks/DataGenerator.cs and docs/benchmarks.md.
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet build tests/IArms.Benchmarks -c Release -nologo -v quiet >/dev/null
exec dotnet tests/IArms.Benchmarks/bin/Release/net10.0/IArms.Benchmarks.dll generate "$@"
