#!/usr/bin/env bash
# A local scale-out demo: redis-server, three JwtMvc instances on one SQLite database, nginx round-robin in front.
# Everything listens on 127.0.0.1 on free ports; state, pid files and logs live in one folder (CLUSTER_DIR).
#   deploy/cluster.sh up     build once, start everything, print the URL and the demo users
#   deploy/cluster.sh down   stop exactly what `up` started (by pid file)
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
dir="${CLUSTER_DIR:-$root/deploy/.cluster}"
instances=3

free_port() {
  local port
  while :; do
    port=$((20000 + RANDOM % 40000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && ! grep -qx "$port" "$dir/ports" 2>/dev/null; then
      echo "$port" >>"$dir/ports"
      echo "$port"
      return
    fi
  done
}

wait_for() { # url, what, pid file
  for _ in $(seq 1 600); do
    if curl -fsS --max-time 5 -o /dev/null "$1" 2>/dev/null; then return 0; fi
    if ! kill -0 "$(cat "$3")" 2>/dev/null; then echo "$2 exited; see $dir/logs" >&2; return 1; fi
    sleep 0.1
  done
  echo "$2 did not answer at $1; see $dir/logs" >&2
  return 1
}

start() { # name, command...; records the pid
  local name=$1; shift
  "$@" >>"$dir/logs/$name.log" 2>&1 &
  echo $! >"$dir/pids/$name.pid"
}

up() {
  if compgen -G "$dir/pids/*.pid" >/dev/null; then
    echo "a cluster is already up (pid files in $dir/pids); run: $0 down" >&2
    exit 1
  fi
  command -v redis-server >/dev/null || { echo "redis-server is missing: apt-get install -y redis-server" >&2; exit 1; }
  command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || { echo "nginx is missing: apt-get install -y nginx" >&2; exit 1; }
  local nginx_bin; nginx_bin="$(command -v nginx || echo /usr/sbin/nginx)"

  rm -rf "$dir/app" "$dir/nginx" "$dir/ports"
  mkdir -p "$dir/logs" "$dir/pids" "$dir/nginx" "$dir/data"
  echo "building into $dir/app ..."
  dotnet publish "$root/JwtMvc.Web" -c Release -o "$dir/app" --nologo -v quiet >"$dir/logs/build.log" 2>&1 \
    || { echo "build failed; see $dir/logs/build.log" >&2; exit 1; }

  local redis_port; redis_port=$(free_port)
  start redis redis-server --port "$redis_port" --save '' --appendonly no --bind 127.0.0.1
  for _ in $(seq 1 100); do (exec 3<>"/dev/tcp/127.0.0.1/$redis_port") 2>/dev/null && break; sleep 0.1; done

  # One configuration for every instance: one database, one signing key, one Redis, nginx as the known proxy.
  local key_file="$dir/data/signing-key"
  [ -s "$key_file" ] || head -c 32 /dev/urandom | base64 >"$key_file"
  export ASPNETCORE_ENVIRONMENT=Development
  export ConnectionStrings__Default="Data Source=$dir/data/jwtmvc.db"
  export Jwt__SigningKey; Jwt__SigningKey="$(cat "$key_file")"
  export Redis__Configuration="127.0.0.1:$redis_port"
  export ForwardedHeaders__KnownProxies__0=127.0.0.1
  export Uploads__Root="$dir/data/uploads"

  local upstream="" ports=()
  for i in $(seq 1 $instances); do
    local port; port=$(free_port)
    ports+=("$port")
    (cd "$dir/app" && ASPNETCORE_URLS="http://127.0.0.1:$port" exec dotnet JwtMvc.Web.dll) >>"$dir/logs/instance$i.log" 2>&1 &
    echo $! >"$dir/pids/instance$i.pid"
    # The first one migrates and seeds the database; the others start once it is ready.
    [ "$i" -eq 1 ] && wait_for "http://127.0.0.1:$port/health" "instance 1" "$dir/pids/instance1.pid"
    upstream+="    server 127.0.0.1:$port;"$'\n'
  done
  for i in $(seq 2 $instances); do
    wait_for "http://127.0.0.1:${ports[$((i - 1))]}/health" "instance $i" "$dir/pids/instance$i.pid"
  done

  local nginx_port; nginx_port=$(free_port)
  cat >"$dir/nginx/nginx.conf" <<CONF
worker_processes 1;
daemon off;
pid $dir/nginx/nginx.pid;
error_log $dir/logs/nginx-error.log warn;
events { worker_connections 256; }
http {
  access_log $dir/logs/nginx-access.log;
  client_body_temp_path $dir/nginx/client_body;
  proxy_temp_path $dir/nginx/proxy;
  fastcgi_temp_path $dir/nginx/fastcgi;
  uwsgi_temp_path $dir/nginx/uwsgi;
  scgi_temp_path $dir/nginx/scgi;
  client_max_body_size 30m;
  upstream jwtmvc {
$upstream  }
  server {
    listen 127.0.0.1:$nginx_port;
    location / {
      proxy_pass http://jwtmvc;
      proxy_http_version 1.1;              # Kestrel refuses an HTTP/1.0 POST without a body length
      proxy_set_header Connection "";
      proxy_set_header Host \$http_host;
      proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto \$scheme;
    }
  }
}
CONF
  start nginx "$nginx_bin" -p "$dir/nginx" -c "$dir/nginx/nginx.conf"
  wait_for "http://127.0.0.1:$nginx_port/health" "nginx" "$dir/pids/nginx.pid"

  echo "http://127.0.0.1:$nginx_port" >"$dir/url"
  printf '%s\n' "${ports[@]}" >"$dir/instances"
  echo
  echo "JwtMvc cluster is up: http://127.0.0.1:$nginx_port  (nginx, round-robin)"
  for i in $(seq 1 $instances); do echo "  instance $i: http://127.0.0.1:${ports[$((i - 1))]}"; done
  echo "  redis:      127.0.0.1:$redis_port"
  echo "  logs:       $dir/logs"
  echo "Demo users: admin / Admin#12345 (Admin), alice / Alice#12345, bob / Bob#12345"
  echo "Stop it with: $0 down"
}

down() {
  local stopped=0
  # The load balancer first, then the instances, then Redis.
  for name in nginx $(seq -f 'instance%g' $instances -1 1) redis; do
    local file="$dir/pids/$name.pid"
    [ -f "$file" ] || continue
    local pid; pid=$(cat "$file")
    if kill -0 "$pid" 2>/dev/null; then
      kill "$pid"
      for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
      stopped=$((stopped + 1))
    fi
    rm -f "$file"
  done
  rm -f "$dir/url" "$dir/instances" "$dir/ports"
  echo "stopped $stopped processes (logs kept in $dir/logs)"
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  *) echo "usage: $0 up|down" >&2; exit 2 ;;
esac
