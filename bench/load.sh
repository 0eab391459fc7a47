#!/usr/bin/env bash
# JwtMvc against its peers in one run: the express-jwt tutorial peer, ASP.NET Core Identity's API endpoints,
# OpenIddict, and the bare-JwtBearer floor; GET /api/me alternating between them, warm and cold, refresh
# rotation warm and cold, GET /api/orders, start time. Or, with MODE=growth, JwtMvc on a fresh database against
# JwtMvc on a grown one (100,000 users, 1,000,000 refresh tokens, 100,000 sessions). See docs/PERFORMANCE.md.
#
#   bench/load.sh                       # compare, HS256; ~10 minutes; exit 0 when every goal is met, 3 when not
#   SIGNING=keyring bench/load.sh       # the same without Jwt__SigningKey (the key ring's default mode)
#   MODE=growth bench/load.sh           # seed a grown database, compare with a fresh one
#
# Settings (environment): MODE (compare | growth), SIGNING (hs256 | keyring), PEERS ("express identity openiddict
# floor": any subset), REPEATS (3) alternating rounds, DURATION (5) s per wrk run, WARMUP (20) s of wrk per server
# first, COLD (5) s measured right after a fresh start, CONNECTIONS (32), THREADS (1) wrk threads, WORKERS (32) refresh
# clients, REFRESH_SECONDS (10), REFRESH_WARMUP (20), START_RUNS (5), R2R (1: framework-dependent ReadyToRun;
# composite: the linux-x64-composite publish profile, self-contained with one composite ReadyToRun image; 0: plain),
# APP_DIR (use this published JwtMvc.Web instead of publishing), PEERS_CACHE (a folder that keeps the published peers
# between runs), KEEP_WORK (1: keep the temp folder and its logs), APP_ENV (extra VAR=value settings for JwtMvc only,
# e.g. APP_ENV="DOTNET_TieredPGO=0"),
# GROWTH_USERS / GROWTH_SESSIONS / GROWTH_TOKENS (100000 / 100000 / 1000000), PEERS_DIR (../shared/peers).
# Installs nothing: a missing tool is named with its install command, and the script stops.
# wrk shares the cores with the servers: the absolute figures depend on the machine; the ratios are the point.
# Exit codes: 0 every goal met, 3 a goal missed, 4 the signing mode asked for is not available in this build, 1 broken.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
MODE=${MODE:-compare}
SIGNING=${SIGNING:-hs256}
PEERS=${PEERS:-express identity openiddict floor}
REPEATS=${REPEATS:-3}
DURATION=${DURATION:-5}
WARMUP=${WARMUP:-20}
COLD=${COLD:-5}
CONNECTIONS=${CONNECTIONS:-32}
THREADS=${THREADS:-1}
WORKERS=${WORKERS:-32}
REFRESH_SECONDS=${REFRESH_SECONDS:-10}
REFRESH_WARMUP=${REFRESH_WARMUP:-20}
START_RUNS=${START_RUNS:-5}
R2R=${R2R:-1}
GROWTH_USERS=${GROWTH_USERS:-100000}
GROWTH_SESSIONS=${GROWTH_SESSIONS:-100000}
GROWTH_TOKENS=${GROWTH_TOKENS:-1000000}
USER_NAME=alice
USER_PASSWORD='Alice#12345'

# Goals (issue #17, docs/PERFORMANCE.md): GET /api/me against each peer, as the median of per-round ratios.
declare -A ME_GOAL=([identity]=1.5 [openiddict]=2 [express]=5 [floor]=0.9)
REFRESH_GOAL=2500           # rotations/s, 32 clients, warm
REFRESH_VS_IDENTITY_GOAL=1.0
COLD_GOAL=0.8               # first COLD s after a fresh start, against the warm figure
START_GOAL_SECONDS=1.5      # process start to the first /health 200 (existing database)
ORDERS_GOAL=1.0             # GET /api/orders against the express peer's in-memory array
GROWTH_GOAL=0.8             # grown-database figure against the fresh one
WORKING_SET_GOAL_MB=300

