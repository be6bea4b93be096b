#!/usr/bin/env bash
# Generates a large SIP capture for sipdiag's benchmark (BENCHMARKS.md). Never committed.
#
#   bash bench/generate.sh [--size 100M] [--transport udp|tcp] [--out FILE] [--overlap F] [--new-base]
#
# Defaults: --size 100M, --transport udp, --out /tmp/sipdiag-bench/TRANSPORT-SIZE.pcap.
#
# 1. A base capture (about 10 s of traffic, ~1000 SIP messages) is recorded once per transport
#    and kept as /tmp/sipdiag-bench/base-TRANSPORT.pcap (--new-base records it again). Nine
#    SIPp UAC/UAS pairs run at once inside a network namespace created for this run, under
#    tcpdump on its loopback (MTU 1500, GSO off: real MSS-sized TCP segments), each pair on its
#    own addresses (UAS 127.0.0.K:5060, UAC 127.0.1.K:5060), calls at a steady rate, so
#    that calls of different kinds overlap. The mix (calls per pair in MIX below): calls with
#    100/180/200, ACK, BYE; 183 with SDP; CANCEL/487; 486; 503 with Retry-After; 420; 422 then a
#    retry that succeeds; REGISTER challenged by 401 then accepted; OPTIONS. The scenarios are
#    fixtures/scenarios/*.xml, rewritten on the fly: every Call-ID, Via branch and tag gets the
#    counter `cpy0000000` that the replication step rewrites per copy, `[media_port]` becomes
#    `[auto_media_port]` (a new media port per call) and, for TCP, `transport=udp` becomes
#    `transport=tcp` (SIPp `-t t1`: one connection per UAC).
#    tshark must read back exactly the messages the scenarios send.
# 2. The replication step (bench/replicate.rs, `cargo run --release --example replicate`)
#    writes copies of the base until the output reaches --size: each copy with its own Call-IDs,
#    branches, tags, media ports and TCP client ports, shifted in time so that --overlap copies
#    (default 2) run at any moment. See bench/replicate.rs for the details.
#
# Needs root (ip netns), sipp (Debian sip-tester 3.6.1), tcpdump, tshark 4.0 and cargo.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$HERE")
SCEN_SRC="$ROOT/fixtures/scenarios"
DIR=/tmp/sipdiag-bench
NS="sipdiag-bench-$$"
WORK=$(mktemp -d "/tmp/sipdiag-bench-$$.XXXXXX")

# Pause length (ms) of the scenarios' <pause/> elements: ringing time and call length.
PAUSE_MS=1500
# The calls of every pair are spread over this many milliseconds (SIPp -rp).
SPREAD_MS=8000

# scenario:calls — one UAC/UAS pair per entry, in this order (pair K uses 127.0.0.K / 127.0.1.K).
MIX=(
    basic-call:60 183-sdp:40 cancel-487:10 486-busy:10 503-unavailable:5
    420-unrecovered:3 422-retry-ok:3 auth-ok:30 options:30
)
# SIP messages one call of each scenario sends (the flow tshark must read back).
declare -A MESSAGES=(
    [basic-call]=7 [183-sdp]=7 [cancel-487]=7 [486-busy]=4 [503-unavailable]=4
    [420-unrecovered]=3 [422-retry-ok]=8 [auth-ok]=4 [options]=2
)
# What the base must contain at least once: methods and status codes.
MUST_HAVE=(INVITE ACK BYE CANCEL REGISTER OPTIONS 100 180 183 200 401 420 422 486 487 503)

# log, die, stop_pid, forget_pid, in_ns; cleanup on exit (needs NS and WORK).
source "$ROOT/fixtures/lib/netns.sh"

# tshark, without its warning about running as root.
tshark() { command tshark "$@" 2> >(grep -v '^Running as user' >&2); }

usage() {
    sed -n '2,6p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
    exit 2
}

# ---------------------------------------------------------------- base capture

