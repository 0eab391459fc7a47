#!/usr/bin/env bash
# JwtMvc against the express-jwt tutorial peer, in one run, alternating A B A B; plus refresh rotation and start time.
#
#   bench/load.sh                 # ~3-4 minutes; prints a summary table; exit 0 when every budget is met, 3 when not
#
# Settings (environment): REPEATS (3) wrk runs per side and endpoint, DURATION (5) seconds per wrk run, WARMUP (8),
# CONNECTIONS (32), THREADS (1) wrk threads, WORKERS (32) refresh clients, REFRESHES (150) rotations per client,
# START_RUNS (5) hyperfine runs, PEER_DIR (../shared/peers/express-jwt from the repository root).
# Installs nothing: a missing tool is named with its install command, and the script stops.
# wrk shares the cores with both servers: the absolute figures depend on the machine; the ratios are the point.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
REPEATS=${REPEATS:-3}
DURATION=${DURATION:-5}
WARMUP=${WARMUP:-8}
CONNECTIONS=${CONNECTIONS:-32}
THREADS=${THREADS:-1}
WORKERS=${WORKERS:-32}
REFRESHES=${REFRESHES:-150}
START_RUNS=${START_RUNS:-5}
PEER_DIR=${PEER_DIR:-$ROOT/../shared/peers/express-jwt}
USER_NAME=alice
USER_PASSWORD='Alice#12345'

# Budgets (docs/PERFORMANCE.md).
ME_RATIO_BUDGET=3
REFRESH_BUDGET=1000
START_BUDGET_SECONDS=3

say() { printf '\n== %s\n' "$*" >&2; }
die() { printf 'load.sh: %s\n' "$*" >&2; exit 1; }