say() { printf '\n== %s\n' "$*" >&2; }
die() { printf 'load.sh: %s\n' "$*" >&2; exit 1; }
# shellcheck source=bench/peers.sh
. "$ROOT/bench/peers.sh"

case "$MODE" in compare|growth) ;; *) die "MODE is compare or growth" ;; esac
case "$SIGNING" in hs256|keyring) ;; *) die "SIGNING is hs256 or keyring" ;; esac

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

# --- cleanup -----------------------------------------------------------------------------------------------------
WORK=$(mktemp -d "${TMPDIR:-/tmp}/jwtmvc-load.XXXXXX")
SAMPLER_PID=""
stop() { # stop PID: TERM, then KILL after 5 s
  local pid=${1:-}
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null || true
}
cleanup() {
  local pid
  stop "$SAMPLER_PID"
  for pid in "${PID[@]}"; do stop "$pid"; done
  [ -n "${KEEP_WORK:-}" ] && { echo "load.sh: kept $WORK" >&2; return; }
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
    sleep 0.05
  done
}

# --- build -------------------------------------------------------------------------------------------------------
PUBLISH_ARGS=()
case "$R2R" in
  composite) PUBLISH_ARGS=(-p:PublishProfile=linux-x64-composite) ;; # self-contained, one composite ReadyToRun image
  1) PUBLISH_ARGS=(-r linux-x64 --self-contained false -p:PublishReadyToRun=true) ;;
  0) ;;
  *) die "R2R is composite, 1 or 0" ;;
esac
if [ -n "${APP_DIR:-}" ]; then # a JwtMvc.Web published before (its R2R setting is whatever it was published with)
  [ -f "$APP_DIR/JwtMvc.Web.dll" ] || die "APP_DIR=$APP_DIR has no JwtMvc.Web.dll"
  ln -s "$(cd "$APP_DIR" && pwd)" "$WORK/app"; R2R="as published in $APP_DIR"
else
  say "publishing JwtMvc.Web (Release, R2R=$R2R)"
  # Both ahead-of-time builds compile into the same obj/Release/net10.0/linux-x64 folders, and assemblies compiled for a
  # composite image, reused by the other build, stop the app at start (SIGABRT): start those folders afresh.
  [ "$R2R" = 0 ] || rm -rf "$ROOT"/JwtMvc.*/obj/Release/net10.0/linux-x64 "$ROOT"/JwtMvc.*/bin/Release/net10.0/linux-x64
  dotnet publish "$ROOT/JwtMvc.Web/JwtMvc.Web.csproj" -c Release -o "$WORK/app" --nologo -v quiet "${PUBLISH_ARGS[@]}" >"$WORK/publish.log" 2>&1 \
    || { cat "$WORK/publish.log" >&2; die "publish failed"; }
fi
PUBLISH_ARGS=() # the peers are published as their READMEs say
SIGNING_KEY=$(head -c 32 /dev/urandom | base64)

start_jwtmvc() { # start_jwtmvc NAME [DBPATH]: as start_server, but a refusal in key-ring mode is a finding, not a crash
  if ! start_server "$@"; then
    if [ "$SIGNING" = keyring ]; then
      echo "key-ring mode (no Jwt__SigningKey): this build of JwtMvc does not start without a signing key in Production;"
      echo "the signing-keys branch (#14) adds the key ring. Its last words:"
      grep -m3 -i 'signingkey\|Jwt:' "$WORK/$1.log" | cut -c1-300 || tail -n 3 "$WORK/$1.log"
      exit 4
    fi
    die "JwtMvc ($1) did not answer /health"
  fi
}

