#!/usr/bin/env python3
"""Summarises bench/run.sh's timings: medians, ratios, peak RSS, and a check of bitsnoop's result.

Reads the times.tsv that run.sh writes (tool, capture, wall seconds, peak KiB and user CPU seconds
per run; older files without the last column are read too), prints a table
and writes the same figures as JSON. Exits 1 when bitsnoop's timeline is not exactly the expected
uploads (every session completed, no finding), so a fast but wrong build never looks good.
"""
import argparse
import json
import os
import platform
import statistics
import sys


def load_times(path):
    runs = {}
    with open(path) as handle:
        for line in handle:
            fields = line.rstrip("\n").split("\t")
            tool, capture, seconds, kib = fields[:4]
            user = float(fields[4]) if len(fields) > 4 else None
            runs.setdefault((tool, capture), []).append((float(seconds), int(kib), user))
    return runs


def check_timeline(path, sessions, tls=None):
    """Every session completed, no finding; with `tls`, every session's `tls` member equal to it."""
    with open(path) as handle:
        timeline = json.load(handle)
    states = {}
    for session in timeline["sessions"]:
        states[session["state"]] = states.get(session["state"], 0) + 1
    findings = len(timeline["findings"])
    correct = states == {"completed": sessions} and findings == 0
    result = {"sessions": len(timeline["sessions"]), "states": states, "findings": findings}
    if tls is not None:
        with_facts = sum(1 for session in timeline["sessions"] if session.get("tls") == tls)
        result["sessions_with_tls_facts"] = with_facts
        correct = correct and with_facts == sessions
    result["correct"] = correct
    return result


def extract_cost(tools):
    """What --extract adds to a run, over the time dd takes to write as many bytes."""
    if not all(name in tools for name in ("bitsnoop", "bitsnoop-extract", "write-copy")):
        return None
    added = tools["bitsnoop-extract"]["median_seconds"] - tools["bitsnoop"]["median_seconds"]
    write = tools["write-copy"]["median_seconds"]
    return round(added / write, 2) if write > 0 else None


def main():
    parser = argparse.ArgumentParser()
    for name in ("times", "timeline", "timeline-small", "large", "small", "output"):
        parser.add_argument("--" + name, required=True)
    for name in ("sessions", "small-sessions", "runs"):
        parser.add_argument("--" + name, type=int, required=True)
    # The busy workload, when it was run.
    parser.add_argument("--busy")
    parser.add_argument("--timeline-busy")
    parser.add_argument("--busy-sessions", type=int)
    parser.add_argument("--busy-runs", type=int)
    # The bulk workload over TLS 1.3, when it was run.
    parser.add_argument("--tls")
    parser.add_argument("--timeline-tls")
    args = parser.parse_args()

    runs = load_times(args.times)
    tools = {}
    for (tool, capture), samples in sorted(runs.items()):
        key = tool if capture == "large" else f"{tool}-{capture}"
        users = [user for _, _, user in samples if user is not None]
        tools[key] = {
            "capture": capture,
            "runs": [seconds for seconds, _, _ in samples],
            "median_seconds": statistics.median(seconds for seconds, _, _ in samples),
            "user_runs": users,
            "median_user_seconds": statistics.median(users) if users else None,
            "peak_rss_kib": max(kib for _, kib, _ in samples),
        }

    def ratio(a, b, field="median_seconds"):
        if a in tools and b in tools and tools[a][field] is not None and tools[b][field]:
            return round(tools[a][field] / tools[b][field], 2)
        return None

    results = {
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform()},
        "captures": {
            "large": {"path": args.large, "bytes": os.path.getsize(args.large), "sessions": args.sessions},
            "small": {"path": args.small, "bytes": os.path.getsize(args.small), "sessions": args.small_sessions},
        },
        "runs": args.runs,
        "tools": tools,
        "ratios": {
            "bitsnoop/floor": ratio("bitsnoop", "floor"),
            "bitsnoop/floor-every-byte": ratio("bitsnoop", "floor-every-byte"),
            "tshark/bitsnoop": ratio("tshark", "bitsnoop"),
            "tcpflow/bitsnoop": ratio("tcpflow", "bitsnoop"),
            "(extract - bitsnoop)/write-copy": extract_cost(tools),
            "busy: bitsnoop/floor": ratio("bitsnoop-busy", "floor-busy"),
            "busy: tshark/bitsnoop": ratio("tshark-busy", "bitsnoop-busy"),
            "busy: tcpflow/bitsnoop": ratio("tcpflow-busy", "bitsnoop-busy"),
            "tls: bitsnoop-tls/bitsnoop": ratio("bitsnoop-tls", "bitsnoop"),
            "tls: bitsnoop-tls/bitsnoop (user CPU)": ratio("bitsnoop-tls", "bitsnoop", "median_user_seconds"),
        },
        "bitsnoop_result": {
            "large": check_timeline(args.timeline, args.sessions),
            "small": check_timeline(args.timeline_small, args.small_sessions),
        },
    }
    if args.tls:
        results["captures"]["tls"] = {"path": args.tls, "bytes": os.path.getsize(args.tls), "sessions": args.sessions,
                                      "protocol": "TLS 1.3, TLS_AES_128_GCM_SHA256"}
        facts = {"version": "TLS 1.3", "cipher_suite": "TLS_AES_128_GCM_SHA256", "server_name": "bits.example"}
        results["bitsnoop_result"]["tls"] = check_timeline(args.timeline_tls, args.sessions, tls=facts)
    if args.busy:
        results["captures"]["busy"] = {"path": args.busy, "bytes": os.path.getsize(args.busy),
                                       "sessions": args.busy_sessions, "runs": args.busy_runs}
        results["bitsnoop_result"]["busy"] = check_timeline(args.timeline_busy, args.busy_sessions)
    with open(args.output, "w") as handle:
        json.dump(results, handle, indent=2)
        handle.write("\n")

    mib = 1024 * 1024
    print(f"large capture: {results['captures']['large']['bytes'] / mib:.0f} MiB, {args.sessions} sessions; "
          f"small: {results['captures']['small']['bytes'] / mib:.0f} MiB; {args.runs} runs each")
    if args.busy:
        print(f"busy capture: {results['captures']['busy']['bytes'] / mib:.0f} MiB, {args.busy_sessions} sessions; "
              f"{args.busy_runs} runs each")
    if args.tls:
        print(f"tls capture: {results['captures']['tls']['bytes'] / mib:.0f} MiB, the large one's uploads over "
              "TLS 1.3 (AES-128-GCM)")
    print(f"{'tool':<18}{'capture':<9}{'median s':>10}{'user s':>9}{'peak RSS MiB':>14}")
    for name, tool in tools.items():
        user = "-" if tool["median_user_seconds"] is None else f"{tool['median_user_seconds']:.3f}"
        print(f"{name:<18}{tool['capture']:<9}{tool['median_seconds']:>10.3f}{user:>9}"
              f"{tool['peak_rss_kib'] / 1024:>14.1f}")
    for name, value in results["ratios"].items():
        print(f"{name:<40}{'-' if value is None else value}")
    for capture, check in results["bitsnoop_result"].items():
        verdict = "correct" if check["correct"] else "WRONG"
        print(f"bitsnoop on {capture}: {check['sessions']} sessions {check['states']}, "
              f"{check['findings']} findings: {verdict}")
    print(f"results: {args.output}")
    if not all(check["correct"] for check in results["bitsnoop_result"].values()):
        sys.exit(1)


if __name__ == "__main__":
    main()
