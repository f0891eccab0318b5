#!/usr/bin/env bash
# Downloads (never installs) the Debian packages whose benign PE files the PE
# parser's golden tests compare against pefile, and unpacks them into DIR.
# Only the exact versions the golden was made from are taken: a package the
# mirror no longer serves at that version is left out, and the tests skip its
# files. See src/samples/pe/testdata/README.md.
set -u
dir="${1:?usage: fetch-pe-corpus.sh DIR}"
mkdir -p "$dir"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1
got=0
for pkg in grub-efi-amd64-signed=1+2.06+13+deb12u2 \
           libmono-corlib4.5-dll=6.8.0.105+dfsg-3.3+deb12u1 \
           mingw-w64-x86-64-dev=10.0.0-3 \
           nsis-common=3.08-3+deb12u1 \
           python3-distlib=0.3.6-1 \
           shim-signed=1.51~1+deb12u1+16.1-2~deb12u1 \
           win32-loader=0.10.6; do
  if apt-get download -q "$pkg" >/dev/null 2>&1; then got=$((got + 1)); else echo "fetch-pe-corpus: $pkg not available; its files' tests will skip" >&2; fi
done
for d in *.deb; do [ -e "$d" ] && dpkg-deb -x "$d" "$dir"; done
# Sample files are data: nothing in the corpus stays executable.
find "$dir" -type f -perm /111 -exec chmod a-x {} + 2>/dev/null
echo "fetch-pe-corpus: $got of 7 packages unpacked into $dir"