# --- measuring -----------------------------------------------------------------------------------------------------
# CPU time (user + system) a process has used, in ms: a server's CPU per request is far less sensitive to other
# work on the machine than its requests/s.
CLK_TCK=$(getconf CLK_TCK)
cpu_ms() { awk -v hz="$CLK_TCK" '{ sub(/^.*\) /, ""); printf "%.0f\n", ($12 + $13) * 1000 / hz }' "/proc/$1/stat"; }
rss_mb() { awk '/^VmRSS:/ { printf "%.0f\n", $2 / 1024 }' "/proc/$1/status" 2>/dev/null || echo 0; }

# One wrk run: prints "rps p50ms p99ms cpu-us-per-request"; fails when any response was not 2xx (a broken run is not a figure).
run_wrk() { # run_wrk URL TOKEN SECONDS SERVER_PID
  local out before after
  before=$(cpu_ms "$4")
  out=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$3s" --timeout 10s --latency -H "Authorization: Bearer $2" "$1" 2>&1) || { echo "$out" >&2; return 1; }
  after=$(cpu_ms "$4")
  if grep -q 'Non-2xx\|Socket errors' <<<"$out"; then echo "$out" >&2; die "wrk against $1 saw errors"; fi
  awk -v cpu=$((after - before)) '
    function ms(v) { if (v ~ /us$/) return v/1000; if (v ~ /ms$/) return v+0; if (v ~ /s$/) return v*1000; return v }
    /^ +50%/ { p50 = ms($2) } /^ +99%/ { p99 = ms($2) } /^Requests\/sec:/ { rps = $2 } / requests in / { n = $1 }
    END { printf "%.0f %.2f %.2f %.1f\n", rps, p50, p99, (n > 0) ? cpu * 1000 / n : 0 }' <<<"$out"
}
median() { sort -n | awk '{ v[NR] = $1 } END { if (NR == 0) print 0; else print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0) ? a / b : 0 }'; }
at_least() { awk -v v="$1" -v g="$2" 'BEGIN { print (v + 0 >= g + 0) ? 1 : 0 }'; }
at_most() { awk -v v="$1" -v g="$2" 'BEGIN { print (v + 0 <= g + 0) ? 1 : 0 }'; }

declare -A RESULT # RESULT[key]="rps p50 p99 cpu-us" (medians of the runs); RESULT[key_ratio]: median of per-round ratios
# measure_rounds KEY PATH NAME...: WARMUP s of wrk on each, then REPEATS rounds of DURATION s, each server in turn.
# The first name is the subject: every other one gets KEY_NAME_ratio = median over rounds of subject/other.
measure_rounds() {
  local key=$1 path=$2 subject=$3 name i line
  shift 2
  for name in "$@"; do : >"$WORK/$key.$name.runs"; : >"$WORK/$key.$name.ratios"; done
  for name in "$@"; do run_wrk "${URL[$name]}$path" "${TOKEN[$name]}" "$WARMUP" "${PID[$name]}" >/dev/null; done
  for i in $(seq "$REPEATS"); do
    line="   round $i:"
    for name in "$@"; do
      run_wrk "${URL[$name]}$path" "${TOKEN[$name]}" "$DURATION" "${PID[$name]}" >>"$WORK/$key.$name.runs"
      line+=" $name $(tail -n1 "$WORK/$key.$name.runs" | cut -d' ' -f1)/s"
    done
    echo "$line" >&2
    for name in "$@"; do
      ratio "$(tail -n1 "$WORK/$key.$subject.runs" | cut -d' ' -f1)" "$(tail -n1 "$WORK/$key.$name.runs" | cut -d' ' -f1)" >>"$WORK/$key.$name.ratios"
      echo >>"$WORK/$key.$name.ratios"
    done
  done
  for name in "$@"; do
    RESULT[${key}_$name]="$(for f in 1 2 3 4; do cut -d' ' -f$f "$WORK/$key.$name.runs" | median; done | tr '\n' ' ')"
    RESULT[${key}_${name}_ratio]=$(median <"$WORK/$key.$name.ratios")
  done
}

