#!/usr/bin/env bash
# The speed and memory benchmark of bitsnoop (see bench/README.md). Not part of `swift test`.
#
#   bash bench/run.sh [--runs N] [--sessions N] [--out DIR] [--no-peers]
#
# Builds bitsnoop and the generator in release mode and the libpcap floor (bench/floor.c), writes a
# large capture of concurrent BITS uploads and one four times smaller, then times, alternately and
# N times on the same warm file: the floor, `bitsnoop analyze --json` (also with `--extract`, beside
# a `dd` writing as many bytes as the uploads hold), `tshark -q -z http,tree` and `tcpflow -o DIR`.
# Prints medians, ratios and peak RSS, and writes them to OUT/results.json.
set -euo pipefail
cd "$(dirname "$0")/.."

runs=5
sessions=240
out=bench/out
peers=1
while [ $# -gt 0 ]; do
    case "$1" in
        --runs) runs="$2"; shift 2 ;;
        --sessions) sessions="$2"; shift 2 ;;
        --out) out="$2"; shift 2 ;;
        --no-peers) peers=0; shift ;;
        -h|--help) sed -n 2,9p "$0"; exit 0 ;;
        *) echo "bench/run.sh: unknown argument $1" >&2; exit 2 ;;
    esac
done
small_sessions=$(( sessions / 4 > 0 ? sessions / 4 : 1 ))
mkdir -p "$out"

# --- Tools ---------------------------------------------------------------------------------------
bash .ci/setup
need=()
[ -x /usr/bin/time ] || need+=(time)
if [ "$peers" = 1 ]; then
    command -v tshark >/dev/null 2>&1 || need+=(tshark)
    command -v tcpflow >/dev/null 2>&1 || need+=(tcpflow)
fi
if [ ${#need[@]} -gt 0 ]; then
    sudo_cmd=""
    [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
    export DEBIAN_FRONTEND=noninteractive
    $sudo_cmd apt-get update -qq
    $sudo_cmd apt-get install -y -qq "${need[@]}" >/dev/null
fi

echo "== building (release)" >&2
swift build -c release --product bitsnoop >&2
swift build -c release --product bitsnoop-gen >&2
bin="$(swift build -c release --show-bin-path)"
# -O3 vectorises the byte loop: the floor is as fast as a libpcap reader can be.
cc -O3 -o "$out/floor" bench/floor.c -lpcap
# The same with bitsnoop's 64 KiB stdio read buffer (PcapHandle.fileReadBufferBytes).
cc -O3 -DREAD_BUFFER=65536 -o "$out/floor-64k" bench/floor.c -lpcap

# --- Captures ------------------------------------------------------------------------------------
large="$out/bench-$sessions.pcap"
small="$out/bench-$small_sessions.pcap"
[ -s "$large" ] || "$bin/bitsnoop-gen" bench --output "$large" --sessions "$sessions" --seed 1 >&2
[ -s "$small" ] || "$bin/bitsnoop-gen" bench --output "$small" --sessions "$small_sessions" --seed 2 >&2
cat "$large" "$small" >/dev/null  # Warm the page cache: every tool reads the same cached file.

# --- Runs ----------------------------------------------------------------------------------------
times="$out/times.tsv"
: >"$times"
# measure NAME CAPTURE COMMAND...: one timed run, appended to times.tsv as name, capture, seconds, KiB.
measure() {
    local name="$1" capture="$2"
    shift 2
    local stats="$out/time.txt"
    if ! /usr/bin/time -f "%e %M" -o "$stats" "$@" >/dev/null 2>"$out/$name.stderr"; then
        echo "bench/run.sh: $name failed:" >&2
        cat "$out/$name.stderr" >&2
        exit 1
    fi
    read -r seconds kib <"$stats"
    printf '%s\t%s\t%s\t%s\n' "$name" "$capture" "$seconds" "$kib" >>"$times"
}

for run in $(seq 1 "$runs"); do
    echo "== run $run of $runs" >&2
    measure floor large "$out/floor" "$large"
    measure floor-64k large "$out/floor-64k" "$large"
    measure bitsnoop large "$bin/bitsnoop" analyze "$large" --json "$out/timeline.json"
    measure bitsnoop small "$bin/bitsnoop" analyze "$small" --json "$out/timeline-small.json"
    rm -rf "$out/extract"
    measure bitsnoop-extract large "$bin/bitsnoop" analyze "$large" --json "$out/timeline-extract.json" \
        --extract "$out/extract"
    extracted_mib=$(( $(du -sb "$out/extract" | cut -f1) >> 20 ))
    rm -rf "$out/extract"
    # The cost of writing as many bytes as the extracted files hold, for comparison.
    measure write-copy large dd if="$large" of="$out/copy.bin" bs=1M count="$extracted_mib"
    rm -f "$out/copy.bin"
    if [ "$peers" = 1 ]; then
        measure tshark large tshark -r "$large" -q -z http,tree
        rm -rf "$out/tcpflow" && mkdir -p "$out/tcpflow"
        measure tcpflow large tcpflow -r "$large" -o "$out/tcpflow"
        rm -rf "$out/tcpflow"
    fi
done

# --- Report --------------------------------------------------------------------------------------
python3 bench/report.py --times "$times" --timeline "$out/timeline.json" \
    --timeline-small "$out/timeline-small.json" --sessions "$sessions" --small-sessions "$small_sessions" \
    --large "$large" --small "$small" --runs "$runs" --output "$out/results.json"
