# Sourced by bench/load.sh: builds, starts and signs in to each server of the comparison.
#
#   jwtmvc      the published JwtMvc.Web (HS256 with Jwt__SigningKey, or key-ring mode without one: SIGNING=keyring)
#   express     ../shared/peers/express-jwt with TUNED=1 (mint.js signs its token)
#   identity    ../shared/peers/identity-api: AddIdentityApiEndpoints + MapIdentityApi (POST /login, POST /refresh)
#   openiddict  ../shared/peers/openiddict: OpenIddict 7.8 server + validation (POST /connect/token)
#   floor       bench/floor: JwtBearer validating an HS256 token, no database (POST /token)
#
# The shared folder may be read-only: every peer is copied into $WORK first and built there.
# Needs from load.sh: ROOT, WORK, SIGNING, USER_NAME, USER_PASSWORD, SIGNING_KEY, say, die, free_port, wait_for, stop.
# Keeps per server: PID[name], URL[name], DBFILE[name], TOKEN[name] (a bearer token that server accepts).

# shared/ sits beside the main checkout; a worktree is one level deeper (/work/wt/NAME).
if [ -z "${PEERS_DIR:-}" ]; then
  PEERS_DIR=$ROOT/../shared/peers
  [ -d "$PEERS_DIR" ] || [ ! -d "$ROOT/../../shared/peers" ] || PEERS_DIR=$ROOT/../../shared/peers
fi
declare -A PID URL DBFILE TOKEN

# Microsoft.* at 10.0.14, OpenIddict 7.8.0 (which brings Microsoft.Extensions.Http.Resilience 10.11.0): all served.
peers_publish() { # peers_publish NAME...: publish the .NET peers named, npm ci the express one
  local name src proj
  for name in "$@"; do
    case "$name" in
      identity) src=$PEERS_DIR/identity-api; proj=identity-api.csproj ;;
      openiddict) src=$PEERS_DIR/openiddict; proj=openiddict-peer.csproj ;;
      floor) src=$ROOT/bench/floor; proj=floor.csproj ;;
      express)
        [ -f "$PEERS_DIR/express-jwt/server.js" ] || die "the express-jwt peer is not at $PEERS_DIR/express-jwt (set PEERS_DIR)"
        cp -r "$PEERS_DIR/express-jwt" "$WORK/express"; chmod -R u+w "$WORK/express"
        if [ ! -d "$WORK/express/node_modules" ]; then
          (cd "$WORK/express" && npm ci --no-audit --no-fund --loglevel=error >"$WORK/npm.log" 2>&1) \
            || { cat "$WORK/npm.log" >&2; die "npm ci failed in the express-jwt copy"; }
        fi
        continue ;;
      *) die "unknown peer $name" ;;
    esac
    [ -f "$src/$proj" ] || die "$name: no $src/$proj (set PEERS_DIR)"
    # PEERS_CACHE=DIR: publish each peer there once and reuse it (the peers do not change between runs).
    if [ -n "${PEERS_CACHE:-}" ] && [ -f "$PEERS_CACHE/$name/.published" ]; then
      ln -s "$PEERS_CACHE/$name" "$WORK/$name"; continue
    fi
    say "publishing $name (Release)"
    mkdir -p "$WORK/src"
    # floor inherits the repository's Directory.*.props (central versions, warnings as errors); build it in place.
    if [ "$name" != floor ]; then
      cp -r "$src" "$WORK/src/$name"; chmod -R u+w "$WORK/src/$name"
      rm -rf "$WORK/src/$name/bin" "$WORK/src/$name/obj"
      src=$WORK/src/$name
    fi
    dotnet publish "$src/$proj" -c Release -o "$WORK/$name" --nologo -v quiet "${PUBLISH_ARGS[@]}" >"$WORK/publish-$name.log" 2>&1 \
      || { cat "$WORK/publish-$name.log" >&2; die "publishing $name failed"; }
    if [ -n "${PEERS_CACHE:-}" ]; then
      rm -rf "${PEERS_CACHE:?}/$name"; mkdir -p "$PEERS_CACHE"; cp -r "$WORK/$name" "$PEERS_CACHE/$name"; touch "$PEERS_CACHE/$name/.published"
    fi
  done
}

