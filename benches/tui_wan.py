"""Measures the browser over a slow link, in a real pseudo-terminal read back through pyte,
against `vbshare serve --latency-ms L` (each call waits L ms plus up to 20 % jitter on the
server; the machine's network is never shaped). Used by benches/whole.sh.

Reports, as JSON on stdout (medians of RUNS):
  first_page_ms    process start to the first full page and its total on screen, signed
                   in with a password: one token exchange, then list and counts together
  next_page_ms     `]` (a page fetched ahead while the first was read) to rows 51–100 on
                   screen
  calls            the latency L, for the ratio: first_page_ms / L round trips

Usage: python3 tui_wan.py BINARY ENDPOINT PROJECT_ID USER PASSWORD DOMAIN RUNS
"""

import json
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tui_measure import Term  # noqa: E402  (the same pty and emulator)


def one(binary, endpoint, project, user, password, domain):
    env = {
        "HW_USER_NAME": user,
        "HW_USER_PASSWORD": password,
        "HW_DOMAIN_NAME": domain,
        "HW_AUTH_URL": f"{endpoint}/v3",
    }
    for k, v in env.items():
        os.environ[k] = v
    for k in ("HW_ACCESS_KEY", "HW_SECRET_KEY", "HW_AUTH_TOKEN"):
        os.environ.pop(k, None)
    t = Term([binary, "--endpoint", endpoint, "--project-id", project])
    first = t.wait_for("rows 1–50 of", footer=True) - t.started
    # Read the page for a second: the next one is fetched ahead meanwhile.
    end = time.monotonic() + 1.0
    while time.monotonic() < end:
        t.pump(0.05)
    pressed = time.monotonic()
    t.send(b"]")
    shown = t.wait_for("rows 51–100 of", footer=True)
    t.send(b"q")
    os.waitpid(t.pid, 0)
    return first, shown - pressed


def main() -> int:
    binary, endpoint, project, user, password, domain, runs = sys.argv[1:8]
    firsts, nexts = [], []
    for _ in range(int(runs)):
        f, n = one(binary, endpoint, project, user, password, domain)
        firsts.append(f)
        nexts.append(n)
    print(json.dumps({
        "first_page_ms": round(statistics.median(firsts) * 1000, 1),
        "first_page_samples_ms": [round(s * 1000, 1) for s in firsts],
        "next_page_ms": round(statistics.median(nexts) * 1000, 1),
        "next_page_samples_ms": [round(s * 1000, 1) for s in nexts],
    }))
    return 0


if __name__ == "__main__":
    sys.exit(main())