# refresh_run NAME AGENT ARGS...: the refresh client against one server; prints its JSON line
refresh_run() {
  local name=$1 agent=$2
  shift 2
  node "$ROOT/bench/refresh-load.mjs" --url "${URL[$name]}" --user "$USER_NAME" --password "$USER_PASSWORD" \
    --workers "$WORKERS" --agent "$agent" --server-pid "${PID[$name]}" --flavour "$(refresh_flavour "$name")" "$@" \
    || die "the refresh client failed against $name"
}
jf() { json_field "$2" <<<"$1"; } # jf JSON FIELD

# Every refresh token of the sessions with this user agent used exactly once, counted in JwtMvc's database (WAL:
# readable while the app runs); prints the number of double-spends (0 when all is well) and a line on stderr.
double_spends() { # double_spends DB AGENT EXPECTED_USED
  local db=$1 agent=$2 expected=$3 sessions tokens used revoked twice orphans race
  q() { sqlite3 -batch -noheader "$db" "$1"; }
  local rot="s.UserAgent = '$agent'" racecond="s.UserAgent = '$agent-race'"
  sessions=$(q "SELECT COUNT(*) FROM Sessions s WHERE $rot")
  tokens=$(q "SELECT COUNT(*) FROM RefreshTokens t JOIN Sessions s ON s.Id = t.SessionId WHERE $rot")
  used=$(q "SELECT COUNT(*) FROM RefreshTokens t JOIN Sessions s ON s.Id = t.SessionId WHERE $rot AND t.UsedAt IS NOT NULL")
  revoked=$(q "SELECT COUNT(*) FROM Sessions s WHERE ($rot OR $racecond) AND s.RevokedAt IS NOT NULL")
  # A token spent twice leaves more children than claims, or one parent named by two children; every child names
  # its parent (ReplacesId) and is named by it (ReplacedByHash).
  twice=$(q "SELECT COUNT(*) FROM (SELECT ReplacedByHash FROM RefreshTokens WHERE ReplacedByHash IS NOT NULL GROUP BY ReplacedByHash HAVING COUNT(*) > 1)")
  orphans=$(q "SELECT COUNT(*) FROM RefreshTokens c JOIN Sessions s ON s.Id = c.SessionId WHERE $rot
    AND c.CreatedAt > s.CreatedAt AND NOT EXISTS (SELECT 1 FROM RefreshTokens p WHERE p.Id = c.ReplacesId AND p.ReplacedByHash = c.TokenHash AND p.SessionId = c.SessionId)")
  race=$(q "SELECT COUNT(*) FROM Sessions s WHERE $racecond AND (SELECT COUNT(*) FROM RefreshTokens t WHERE t.SessionId = s.Id) > 2")
  echo "   database ($agent): $sessions sessions, $tokens tokens, $used used (client: $expected), $revoked revoked, $twice named twice, $orphans orphans, $race races with 2 winners" >&2
  local n=$(( (tokens - sessions) - used + twice + orphans + race + revoked ))
  [ "$used" = "$expected" ] || n=$((n + 1))
  echo "$n"
}

# --- start time ----------------------------------------------------------------------------------------------------
# A fresh process until /health answers 200, then killed (SIGKILL: no graceful shutdown in the figure; SQLite's
# journal makes that safe). hyperfine times the whole script, so the figure includes a few ms of bash and curl.
measure_start() { # measure_start DBPATH: hyperfine on an existing and a fresh database; writes $WORK/start.json
  local port key=""
  port=$(free_port)
  [ "$SIGNING" = hs256 ] && key="Jwt__SigningKey=$SIGNING_KEY"
  cat >"$WORK/start-poll.sh" <<EOF
#!/usr/bin/env bash
cd "$WORK/app"
export ASPNETCORE_ENVIRONMENT=Production DOTNET_ENVIRONMENT=Production ASPNETCORE_URLS=http://127.0.0.1:$port \
  ConnectionStrings__Default="Data Source=\$1" $key Logging__LogLevel__Default=Warning \
  Seed__Users__0__UserName=$USER_NAME Seed__Users__0__Email=alice@jwtmvc.local Seed__Users__0__Password='$USER_PASSWORD' \
  Seed__Users__0__Roles__0=User Email__Enabled=false ${APP_ENV:-}
dotnet JwtMvc.Web.dll >/dev/null 2>&1 &
pid=\$!
trap 'kill -KILL \$pid 2>/dev/null; wait \$pid 2>/dev/null' EXIT
for _ in \$(seq 2000); do
  [ "\$(curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1:$port/health)" = 200 ] && exit 0
  kill -0 \$pid 2>/dev/null || exit 1
  sleep 0.01
done
exit 1
EOF
  chmod +x "$WORK/start-poll.sh"
  say "start: $START_RUNS runs each, existing database and fresh database (migrate + seed)"
  hyperfine --style basic --runs "$START_RUNS" --warmup 1 --export-json "$WORK/start.json" \
    -n existing-db "$WORK/start-poll.sh $1" \
    -n fresh-db --prepare "rm -rf $WORK/fresh; mkdir -p $WORK/fresh" "$WORK/start-poll.sh $WORK/fresh/jwtmvc.db" >&2 \
    || die "a start did not answer /health"
}
start_stat() { node -e 'const r=require(process.argv[1]).results.find(x=>x.command===process.argv[2]);console.log(r[process.argv[3]].toFixed(2))' "$WORK/start.json" "$1" "$2"; }

verdict() { [ "$1" = 1 ] && echo met || echo MISSED; }
MISSED=0
row() { # row LABEL VALUE GOAL-TEXT OK
  printf '%-52s %14s   %s\n' "$1" "$2" "${3:+$3: $(verdict "$4")}"
  if [ -n "$3" ] && [ "$4" != 1 ]; then MISSED=1; fi
}
footer() {
  echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg) (on $(nproc) cores; other work on the machine skews every absolute figure)"
  [ "$MISSED" = 0 ] && { echo "all goals met"; exit 0; }
  echo "some goals MISSED"; exit 3
}

