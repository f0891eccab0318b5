#!/bin/sh
# Records the captures in this folder on the loopback interface, and their tshark goldens.
# Everything listens on, and talks to, 127.0.0.1 only; names are made up under .example
# (RFC 2606); nothing leaves the machine. Needs root (tcpdump on lo), and Debian's
# tcpdump, tshark, dnsmasq, dig (dnsutils), squid, openssl, curl and python3.
#
#   sh src/evidence/pcap/testdata/recorded/record.sh      (from the repository root)
#
# dns-nonstandard-ports.pcap  dnsmasq on 127.0.0.1:5300 and :8053, asked by dig over UDP (both) and TCP (8053)
# connect-tunnel-tls.pcap     curl -> squid (127.0.0.1:3128) CONNECT -> openssl s_server (127.0.0.1:8443), SNI made-up-name.example
# connect-refused-then-tls.pcap  curl -> squid (127.0.0.1:3129, Basic auth): CONNECT answered 407, then, on the same
#                             connection, CONNECT with credentials answered 200 -> openssl s_server, SNI made-up-name.example
# absolute-form-host.pcap     curl sends `GET http://a.made-up-name.example/x` with `Host: other.made-up-name.example`
#                             to python's http.server on 127.0.0.1:8081
set -eu
OUT=$(cd "$(dirname "$0")" && pwd)
GOLDEN_SCRIPT="$OUT/../golden/make-golden.py"
WORK=$(mktemp -d /tmp/sightline-record.XXXXXX)
chmod 0777 "$WORK" # squid and dnsmasq drop to unprivileged users
PIDS=""
cleanup() { for p in $PIDS; do kill "$p" 2>/dev/null || true; done; rm -rf "$WORK"; }
trap cleanup EXIT INT TERM

start() { "$@" & PIDS="$PIDS $!"; LAST=$!; }
stop() { kill -INT "$1"; wait "$1" 2>/dev/null || true; }
capture() { # capture FILE FILTER: starts tcpdump on lo, sets CAP
  start tcpdump -i lo -U -n -w "$WORK/$1" "$2"
  CAP=$LAST
  sleep 2
}

# (a) DNS on ports that do not say so.
for spec in 5300:resolver.made-up-name.example:127.0.0.53 8053:c2.made-up-name.example:127.0.0.54; do
  port=${spec%%:*}; rest=${spec#*:}; name=${rest%%:*}; addr=${rest#*:}
  start dnsmasq --keep-in-foreground --conf-file=/dev/null --no-resolv --no-hosts --no-poll \
    --listen-address=127.0.0.1 --bind-interfaces --port="$port" --address="/$name/$addr" \
    --pid-file="$WORK/dnsmasq-$port.pid" --user=nobody --group=nogroup
done
sleep 1
capture dns-nonstandard-ports.pcap 'host 127.0.0.1 and (port 5300 or port 8053)'
dig -p 5300 @127.0.0.1 resolver.made-up-name.example A +tries=1 +time=2 +nocookie
dig -p 8053 @127.0.0.1 c2.made-up-name.example A +tries=1 +time=2 +nocookie
dig -p 8053 @127.0.0.1 c2.made-up-name.example A +tcp +tries=1 +time=2 +nocookie
sleep 1
stop "$CAP"

# (b) TLS through a proxy's CONNECT tunnel.
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=made-up-name.example \
  -keyout "$WORK/key.pem" -out "$WORK/cert.pem" 2>/dev/null
printf '127.0.0.1 made-up-name.example\n' > "$WORK/hosts"
printf 'analyst:%s\n' "$(openssl passwd -apr1 made-up-password)" > "$WORK/passwd"
cat > "$WORK/squid.conf" <<CONF
http_port 127.0.0.1:3128
http_port 127.0.0.1:3129
auth_param basic program /usr/lib/squid/basic_ncsa_auth $WORK/passwd
auth_param basic children 1 startup=1
auth_param basic realm sightline-test
acl local src 127.0.0.1
acl open_port localport 3128
acl auth_port localport 3129
acl authed proxy_auth REQUIRED
http_access allow open_port local
http_access allow auth_port local authed
http_access deny all
hosts_file $WORK/hosts
dns_nameservers 127.0.0.1
visible_hostname sightline-test
pid_filename $WORK/squid.pid
access_log stdio:$WORK/access.log
cache_log $WORK/cache.log
coredump_dir $WORK
cache deny all
shutdown_lifetime 0 seconds
CONF
start squid -N -f "$WORK/squid.conf"
start openssl s_server -accept 127.0.0.1:8443 -key "$WORK/key.pem" -cert "$WORK/cert.pem" -www -quiet
sleep 3
capture connect-tunnel-tls.pcap 'host 127.0.0.1 and (tcp port 3128 or tcp port 8443)'
curl -sS --max-time 10 --proxy http://127.0.0.1:3128 -k --resolve made-up-name.example:8443:127.0.0.1 \
  -o /dev/null https://made-up-name.example:8443/
sleep 1
stop "$CAP"
# --proxy-anyauth: curl asks without credentials first, and retries on the same connection after the 407.
capture connect-refused-then-tls.pcap 'host 127.0.0.1 and (tcp port 3129 or tcp port 8443)'
curl -sS --max-time 10 --proxy http://127.0.0.1:3129 --proxy-anyauth --proxy-user analyst:made-up-password -k \
  --resolve made-up-name.example:8443:127.0.0.1 -o /dev/null https://made-up-name.example:8443/
sleep 1
stop "$CAP"

# (c) An absolute-form request whose Host header names another host.
start python3 -m http.server --bind 127.0.0.1 8081 --directory "$WORK"
sleep 2
capture absolute-form-host.pcap 'host 127.0.0.1 and tcp port 8081'
curl -sS --max-time 10 --noproxy '*' -H 'Host: other.made-up-name.example' \
  --request-target 'http://a.made-up-name.example/x' -o /dev/null http://127.0.0.1:8081/ || true
sleep 1
stop "$CAP"

# Goldens: tshark's names per frame (fields and conventions of ../golden/README.md), told which
# odd ports carry DNS and TLS, as tshark does not guess those.
mkdir "$WORK/tsv"
for f in dns-nonstandard-ports.pcap connect-tunnel-tls.pcap connect-refused-then-tls.pcap absolute-form-host.pcap; do
  cp "$WORK/$f" "$OUT/$f"
  tshark -n -r "$OUT/$f" -d udp.port==5300,dns -d udp.port==8053,dns -d tcp.port==8053,dns -d tcp.port==8443,tls \
    -T fields -E separator=/t -E occurrence=a -E aggregator='|' \
    -e frame.number -e dns.qry.name -e dns.a -e dns.aaaa -e dns.cname -e http.host -e http.request.uri \
    -e tls.handshake.extensions_server_name > "$WORK/tsv/$f.tsv"
done
python3 "$GOLDEN_SCRIPT" "$WORK/tsv" "$OUT" recorded/
