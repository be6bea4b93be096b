#!/usr/bin/env bash
# Runs sipdiag and tshark side by side on the same captures and prints a Markdown table.
#
#   bash bench/run.sh [-n RUNS] [--no-build] CAPTURE...
#
# For each capture, RUNS rounds (default 3); each round runs, one after the other:
#   sipdiag text    sipdiag CAPTURE --format text -o /dev/null        (release build; two threads
#                   on a machine with two CPUs or more)
#   sipdiag text 1t the same with --threads 1 (the single-thread figure)
#   sipdiag json    sipdiag CAPTURE --format json -o /dev/null
#   sipdiag json 1t the same with --threads 1
#   tshark sip,stat tshark -r CAPTURE -q -z sip,stat
#   tshark fields   tshark -r CAPTURE -Y sip -T fields -e sip.Call-ID -e sip.Status-Code
# so that a slow moment of a shared machine hits every tool alike. Reported per tool: the
# median wall time, MB/s (10^6 bytes of capture file per second), SIP messages/s (the count
# is sipdiag's summary of the capture, checked against nothing else), the median peak RSS
# (/usr/bin/time %M), the median CPU time (user + system: steadier than wall time on a shared
# machine) and, for sipdiag, how many times faster than tshark it is (text against
# sip,stat, json against -T fields) and its share of tshark's memory.
# The first, untimed run of each tool warms the page cache.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$HERE")
SIPDIAG="$ROOT/target/release/sipdiag"
WORK=$(mktemp -d "/tmp/sipdiag-run-$$.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

log() { printf 'run.sh: %s\n' "$*" >&2; }
die() {
    log "error: $*"
    exit 1
}

runs=3 build=1 captures=()
while [[ $# -gt 0 ]]; do
    case $1 in
    -n) runs=${2:?}; shift 2 ;;
    --no-build) build=""; shift ;;
    -h | --help) sed -n '2,4p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
    *) captures+=("$1"); shift ;;
    esac
done
[[ ${#captures[@]} -gt 0 ]] || die "no capture given (bash bench/run.sh [-n RUNS] CAPTURE...)"
[[ -x /usr/bin/time ]] || die "/usr/bin/time not found (Debian: apt-get install time)"
command -v tshark >/dev/null || die "tshark not found"
if [[ -n $build ]]; then
    (cd "$ROOT" && cargo build --quiet --release --bin sipdiag)
fi
[[ -x $SIPDIAG ]] || die "$SIPDIAG not built"

TOOLS=("sipdiag text" "sipdiag text 1t" "sipdiag json" "sipdiag json 1t" "tshark sip,stat" "tshark fields")

# run_tool TOOL CAPTURE: runs one tool once; prints "WALL_MS PEAK_RSS_KB CPU_MS".
run_tool() {
    local tool=$1 cap=$2 start end rc=0 cmd
    case $tool in
    "sipdiag text") cmd=("$SIPDIAG" "$cap" --format text -o /dev/null) ;;
    "sipdiag text 1t") cmd=("$SIPDIAG" "$cap" --threads 1 --format text -o /dev/null) ;;
    "sipdiag json") cmd=("$SIPDIAG" "$cap" --format json -o /dev/null) ;;
    "sipdiag json 1t") cmd=("$SIPDIAG" "$cap" --threads 1 --format json -o /dev/null) ;;
    "tshark sip,stat") cmd=(tshark -r "$cap" -q -z sip,stat) ;;
    "tshark fields") cmd=(tshark -r "$cap" -Y sip -T fields -e sip.Call-ID -e sip.Status-Code) ;;
    esac
    start=$(date +%s%N)
    /usr/bin/time -f '%M %U %S' -o "$WORK/rss" "${cmd[@]}" >/dev/null 2>"$WORK/stderr" || rc=$?
    end=$(date +%s%N)
    # sipdiag exits 1 when it has findings; 2 (or anything else) means the run failed.
    if [[ $rc -ne 0 && ! ($tool == sipdiag* && $rc -eq 1) ]]; then
        cat "$WORK/stderr" >&2
        die "$tool on $cap exited with status $rc"
    fi
    echo "$(((end - start) / 1000000)) $(tail -1 "$WORK/rss" | awk '{ printf "%d %d", $1, ($2 + $3) * 1000 }')"
}

