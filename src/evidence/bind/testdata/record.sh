#!/usr/bin/env bash
# The recordings are our own (loopback addresses and made-up names only),
# Apache-2.0 like the project.
# Records REAL BIND 9 query logs for the reader's tests, one file per
# `print-time` style (no, yes, local, iso8601, iso8601-utc). named (Debian
# bind9) serves a made-up zone on 127.0.0.1 only, recursion off (it never
# forwards or resolves anything); dig asks it from several loopback addresses.
# Writes print-time-<style>.log and queries.tsv (the questions asked, in
# order: client address, name, type) beside this script.
# All run with TZ=UTC: BIND 9.18 writes yes, local AND iso8601 in local time
# with no zone (iso8601 as `2026-12-01T12:20:22.189`, no offset: seen in a
# run with TZ=Asia/Shanghai), and the reader takes zoneless stamps as UTC.
# Only iso8601-utc carries a zone (`Z`).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ZONE=nettraveler-test.example

# shellcheck source=../../testing/record-lib.sh
. "$HERE/../../testing/record-lib.sh"

# The questions: client address, name, type, extra dig flags.
QUESTIONS=(
  "127.0.0.1 www.$ZONE A"
  "127.0.0.2 www.$ZONE AAAA"
  "127.0.0.3 mail.$ZONE MX"
  "127.0.0.1 relay.$ZONE A"
  "127.0.0.4 update.$ZONE TXT +tcp"
  "127.0.0.5 nx.$ZONE A"
  "127.0.0.2 $ZONE SOA"
  "::1 www.$ZONE A"
  "127.0.0.6 www.outside-test.example A"
)

record() { # style
  local style=$1 dir port pid
  dir=$(mktemp -d)
  port=$(free_port 25353)
  cat >"$dir/$ZONE.zone" <<ZEOF
\$TTL 300
@       IN SOA ns1.$ZONE. hostmaster.$ZONE. ( 2026120101 3600 600 86400 300 )
@       IN NS  ns1.$ZONE.
ns1     IN A   127.0.0.53
www     IN A   127.0.0.7
www     IN AAAA ::7
mail    IN CNAME relay.$ZONE.
relay   IN CNAME www.$ZONE.
@       IN MX  10 mail.$ZONE.
update  IN TXT "v=test"
ZEOF
  cat >"$dir/named.conf" <<CEOF
options {
  directory "$dir";
  pid-file "$dir/named.pid";
  session-keyfile "$dir/session.key";
  listen-on port $port { 127.0.0.1; };
  listen-on-v6 port $port { ::1; };
  recursion no;
  dnssec-validation no;
  querylog yes;
  allow-query { any; };
};
controls { };
logging {
  channel q { file "$dir/query.log"; print-time $style; print-category yes; print-severity yes; severity info; };
  category queries { q; };
  category security { q; };
  category default { null; };
  category general { null; };
};
zone "$ZONE" { type primary; file "$dir/$ZONE.zone"; };
CEOF
  TZ=UTC named -f -c "$dir/named.conf" -n 1 &
  pid=$!
  for _ in $(seq 50); do dig +short +time=1 +tries=1 @127.0.0.1 -p "$port" "ns1.$ZONE" A >/dev/null 2>&1 && break; sleep 0.2; done
  # The readiness probe above is logged too; start the file afresh after it.
  sleep 0.3; : >"$dir/query.log"
  for q in "${QUESTIONS[@]}"; do
    # shellcheck disable=SC2086
    set -- $q
    local server=127.0.0.1
    case $1 in *:*) server=::1 ;; esac
    dig +tries=1 +time=2 -b "$1" @"$server" -p "$port" "$2" "$3" ${4:-} >/dev/null || true
  done
  sleep 0.5
  kill "$pid"; wait "$pid" || true
  cp "$dir/query.log" "$HERE/print-time-$style.log"
  rm -rf "$dir"
}

for s in no yes local iso8601 iso8601-utc; do record "$s"; done
printf '%s\n' "${QUESTIONS[@]}" | awk '{print $1 "\t" $2 "\t" $3}' >"$HERE/queries.tsv"
