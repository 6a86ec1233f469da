#!/usr/bin/env python3
"""Summarises bench/run.sh's timings: medians, ratios, peak RSS, and a check of bitsnoop's result.

Reads the times.tsv that run.sh writes (tool, capture, seconds, peak KiB per run), prints a table
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
            tool, capture, seconds, kib = line.rstrip("\n").split("\t")
            runs.setdefault((tool, capture), []).append((float(seconds), int(kib)))
    return runs


def check_timeline(path, sessions):
    with open(path) as handle:
        timeline = json.load(handle)
    states = {}
    for session in timeline["sessions"]:
        states[session["state"]] = states.get(session["state"], 0) + 1
    findings = len(timeline["findings"])
    correct = states == {"completed": sessions} and findings == 0
    return {"sessions": len(timeline["sessions"]), "states": states, "findings": findings, "correct": correct}


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
    args = parser.parse_args()

    runs = load_times(args.times)
    tools = {}
    for (tool, capture), samples in sorted(runs.items()):
        key = tool if capture == "large" else f"{tool}-{capture}"
        tools[key] = {
            "capture": capture,
            "runs": [seconds for seconds, _ in samples],
            "median_seconds": statistics.median(seconds for seconds, _ in samples),
            "peak_rss_kib": max(kib for _, kib in samples),
        }

    def ratio(a, b):
        if a in tools and b in tools and tools[b]["median_seconds"] > 0:
            return round(tools[a]["median_seconds"] / tools[b]["median_seconds"], 2)
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
        },
        "bitsnoop_result": {
            "large": check_timeline(args.timeline, args.sessions),
            "small": check_timeline(args.timeline_small, args.small_sessions),
        },
    }
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
    print(f"{'tool':<18}{'capture':<9}{'median s':>10}{'peak RSS MiB':>14}")
    for name, tool in tools.items():
        print(f"{name:<18}{tool['capture']:<9}{tool['median_seconds']:>10.3f}{tool['peak_rss_kib'] / 1024:>14.1f}")
    for name, value in results["ratios"].items():
        print(f"{name:<32}{'-' if value is None else value}")
    for capture, check in results["bitsnoop_result"].items():
        verdict = "correct" if check["correct"] else "WRONG"
        print(f"bitsnoop on {capture}: {check['sessions']} sessions {check['states']}, "
              f"{check['findings']} findings: {verdict}")
    print(f"results: {args.output}")
    if not all(check["correct"] for check in results["bitsnoop_result"].values()):
        sys.exit(1)


if __name__ == "__main__":
    main()
