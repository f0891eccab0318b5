#!/usr/bin/env bash
# The recordings are our own (loopback addresses and made-up names only),
# Apache-2.0 like the project.
# Records REAL dnsmasq 2.90 query logs for the reader's tests: `log-queries`
# (queries.log) and `log-queries=extra` (queries-extra.log), both with
# `log-facility=FILE`. Everything stays on loopback: dnsmasq listens on
# 127.0.0.1 (a free high port), reads no resolv.conf and no hosts file, and
# forwards only to a named (Debian bind9) on 127.0.0.1 serving a made-up
# zone with recursion off, so nothing leaves the machine.
# Local answers: --host-record (www), --address (blocked), --cname (alias →
# deep → www, a chain); forwarded: mail → relay → www (CNAMEs in the zone),
# txt, nx (NXDOMAIN), and a AAAA with no data. Also writes questions.tsv
# (client address, name, type, in the order asked).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ZONE=nettraveler-test.example
FWD=fwd.$ZONE

# shellcheck source=../../testing/record-lib.sh
. "$HERE/../../testing/record-lib.sh"

QUESTIONS=(
  "127.0.0.1 www.$ZONE A"
  "127.0.0.2 www.$ZONE A"
  "127.0.0.3 www.$ZONE AAAA"
  "127.0.0.1 alias.$ZONE A"
  "127.0.0.4 blocked.$ZONE A"
  "127.0.0.5 mail.$FWD A"
  "127.0.0.6 mail.$FWD A"
  "127.0.0.5 update.$FWD TXT"
  "127.0.0.7 nx.$FWD A"
  "127.0.0.8 www.$FWD AAAA"
  "127.0.0.2 7.0.0.127.in-addr.arpa PTR"
)

dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
bport=$(free_port 26353)
cat >"$dir/fwd.zone" <<ZEOF
\$TTL 300
@       IN SOA ns1.$FWD. hostmaster.$FWD. ( 2026120101 3600 600 86400 300 )
@       IN NS  ns1.$FWD.
ns1     IN A   127.0.0.53
www     IN A   127.0.0.17
mail    IN CNAME relay.$FWD.
relay   IN CNAME www.$FWD.
update  IN TXT "v=test"
ZEOF
cat >"$dir/named.conf" <<CEOF
options {
  directory "$dir"; pid-file "$dir/named.pid"; session-keyfile "$dir/session.key";
  listen-on port $bport { 127.0.0.1; }; listen-on-v6 { none; };
  recursion no; dnssec-validation no;
};
controls { };
logging { category default { null; }; };
zone "$FWD" { type primary; file "$dir/fwd.zone"; };
CEOF
named -f -c "$dir/named.conf" -n 1 &
npid=$!
for _ in $(seq 50); do dig +short +time=1 +tries=1 @127.0.0.1 -p "$bport" "ns1.$FWD" A >/dev/null 2>&1 && break; sleep 0.2; done

record() { # log-queries value, output file
  local mode=$1 out=$2 port pid
  port=$(free_port 26363)
  : >"$dir/dnsmasq.log"
  dnsmasq --keep-in-foreground --conf-file=/dev/null --user=root --group=root \
    --port="$port" --listen-address=127.0.0.1 --bind-interfaces --no-resolv --no-hosts --no-poll \
    --server="/$FWD/127.0.0.1#$bport" \
    --host-record="www.$ZONE,127.0.0.7" --address="/blocked.$ZONE/127.0.0.9" \
    --cname="alias.$ZONE,deep.$ZONE" --cname="deep.$ZONE,www.$ZONE" \
    --log-queries${mode:+=$mode} --log-facility="$dir/dnsmasq.log" --pid-file="$dir/dnsmasq.pid" &
  pid=$!
  sleep 1
  for q in "${QUESTIONS[@]}"; do
    # shellcheck disable=SC2086
    set -- $q
    dig +tries=1 +time=2 -b "$1" @127.0.0.1 -p "$port" "$2" "$3" >/dev/null || true
  done
  sleep 0.5
  kill "$pid"; wait "$pid" || true
  cp "$dir/dnsmasq.log" "$HERE/$out"
}

record "" queries.log
record extra queries-extra.log
kill "$npid"; wait "$npid" || true
printf '%s\n' "${QUESTIONS[@]}" | awk '{print $1 "\t" $2 "\t" $3}' >"$HERE/questions.tsv"