# ===================================================================================================================
if [ "$MODE" = growth ]; then
  say "publishing JwtMvc.Benchmarks (the seed-growth tool)"
  dotnet publish "$ROOT/JwtMvc.Benchmarks/JwtMvc.Benchmarks.csproj" -c Release -o "$WORK/bench" --nologo -v quiet >"$WORK/publish-bench.log" 2>&1 \
    || { cat "$WORK/publish-bench.log" >&2; die "publishing JwtMvc.Benchmarks failed"; }
  say "seeding the grown database: $GROWTH_USERS users, $GROWTH_SESSIONS sessions, $GROWTH_TOKENS refresh tokens"
  mkdir -p "$WORK/db"
  seed_started=$SECONDS
  dotnet "$WORK/bench/JwtMvc.Benchmarks.dll" seed-growth --db "$WORK/db/jwtmvc_grown.db" \
    --users "$GROWTH_USERS" --sessions "$GROWTH_SESSIONS" --tokens "$GROWTH_TOKENS" >"$WORK/seed.json" || die "seed-growth failed"
  echo "   $(cat "$WORK/seed.json") ($((SECONDS - seed_started)) s)" >&2

  # Both apps run side by side, so that every measurement alternates between them in the same conditions.
  start_jwtmvc jwtmvc_fresh; sign_in jwtmvc_fresh
  start_jwtmvc jwtmvc_grown "$WORK/db/jwtmvc_grown.db"; sign_in jwtmvc_grown
  # The grown app's working set, sampled every 0.2 s for the whole run.
  ( while kill -0 "${PID[jwtmvc_grown]}" 2>/dev/null; do rss_mb "${PID[jwtmvc_grown]}"; sleep 0.2; done ) >"$WORK/rss.grown" &
  SAMPLER_PID=$!

  say "GET /api/me: grown against fresh, alternating"
  measure_rounds me /api/me jwtmvc_grown jwtmvc_fresh
  say "sign-in and refresh: $WORKERS clients, alternating ($REPEATS rounds)"
  for i in $(seq "$REPEATS"); do
    for name in jwtmvc_grown jwtmvc_fresh; do
      j=$(refresh_run "$name" "growth-$name-$i" --login-seconds "$DURATION" --warmup-seconds 5 --seconds "$DURATION" --race-pairs 0)
      echo "   round $i $name: $(jf "$j" loginsPerSecond) sign-ins/s, $(jf "$j" rotationsPerSecond) rotations/s" >&2
      jf "$j" loginsPerSecond >>"$WORK/login.$name"; jf "$j" rotationsPerSecond >>"$WORK/refresh.$name"
    done
  done
  rss_fresh=$(rss_mb "${PID[jwtmvc_fresh]}")
  stop "$SAMPLER_PID"; SAMPLER_PID=""
  rss_peak=$(sort -n "$WORK/rss.grown" | tail -n1)

  me_grown=$(cut -d' ' -f1 <<<"${RESULT[me_jwtmvc_grown]}"); me_fresh=$(cut -d' ' -f1 <<<"${RESULT[me_jwtmvc_fresh]}")
  login_grown=$(median <"$WORK/login.jwtmvc_grown"); login_fresh=$(median <"$WORK/login.jwtmvc_fresh")
  refresh_grown=$(median <"$WORK/refresh.jwtmvc_grown"); refresh_fresh=$(median <"$WORK/refresh.jwtmvc_fresh")
  me_r=$(printf '%.2f' "${RESULT[me_jwtmvc_fresh_ratio]}")
  login_r=$(ratio "$login_grown" "$login_fresh"); refresh_r=$(ratio "$refresh_grown" "$refresh_fresh")

  echo
  echo "Growth ($SIGNING): JwtMvc on a grown database ($(cat "$WORK/seed.json")) against a fresh one, alternating"
  echo "$(nproc) cores shared with wrk -t$THREADS -c$CONNECTIONS and the refresh client; medians of $REPEATS rounds"
  printf '%-52s %14s   %s\n' measurement "grown / fresh" goal
  row "GET /api/me req/s ($me_grown / $me_fresh)" "${me_r}x" ">= ${GROWTH_GOAL}x" "$(at_least "$me_r" $GROWTH_GOAL)"
  row "sign-ins/s ($login_grown / $login_fresh)" "${login_r}x" ">= ${GROWTH_GOAL}x" "$(at_least "$login_r" $GROWTH_GOAL)"
  row "refresh rotations/s ($refresh_grown / $refresh_fresh)" "${refresh_r}x" ">= ${GROWTH_GOAL}x" "$(at_least "$refresh_r" $GROWTH_GOAL)"
  row "working set under load, grown (peak of 0.2 s samples)" "${rss_peak} MB" "< ${WORKING_SET_GOAL_MB} MB" "$(( rss_peak < WORKING_SET_GOAL_MB ))"
  row "working set at the end, fresh" "${rss_fresh} MB" "" ""
  footer
