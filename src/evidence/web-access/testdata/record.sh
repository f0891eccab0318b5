#!/usr/bin/env bash
# The recordings are our own (loopback addresses and made-up names only),
# Apache-2.0 like the project.
# Records REAL nginx access logs for the reader's tests: the same requests in
# `combined` (access-combined.log) and in a vhost_combined-style format
# (access-vhost.log: `$host:$server_port` first, as Apache's `%v:%p`). nginx
# listens on 127.0.0.1 and ::1 (a free high port) only; curl makes the
# requests. nginx runs with TZ=Asia/Shanghai so the stamps carry +0800.
# Also writes requests.tsv (client address, Host, method, target, in order).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ZONE=nettraveler-test.example

# shellcheck source=../../testing/record-lib.sh
. "$HERE/../../testing/record-lib.sh"

dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
port=$(free_port 28080)
chmod 755 "$dir" # nginx workers (nobody) read the pages
mkdir -p "$dir/www/news"
echo ok >"$dir/www/index.html"; echo news >"$dir/www/news/index.html"
cat >"$dir/nginx.conf" <<CEOF
daemon off;
pid $dir/nginx.pid;
error_log $dir/error.log;
events { worker_connections 64; }
http {
  client_body_temp_path $dir/body; proxy_temp_path $dir/proxy; fastcgi_temp_path $dir/fastcgi;
  uwsgi_temp_path $dir/uwsgi; scgi_temp_path $dir/scgi;
  log_format vhost_combined '\$host:\$server_port \$remote_addr - \$remote_user [\$time_local] '
                            '"\$request" \$status \$body_bytes_sent "\$http_referer" "\$http_user_agent"';
  server {
    listen 127.0.0.1:$port; listen [::1]:$port;
    server_name $ZONE;
    root $dir/www;
    access_log $dir/access-combined.log combined;
    access_log $dir/access-vhost.log vhost_combined;
    location /upload { return 201; }
  }
}
CEOF
TZ=Asia/Shanghai nginx -p "$dir" -c "$dir/nginx.conf" &
pid=$!
for _ in $(seq 50); do curl -s -o /dev/null "http://127.0.0.1:$port/" && break; sleep 0.2; done
sleep 0.2; : >"$dir/access-combined.log"; : >"$dir/access-vhost.log" # the readiness probe is not part of the recording

REQUESTS=(
  "127.0.0.1 www.$ZONE GET /"
  "127.0.0.2 www.$ZONE GET /news/index.html?id=1&lang=zh"
  "127.0.0.3 update.$ZONE POST /upload"
  "127.0.0.1 $ZONE GET /missing.exe"
  "::1 www.$ZONE GET /"
  "127.0.0.4 www.$ZONE GET http://www.$ZONE/absolute"
)
for r in "${REQUESTS[@]}"; do
  # shellcheck disable=SC2086
  set -- $r
  case $1 in *:*) base="http://[::1]:$port" ;; *) base="http://127.0.0.1:$port" ;; esac
  if [ "${4#http}" != "$4" ]; then
    curl -s -o /dev/null --interface "$1" -H "Host: $2" -A "record.sh" --request-target "$4" "$base/"
  elif [ "$3" = POST ]; then
    curl -s -o /dev/null --interface "$1" -H "Host: $2" -A "record.sh" -e "http://www.$ZONE/" --data 'x=1' "$base$4"
  else
    curl -s -o /dev/null --interface "$1" -H "Host: $2" -A "record.sh" "$base$4"
  fi
done
sleep 0.3
kill "$pid"; wait "$pid" || true
cp "$dir/access-combined.log" "$dir/access-vhost.log" "$HERE/"
printf '%s\n' "${REQUESTS[@]}" | awk '{print $1 "\t" $2 "\t" $3 "\t" $4}' >"$HERE/requests.tsv"
