#!/usr/bin/env bash
# Builds bitsnoop's libFuzzer targets and runs them from seed corpora made from samples/.
#
#   fuzz/run.sh [--seconds N] [--jobs J] [TARGET...]
#
# TARGET is capture, reassembly, http, bits or tls (default: all five). Each target runs N seconds
# (default 60; the documented longer run is --seconds 600 --jobs 2), J targets at a time (default 1),
# under `nice`. Work files go to fuzz/out/: out/corpus/TARGET (the growing corpus), out/seeds/TARGET,
# out/artifacts/TARGET (crash, leak, timeout and OOM inputs), out/logs/TARGET.log.
# Exit status: 0 when no target found anything, 1 otherwise (the inputs are in out/artifacts/).
# A found input is kept as a regression test by copying it to fuzz/regressions/TARGET/ once fixed.
set -euo pipefail

seconds=60
jobs=1
targets=()
while (($#)); do
    case "$1" in
        --seconds) seconds="$2"; shift 2 ;;
        --jobs) jobs="$2"; shift 2 ;;
        -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
        capture|reassembly|http|bits|tls) targets+=("$1"); shift ;;
        *) echo "run.sh: unknown argument '$1'" >&2; exit 64 ;;
    esac
done
((${#targets[@]})) || targets=(capture reassembly http bits tls)

fuzz_dir="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$fuzz_dir")"
out="$fuzz_dir/out"
mkdir -p "$out"

executable() {
    case "$1" in
        capture) echo FuzzCapture ;; reassembly) echo FuzzReassembly ;; http) echo FuzzHTTP ;; bits) echo FuzzBITS ;;
        tls) echo FuzzTLS ;;
    esac
}

# Seeds: written by bitsnoop-fuzz (the targets without the fuzzer) from every sample.
echo "== building bitsnoop-fuzz (seed writer)"
(cd "$root" && nice -n 10 swift build --product bitsnoop-fuzz >/dev/null)
seed_tool="$(cd "$root" && swift build --show-bin-path)/bitsnoop-fuzz"
for target in "${targets[@]}"; do
    rm -rf "$out/seeds/$target"
    # The capture target also starts from a multi-link-type pcapng (the own reader), plain and compressed.
    extra=()
    [ "$target" = capture ] && extra=("$root"/fuzz/regressions/capture/*multi-linktype)
    "$seed_tool" "$target" --seeds "$out/seeds/$target" "$root"/samples/*.pcap "$root"/samples/*.pcapng "${extra[@]}"
    mkdir -p "$out/corpus/$target" "$out/artifacts/$target" "$out/logs"
done

# The fuzzers: the package in fuzz/, everything instrumented (one product at a time, so that
# dependencies the targets do not use are not built with the fuzzer). ld.gold cannot link them;
# toolset.json selects lld.
echo "== building the fuzz targets (-sanitize=fuzzer,address)"
for target in "${targets[@]}"; do
    (cd "$fuzz_dir" && nice -n 10 swift build -c release -Xswiftc -sanitize=fuzzer,address \
        --toolset toolset.json --product "$(executable "$target")" >/dev/null)
done
bin="$(cd "$fuzz_dir" && swift build -c release --show-bin-path)"

# The Swift runtime's own crash backtracer is switched off: libFuzzer and ASan report crashes, and
# the backtracer's memory reads trip ASan.
run_target() {
    local target="$1"
    local log="$out/logs/$target.log"
    # -max_len: the largest sample fits; -rss_limit_mb: the bound on one input's memory (a leak or
    # a table that grows without limit shows as an OOM); -timeout: wall-clock seconds one input may
    # take before it counts as a hang. Generous, because a shared machine may pause the process (a
    # 90 s SIGSTOP once made two false timeouts); inputs over 10 s are still saved as slow-unit-*.
    SWIFT_BACKTRACE=enable=no nice -n 10 "$bin/$(executable "$target")" "$out/corpus/$target" "$out/seeds/$target" \
        "$fuzz_dir/regressions/$target" \
        -max_total_time="$seconds" -max_len=65536 -rss_limit_mb=2048 -timeout=180 -print_final_stats=1 \
        -artifact_prefix="$out/artifacts/$target/" >"$log" 2>&1
}

echo "== fuzzing ${targets[*]} for ${seconds}s each, $jobs at a time"
failed=()
running=()
names=()
for target in "${targets[@]}"; do
    run_target "$target" &
    running+=($!)
    names+=("$target")
    if ((${#running[@]} >= jobs)); then
        if ! wait "${running[0]}"; then failed+=("${names[0]}"); fi
        running=("${running[@]:1}")
        names=("${names[@]:1}")
    fi
done
for index in "${!running[@]}"; do
    if ! wait "${running[$index]}"; then failed+=("${names[$index]}"); fi
done

for target in "${targets[@]}"; do
    runs="$(sed -n 's/^stat::number_of_executed_units: *//p' "$out/logs/$target.log" | tail -1)"
    corpus="$(find "$out/corpus/$target" -type f | wc -l)"
    echo "$target: ${runs:-?} executions, corpus $corpus inputs (log: fuzz/out/logs/$target.log)"
done
if ((${#failed[@]})); then
    for target in "${failed[@]}"; do
        echo "== $target found something:" >&2
        grep -E "ERROR|Fatal error|fuzz invariant|Test unit written" "$out/logs/$target.log" | head -20 >&2 || true
    done
    exit 1
fi
echo "== nothing found"