# Rewrites one scenario for the benchmark (see the header of this file).
bench_scenario() {
    local src=$1 dst=$2 transport=$3
    sed -e 's/branch=z9hG4bK-/branch=z9hG4bK-cpy0000000-/g' \
        -e 's/tag=\[pid\]/tag=cpy0000000-[pid]/g' \
        -e 's/\[media_port\]/[auto_media_port]/g' \
        "$src" >"$dst"
    [[ $transport == udp ]] || sed -i 's/transport=udp/transport=tcp/g' "$dst"
}

start_capture() {
    local out=$1 err="$WORK/capture.err" i
    : >"$err"
    # exec: the PID is tcpdump's own. A background job of a non-interactive shell ignores SIGINT,
    # so the capture is stopped with SIGTERM.
    (exec ip netns exec "$NS" tcpdump -i lo -s 0 -U --immediate-mode -w "$out" 2>"$err") &
    CAPTURE_PID=$!
    BG_PIDS+=("$CAPTURE_PID")
    for i in $(seq 50); do
        grep -q 'listening on' "$err" && return 0
        kill -0 "$CAPTURE_PID" 2>/dev/null || break
        sleep 0.1
    done
    cat "$err" >&2
    die "capture did not start"
}

stop_capture() {
    sleep 0.5
    kill -TERM "$CAPTURE_PID"
    wait "$CAPTURE_PID" || die "tcpdump exited with status $?: $(cat "$WORK/capture.err")"
    forget_pid "$CAPTURE_PID"
    CAPTURE_PID=""
}

