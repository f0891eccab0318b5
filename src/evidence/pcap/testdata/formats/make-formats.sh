#!/bin/sh
# Converts ../recorded/absolute-form-host.pcap (our own loopback recording: Ethernet, 12 packets)
# into every format editcap can write it in, one file per format, named absolute-form-host.<format>.
# Made with editcap from Wireshark 4.0.17 (Debian bookworm, 4.0.17-0+deb12u3); the files are committed
# so the test (../../capture-format.test.ts) does not need editcap.
#
# Not here, because this editcap cannot write this capture in them: erf ("record type that can't be
# saved"), dct2000 and rf5 (editcap crashes with -T), nstrace10/20/30/35 (assertion in netscaler.c),
# and the logcat family (Android logs, not packets: with -T they hold the raw frame bytes, no header).
# btsnoop and eyesdn take it only with the link type forced (-T bluetooth-h4-linux, -T isdn): the
# packets are then nonsense, but the file is what a capture program writes in that format.
set -eu
cd "$(dirname "$0")"
src=../recorded/absolute-form-host.pcap
rm -f absolute-form-host.*
for f in pcap nsecpcap modpcap nokiapcap rh6_1pcap suse6_3pcap pcapng \
         5views commview-ncf commview-ncfx k12text lanalyzer netmon1 netmon2 nettl ngsniffer \
         ngwsniffer_1_1 ngwsniffer_2_0 observer snoop visual; do
  editcap -F "$f" "$src" "absolute-form-host.$f"
done
editcap -T bluetooth-h4-linux -F btsnoop "$src" absolute-form-host.btsnoop
editcap -T isdn -F eyesdn "$src" absolute-form-host.eyesdn