fi

# ===================================================================================================================
# MODE=compare
read -r -a peers <<<"$PEERS"
peers_publish "${peers[@]}"
have() { case " $PEERS " in *" $1 "*) return 0 ;; esac; return 1; }
servers=(jwtmvc "${peers[@]}")

# Cold: each server in turn, a fresh process, signed in once (the sign-in is the only request before the load), then
# COLD seconds of GET /api/me. The others are idle meanwhile.
say "cold GET /api/me: each server freshly started, ${COLD}s of load right after its first sign-in"
for name in "${servers[@]}"; do
  if [ "$name" = jwtmvc ]; then start_jwtmvc jwtmvc; else start_server "$name" || die "$name did not start"; fi
  sign_in "$name"
  RESULT[cold_$name]=$(run_wrk "${URL[$name]}/api/me" "${TOKEN[$name]}" "$COLD" "${PID[$name]}")
  echo "   $name: $(cut -d' ' -f1 <<<"${RESULT[cold_$name]}") req/s in its first ${COLD}s" >&2
done
HAVE_ORDERS=0
[ "$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer ${TOKEN[jwtmvc]}" "${URL[jwtmvc]}/api/orders")" = 200 ] && HAVE_ORDERS=1

say "warm GET /api/me: ${WARMUP}s warm-up each, then $REPEATS rounds of ${DURATION}s: ${servers[*]}"
measure_rounds me /api/me "${servers[@]}"
if have express && [ "$HAVE_ORDERS" = 1 ]; then
  say "GET /api/orders: JwtMvc and express, alternating"
  measure_rounds orders /api/orders jwtmvc express
