"""Measures the browser the way a person meets it, in a real pseudo-terminal whose output
is read back through the pyte terminal emulator. Used by benches/whole.sh.

Reports, as JSON on stdout:
  first_page_ms    start of the process to the first full page and total on screen
  keystroke_ms     median, last keystroke of a filter edit to the new total on screen,
                   minus the debounce (so: server time + vbshare's own time)
  request_ms       median latency of those requests as the footer reports it (list and
                   count together: the server's time plus the HTTP round trip)
  own_ms           median of keystroke minus debounce minus request: vbshare's own time
  idle_cpu_s       CPU seconds used over IDLE_SECS seconds of doing nothing
  peak_rss_kb      the process's peak resident memory (VmHWM)

Usage: python3 tui_measure.py BINARY ENDPOINT PROJECT_ID DEBOUNCE_MS IDLE_SECS name=count…
(credentials come from HW_ACCESS_KEY / HW_SECRET_KEY in the environment)
"""

import fcntl
import json
import os
import pty
import re
import select
import statistics
import struct
import sys
import termios
import time

import pyte

COLS, ROWS = 120, 40


def thousands(n: int) -> str:
    return f"{n:,}"


class Term:
    def __init__(self, argv):
        self.screen = pyte.Screen(COLS, ROWS)
        self.stream = pyte.ByteStream(self.screen)
        self.started = time.monotonic()
        pid, fd = pty.fork()
        if pid == 0:
            fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLS, 0, 0))
            os.environ["TERM"] = "xterm-256color"
            os.execv(argv[0], argv)
        self.pid, self.fd = pid, fd
        # When the bytes last read arrived: a screen change is timed by its bytes' arrival,
        # not by when this (slow, Python) emulator finished digesting them.
        self.read_at = time.monotonic()

    def pump(self, timeout: float) -> None:
        ready, _, _ = select.select([self.fd], [], [], timeout)
        if ready:
            try:
                data = os.read(self.fd, 65536)
            except OSError:
                return
            self.read_at = time.monotonic()
            # Answer a cursor-position query, as a real terminal would.
            if b"\x1b[6n" in data:
                os.write(self.fd, b"\x1b[1;1R")
            self.stream.feed(data)

    def text(self) -> str:
        return "\n".join(self.screen.display)

    def wait_raw(self, needle: bytes, limit: float = 20.0) -> float:
        """When `needle` arrives in the bytes written after this call, timed by its read.
        Nothing is fed to the (slow, Python) emulator until then, so no read waits on it;
        the bytes are fed afterwards."""
        pending, deadline = b"", time.monotonic() + limit
        while time.monotonic() < deadline:
            ready, _, _ = select.select([self.fd], [], [], 0.0005)
            if not ready:
                continue
            data = os.read(self.fd, 65536)
            at = time.monotonic()
            if b"\x1b[6n" in data:
                os.write(self.fd, b"\x1b[1;1R")
            pending += data
            if needle in pending:
                self.stream.feed(pending)
                return at
        raise SystemExit(f"timed out waiting for {needle!r}")

    def footer(self) -> str:
        row = self.screen.buffer[ROWS - 1]
        return "".join(row[x].data for x in range(COLS))

    def wait_for(self, needle: str, limit: float = 20.0, footer: bool = False) -> float:
        """When `needle` first shows (in the footer only, with `footer`: checking one line
        after every read is cheap, so the arrival time is not delayed by rendering the
        whole emulated screen in Python between reads)."""
        look = self.footer if footer else self.text
        deadline = time.monotonic() + limit
        while time.monotonic() < deadline:
            if needle in look():
                return self.read_at
            self.pump(0.001)
        raise SystemExit(f"timed out waiting for {needle!r}; screen:\n{self.text()}")

    def send(self, keys: bytes) -> None:
        os.write(self.fd, keys)

    def cpu_seconds(self) -> float:
        with open(f"/proc/{self.pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        ticks = os.sysconf("SC_CLK_TCK")
        return (int(fields[11]) + int(fields[12])) / ticks

    def peak_rss_kb(self) -> int:
        with open(f"/proc/{self.pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
        return 0


def main() -> int:
    binary, endpoint, project, debounce_ms, idle_secs = sys.argv[1:6]
    names = [(kv.split("=")[0], int(kv.split("=")[1])) for kv in sys.argv[6:]]
    debounce = int(debounce_ms) / 1000
    t = Term([binary, "--endpoint", endpoint, "--project-id", project,
              "--debounce-ms", debounce_ms])
    first = t.wait_for("rows 1–50 of", footer=True) - t.started

    samples, requests, own = [], [], []
    t.send(b"/")
    t.wait_for("name")
    for i in range(12):
        name, count = names[i % len(names)]
        # Let the previous edit's frames land, so only this edit's bytes are read below.
        end = time.monotonic() + 0.3
        while time.monotonic() < end:
            t.pump(0.05)
        t.send(b"\x15")  # Ctrl-U clears the field
        for ch in name.encode():
            t.send(bytes([ch]))
        last_key = time.monotonic()
        # The footer's new total ("… of 245 · page 1/5"), as its bytes arrive: ratatui
        # rewrites the cells from the first changed one, the number and what follows.
        shown = t.wait_raw(f"{thousands(count)} ·".encode())
        elapsed = shown - last_key - debounce
        footer = t.screen.display[-1]
        latency = re.search(r"· (\d+) ms", footer)
        request = int(latency.group(1)) / 1000 if latency else 0.0
        samples.append(elapsed)
        requests.append(request)
        own.append(elapsed - request)
    t.send(b"\x1b")  # leave the form

    # Let any last redraw land, then sit idle.
    end = time.monotonic() + 1.0
    while time.monotonic() < end:
        t.pump(0.05)
    cpu_before = t.cpu_seconds()
    end = time.monotonic() + float(idle_secs)
    while time.monotonic() < end:
        t.pump(0.5)
    idle_cpu = t.cpu_seconds() - cpu_before
    peak = t.peak_rss_kb()
    t.send(b"q")
    os.waitpid(t.pid, 0)
    print(json.dumps({
        "first_page_ms": round(first * 1000, 1),
        "keystroke_ms": round(statistics.median(samples) * 1000, 1),
        "keystroke_samples_ms": [round(s * 1000, 1) for s in samples],
        "request_ms": round(statistics.median(requests) * 1000, 1),
        "own_ms": round(statistics.median(own) * 1000, 1),
        "idle_cpu_s": round(idle_cpu, 3),
        "idle_secs": float(idle_secs),
        "peak_rss_kb": peak,
    }))
    return 0


if __name__ == "__main__":
    sys.exit(main())