# --- tools -------------------------------------------------------------------------------------------------------
missing=()
for tool in dotnet node npm wrk hyperfine sqlite3 curl; do
  command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "load.sh: missing: ${missing[*]}" >&2
  apt=()
  for tool in "${missing[@]}"; do
    case "$tool" in
      wrk|hyperfine|sqlite3|curl) apt+=("$tool") ;;
      node|npm) apt+=(nodejs npm) ;;
      dotnet) echo "  dotnet: install the .NET 10 SDK (https://dot.net), the version in global settings of this repo" >&2 ;;
    esac
  done
  [ ${#apt[@]} -gt 0 ] && echo "  install with: sudo apt-get install -y ${apt[*]}" >&2
  exit 1
fi
[ -f "$PEER_DIR/server.js" ] || die "the express-jwt peer is not at $PEER_DIR (set PEER_DIR)"

# --- cleanup -----------------------------------------------------------------------------------------------------
WORK=$(mktemp -d "${TMPDIR:-/tmp}/jwtmvc-load.XXXXXX")
APP_PID=""
PEER_PID=""
stop() { # stop PID: TERM, then KILL after 5 s
  local pid=$1
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null || true
}
cleanup() {
  stop "$APP_PID"; stop "$PEER_PID"
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() { # a port in 5300-5399 nobody listens on, not in the list given
  local port
  for port in $(seq 5300 5399 | shuf); do
    case " $* " in *" $port "*) continue ;; esac
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then echo "$port"; return 0; fi
  done
  die "no free port in 5300-5399"
}

wait_for() { # wait_for URL SECONDS PID: until the URL answers 2xx
  local url=$1 deadline=$((SECONDS + $2)) pid=$3
  until curl -fsS -o /dev/null "$url" 2>/dev/null; do
    kill -0 "$pid" 2>/dev/null || return 1
    [ $SECONDS -lt $deadline ] || return 1
    sleep 0.1
  done
}

# --- build -------------------------------------------------------------------------------------------------------
say "publishing JwtMvc.Web (Release)"
dotnet publish "$ROOT/JwtMvc.Web/JwtMvc.Web.csproj" -c Release -o "$WORK/app" --nologo -v quiet >"$WORK/publish.log" 2>&1 \
  || { cat "$WORK/publish.log" >&2; die "publish failed"; }

# --- start JwtMvc ------------------------------------------------------------------------------------------------
APP_PORT=$(free_port)
APP_URL="http://127.0.0.1:$APP_PORT"
SIGNING_KEY=$(head -c 32 /dev/urandom | base64)
mkdir -p "$WORK/db"
say "starting JwtMvc on $APP_URL (fresh SQLite database in $WORK/db)"
# Production-like: Production environment, random key, Warning logs, password limiter raised so the load is not throttled.
(
  cd "$WORK/app"
  export ASPNETCORE_ENVIRONMENT=Production DOTNET_ENVIRONMENT=Production ASPNETCORE_URLS="$APP_URL" \
    ConnectionStrings__Default="Data Source=$WORK/db/jwtmvc.db" Jwt__SigningKey="$SIGNING_KEY" \
    Logging__LogLevel__Default=Warning RateLimiting__Auth__PermitLimit=100000 RateLimiting__Auth__WindowSeconds=1 \
    Seed__Users__0__UserName=$USER_NAME Seed__Users__0__Email=alice@jwtmvc.local Seed__Users__0__Password="$USER_PASSWORD" \
    Seed__Users__0__DisplayName=Alice Seed__Users__0__Roles__0=User
  exec dotnet JwtMvc.Web.dll
) >"$WORK/app.log" 2>&1 &
APP_PID=$!
wait_for "$APP_URL/health" 60 "$APP_PID" || { cat "$WORK/app.log" >&2; die "JwtMvc did not answer /health"; }

# --- start the peer ----------------------------------------------------------------------------------------------
say "starting the express-jwt peer (TUNED=1)"
cp -r "$PEER_DIR" "$WORK/peer"
chmod -R u+w "$WORK/peer"
if [ ! -d "$WORK/peer/node_modules" ]; then
  (cd "$WORK/peer" && npm ci --no-audit --no-fund --loglevel=error >"$WORK/npm.log" 2>&1) || { cat "$WORK/npm.log" >&2; die "npm ci failed in the peer copy"; }
fi
PEER_PORT=$(free_port "$APP_PORT")
PEER_URL="http://127.0.0.1:$PEER_PORT"
PEER_SECRET=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')
(cd "$WORK/peer" && PORT=$PEER_PORT TUNED=1 TOKEN_SECRET=$PEER_SECRET SECRET_FILE="$WORK/peer.secret" exec node server.js) >"$WORK/peer.log" 2>&1 &
PEER_PID=$!
wait_for "$PEER_URL/api/public" 30 "$PEER_PID" || { cat "$WORK/peer.log" >&2; die "the peer did not start"; }

# --- tokens ------------------------------------------------------------------------------------------------------
json_field() { node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const v=JSON.parse(s)[process.argv[1]];if(v===undefined)process.exit(1);console.log(v)})' "$1"; }
APP_TOKEN=$(curl -fsS -d grant_type=password -d username=$USER_NAME --data-urlencode "password=$USER_PASSWORD" "$APP_URL/api/auth/token" | json_field access_token) \
  || die "could not sign in to JwtMvc"
PEER_TOKEN=$(cd "$WORK/peer" && node mint.js "$PEER_SECRET")
status() { curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $2" "$1"; }
[ "$(status "$APP_URL/api/me" "$APP_TOKEN")" = 200 ] || die "JwtMvc GET /api/me did not answer 200"
[ "$(status "$PEER_URL/api/me" "$PEER_TOKEN")" = 200 ] || die "peer GET /api/me did not answer 200"
HAVE_ORDERS=0
if [ "$(status "$APP_URL/api/orders" "$APP_TOKEN")" = 200 ]; then HAVE_ORDERS=1; fi

# --- wrk, alternating ----------------------------------------------------------------------------------------------
# CPU time (user + system) a process has used, in ms: a server's CPU per request is far less sensitive to other
# work on the machine than its requests/s.
CLK_TCK=$(getconf CLK_TCK)
cpu_ms() { awk -v hz="$CLK_TCK" '{ sub(/^.*\) /, ""); printf "%.0f\n", ($12 + $13) * 1000 / hz }' "/proc/$1/stat"; }

# One wrk run: prints "rps p50ms p99ms cpu-us-per-request"; fails when any response was not 2xx (a broken run is not a figure).
run_wrk() { # run_wrk URL TOKEN SECONDS SERVER_PID
  local out before after
  before=$(cpu_ms "$4")
  out=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$3s" --latency -H "Authorization: Bearer $2" "$1" 2>&1) || { echo "$out" >&2; return 1; }
  after=$(cpu_ms "$4")
  if grep -q 'Non-2xx\|Socket errors' <<<"$out"; then echo "$out" >&2; die "wrk against $1 saw errors"; fi
  awk -v cpu=$((after - before)) '
    function ms(v) { if (v ~ /us$/) return v/1000; if (v ~ /ms$/) return v+0; if (v ~ /s$/) return v*1000; return v }
    /^ +50%/ { p50 = ms($2) } /^ +99%/ { p99 = ms($2) } /^Requests\/sec:/ { rps = $2 } / requests in / { n = $1 }
    END { printf "%.0f %.2f %.2f %.1f\n", rps, p50, p99, (n > 0) ? cpu * 1000 / n : 0 }' <<<"$out"
}
median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

declare -A RESULT # RESULT[name]="rps p50 p99 cpu-us" (medians); RESULT[name_ratio]: median of the per-pair rps ratios
measure_pair() { # measure_pair NAME_A URL_A TOKEN_A PID_A NAME_B URL_B TOKEN_B PID_B
  local i a b
  : >"$WORK/$1.runs"; : >"$WORK/$5.runs"; : >"$WORK/$1.ratios"
  run_wrk "$2" "$3" "$WARMUP" "$4" >/dev/null; run_wrk "$6" "$7" "$WARMUP" "$8" >/dev/null # warm-up: tiered JIT, V8, pools
  for i in $(seq "$REPEATS"); do
    a=$(run_wrk "$2" "$3" "$DURATION" "$4"); echo "$a" >>"$WORK/$1.runs"
    b=$(run_wrk "$6" "$7" "$DURATION" "$8"); echo "$b" >>"$WORK/$5.runs"
    awk -v a="${a%% *}" -v b="${b%% *}" 'BEGIN { printf "%.3f\n", (b > 0) ? a / b : 0 }' >>"$WORK/$1.ratios"
    printf '   run %d: %-12s %7s req/s %7s us CPU/req   %-12s %7s req/s %7s us CPU/req\n' \
      "$i" "$1" "${a%% *}" "${a##* }" "$5" "${b%% *}" "${b##* }" >&2
  done
  for name in "$1" "$5"; do
    RESULT[$name]="$(for f in 1 2 3 4; do cut -d' ' -f$f "$WORK/$name.runs" | median; done | tr '\n' ' ')"
  done
  RESULT[${1}_ratio]=$(median <"$WORK/$1.ratios")
}

say "GET /api/me: wrk -t$THREADS -c$CONNECTIONS, ${DURATION}s x $REPEATS each, alternating"
measure_pair jwtmvc_me "$APP_URL/api/me" "$APP_TOKEN" "$APP_PID" peer_me "$PEER_URL/api/me" "$PEER_TOKEN" "$PEER_PID"
if [ "$HAVE_ORDERS" = 1 ]; then
  say "GET /api/orders: alternating"
  measure_pair jwtmvc_orders "$APP_URL/api/orders" "$APP_TOKEN" "$APP_PID" peer_orders "$PEER_URL/api/orders" "$PEER_TOKEN" "$PEER_PID"
else
  say "GET /api/orders: JwtMvc answers $(status "$APP_URL/api/orders" "$APP_TOKEN") (not on this branch yet): skipped"
fi

# The peer is done: give the refresh phase and the start measurement the cores.
stop "$PEER_PID"; PEER_PID=""

# --- refresh rotation --------------------------------------------------------------------------------------------
say "refresh: $WORKERS clients x $REFRESHES rotations each after 30 unmeasured (POST /api/auth/token grant_type=refresh_token)"
REFRESH_JSON=$(node "$ROOT/bench/refresh-load.mjs" --url "$APP_URL" --user "$USER_NAME" --password "$USER_PASSWORD" \
  --workers "$WORKERS" --refreshes "$REFRESHES" --race-pairs 32 --agent jwtmvc-refresh-load --server-pid "$APP_PID") || die "the refresh client failed"
echo "   $REFRESH_JSON" >&2
field() { json_field "$1" <<<"$REFRESH_JSON"; }

# Every refresh token used exactly once, counted in the database (WAL: readable while the app runs).
DB="$WORK/db/jwtmvc.db"
q() { sqlite3 -batch -noheader "$DB" "$1"; }
ROT="s.UserAgent = 'jwtmvc-refresh-load'"
RACE="s.UserAgent = 'jwtmvc-refresh-load-race'"
db_sessions=$(q "SELECT COUNT(*) FROM Sessions s WHERE $ROT")
db_tokens=$(q "SELECT COUNT(*) FROM RefreshTokens t JOIN Sessions s ON s.Id = t.SessionId WHERE $ROT")
db_used=$(q "SELECT COUNT(*) FROM RefreshTokens t JOIN Sessions s ON s.Id = t.SessionId WHERE $ROT AND t.UsedAt IS NOT NULL")
db_revoked=$(q "SELECT COUNT(*) FROM Sessions s WHERE $ROT AND s.RevokedAt IS NOT NULL")
# A token spent twice leaves more children than claims, or one parent named by two children.
db_twice=$(q "SELECT COUNT(*) FROM (SELECT ReplacedByHash FROM RefreshTokens WHERE ReplacedByHash IS NOT NULL GROUP BY ReplacedByHash HAVING COUNT(*) > 1)")
db_orphans=$(q "SELECT COUNT(*) FROM RefreshTokens c JOIN Sessions s ON s.Id = c.SessionId WHERE $ROT
  AND c.CreatedAt > s.CreatedAt AND NOT EXISTS (SELECT 1 FROM RefreshTokens p WHERE p.ReplacedByHash = c.TokenHash AND p.SessionId = c.SessionId)")
race_double=$(q "SELECT COUNT(*) FROM Sessions s WHERE $RACE AND (SELECT COUNT(*) FROM RefreshTokens t WHERE t.SessionId = s.Id) > 2")
double_spends=$(( (db_tokens - db_sessions) - db_used + db_twice + db_orphans + race_double ))
refresh_ok=1
[ "$db_used" = $(( $(field rotations) + $(field warmupRotations) )) ] || refresh_ok=0
[ "$(field errors)" = 0 ] && [ "$db_revoked" = 0 ] && [ "$(field raceWins)" = "$(field racePairs)" ] && [ "$(field raceOther)" = 0 ] || refresh_ok=0
echo "   database: $db_sessions sessions, $db_tokens tokens, $db_used used once, $db_revoked revoked; race sessions with 2 winners: $race_double" >&2

stop "$APP_PID"; APP_PID=""

# --- start time --------------------------------------------------------------------------------------------------
# A fresh process until /health answers 200, then killed (SIGKILL: no graceful shutdown in the figure; SQLite's
# journal makes that safe). hyperfine times the whole script, so the figure includes a few ms of bash and curl.
START_PORT=$(free_port)
cat >"$WORK/start-poll.sh" <<EOF
#!/usr/bin/env bash
cd "$WORK/app"
export ASPNETCORE_ENVIRONMENT=Production DOTNET_ENVIRONMENT=Production ASPNETCORE_URLS=http://127.0.0.1:$START_PORT \
  ConnectionStrings__Default="Data Source=\$1" Jwt__SigningKey="$SIGNING_KEY" Logging__LogLevel__Default=Warning \
  Seed__Users__0__UserName=$USER_NAME Seed__Users__0__Email=alice@jwtmvc.local Seed__Users__0__Password='$USER_PASSWORD' \
  Seed__Users__0__Roles__0=User
dotnet JwtMvc.Web.dll >/dev/null 2>&1 &
pid=\$!
trap 'kill -KILL \$pid 2>/dev/null; wait \$pid 2>/dev/null' EXIT
for _ in \$(seq 1000); do
  [ "\$(curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1:$START_PORT/health)" = 200 ] && exit 0
  kill -0 \$pid 2>/dev/null || exit 1
  sleep 0.01
done
exit 1
EOF
chmod +x "$WORK/start-poll.sh"
say "start: $START_RUNS runs each, existing database and fresh database (migrate + seed)"
hyperfine --style basic --runs "$START_RUNS" --warmup 1 --export-json "$WORK/start.json" \
  -n existing-db "$WORK/start-poll.sh $WORK/db/jwtmvc.db" \
  -n fresh-db --prepare "rm -rf $WORK/fresh; mkdir -p $WORK/fresh" "$WORK/start-poll.sh $WORK/fresh/jwtmvc.db" >&2 \
  || die "a start did not answer /health"
start_stat() { node -e 'const r=require(process.argv[1]).results.find(x=>x.command===process.argv[2]);console.log(r[process.argv[3]].toFixed(2))' "$WORK/start.json" "$1" "$2"; }

# --- summary -----------------------------------------------------------------------------------------------------
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0) ? a / b : 0 }'; }
verdict() { [ "$1" = 1 ] && echo met || echo MISSED; }
read -r me_rps me_p50 me_p99 me_cpu <<<"${RESULT[jwtmvc_me]}"
read -r pe_rps pe_p50 pe_p99 pe_cpu <<<"${RESULT[peer_me]}"
me_ratio=$(printf '%.2f' "${RESULT[jwtmvc_me_ratio]}")
rot_rps=$(field rotationsPerSecond)
start_max=$(start_stat existing-db max)
ok_me=$(awk -v r="$me_ratio" -v b=$ME_RATIO_BUDGET 'BEGIN { print (r >= b) ? 1 : 0 }')
ok_refresh=$(( rot_rps >= REFRESH_BUDGET ))
ok_spends=$(( double_spends == 0 && refresh_ok == 1 ))
ok_start=$(awk -v m="$start_max" -v b=$START_BUDGET_SECONDS 'BEGIN { print (m <= b) ? 1 : 0 }')

echo
echo "JwtMvc vs express-jwt (TUNED=1), $(nproc) cores shared with wrk -t$THREADS -c$CONNECTIONS; medians of $REPEATS alternating ${DURATION}s runs"
echo "ratio: median of the per-pair req/s ratios; CPU/req: the server's own CPU time (user+system) per request"
printf '%-34s %10s %9s %9s %8s %10s  %s\n' "measurement" "req/s" "p50 ms" "p99 ms" "ratio" "CPU/req" "budget"
printf '%-34s %10s %9s %9s %8s %10s  %s\n' "GET /api/me  JwtMvc" "$me_rps" "$me_p50" "$me_p99" "${me_ratio}x" "${me_cpu}us" \
  ">= ${ME_RATIO_BUDGET}x: $(verdict $ok_me)"
printf '%-34s %10s %9s %9s %8s %10s\n' "GET /api/me  express-jwt" "$pe_rps" "$pe_p50" "$pe_p99" "1.00x" "${pe_cpu}us"
if [ "$HAVE_ORDERS" = 1 ]; then
  read -r o_rps o_p50 o_p99 o_cpu <<<"${RESULT[jwtmvc_orders]}"
  read -r po_rps po_p50 po_p99 po_cpu <<<"${RESULT[peer_orders]}"
  printf '%-34s %10s %9s %9s %8s %10s\n' "GET /api/orders  JwtMvc" "$o_rps" "$o_p50" "$o_p99" "$(printf '%.2f' "${RESULT[jwtmvc_orders_ratio]}")x" "${o_cpu}us"
  printf '%-34s %10s %9s %9s %8s %10s\n' "GET /api/orders  express-jwt" "$po_rps" "$po_p50" "$po_p99" "1.00x" "${po_cpu}us"
else
  printf '%-34s %s\n' "GET /api/orders" "skipped: not on this branch yet"
fi
printf '%-34s %10s %9s %9s %8s %10s  %s\n' "refresh rotations/s ($WORKERS clients)" "$rot_rps" "$(field p50Ms)" "$(field p99Ms)" "" \
  "$(field serverCpuUsPerRotation)us" \
  ">= $REFRESH_BUDGET/s: $(verdict $ok_refresh)"
printf '%-34s %10s %9s %9s %8s %10s  %s\n' "double-spends (database count)" "$double_spends" "" "" "" "" \
  "0: $(verdict $ok_spends)"
printf '%-34s %10s %9s %9s %8s %10s  %s\n' "start to /health 200, existing db" "$(start_stat existing-db mean)s" "" "max $start_max" "" "" \
  "<= ${START_BUDGET_SECONDS}s: $(verdict $ok_start)"
printf '%-34s %10s %9s %9s\n' "start to /health 200, fresh db" "$(start_stat fresh-db mean)s" "" "max $(start_stat fresh-db max)"
echo "upload (400 MiB, working set): measured by the uploads benchmark, see docs/PERFORMANCE.md"
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg) (on $(nproc) cores; other work on the machine skews absolute figures)"
[ $((ok_me & ok_refresh & ok_spends & ok_start)) = 1 ] && { echo "all budgets met"; exit 0; }
echo "some budgets MISSED"; exit 3
