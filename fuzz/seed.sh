#!/bin/sh
# Builds the fuzz corpora from the committed fixtures (fuzz/corpus/ is not
# committed; fuzz/seeds/ holds a few small hand-made seeds that are).
#
#   capture_reader, pipeline: every fixture capture, broken ones included
#   sip_scanner:              every SIP payload (UDP or TCP), extracted with tshark
#   sdp_view:                 every non-empty SIP body
#   decode_frame:             every frame, prefixed with its link-type selector
#   tcp_reassembly:           the SIP payloads cut into segments
#
# Usage: fuzz/seed.sh   (from anywhere; needs tshark and python3)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
corpus="$here/corpus"
mkdir -p "$corpus/capture_reader" "$corpus/pipeline" "$corpus/sip_scanner" \
    "$corpus/sdp_view" "$corpus/decode_frame" "$corpus/tcp_reassembly"

captures=$(ls "$root"/fixtures/*.pcap "$root"/fixtures/*.pcapng \
    "$root"/fixtures/*/*.pcap "$root"/fixtures/*/*.pcapng 2>/dev/null || true)
for f in $captures; do
    # Large hostile files only slow the fuzzer down.
    [ "$(wc -c < "$f")" -le 65536 ] || continue
    cp "$f" "$corpus/capture_reader/"
    cp "$f" "$corpus/pipeline/"
done

for f in $captures; do
    tshark -r "$f" -Y sip -T fields -e udp.payload -e tcp.payload 2>/dev/null | tr '\t,' '\n\n'
done | python3 -c '
import sys, hashlib, os, struct
corpus = sys.argv[1]
for line in sys.stdin:
    line = line.strip().replace(":", "")
    try:
        msg = bytes.fromhex(line)
    except ValueError:  # several values in one field
        continue
    if not msg:
        continue
    name = hashlib.sha1(msg).hexdigest()
    open(os.path.join(corpus, "sip_scanner", name), "wb").write(msg)
    _, sep, body = msg.partition(b"\r\n\r\n")
    if sep and body.strip():
        open(os.path.join(corpus, "sdp_view", hashlib.sha1(body).hexdigest()), "wb").write(body)
    # Two segments of one direction, then the rest, as the target reads them.
    seq = 1000
    segs = b""
    for i, part in enumerate((msg[:len(msg)//2], msg[len(msg)//2:])):
        segs += struct.pack(">BBIH", 0x18, 0, seq, len(part)) + part
        seq += len(part)
    open(os.path.join(corpus, "tcp_reassembly", name), "wb").write(segs)
' "$corpus"

python3 - "$corpus/decode_frame" $captures <<'PY'
import hashlib, os, struct, sys
# Selector byte of the decode_frame target: index of the link type.
SELECTOR = {0: 0, 1: 1, 12: 2, 14: 3, 101: 4, 108: 5, 113: 6, 228: 7, 229: 8, 276: 9}
out = sys.argv[1]
for path in sys.argv[2:]:
    data = open(path, "rb").read()
    if len(data) < 24:
        continue
    magic = data[:4]
    if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1"):
        e = "<"
    elif magic in (b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d"):
        e = ">"
    else:
        continue
    linktype = struct.unpack(e + "I", data[20:24])[0] & 0x03FFFFFF
    if linktype not in SELECTOR:
        continue
    pos = 24
    while pos + 16 <= len(data):
        caplen = struct.unpack(e + "I", data[pos + 8:pos + 12])[0]
        frame = data[pos + 16:pos + 16 + caplen]
        pos += 16 + caplen
        seed = bytes([SELECTOR[linktype]]) + frame
        open(os.path.join(out, hashlib.sha1(seed).hexdigest()), "wb").write(seed)
PY

if [ -d "$here/seeds" ]; then
    for d in "$here"/seeds/*/; do
        target=$(basename "$d")
        mkdir -p "$corpus/$target"
        cp "$d"* "$corpus/$target/" 2>/dev/null || true
    done
fi

for d in "$corpus"/*/; do
    echo "$(basename "$d"): $(ls "$d" | wc -l) files"
done
