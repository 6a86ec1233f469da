#!/usr/bin/env bash
# The speed and memory benchmark of bitsnoop (see bench/README.md). Not part of `swift test`.
#
#   bash bench/run.sh [--runs N] [--sessions N] [--busy-sessions N] [--busy-runs N] [--out DIR] [--no-peers]
#                     [--no-tls]
#
# Builds bitsnoop and the generator in release mode and the libpcap floors (bench/floor.c), writes the
# bulk workload (large concurrent BITS uploads, and a capture four times smaller), the same bulk
# workload over TLS 1.3 with AES-128-GCM and its key log, and the busy one (many small uploads, one
# per connection), then times, alternately and N times on the same warm file: the floor,
# `bitsnoop analyze --json` (on the bulk capture also with `--extract`, beside a `dd` writing as many
# bytes as the uploads hold; right after it, on the TLS capture with `--tls-keylog`), `tshark -q -z
# http,tree` and `tcpflow -o DIR`. Prints medians (wall and user CPU), ratios and peak RSS, and writes
# them to OUT/results.json. --busy-sessions 0 skips the busy workload, --no-tls the TLS one.
set -euo pipefail
cd "$(dirname "$0")/.."

runs=5
sessions=240
busy_sessions=1000000
busy_runs=3
out=bench/out
peers=1
tls=1
while [ $# -gt 0 ]; do
    case "$1" in
        --runs) runs="$2"; shift 2 ;;
        --sessions) sessions="$2"; shift 2 ;;
        --busy-sessions) busy_sessions="$2"; shift 2 ;;
        --busy-runs) busy_runs="$2"; shift 2 ;;
        --out) out="$2"; shift 2 ;;
        --no-peers) peers=0; shift ;;
        --no-tls) tls=0; shift ;;
        -h|--help) sed -n 2,14p "$0"; exit 0 ;;
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

echo "== building (release, Swift runtime linked statically)" >&2
# --static-swift-stdlib: the Swift runtime and Foundation linked into the binary. Start-up takes
# about 9 ms less (no symbol look-ups across a dozen shared libraries; the floor starts in 3 ms) and
# calls into the runtime (retain, release, allocation) go direct rather than through the PLT. Its
# own build folder, so that the usual build in .build/release is not relinked back and forth.
build=(swift build -c release --static-swift-stdlib --scratch-path .build/static)
"${build[@]}" --product bitsnoop >&2
"${build[@]}" --product bitsnoop-gen >&2
bin="$("${build[@]}" --show-bin-path)"
# The floor: pcap_next_ex through bitsnoop's 64 KiB stdio buffer, one byte touched per packet.
cc -O3 -o "$out/floor" bench/floor.c -lpcap
# The floor of earlier figures, for comparison: every byte of every packet summed (-O3 vectorises it).
cc -O3 -DEVERY_BYTE -o "$out/floor-every-byte" bench/floor.c -lpcap

# --- Captures ------------------------------------------------------------------------------------
large="$out/bench-$sessions.pcap"
small="$out/bench-$small_sessions.pcap"
[ -s "$large" ] || "$bin/bitsnoop-gen" bench --output "$large" --sessions "$sessions" --seed 1 >&2
[ -s "$small" ] || "$bin/bitsnoop-gen" bench --output "$small" --sessions "$small_sessions" --seed 2 >&2
# The same uploads (seed 1) over TLS 1.3, TLS_AES_128_GCM_SHA256, and the secrets to decrypt them.
tls_large="$out/bench-$sessions-tls13.pcap"
tls_keys="$out/bench-$sessions-tls13.keys"
if [ "$tls" = 1 ] && ! [ -s "$tls_large" -a -s "$tls_keys" ]; then
    "$bin/bitsnoop-gen" bench --output "$tls_large" --sessions "$sessions" --seed 1 --tls13 --keylog "$tls_keys" >&2
fi
busy="$out/busy-$busy_sessions.pcap"
if [ "$busy_sessions" -gt 0 ]; then
    [ -s "$busy" ] || "$bin/bitsnoop-gen" bench --profile busy --output "$busy" --sessions "$busy_sessions" \
        --seed 3 >&2
fi
cat "$large" "$small" >/dev/null  # Warm the page cache: every tool reads the same cached file.
[ "$tls" = 1 ] && cat "$tls_large" >/dev/null

