#!/usr/bin/env bash
# Starts IArms on http://127.0.0.1:5080 with an embedded SQLite database (data/iarms.db).
# A new database is migrated and seeded with demo agencies, keys and records.
set -euo pipefail
cd "$(dirname "$0")/.."

url="${IARMS_URL:-http://127.0.0.1:5080}"
database="${IARMS_DATABASE:-data/iarms.db}"
admin_key="${IARMS_ADMIN_KEY:-demo-admin-key-0000000000000000}"

dotnet build src/IArms.Api -c Release -nologo -v quiet

cat <<INFO

IArms is starting on $url (SQLite file: $database)

  Officer's page $url/            (sign in as the demo officer below)
  Swagger UI     $url/swagger
  OpenAPI        $url/swagger/v1/swagger.json
  Health         $url/health/ready

Demo API keys (header X-Api-Key; demo databases only):
  HQ      admin, audit                   $admin_key
  FR-NCB  search, record, trace, audit   demo-fr-ncb-key-0000000000000001
  DE-BKA  search, record, trace, audit, analysis  demo-de-bka-key-0000000000000002
  US-ATF  search, record, trace          demo-us-atf-key-0000000000000003
  BE-FPP  search                         demo-be-fpp-key-0000000000000004
  UA-NCB  search, record, trace          demo-ua-ncb-key-0000000000000005

Demo officer of DE-BKA (roles search, record, trace; demo databases only):
  username       demo.officer
  password       demo-officer-password
  TOTP secret    IARMSDEMOTOTPSECRETFORDEBKA23456   (add it to any authenticator app: TOTP, SHA-1, 6 digits, 30 s;
                 or: python3 -c "import hmac,hashlib,struct,time,base64;k=base64.b32decode('IARMSDEMOTOTPSECRETFORDEBKA23456');h=hmac.new(k,struct.pack('>Q',int(time.time())//30),hashlib.sha1).digest();o=h[-1]&15;print('%06d'%((struct.unpack('>I',h[o:o+4])[0]&0x7fffffff)%10**6))")
  Then search the misread serial  A8 I23 4S6  (France's stolen Glock AB 123-456), and open record 3,
  the AKM seized in Hamburg: its custody chain and point of diversion (theft from a Ukrainian depot).

Try:
  curl -s -X POST $url/api/v1/searches -H 'X-Api-Key: demo-de-bka-key-0000000000000002' \\
       -H 'Content-Type: application/json' -d '{"serialNumber":"A8 I23 4S6","purpose":"seizure"}'

  curl -s $url/api/v1/firearms/3/trace -H 'X-Api-Key: demo-de-bka-key-0000000000000002'

  curl -s '$url/api/v1/analysis/diversion-sources?groupBy=party' -H 'X-Api-Key: demo-de-bka-key-0000000000000002'

Press Ctrl+C to stop.
INFO

export ASPNETCORE_ENVIRONMENT="${ASPNETCORE_ENVIRONMENT:-Development}"
export ConnectionStrings__IArms="Data Source=$database"
export IArms__BootstrapAdminKey="$admin_key"
export IArms__SeedDemoData=true
# Demo only: lets a webhook point at a receiver on this machine (README, "Webhooks").
export Webhooks__AllowLoopback="${Webhooks__AllowLoopback:-true}"
exec dotnet src/IArms.Api/bin/Release/net10.0/IArms.Api.dll --urls "$url"
