# Shared by the testdata/record.sh scripts that record real programs' output
# on the loopback interface: sourced, not run.

# free_port N: the first port from N up that nothing listens on (TCP or UDP).
free_port() {
  local p=$1
  while [ -n "$(ss -ltnuH "sport = :$p")" ]; do p=$((p + 1)); done
  echo "$p"
}
