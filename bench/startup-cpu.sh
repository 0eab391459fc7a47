#!/usr/bin/env bash
# The start-up path measured by CPU time, which other work on the machine disturbs far less than wall time.
#
#   bench/startup-cpu.sh APP_DIR [LABEL]      # APP_DIR: a published JwtMvc.Web (dotnet publish -c Release -o DIR)
#   RUNS=5 LOAD_SECONDS=5 DOTNET_TieredPGO=0 bench/startup-cpu.sh /tmp/app pgo-off
#
# Each run starts a fresh process (Production settings, HS256 key, the same migrated SQLite file), and records:
#   start: CPU ms (user + system of the process, /proc/PID/stat) and wall ms until /health first answers 200;
#   first load: after one sign-in, LOAD_SECONDS of wrk on GET /api/me; the server's CPU us per request in that
#   window (the JIT's share shows here), and the same over a second window right after it (warmer).
# Prints one line of medians. DOTNET_* variables in the environment reach the app (that is how variants are tried).
set -euo pipefail
APP_DIR=$(cd "${1:?usage: bench/startup-cpu.sh APP_DIR [LABEL]}" && pwd)
LABEL=${2:-$(basename "$APP_DIR")}
RUNS=${RUNS:-5}
LOAD_SECONDS=${LOAD_SECONDS:-5}
PORT=${PORT:-5398}
URL=http://127.0.0.1:$PORT
WORK=$(mktemp -d "${TMPDIR:-/tmp}/jwtmvc-startup.XXXXXX")
APP_PID=""
trap '[ -n "$APP_PID" ] && kill -KILL "$APP_PID" 2>/dev/null; rm -rf "$WORK"' EXIT
CLK_TCK=$(getconf CLK_TCK)
cpu_ms() { awk -v hz="$CLK_TCK" '{ sub(/^.*\) /, ""); printf "%.0f\n", ($12 + $13) * 1000 / hz }' "/proc/$1/stat"; }
now_ms() { date +%s%3N; }
median() { grep -E '^[0-9.]+$' | sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
KEY=$(head -c 32 /dev/urandom | base64)

start_app() {
  (
    cd "$APP_DIR"
    export ASPNETCORE_ENVIRONMENT=Production DOTNET_ENVIRONMENT=Production ASPNETCORE_URLS=$URL \
      ConnectionStrings__Default="Data Source=$WORK/jwtmvc.db" Jwt__SigningKey="$KEY" Logging__LogLevel__Default=Warning \
      RateLimiting__Auth__PermitLimit=100000 RateLimiting__Auth__WindowSeconds=1 \
      Seed__Users__0__UserName=alice Seed__Users__0__Email=alice@jwtmvc.local Seed__Users__0__Password='Alice#12345' \
      Seed__Users__0__Roles__0=User Email__Enabled=false
    exec dotnet JwtMvc.Web.dll
  ) >>"$WORK/app.log" 2>&1 &
  APP_PID=$!
}
wait_health() {
  until [ "$(curl -s -o /dev/null -w '%{http_code}' "$URL/health")" = 200 ]; do
    kill -0 "$APP_PID" 2>/dev/null || { tail -n 20 "$WORK/app.log" >&2; exit 1; }
    sleep 0.01
  done
}
cpu_per_request() { # cpu_per_request TOKEN: wrk for LOAD_SECONDS, prints the server's CPU us per request
  local before after out n
  before=$(cpu_ms "$APP_PID")
  out=$(wrk -t1 -c32 -d"${LOAD_SECONDS}s" --timeout 30s -H "Authorization: Bearer $1" "$URL/api/me")
  after=$(cpu_ms "$APP_PID")
  # Only answered requests count; a timeout on a busy machine is not an error of the app, a non-2xx is.
  grep -q 'Non-2xx' <<<"$out" && { echo "$out" >&2; exit 1; }
  n=$(awk '/ requests in / { print $1 }' <<<"$out")
  awk -v c=$((after - before)) -v n="${n:-0}" 'BEGIN { if (n > 0) printf "%.1f\n", c * 1000 / n; else print "none" }'
}

# One start first, so every measured run finds a migrated, seeded database.
start_app; wait_health; kill -KILL "$APP_PID"; wait "$APP_PID" 2>/dev/null || true
for i in $(seq "$RUNS"); do
  t0=$(now_ms); start_app; wait_health
  echo "$(cpu_ms "$APP_PID") $(( $(now_ms) - t0 ))" >>"$WORK/start"
  token=$(curl -fsS -d grant_type=password -d username=alice --data-urlencode 'password=Alice#12345' "$URL/api/auth/token" \
    | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).access_token))')
  echo "$(cpu_per_request "$token") $(cpu_per_request "$token")" >>"$WORK/load"
  kill -KILL "$APP_PID"; wait "$APP_PID" 2>/dev/null || true; APP_PID=""
  echo "   run $i: start $(tail -n1 "$WORK/start" | awk '{ print $1 " ms CPU, " $2 " ms wall" }'); first ${LOAD_SECONDS}s $(tail -n1 "$WORK/load" | awk '{ print $1 " us CPU/req, next " $2 }')" >&2
done
printf '%-16s start CPU %5s ms  wall %5s ms   first %ss %6s us CPU/req   next %ss %6s us CPU/req   (median of %s; load %s)\n' \
  "$LABEL" "$(cut -d' ' -f1 "$WORK/start" | median)" "$(cut -d' ' -f2 "$WORK/start" | median)" \
  "$LOAD_SECONDS" "$(cut -d' ' -f1 "$WORK/load" | median)" "$LOAD_SECONDS" "$(cut -d' ' -f2 "$WORK/load" | median)" \
  "$RUNS" "$(cut -d' ' -f1 /proc/loadavg)"
