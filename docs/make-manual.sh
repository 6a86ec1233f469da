#!/usr/bin/env bash
# Writes the manual page bitsnoop.1 into a folder (default: man/, created if missing) with
# swift-argument-parser's generate-manual tool, then gives it the sections the tool does not write:
# EXIT STATUS with bitsnoop's own statuses (the tool writes only "0 on success, >0 on error") and
# EXAMPLES. `--no-build` uses the binaries already in .build/debug (the tests do).
#
#   docs/make-manual.sh            # builds bitsnoop and generate-manual, writes man/bitsnoop.1
#   man -l man/bitsnoop.1
set -euo pipefail
cd "$(dirname "$0")/.."
build=1
if [[ "${1:-}" == "--no-build" ]]; then build=0; shift; fi
out="${1:-man}"
if (( build )); then
  swift build --product bitsnoop
  swift build --product generate-manual
fi
mkdir -p "$out"
.build/debug/generate-manual .build/debug/bitsnoop --output-directory "$out"
page="$out/bitsnoop.1"

# Everything from the tool's EXIT STATUS section on is replaced by ours.
sections=$(cat <<'MDOC'
.Sh EXIT STATUS
.Bl -tag -width Ds
.It 0
Success.
.It 1
.Nm analyze Fl -fail-on Ar severity
found a finding at or above that severity.
.It 2
A capture could not be read (missing, unreadable, not a capture), a filter was refused, an
interface could not be opened, or an output could not be written.
.It 64
A usage error: an unknown option, a missing or bad value.
.El
.Sh EXAMPLES
Summarise every BITS upload of a capture, then write its HTML report (to
.Pa trace.html
in the working directory):
.Dl bitsnoop analyze trace.pcap
.Dl bitsnoop report trace.pcap
.Pp
Write the JSON timeline and the report in one run, and fail a CI job on any warning:
.Dl bitsnoop analyze --json timeline.json -o report.html --fail-on warning trace.pcap
.Pp
Rebuild the uploaded files into a folder (its parent must exist):
.Dl bitsnoop analyze --extract uploads trace.pcapng
.Pp
Read several captures as one, only port 8080:
.Dl bitsnoop analyze -f 'tcp port 8080' part1.pcap part2.pcap
.Pp
List the TCP connections, then print the reassembled bytes of the third:
.Dl bitsnoop streams trace.pcap
.Dl bitsnoop streams --follow 3 trace.pcap
.Pp
Sniff an interface for 100 packets (as tcpdump's -c), saving them for a later analyze:
.Dl bitsnoop live -D
.Dl sudo bitsnoop live -i eth0 -c 100 -w live.pcap
.Pp
Stream events as NDJSON to jq:
.Dl sudo bitsnoop live -i eth0 --json-lines - | jq \&.
MDOC
)
awk -v sections="$sections" '
  /^\.Sh "?EXIT STATUS"?$/ { print sections; done = 1; next }
  done && /^\.Sh / { done = 0 }
  !done { print }
' "$page" > "$page.tmp"
mv "$page.tmp" "$page"
echo "wrote $page"