fi
for name in express floor; do have "$name" && stop_server "$name"; done

# Refresh, warm: REFRESH_WARMUP s of rotations unmeasured, then REFRESH_SECONDS measured; JwtMvc also races.
refreshers=(jwtmvc); have identity && refreshers+=(identity); have openiddict && refreshers+=(openiddict)
say "warm refresh: $WORKERS clients, ${REFRESH_WARMUP}s warm-up, ${REFRESH_SECONDS}s measured: ${refreshers[*]}"
declare -A REFRESH
for name in "${refreshers[@]}"; do
  race=0; [ "$name" = jwtmvc ] && race=32
  REFRESH[warm_$name]=$(refresh_run "$name" "bench-warm" --warmup-seconds "$REFRESH_WARMUP" --seconds "$REFRESH_SECONDS" --race-pairs $race)
  echo "   $name: ${REFRESH[warm_$name]}" >&2
done
j=${REFRESH[warm_jwtmvc]}
spends=$(double_spends "${DBFILE[jwtmvc]}" bench-warm $(( $(jf "$j" rotations) + $(jf "$j" warmupRotations) )))
[ "$(jf "$j" errors)" = 0 ] && [ "$(jf "$j" raceWins)" = "$(jf "$j" racePairs)" ] && [ "$(jf "$j" raceOther)" = 0 ] || spends=$((spends + 1))

# Refresh, cold: a fresh process on the same database; the clients sign in, then the first COLD s of rotations count.
say "cold refresh: each restarted, ${COLD}s of rotations right after the sign-ins"
for name in "${refreshers[@]}"; do
  stop_server "$name"
  if [ "$name" = jwtmvc ]; then start_jwtmvc jwtmvc; else start_server "$name" || die "$name did not restart"; fi
  REFRESH[cold_$name]=$(refresh_run "$name" "bench-cold" --warmup 0 --seconds "$COLD" --race-pairs 0)
  echo "   $name: ${REFRESH[cold_$name]}" >&2
done
j=${REFRESH[cold_jwtmvc]}
spends=$(( spends + $(double_spends "${DBFILE[jwtmvc]}" bench-cold "$(jf "$j" rotations)") ))
[ "$(jf "$j" errors)" = 0 ] || spends=$((spends + 1))
for name in "${servers[@]}"; do stop_server "$name"; done

measure_start "${DBFILE[jwtmvc]}"

# --- summary -------------------------------------------------------------------------------------------------------
rps() { cut -d' ' -f1 <<<"${RESULT[$1]}"; }
cpu() { cut -d' ' -f4 <<<"${RESULT[$1]}"; }
echo
echo "JwtMvc ($SIGNING, R2R=$R2R${APP_ENV:+, $APP_ENV}) against its peers, $(nproc) cores shared with wrk -t$THREADS -c$CONNECTIONS"
echo "warm: medians of $REPEATS rounds of ${DURATION}s after ${WARMUP}s warm-up each; ratio: median of per-round JwtMvc/peer"
echo "cold: the first ${COLD}s of load after a fresh start and one sign-in; CPU/req: the server's own user+system time"
printf '%-22s %10s %8s %8s %10s %10s %10s %8s\n' "GET /api/me" "warm req/s" "p50 ms" "p99 ms" "CPU/req" "cold req/s" "cold CPU" "ratio"
for name in "${servers[@]}"; do
  read -r r p50 p99 c <<<"${RESULT[me_$name]}"
  printf '%-22s %10s %8s %8s %10s %10s %10s %8s\n' "$name" "$r" "$p50" "$p99" "${c}us" "$(rps "cold_$name")" "$(cpu "cold_$name")us" \
    "$(printf '%.2f' "${RESULT[me_${name}_ratio]}")x"
