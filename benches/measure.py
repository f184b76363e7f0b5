"""Times commands side by side: each round runs every command once, in turn, so that load
from other work on the machine falls on all of them alike. Used by benches/whole.sh in
place of hyperfine, so that nothing has to be installed.

Usage: python3 measure.py OUT.json RUNS WARMUP NAME=COMMAND [NAME=COMMAND ...]

COMMAND is split like a shell would split it (no pipes or redirections: stdout and stderr
go to /dev/null). Writes {NAME: {"median": seconds, "times": [...], "rss_kb": peak}} where
peak is the largest resident set of any run, from wait4(2)'s rusage.
"""

import json
import os
import shlex
import statistics
import subprocess
import sys
import time


def run(argv: list[str]) -> tuple[float, int]:
    start = time.perf_counter()
    p = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(p.pid, 0)
    elapsed = time.perf_counter() - start
    p.returncode = os.waitstatus_to_exitcode(status)
    if p.returncode != 0:
        sys.exit(f"{argv[0]} exited with {p.returncode}: {shlex.join(argv)}")
    return elapsed, usage.ru_maxrss


def main() -> int:
    out, runs, warmup = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    commands = {}
    for spec in sys.argv[4:]:
        name, _, command = spec.partition("=")
        commands[name] = shlex.split(command)
    for _ in range(warmup):
        for argv in commands.values():
            run(argv)
    times = {name: [] for name in commands}
    rss = {name: 0 for name in commands}
    for _ in range(runs):
        for name, argv in commands.items():
            t, kb = run(argv)
            times[name].append(t)
            rss[name] = max(rss[name], kb)
    result = {
        name: {"median": statistics.median(ts), "times": ts, "rss_kb": rss[name]}
        for name, ts in times.items()
    }
    with open(out, "w") as f:
        json.dump(result, f, indent=1)
    for name, r in result.items():
        print(f"{name}: median {r['median'] * 1000:.1f} ms, peak RSS {r['rss_kb'] / 1024:.1f} MB", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
