#!/usr/bin/env bash
# The cost of decrypting TLS (docs/performance.md, "TLS decryption"). Not part of `swift test`.
#
#   bash bench/tls.sh [--uploads N] [--runs N] [--out DIR]
#
# Records N large BITS uploads (6 MiB each, bits-loopback's `large` scenario) relayed over TLS 1.3
# with AES-128-GCM by Tests/Fixtures/tls_relay.py (Python's ssl on OpenSSL) on loopback, capturing
# both legs with tcpdump; splits the capture into the TLS leg and the plain-HTTP leg behind the
# relay (the same uploads), then times, alternately and `--runs` times, `bitsnoop analyze --json`
# on the plain leg and `bitsnoop analyze --json --tls-keylog` on the TLS leg, and prints the medians
# and their ratio. Needs root (capture on lo), tcpdump, python3 and openssl.
set -euo pipefail
cd "$(dirname "$0")/.."
uploads=16
runs=5
out=bench/out/tls
while [ $# -gt 0 ]; do
    case "$1" in
        --uploads) uploads="$2"; shift 2 ;;
        --runs) runs="$2"; shift 2 ;;
        --out) out="$2"; shift 2 ;;
        -h|--help) sed -n 2,11p "$0"; exit 0 ;;
        *) echo "bench/tls.sh: unknown argument $1" >&2; exit 2 ;;
    esac
done
mkdir -p "$out"
out=$(cd "$out" && pwd)
# Built as bench/run.sh builds bitsnoop (see there): the Swift runtime linked statically.
build=(swift build -c release --static-swift-stdlib --scratch-path .build/static)
"${build[@]}" --product bitsnoop >/dev/null
"${build[@]}" --product bits-loopback >/dev/null
bin=$("${build[@]}" --show-bin-path)

pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; }
trap cleanup EXIT
rm -f "$out"/*.ready "$out"/keys.log
openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=bits.loopback.test -days 2 \
    -keyout "$out/key.pem" -out "$out/cert.pem" 2>/dev/null
printf 'openssl_conf = c\n[c]\nssl_conf = s\n[s]\nsystem_default = d\n[d]\nCiphersuites = TLS_AES_128_GCM_SHA256\n' \
    > "$out/openssl.cnf"
"$bin/bits-loopback" server --port 0 --duration 900 --ready-file "$out/server.ready" > /dev/null &
pids+=($!)
for _ in $(seq 100); do [ -s "$out/server.ready" ] && break; sleep 0.1; done
server_port=$(cat "$out/server.ready")
OPENSSL_CONF="$out/openssl.cnf" python3 Tests/Fixtures/tls_relay.py --target-port "$server_port" \
    --keylog "$out/keys.log" --cert "$out/cert.pem" --key "$out/key.pem" --ready-file "$out/relay.ready" \
    --duration 900 &
pids+=($!)
for _ in $(seq 100); do [ -s "$out/relay.ready" ] && break; sleep 0.1; done
read -r front_port tls_port < "$out/relay.ready"
tcpdump -i lo -n --immediate-mode -U -B 65536 -w "$out/both.pcap" "tcp port $tls_port or tcp port $server_port" \
    2> "$out/tcpdump.err" &
tcpdump_pid=$!
pids+=($tcpdump_pid)
sleep 2
for i in $(seq "$uploads"); do
    "$bin/bits-loopback" client --port "$front_port" --scenario large --seed "$i" --manifest "$out/manifest.json" > /dev/null
done
sleep 2
kill -INT "$tcpdump_pid"
wait "$tcpdump_pid" || true
tcpdump -r "$out/both.pcap" -w "$out/plain.pcap" "tcp port $server_port" 2>/dev/null
tcpdump -r "$out/both.pcap" -w "$out/tls.pcap" "tcp port $tls_port" 2>/dev/null
grep -E "dropped by kernel" "$out/tcpdump.err" || true
ls -l "$out/plain.pcap" "$out/tls.pcap"

time_one() {  # prints the wall seconds of one run
    local start end
    start=$(date +%s.%N)
    "$@" > /dev/null
    end=$(date +%s.%N)
    echo "$end - $start" | bc
}
plain=()
tls=()
for _ in $(seq "$runs"); do
    plain+=("$(time_one "$bin/bitsnoop" analyze --quiet --json /dev/null "$out/plain.pcap")")
    tls+=("$(time_one "$bin/bitsnoop" analyze --quiet --json /dev/null --tls-keylog "$out/keys.log" "$out/tls.pcap")")
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
mp=$(median "${plain[@]}")
mt=$(median "${tls[@]}")
echo "plain HTTP leg:          median ${mp} s (runs: ${plain[*]})"
echo "TLS 1.3 AES-128-GCM leg: median ${mt} s (runs: ${tls[*]})"
echo "ratio: $(echo "scale=2; $mt / $mp" | bc)"
"$bin/bitsnoop" analyze --quiet --json - --tls-keylog "$out/keys.log" "$out/tls.pcap" \
    | python3 -c 'import json,sys; d=json.load(sys.stdin); s=d["stats"]; print("sessions", len(d["sessions"]), "tls", s["tls_connections"], "decrypted", s["tls_decrypted_connections"], "records", s["tls_records_decrypted"])'
