#!/usr/bin/env bash
# Sessions survive the server being killed mid-refresh (issue #18, the single-successor retry).
#
#   bench/refresh-crash.sh                      # ~1-2 minutes after the publish; exit 0 when no session was lost
#   RETRY_SECONDS=0 bench/refresh-crash.sh      # the same storm with strict single use: sessions are lost
#
# Publishes JwtMvc.Web (Release; or uses APP_DIR, a folder holding JwtMvc.Web.dll), starts it on a free port with a
# fresh SQLite file, and runs bench/refresh-crash.mjs: CLIENTS (16) clients rotating their refresh tokens through
# POST /api/auth/token, each sending a refresh that got no answer again with the same token. Meanwhile the app is
# killed with SIGKILL KILLS (8) times, every 2-4 s once every client is signed in, and restarted on the same port and database. A refresh whose
# rotation was committed but whose answer died with the process is retried against the new process, inside
# Jwt:RefreshRetrySeconds (RETRY_SECONDS, default unset: the app's 30 s), and gets the same successor.
# Then it checks the database (sqlite3): no session revoked, no token with two children.
# Needs dotnet, node, sqlite3, curl; installs nothing.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CLIENTS=${CLIENTS:-16}
KILLS=${KILLS:-8}
RETRY_SECONDS=${RETRY_SECONDS:-}
USER_NAME=alice
USER_PASSWORD='Alice#12345'

say() { printf '\n== %s\n' "$*" >&2; }
die() { printf 'refresh-crash.sh: %s\n' "$*" >&2; exit 1; }
for tool in dotnet node sqlite3 curl; do
  command -v "$tool" >/dev/null 2>&1 || die "missing: $tool (sudo apt-get install -y nodejs sqlite3 curl; .NET 10 SDK for dotnet)"
done

WORK=$(mktemp -d "${TMPDIR:-/tmp}/jwtmvc-crash.XXXXXX")
APP_PID=""
CLIENT_PID=""
cleanup() {
  [ -n "$CLIENT_PID" ] && kill "$CLIENT_PID" 2>/dev/null || true
  [ -n "$APP_PID" ] && kill -KILL "$APP_PID" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() {
  local port
  for port in $(seq 5400 5499 | shuf); do
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then echo "$port"; return 0; fi
  done
  die "no free port in 5400-5499"
}

if [ -z "${APP_DIR:-}" ]; then
  say "publishing JwtMvc.Web (Release)"
  dotnet publish "$ROOT/JwtMvc.Web/JwtMvc.Web.csproj" -c Release -o "$WORK/app" --nologo -v quiet >"$WORK/publish.log" 2>&1 \
    || { cat "$WORK/publish.log" >&2; die "publish failed"; }
  APP_DIR="$WORK/app"
fi
[ -f "$APP_DIR/JwtMvc.Web.dll" ] || die "no JwtMvc.Web.dll in $APP_DIR"

PORT=$(free_port)
URL="http://127.0.0.1:$PORT"
DB="$WORK/jwtmvc.db"
SIGNING_KEY=$(head -c 32 /dev/urandom | base64)

start_app() {
  (
    cd "$APP_DIR"
    export ASPNETCORE_ENVIRONMENT=Production DOTNET_ENVIRONMENT=Production ASPNETCORE_URLS="$URL" \
      ConnectionStrings__Default="Data Source=$DB" Jwt__SigningKey="$SIGNING_KEY" \
      Logging__LogLevel__Default=Warning RateLimiting__Auth__PermitLimit=100000 RateLimiting__Auth__WindowSeconds=1 Jwt__MaxSessionsPerUser=10000 Jwt__MaxRotationsPerSession=10000000 \
      Seed__Users__0__UserName=$USER_NAME Seed__Users__0__Email=alice@jwtmvc.local Seed__Users__0__Password="$USER_PASSWORD" \
      Seed__Users__0__DisplayName=Alice Seed__Users__0__Roles__0=User Email__Enabled=false
    [ -n "$RETRY_SECONDS" ] && export Jwt__RefreshRetrySeconds="$RETRY_SECONDS"
    exec dotnet JwtMvc.Web.dll
  ) >>"$WORK/app.log" 2>&1 &
  APP_PID=$!
  for _ in $(seq 600); do
    curl -fsS -o /dev/null "$URL/health" 2>/dev/null && return 0
    kill -0 "$APP_PID" 2>/dev/null || { cat "$WORK/app.log" >&2; die "the app exited"; }
    sleep 0.1
  done
  die "the app did not answer /health within 60 s"
}

say "starting JwtMvc on $URL (fresh database; retry window: ${RETRY_SECONDS:-default})"
start_app
node "$ROOT/bench/refresh-crash.mjs" --url "$URL" --user "$USER_NAME" --password "$USER_PASSWORD" \
  --clients "$CLIENTS" --seconds 3600 --stop-file "$WORK/stop" --ready-file "$WORK/ready" >"$WORK/client.json" &
CLIENT_PID=$!
for _ in $(seq 3000); do [ -f "$WORK/ready" ] && break; kill -0 "$CLIENT_PID" 2>/dev/null || break; sleep 0.1; done
[ -f "$WORK/ready" ] || { touch "$WORK/stop"; wait "$CLIENT_PID" || true; CLIENT_PID=""; cat "$WORK/client.json" >&2; die "the clients' sign-ins did not settle"; }

for kill_number in $(seq "$KILLS"); do
  sleep "$(( 2 + RANDOM % 3 ))"
  kill -0 "$CLIENT_PID" 2>/dev/null || break # every client stopped: nothing left to storm
  say "kill $kill_number of $KILLS (SIGKILL, mid-storm), restart"
  kill -KILL "$APP_PID"
  wait "$APP_PID" 2>/dev/null || true
  start_app
done
sleep 3
touch "$WORK/stop"
wait "$CLIENT_PID" || die "the refresh client failed"
CLIENT_PID=""
RESULT=$(cat "$WORK/client.json")

q() { sqlite3 "file:$DB?mode=ro" "$1"; }
revoked=$(q "SELECT COUNT(*) FROM Sessions WHERE RevokedAt IS NOT NULL")
twice=$(q "SELECT COUNT(*) FROM (SELECT ReplacedByHash FROM RefreshTokens WHERE ReplacedByHash IS NOT NULL GROUP BY ReplacedByHash HAVING COUNT(*) > 1)")
integrity=$(q "PRAGMA integrity_check")
field() { node -e 'console.log(JSON.parse(process.argv[1])[process.argv[2]])' "$RESULT" "$1"; }

echo "$RESULT"
printf 'clients %s, rotations %s, refreshes answered only after a retry %s, sessions lost %s, gave up %s\n' \
  "$(field clients)" "$(field rotations)" "$(field retriedAfterNoAnswer)" "$(field lostSessions)" "$(field gaveUp)"
printf 'database: %s sessions revoked, %s tokens named twice as a replacement, integrity %s\n' "$revoked" "$twice" "$integrity"
[ "$(field lostSessions)" = 0 ] && [ "$(field gaveUp)" = 0 ] && [ "$(field rotations)" -gt 0 ] && [ "$revoked" = 0 ] && [ "$twice" = 0 ] && [ "$integrity" = ok ] \
  || { echo "FAIL: a session was lost in flight" >&2; exit 3; }
echo "OK: $KILLS kills mid-storm, no session lost"
