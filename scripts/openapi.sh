#!/usr/bin/env bash
# Regenerates openapi/iarms-v1.json from the app with the Swashbuckle CLI (a local tool, see dotnet-tools.json).
# The test suite fails when the committed file and the app differ; run this and commit the result.
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet tool restore >/dev/null
dotnet build src/IArms.Api -c Release -nologo -v quiet
dotnet swagger tofile --openapiversion 3.1 --output openapi/iarms-v1.json src/IArms.Api/bin/Release/net10.0/IArms.Api.dll v1