median() { sort -n | awk '{ v[NR] = $1 } END { m = int((NR + 1) / 2); print (NR % 2) ? v[m] : (v[m] + v[m + 1]) / 2 }'; }

echo "sipdiag $(git -C "$ROOT" rev-parse --short HEAD) ($(git -C "$ROOT" rev-parse --abbrev-ref HEAD)), $(command tshark -v 2>/dev/null | head -1 | sed "s/\.$//"), $runs runs, $(date -u +%Y-%m-%dT%H:%MZ)"
for cap in "${captures[@]}"; do
    [[ -r $cap ]] || die "cannot read $cap"
    bytes=$(stat -L -c %s "$cap")
    msgs=$("$SIPDIAG" "$cap" --format json 2>/dev/null | grep '"type":"summary"' |
        sed -n 's/.*"sip_messages":\([0-9]*\).*/\1/p' | head -1) || true
    [[ -n $msgs ]] || die "no sipdiag summary for $cap"
    log "$cap: $bytes bytes, $msgs SIP messages"
    for tool in "${TOOLS[@]}"; do : >"$WORK/${tool// /_}"; done
    # Untimed: warm the page cache.
    cat "$cap" >/dev/null
    for r in $(seq "$runs"); do
        for tool in "${TOOLS[@]}"; do
            res=$(run_tool "$tool" "$cap")
            read -r w k c <<<"$res"
            log "  run $r $tool: $w ms, $k KiB, CPU $c ms"
            echo "$res" >>"$WORK/${tool// /_}"
        done
    done
    declare -A ms=() rss=() cpu=()
    for tool in "${TOOLS[@]}"; do
        ms[$tool]=$(cut -d' ' -f1 "$WORK/${tool// /_}" | median)
        rss[$tool]=$(cut -d' ' -f2 "$WORK/${tool// /_}" | median)
        cpu[$tool]=$(cut -d' ' -f3 "$WORK/${tool// /_}" | median)
    done
    echo
    echo "### $(basename "$cap"): $(awk -v b="$bytes" 'BEGIN { printf "%.1f MB", b / 1e6 }'), $msgs SIP messages"
    echo
    echo "| tool | median wall | MB/s | SIP msg/s | peak RSS | CPU | speed vs tshark (wall) | speed vs tshark (CPU) | RSS vs tshark |"
    echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|"
    for tool in "${TOOLS[@]}"; do
        ref=""
        case $tool in
        "sipdiag text"*) ref="tshark sip,stat" ;;
        "sipdiag json"*) ref="tshark fields" ;;
        esac
        awk -v tool="$tool" -v ms="${ms[$tool]}" -v kb="${rss[$tool]}" -v b="$bytes" -v n="$msgs" \
            -v cpu="${cpu[$tool]}" -v rcpu="${ref:+${cpu[$ref]}}" \
            -v rms="${ref:+${ms[$ref]}}" -v rkb="${ref:+${rss[$ref]}}" -v ref="$ref" 'BEGIN {
            s = (ms > 0 ? ms : 1) / 1000
            speed = ref == "" ? "" : sprintf("%.1f× (%s)", rms / (ms > 0 ? ms : 1), ref)
            cspeed = ref == "" ? "" : sprintf("%.1f×", rcpu / (cpu > 0 ? cpu : 1))
            mem = ref == "" ? "" : sprintf("%.1f %%", 100 * kb / rkb)
            printf "| %s | %.3f s | %.0f | %.0f | %.1f MiB | %.2f s | %s | %s | %s |\n", tool, s, b / 1e6 / s, n / s, kb / 1024, cpu / 1000, speed, cspeed, mem
        }'
    done
    unset ms rss cpu
done
