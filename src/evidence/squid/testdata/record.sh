#!/usr/bin/env bash
# The recordings are our own (loopback addresses and made-up names only),
# Apache-2.0 like the project.
# Records a REAL Squid 5.7 native access.log for the reader's tests. Squid
# listens on 127.0.0.1 (a free high port) and reaches only loopback servers:
# an nginx on 127.0.0.1 (plain GETs and a POST), an `openssl s_server` on
# 127.0.0.1 (a CONNECT tunnel), and a name no one serves (squid asks
# 127.0.0.1:53, where nothing answers: a 503). Names resolve through a
# hosts_file naming 127.0.0.1; the proxy has no route off the machine.
# Also writes requests.tsv (client address, method, URL, in order).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ZONE=nettraveler-test.example

# shellcheck source=../../testing/record-lib.sh
. "$HERE/../../testing/record-lib.sh"

dir=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$dir"; }
trap cleanup EXIT
chmod 755 "$dir"

# nginx, the origin server.
web=$(free_port 29080)
mkdir -p "$dir/www/news"; echo ok >"$dir/www/index.html"; echo news >"$dir/www/news/index.html"
cat >"$dir/nginx.conf" <<CEOF
daemon off; pid $dir/nginx.pid; error_log $dir/nginx-error.log;
events { worker_connections 64; }
http {
  client_body_temp_path $dir/body; proxy_temp_path $dir/proxy; fastcgi_temp_path $dir/fastcgi;
  uwsgi_temp_path $dir/uwsgi; scgi_temp_path $dir/scgi; access_log off;
  server { listen 127.0.0.1:$web; root $dir/www; location /upload { return 201; } }
}
CEOF
nginx -p "$dir" -c "$dir/nginx.conf" & pids+=($!)

# openssl s_server, the TLS end of the CONNECT.
tls=$(free_port 29443)
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$dir/key.pem" -out "$dir/cert.pem" -days 1 \
  -subj "/CN=secure.$ZONE" >/dev/null 2>&1
openssl s_server -accept "127.0.0.1:$tls" -cert "$dir/cert.pem" -key "$dir/key.pem" -www -quiet >/dev/null 2>&1 & pids+=($!)

# squid.
proxy=$(free_port 29128)
printf '127.0.0.1 www.%s update.%s secure.%s\n' "$ZONE" "$ZONE" "$ZONE" >"$dir/hosts"
mkdir "$dir/squid"; chown proxy:proxy "$dir/squid"
cat >"$dir/squid.conf" <<CEOF
http_port 127.0.0.1:$proxy
visible_hostname proxy.$ZONE
pid_filename $dir/squid/squid.pid
cache_log $dir/squid/cache.log
access_log stdio:$dir/squid/access.log squid
coredump_dir $dir/squid
cache_effective_user proxy
cache deny all
hosts_file $dir/hosts
dns_nameservers 127.0.0.1
acl loopback src 127.0.0.0/8
http_access allow loopback
http_access deny all
shutdown_lifetime 0 seconds
logfile_rotate 0
CEOF
squid -N -f "$dir/squid.conf" & pids+=($!)
for _ in $(seq 100); do [ -n "$(ss -ltnH "sport = :$proxy")" ] && [ -n "$(ss -ltnH "sport = :$tls")" ] && break; sleep 0.2; done

REQUESTS=(
  "127.0.0.1 GET http://www.$ZONE:$web/"
  "127.0.0.2 GET http://www.$ZONE:$web/news/index.html?id=1&lang=zh"
  "127.0.0.3 GET http://127.0.0.1:$web/missing.exe"
  "127.0.0.4 CONNECT secure.$ZONE:$tls"
  "127.0.0.5 GET http://nx.$ZONE/"
  "127.0.0.1 POST http://update.$ZONE:$web/upload"
)
for r in "${REQUESTS[@]}"; do
  # shellcheck disable=SC2086
  set -- $r
  case $2 in
    CONNECT) curl -s -o /dev/null -k --max-time 5 --interface "$1" -x "http://127.0.0.1:$proxy" "https://$3/" || true ;;
    POST) curl -s -o /dev/null --max-time 5 --interface "$1" -x "http://127.0.0.1:$proxy" --data 'x=1' "$3" || true ;;
    *) curl -s -o /dev/null --max-time 5 --interface "$1" -x "http://127.0.0.1:$proxy" "$3" || true ;;
  esac
done
sleep 0.5
squid -k shutdown -f "$dir/squid.conf" 2>/dev/null || true
for _ in $(seq 50); do [ -z "$(ss -ltnH "sport = :$proxy")" ] && break; sleep 0.2; done
sleep 0.5
cp "$dir/squid/access.log" "$HERE/access.log"
printf '%s\n' "${REQUESTS[@]}" | awk '{print $1 "\t" $2 "\t" $3}' >"$HERE/requests.tsv"