done
echo
printf '%-22s %10s %8s %8s %10s %10s\n' "refresh (${WORKERS} clients)" "warm /s" "p50 ms" "p99 ms" "CPU/rot" "cold /s"
for name in "${refreshers[@]}"; do
  w=${REFRESH[warm_$name]}; c=${REFRESH[cold_$name]}
  printf '%-22s %10s %8s %8s %10s %10s\n' "$name" "$(jf "$w" rotationsPerSecond)" "$(jf "$w" p50Ms)" "$(jf "$w" p99Ms)" \
    "$(jf "$w" serverCpuUsPerRotation)us" "$(jf "$c" rotationsPerSecond)"
done
echo
printf '%-52s %14s   %s\n' goal value verdict
for name in "${peers[@]}"; do
  r=$(printf '%.2f' "${RESULT[me_${name}_ratio]}")
  row "GET /api/me, JwtMvc / $name (warm)" "${r}x" ">= ${ME_GOAL[$name]}x" "$(at_least "$r" "${ME_GOAL[$name]}")"
done
cold_r=$(ratio "$(rps cold_jwtmvc)" "$(rps me_jwtmvc)")
row "GET /api/me, JwtMvc cold / warm" "${cold_r}x" ">= ${COLD_GOAL}x" "$(at_least "$cold_r" $COLD_GOAL)"
if have express && [ "$HAVE_ORDERS" = 1 ]; then
  r=$(printf '%.2f' "${RESULT[orders_express_ratio]}")
  row "GET /api/orders, JwtMvc / express (warm)" "${r}x" ">= ${ORDERS_GOAL}x" "$(at_least "$r" $ORDERS_GOAL)"
else
  row "GET /api/orders" "not measured" "" ""
fi
warm_rot=$(jf "${REFRESH[warm_jwtmvc]}" rotationsPerSecond)
cold_rot=$(jf "${REFRESH[cold_jwtmvc]}" rotationsPerSecond)
row "refresh rotations/s, JwtMvc (warm)" "$warm_rot" ">= $REFRESH_GOAL" "$(at_least "$warm_rot" $REFRESH_GOAL)"
if have identity; then
  r=$(ratio "$warm_rot" "$(jf "${REFRESH[warm_identity]}" rotationsPerSecond)")
  row "refresh, JwtMvc / identity (warm)" "${r}x" ">= ${REFRESH_VS_IDENTITY_GOAL}x" "$(at_least "$r" $REFRESH_VS_IDENTITY_GOAL)"
fi
if have openiddict; then
  row "refresh, JwtMvc / openiddict (warm)" "$(ratio "$warm_rot" "$(jf "${REFRESH[warm_openiddict]}" rotationsPerSecond)")x" "" ""
fi
r=$(ratio "$cold_rot" "$warm_rot")
row "refresh, JwtMvc cold / warm" "${r}x" ">= ${COLD_GOAL}x" "$(at_least "$r" $COLD_GOAL)"
row "double-spends (database count, warm + cold)" "$spends" "0" "$(( spends == 0 ))"
s=$(start_stat existing-db max)
row "start to /health 200, existing db (max; mean $(start_stat existing-db mean))" "${s}s" "<= ${START_GOAL_SECONDS}s" "$(at_most "$s" $START_GOAL_SECONDS)"
row "start to /health 200, fresh db (max; mean $(start_stat fresh-db mean))" "$(start_stat fresh-db max)s" "" ""
echo "growth (100,000 users, 1,000,000 tokens): MODE=growth bench/load.sh; upload: bench/upload.sh"
footer
