#!/usr/bin/env bash
# Against a cluster started by deploy/cluster.sh up: sign in through nginx, see the session accepted by every
# instance, sign out through nginx, and see every instance refuse the session within a second (Redis pub/sub).
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
dir="${CLUSTER_DIR:-$root/deploy/.cluster}"
url=$(cat "$dir/url")
mapfile -t ports <"$dir/instances"
jar=$(mktemp)
trap 'rm -f "$jar"' EXIT

status() { curl -s --max-time 10 -o /dev/null -w '%{http_code}' "$@"; }

login=$(curl -fsS --max-time 30 -c "$jar" -H 'Content-Type: application/json' -d '{"userName":"alice","password":"Alice#12345"}' "$url/api/auth/login")
token=$(printf '%s' "$login" | sed -n 's/.*"accessToken":"\([^"]*\)".*/\1/p')
[ -n "$token" ] || { echo "FAIL: no access token from $url/api/auth/login: $login"; exit 1; }
echo "signed in as alice through nginx ($url)"

for port in "${ports[@]}"; do
  code=$(status -H "Authorization: Bearer $token" "http://127.0.0.1:$port/api/me")
  [ "$code" = 200 ] || { echo "FAIL: instance on port $port answered $code before the logout"; exit 1; }
done
echo "every instance accepts the session (and has cached it)"

code=$(status -b "$jar" -X POST -H 'X-Requested-With: XMLHttpRequest' "$url/api/auth/logout")
[ "$code" = 204 ] || { echo "FAIL: logout through nginx answered $code"; exit 1; }
start=$(date +%s%N)
echo "signed out through nginx"

for port in "${ports[@]}"; do
  refused=""
  for _ in $(seq 1 100); do
    if [ "$(status -H "Authorization: Bearer $token" "http://127.0.0.1:$port/api/me")" = 401 ]; then refused=1; break; fi
    sleep 0.01
  done
  [ -n "$refused" ] || { echo "FAIL: instance on port $port still accepts the revoked session"; exit 1; }
  echo "instance on port $port refuses the session ($(( ($(date +%s%N) - start) / 1000000 )) ms after the logout)"
done

health=$(curl -fsS --max-time 10 "$url/health")
case "$health" in *'"status":"Healthy"'*) ;; *) echo "FAIL: /health through nginx: $health"; exit 1 ;; esac
echo "OK: /health is Healthy; the revocation reached every instance"
