#!/usr/bin/env bash
# Regenerates the report screenshots linked from README.md and docs/report.md, with headless
# Chromium (Debian's `chromium`, installed by .ci/setup). Run from the repository root after a build.
set -euo pipefail
cd "$(dirname "$0")/.."
bitsnoop=".build/debug/bitsnoop"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
shot() {  # shot SAMPLE FRAGMENT WIDTH HEIGHT OUTPUT
    "$bitsnoop" report "samples/$1" -o "$work/page.html"
    chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --user-data-dir="$work/profile" \
        --window-size="$3,$4" --screenshot="$5" "file://$work/page.html$2" 2>/dev/null
}
shot bits-three-connections.pcap "" 1280 900 docs/report-three-connections.png
shot bits-gap-416-fixed.pcap "#s1" 1280 1560 docs/report-gap-416-fixed.png