# --- Runs ----------------------------------------------------------------------------------------
times="$out/times.tsv"
: >"$times"
# fresh FILE...: removes outputs of the previous run before a timed one. Opening an existing file
# for writing truncates it, and freeing a large file's cached pages is the kernel's work, not the
# tool's: 80 ms for the 285 MB timeline of 100,000 busy sessions, about 0.8 s for 1,000,000.
fresh() { rm -f "$@"; }

# measure NAME CAPTURE COMMAND...: one timed run, appended to times.tsv as name, capture, wall seconds,
# peak KiB and user CPU seconds (steadier than wall time on a shared machine). Wall time is taken with
# nanosecond clock readings around the run: /usr/bin/time's %e has 10 ms steps, an eighth of the
# floor on the bulk capture.
measure() {
    local name="$1" capture="$2"
    shift 2
    local stats="$out/time.txt" start end
    start=$(date +%s%N)
    if ! /usr/bin/time -f "%e %M %U" -o "$stats" "$@" >/dev/null 2>"$out/$name.stderr"; then
        echo "bench/run.sh: $name failed:" >&2
        cat "$out/$name.stderr" >&2
        exit 1
    fi
    end=$(date +%s%N)
    read -r _ kib user <"$stats"
    seconds=$(awk -v start="$start" -v end="$end" 'BEGIN { printf "%.4f", (end - start) / 1e9 }')
    printf '%s\t%s\t%s\t%s\t%s\n' "$name" "$capture" "$seconds" "$kib" "$user" >>"$times"
}

# measure_peers CAPTURE FILE: one timed run of tshark and of tcpflow on FILE.
measure_peers() {
    measure tshark "$1" tshark -r "$2" -q -z http,tree
    rm -rf "$out/tcpflow" && mkdir -p "$out/tcpflow"
    measure tcpflow "$1" tcpflow -r "$2" -o "$out/tcpflow"
    rm -rf "$out/tcpflow"
}

for run in $(seq 1 "$runs"); do
    echo "== run $run of $runs" >&2
    measure floor large "$out/floor" "$large"
    measure floor-every-byte large "$out/floor-every-byte" "$large"
    fresh "$out/timeline.json"
    measure bitsnoop large "$bin/bitsnoop" analyze "$large" --json "$out/timeline.json"
    if [ "$tls" = 1 ]; then
        fresh "$out/timeline-tls.json"
        measure bitsnoop tls "$bin/bitsnoop" analyze "$tls_large" --json "$out/timeline-tls.json" \
            --tls-keylog "$tls_keys"
    fi
    fresh "$out/timeline-small.json"
    measure bitsnoop small "$bin/bitsnoop" analyze "$small" --json "$out/timeline-small.json"
    rm -rf "$out/extract"
    fresh "$out/timeline-extract.json"
    measure bitsnoop-extract large "$bin/bitsnoop" analyze "$large" --json "$out/timeline-extract.json" \
        --extract "$out/extract"
    extracted_mib=$(( $(du -sb "$out/extract" | cut -f1) >> 20 ))
    rm -rf "$out/extract"
    # The cost of writing as many bytes as the extracted files hold, for comparison.
    measure write-copy large dd if="$large" of="$out/copy.bin" bs=1M count="$extracted_mib"
    rm -f "$out/copy.bin"
    if [ "$peers" = 1 ]; then measure_peers large "$large"; fi
done

if [ "$busy_sessions" -gt 0 ]; then
    cat "$busy" >/dev/null
    for run in $(seq 1 "$busy_runs"); do
        echo "== busy run $run of $busy_runs" >&2
        measure floor busy "$out/floor" "$busy"
        fresh "$out/timeline-busy.json"
        measure bitsnoop busy "$bin/bitsnoop" analyze "$busy" --json "$out/timeline-busy.json"
        if [ "$peers" = 1 ]; then measure_peers busy "$busy"; fi
    done
fi

# --- Report --------------------------------------------------------------------------------------
tls_args=()
[ "$tls" = 1 ] && tls_args=(--tls "$tls_large" --timeline-tls "$out/timeline-tls.json")
busy_args=()
[ "$busy_sessions" -gt 0 ] && busy_args=(--busy "$busy" --busy-sessions "$busy_sessions" \
    --timeline-busy "$out/timeline-busy.json" --busy-runs "$busy_runs")
python3 bench/report.py --times "$times" --timeline "$out/timeline.json" \
    --timeline-small "$out/timeline-small.json" --sessions "$sessions" --small-sessions "$small_sessions" \
    --large "$large" --small "$small" --runs "$runs" --output "$out/results.json" "${busy_args[@]}" "${tls_args[@]}"