record_base() {
    local transport=$1 out=$2 t ss_opt
    case $transport in
    udp) t=u1 ss_opt=-Hlun ;;
    tcp) t=t1 ss_opt=-Hltn ;;
    *) die "unknown transport '$transport' (udp or tcp)" ;;
    esac
    ip netns add "$NS"
    in_ns ip link set lo mtu 1500 up
    in_ns ip link set lo gso_max_segs 1 2>/dev/null || true
    if command -v ethtool >/dev/null; then in_ns ethtool -K lo tso off gso off 2>/dev/null || true; fi

    local k entry flow calls uas_pids=() uac_pids=() flows=() pid rc want=0
    local common=(-nostdin -t "$t" -timeout 120s -timeout_error -trace_err -d "$PAUSE_MS")
    for k in "${!MIX[@]}"; do
        flow=${MIX[$k]%%:*}
        bench_scenario "$SCEN_SRC/$flow-uac.xml" "$WORK/$flow-uac.xml" "$transport"
        bench_scenario "$SCEN_SRC/$flow-uas.xml" "$WORK/$flow-uas.xml" "$transport"
    done

    start_capture "$WORK/base.pcap"
    for k in "${!MIX[@]}"; do
        flow=${MIX[$k]%%:*} calls=${MIX[$k]#*:}
        want=$((want + calls * MESSAGES[$flow]))
        (cd "$WORK" && exec ip netns exec "$NS" sipp "${common[@]}" -m "$calls" -sf "$WORK/$flow-uas.xml" \
            -i "127.0.0.$((k + 1))" -p 5060 -mi "127.0.0.$((k + 1))" -mp $((40000 + 1000 * k)) \
            -error_file "$WORK/$flow-uas.err" >"$WORK/$flow-uas.out" 2>&1) &
        uas_pids+=("$!")
        BG_PIDS+=("$!")
        flows+=("$flow")
    done
    for k in "${!MIX[@]}"; do
        local i bound=""
        for i in $(seq 50); do
            if in_ns ss "$ss_opt" "src 127.0.0.$((k + 1)):5060" | grep -q .; then
                bound=1
                break
            fi
            sleep 0.1
        done
        [[ -n $bound ]] || die "SIPp UAS ${flows[$k]} did not bind 127.0.0.$((k + 1)):5060"
    done
    for k in "${!MIX[@]}"; do
        flow=${MIX[$k]%%:*} calls=${MIX[$k]#*:}
        (cd "$WORK" && exec ip netns exec "$NS" timeout 150 sipp "${common[@]}" -m "$calls" \
            -r "$calls" -rp "$SPREAD_MS" -sf "$WORK/$flow-uac.xml" -s bob \
            -cid_str 'cpy0000000-%u-%p@%s' \
            -i "127.0.1.$((k + 1))" -p 5060 -mi "127.0.1.$((k + 1))" -mp $((20000 + 1000 * k)) \
            -error_file "$WORK/$flow-uac.err" "127.0.0.$((k + 1)):5060" >"$WORK/$flow-uac.out" 2>&1) &
        uac_pids+=("$!")
        BG_PIDS+=("$!")
    done
    log "base ($transport): ${#MIX[@]} SIPp pairs running, about $(((SPREAD_MS + 3 * PAUSE_MS) / 1000)) s"
    for k in "${!uac_pids[@]}"; do
        pid=${uac_pids[$k]} rc=0
        wait "$pid" || rc=$?
        forget_pid "$pid"
        [[ $rc -eq 0 ]] || die "SIPp UAC ${flows[$k]} exited with status $rc: $(tail -3 "$WORK/${flows[$k]}-uac.err" 2>/dev/null)"
    done
    for k in "${!uas_pids[@]}"; do
        pid=${uas_pids[$k]} rc=0
        for i in $(seq 100); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.1
        done
        kill -0 "$pid" 2>/dev/null && die "SIPp UAS ${flows[$k]} did not finish"
        wait "$pid" || rc=$?
        forget_pid "$pid"
        [[ $rc -eq 0 ]] || die "SIPp UAS ${flows[$k]} exited with status $rc: $(tail -3 "$WORK/${flows[$k]}-uas.err" 2>/dev/null)"
    done
    stop_capture
    ip netns del "$NS"

    check_base "$WORK/base.pcap" "$want"
    mv "$WORK/base.pcap" "$out"
}

# check_base FILE N: tshark reads N SIP messages and every method and code of MUST_HAVE.
check_base() {
    local file=$1 want=$2 got seen item
    seen=$(tshark -r "$file" -Y sip -T fields -e sip.Method -e sip.Status-Code)
    got=$(printf '%s\n' "$seen" | grep -c .)
    [[ $got -eq $want ]] || die "base capture: tshark reads $got SIP messages, the scenarios send $want"
    for item in "${MUST_HAVE[@]}"; do
        printf '%s\n' "$seen" | grep -qx "[[:space:]]*$item[[:space:]]*" ||
            die "base capture: no $item"
    done
    log "base capture: $got SIP messages, $(tshark -r "$file" | wc -l) frames, $(stat -c %s "$file") bytes"
}

# ---------------------------------------------------------------- main

main() {
    local size=100M transport=udp out="" overlap=2 new_base=""
    while [[ $# -gt 0 ]]; do
        case $1 in
        --size) size=${2:?}; shift 2 ;;
        --transport) transport=${2:?}; shift 2 ;;
        --out) out=${2:?}; shift 2 ;;
        --overlap) overlap=${2:?}; shift 2 ;;
        --new-base) new_base=1; shift ;;
        -h | --help) usage ;;
        *) log "unknown argument '$1'"; usage ;;
        esac
    done
    [[ $transport == udp || $transport == tcp ]] || die "--transport must be udp or tcp"
    [[ -n $out ]] || out="$DIR/$transport-$size.pcap"
    [[ $EUID -eq 0 ]] || die "must run as root (ip netns)"
    local tool
    for tool in sipp tcpdump tshark ip ss timeout cargo; do
        command -v "$tool" >/dev/null || die "$tool not found"
    done
    mkdir -p "$DIR" "$(dirname "$out")"

    local base="$DIR/base-$transport.pcap"
    if [[ -n $new_base || ! -s $base ]]; then
        record_base "$transport" "$base"
    else
        log "reusing $base (--new-base records it again)"
    fi
    (cd "$ROOT" && cargo build --quiet --release --example replicate)
    "$ROOT/target/release/examples/replicate" "$base" "$out" "$size" --overlap "$overlap"
    log "done: $out ($(du -h "$out" | cut -f1))"
}

main "$@"
