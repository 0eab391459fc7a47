#!/usr/bin/env bash
# Uploads benchmark (not a test): builds Release, starts the real server on 127.0.0.1 with a fresh SQLite
# database and a temporary Uploads:Root, uploads one large file (PNG header + zeros) with curl, and reports
# throughput and the server's memory: peak resident set (sampled VmRSS, and the kernel's VmHWM) against its
# idle size after a warm-up. Fails when the peak exceeds idle by more than BENCH_MAX_GROWTH_MIB (100).
#
#   bench/upload.sh                 # 1 GiB
#   BENCH_SIZE_MIB=256 bench/upload.sh
set -euo pipefail
cd "$(dirname "$0")/.."

size_mib=${BENCH_SIZE_MIB:-1024}
max_growth_mib=${BENCH_MAX_GROWTH_MIB:-100}
port=${BENCH_PORT:-$((5400 + RANDOM % 100))}
work=$(mktemp -d -t jwtmvc-bench-XXXXXX)
server_pid=""
sampler_pid=""

cleanup() {
  [ -n "$sampler_pid" ] && kill "$sampler_pid" 2>/dev/null || true
  if [ -n "$server_pid" ]; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

if ss -ltn 2>/dev/null | grep -q "127.0.0.1:$port "; then
  echo "port $port is in use; set BENCH_PORT (5400-5499)" >&2
  exit 1
fi

echo "== building Release"
dotnet build JwtMvc.Web/JwtMvc.Web.csproj -c Release -v q -nologo >/dev/null

echo "== generating a ${size_mib} MiB file (PNG signature + zeros)"
file="$work/big.png"
{ printf '\x89PNG\r\n\x1a\n'; head -c $((size_mib * 1024 * 1024 - 8)) /dev/zero; } > "$file"
bytes=$(stat -c %s "$file")

echo "== starting the server on 127.0.0.1:$port"
mkdir -p "$work/content"
(
  cd "$work/content"
  export ASPNETCORE_ENVIRONMENT=Production
  export ConnectionStrings__Default="Data Source=$work/bench.db"
  export Uploads__Root="$work/uploads"
  export Uploads__MaxFileBytes=$((bytes + 1024 * 1024))
  export Uploads__MaxBytesPerUser=$((bytes + 16 * 1024 * 1024)) # the file and the warm-up's three 1 MiB files
  export Jwt__SigningKey="$(head -c 32 /dev/urandom | base64)"
  export Seed__Users__0__UserName=bench Seed__Users__0__Email=bench@bench.local Seed__Users__0__Password='Bench#12345'
  export Logging__LogLevel__Default=Warning
  exec dotnet "$OLDPWD/JwtMvc.Web/bin/Release/net10.0/JwtMvc.Web.dll" --urls "http://127.0.0.1:$port" --contentRoot "$work/content"
) > "$work/server.log" 2>&1 &
server_pid=$!

base="http://127.0.0.1:$port"
for _ in $(seq 1 300); do
  curl -fs "$base/health" >/dev/null 2>&1 && break
  kill -0 "$server_pid" 2>/dev/null || { echo "server exited:"; cat "$work/server.log"; exit 1; }
  sleep 0.2
done
curl -fs "$base/health" >/dev/null || { echo "server did not become healthy"; cat "$work/server.log"; exit 1; }

token=$(curl -fs -d 'grant_type=password&username=bench&password=Bench%2312345' "$base/api/auth/token" \
  | sed -n 's/.*"access_token":"\([^"]*\)".*/\1/p')
[ -n "$token" ] || { echo "could not sign in"; exit 1; }

rss_kib() { awk '/^VmRSS:/ { print $2 }' "/proc/$server_pid/status"; }
hwm_kib() { awk '/^VmHWM:/ { print $2 }' "/proc/$server_pid/status"; }

# Warm-up: the upload path JIT-compiled and its pools created, so "idle" is the server ready for work.
head -c 1048576 "$file" > "$work/warm.png"
for _ in 1 2 3; do
  curl -fs -o /dev/null -H "Authorization: Bearer $token" -F "files=@$work/warm.png;type=image/png" "$base/api/uploads"
done
idle_kib=$(rss_kib)
hwm_before_kib=$(hwm_kib)

peak_file="$work/peak"
echo "$idle_kib" > "$peak_file"
(
  peak=$idle_kib
  while kill -0 "$server_pid" 2>/dev/null; do
    now=$(awk '/^VmRSS:/ { print $2 }' "/proc/$server_pid/status" 2>/dev/null || echo 0)
    if [ "${now:-0}" -gt "$peak" ]; then peak=$now; echo "$peak" > "$peak_file"; fi
    sleep 0.05
  done
) &
sampler_pid=$!

echo "== uploading $((bytes / 1024 / 1024)) MiB"
result=$(curl -s -o "$work/response.json" -w '%{http_code} %{time_total}' \
  -H "Authorization: Bearer $token" -F "files=@$file;type=image/png" "$base/api/uploads")
status=${result% *}
seconds=${result#* }
sleep 0.3 # one more sample after the response
kill "$sampler_pid" 2>/dev/null || true
wait "$sampler_pid" 2>/dev/null || true
sampler_pid=""

peak_kib=$(cat "$peak_file")
hwm_after_kib=$(hwm_kib)
[ "$status" = "201" ] || { echo "upload failed with $status:"; cat "$work/response.json"; echo; tail -20 "$work/server.log"; exit 1; }

expected_sha=$(sha256sum "$file" | cut -d' ' -f1)
grep -q "\"sha256\":\"$expected_sha\"" "$work/response.json" || { echo "the server's SHA-256 does not match the file"; exit 1; }
stored=$(find "$work/uploads" -type f ! -path '*/.staging/*' -size +$((bytes / 1024 - 1))k | wc -l)

mib() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }
growth_kib=$((peak_kib - idle_kib))
throughput=$(awk -v b="$bytes" -v s="$seconds" 'BEGIN { printf "%.1f", b / 1048576 / s }')

echo
echo "file              $((bytes / 1024 / 1024)) MiB, sha256 verified, stored: $stored file(s)"
echo "time              ${seconds} s"
echo "throughput        ${throughput} MiB/s"
echo "idle VmRSS        $(mib "$idle_kib") MiB (after warm-up)"
echo "peak VmRSS        $(mib "$peak_kib") MiB (sampled every 50 ms)"
echo "growth            $(mib "$growth_kib") MiB (limit ${max_growth_mib} MiB)"
echo "VmHWM             $(mib "$hwm_before_kib") MiB before, $(mib "$hwm_after_kib") MiB after the upload"

if [ "$growth_kib" -gt $((max_growth_mib * 1024)) ] || [ $((hwm_after_kib - hwm_before_kib)) -gt $((max_growth_mib * 1024)) ]; then
  echo "FAIL: the server's working set grew by more than ${max_growth_mib} MiB"
  exit 1
fi
echo "OK: working set stayed within ${max_growth_mib} MiB of idle"