# The environment JwtMvc runs with: Production-like, Warning logs, the password limiter raised so the load is not
# throttled (the token endpoint carries the refresh grant too), alice's session limit raised (every load client is one
# more session of hers), alice seeded. SIGNING=keyring leaves out the key.
# APP_ENV adds settings for JwtMvc alone, e.g. APP_ENV="DOTNET_TieredPGO=0" (the peers and the build keep the defaults).
jwtmvc_env() { # jwtmvc_env URL DBPATH: prints the export line
  local key=""
  [ "$SIGNING" = hs256 ] && key="Jwt__SigningKey=$SIGNING_KEY"
  echo "ASPNETCORE_ENVIRONMENT=Production DOTNET_ENVIRONMENT=Production ASPNETCORE_URLS=$1 \
ConnectionStrings__Default=Data\ Source=$2 $key Logging__LogLevel__Default=Warning \
RateLimiting__Auth__PermitLimit=100000 RateLimiting__Auth__WindowSeconds=1 Jwt__MaxSessionsPerUser=10000 Jwt__MaxRotationsPerSession=10000000 \
Seed__Users__0__UserName=$USER_NAME Seed__Users__0__Email=alice@jwtmvc.local Seed__Users__0__Password=$(printf %q "$USER_PASSWORD") \
Seed__Users__0__DisplayName=Alice Seed__Users__0__Roles__0=User Email__Enabled=false ${APP_ENV:-}"
}

start_server() { # start_server NAME [DBPATH]: a fresh process; waits for its health route; sets PID, URL, DBFILE
  local name=$1 port url health log=$WORK/$1.log
  port=$(free_port "${URL[@]##*:}")
  url="http://127.0.0.1:$port"
  mkdir -p "$WORK/db"
  [ -n "${2:-}" ] && DBFILE[$name]=$2
  case "$name" in
    jwtmvc|jwtmvc_*)
      : "${DBFILE[$name]:=$WORK/db/$name.db}"
      (cd "$WORK/app" && eval "export $(jwtmvc_env "$url" "${DBFILE[$name]}")" && exec dotnet JwtMvc.Web.dll) >>"$log" 2>&1 &
      health=/health ;;
    express)
      : "${PEER_SECRET:=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')}"
      (cd "$WORK/express" && PORT=$port TUNED=1 TOKEN_SECRET=$PEER_SECRET SECRET_FILE="$WORK/express.secret" exec node server.js) >>"$log" 2>&1 &
      health=/api/public ;;
    identity|openiddict)
      : "${DBFILE[$name]:=$WORK/db/$name.db}"
      local dll=identity-api.dll; [ "$name" = openiddict ] && dll=openiddict-peer.dll
      (cd "$WORK/$name" && DB=${DBFILE[$name]} exec dotnet "$dll" --urls "$url") >>"$log" 2>&1 &
      health=/health ;;
    floor)
      : "${FLOOR_KEY:=$(head -c 32 /dev/urandom | base64)}"
      (cd "$WORK/floor" && FLOOR_KEY=$FLOOR_KEY exec dotnet floor.dll --urls "$url") >>"$log" 2>&1 &
      health=/health ;;
    *) die "unknown server $name" ;;
  esac
  PID[$name]=$!
  URL[$name]=$url
  wait_for "$url$health" 90 "${PID[$name]}" || { tail -n 30 "$log" >&2; return 1; }
}

stop_server() { stop "${PID[$1]:-}"; PID[$1]=""; }

json_field() { node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const v=JSON.parse(s)[process.argv[1]];if(v===undefined||v===null)process.exit(1);console.log(v)})' "$1"; }

sign_in() { # sign_in NAME: sets TOKEN[name] through that server's own sign-in endpoint
  local name=$1 url=${URL[$1]} t
  case "$name" in
    jwtmvc|jwtmvc_*) t=$(curl -fsS -d grant_type=password -d username="$USER_NAME" --data-urlencode "password=$USER_PASSWORD" "$url/api/auth/token" | json_field access_token) ;;
    express) t=$(cd "$WORK/express" && node mint.js "$PEER_SECRET") ;;
    identity) t=$(curl -fsS -H 'Content-Type: application/json' -d "{\"email\":\"$USER_NAME\",\"password\":\"$USER_PASSWORD\"}" "$url/login?useCookies=false" | json_field accessToken) ;;
    openiddict) t=$(curl -fsS -d grant_type=password -d username="$USER_NAME" --data-urlencode "password=$USER_PASSWORD" -d client_id=peer -d scope=offline_access "$url/connect/token" | json_field access_token) ;;
    floor) t=$(curl -fsS -X POST "$url/token" | json_field access_token) ;;
  esac || die "could not sign in to $name"
  TOKEN[$name]=$t
  [ "$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $t" "$url/api/me")" = 200 ] || die "$name: GET /api/me did not answer 200"
}

refresh_flavour() { case "$1" in identity|openiddict) echo "$1" ;; *) echo jwtmvc ;; esac; }
