#!/bin/sh
# Records the independent oracle's reading of every sample file, for test runs
# on a machine without it (a fresh clone): `evtxexport -f xml` from Debian's
# libevtx-utils (20181227 when recorded), gzipped. The tests run evtxexport
# live when it is installed and fall back to these copies.
# Run from anywhere: sh src/evidence/evtx/testdata/oracle/make.sh
set -eu
here=$(cd "$(dirname "$0")" && pwd)
command -v evtxexport >/dev/null || { echo "evtxexport not installed (apt-get install libevtx-utils)" >&2; exit 1; }
evtxexport -V 2>/dev/null | head -1 > "$here/evtxexport.version" || true
for f in "$here"/../*.evtx; do
  name=$(basename "$f")
  # evtxexport prints its banner and diagnostics too; only stdout is kept.
  evtxexport -f xml "$f" 2>/dev/null | gzip -n -9 > "$here/$name.evtxexport.xml.gz" || true
done
