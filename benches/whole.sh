#!/usr/bin/env bash
# Whole-program benchmarks for BENCHMARKS.md, all against `vbshare serve` on loopback.
#
#   bash benches/whole.sh            # full run (about 5 minutes)
#   QUICK=1 bash benches/whole.sh    # fewer runs, 5 s idle window (a smoke test)
#
# Needs Linux, cargo, curl and python3. Installs what is missing: hyperfine and GNU time
# from Debian's packages (removed again at the end unless KEEP_PACKAGES=1), and
# huaweicloudsdkcore, requests and pyte from PyPI into a temporary virtualenv (deleted at
# the end). Prints a Markdown table of medians and writes raw results to $OUT
# (default: target/bench-results).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT=${OUT:-$ROOT/target/bench-results}
QUICK=${QUICK:-0}
RUNS=$([ "$QUICK" = 1 ] && echo 10 || echo 40)
ALL_RUNS=$([ "$QUICK" = 1 ] && echo 2 || echo 5)
IDLE_SECS=$([ "$QUICK" = 1 ] && echo 5 || echo 30)
ALL_SHARINGS=${ALL_SHARINGS:-200000} # about half are "shared by me": ~100,000 rows
WORK=$(mktemp -d)
PIDS=()
INSTALLED=()

cleanup() {
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    rm -rf "$WORK"
    if [ "${#INSTALLED[@]}" -gt 0 ] && [ "${KEEP_PACKAGES:-0}" != 1 ]; then
        apt-get remove -y -qq "${INSTALLED[@]}" >/dev/null 2>&1 || true
    fi
}
trap cleanup EXIT

need_pkg() { # command package
    if ! command -v "$1" >/dev/null 2>&1; then
        echo "installing $2 from Debian's packages" >&2
        apt-get install -y -qq "$2" >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq "$2" >/dev/null; }
        INSTALLED+=("$2")
    fi
}
need_pkg hyperfine hyperfine
[ -x /usr/bin/time ] || need_pkg /usr/bin/time time

python3 -m venv "$WORK/venv"
"$WORK/venv/bin/pip" install -q huaweicloudsdkcore requests pyte >/dev/null
PY="$WORK/venv/bin/python"

mkdir -p "$OUT"
cd "$ROOT"
cargo build --release -q
BIN="$ROOT/target/release/vbshare"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

serve() { # sharings -> prints endpoint
    local port; port=$(free_port)
    "$BIN" serve --listen "127.0.0.1:$port" --sharings "$1" >"$WORK/serve-$port.out" 2>&1 &
    PIDS+=($!)
    for _ in $(seq 100); do
        grep -q '^domain:' "$WORK/serve-$port.out" 2>/dev/null && break
        sleep 0.1
    done
    echo "http://127.0.0.1:$port"
}

PROJECT=c13f5220dc1949b0b741ea81a7cd5554
export HW_ACCESS_KEY=VBSDEMO7KQ2M4X9RT3LP HW_SECRET_KEY=DemoSK4vbshareXq7Lm2Np9Rt5Vw8Zy3Bc6Df1Gh
SMALL=$(serve 2000)
BIG=$(serve "$ALL_SHARINGS")

TOKEN=$(curl -si "$SMALL/v3/auth/tokens" -H 'Content-Type: application/json' -d "{
  \"auth\": {\"identity\": {\"methods\": [\"password\"], \"password\": {\"user\": {\"name\": \"demo\",
  \"password\": \"demo-password\", \"domain\": {\"name\": \"demo-domain\"}}}},
  \"scope\": {\"project\": {\"id\": \"$PROJECT\"}}}}" |
    awk 'tolower($1) == "x-subject-token:" {print $2}' | tr -d '\r')
URL="$SMALL/v2/$PROJECT/os-vendor-backup-sharing/detail?limit=50"

# The three answers must be the same document before their times mean anything.
"$BIN" --endpoint "$SMALL" --project-id "$PROJECT" list --limit 50 -o json >"$WORK/a.json"
curl -s -H "X-Auth-Token: $TOKEN" "$URL" >"$WORK/b.json"
"$PY" "$ROOT/benches/python_list.py" "$SMALL" "$PROJECT" 50 >"$WORK/c.json"
"$PY" - "$WORK/a.json" "$WORK/b.json" "$WORK/c.json" <<'EOF'
import json, sys
docs = [json.load(open(p)) for p in sys.argv[1:]]
assert len(docs[0]["shared"]) == 50 and docs[0] == docs[1] == docs[2], "answers differ"
EOF

echo "== list 50 rows, JSON out: vbshare vs curl vs python" >&2
hyperfine -N --warmup 3 --runs "$RUNS" --export-json "$OUT/list50.json" \
    -n vbshare "$BIN --endpoint $SMALL --project-id $PROJECT list --limit 50 -o json" \
    -n curl "curl -s -H X-Auth-Token:$TOKEN $URL" \
    -n python "$PY $ROOT/benches/python_list.py $SMALL $PROJECT 50" >&2

echo "== list --all -o ndjson" >&2
ROWS=$("$BIN" --endpoint "$BIG" --project-id "$PROJECT" count)
hyperfine --warmup 1 --runs "$ALL_RUNS" --export-json "$OUT/all.json" \
    -n all "$BIN --endpoint $BIG --project-id $PROJECT list --all -o ndjson > /dev/null" >&2
peak_kb() { /usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -1; }
RSS_ALL=$(peak_kb "$BIN" --endpoint "$BIG" --project-id "$PROJECT" list --all -o ndjson)
RSS_PAGE=$(peak_kb "$BIN" --endpoint "$BIG" --project-id "$PROJECT" list --all --az eu-de-01 -o ndjson)
ROWS_SMALL=$("$BIN" --endpoint "$BIG" --project-id "$PROJECT" count --az eu-de-01)
WRITTEN=$("$BIN" --endpoint "$BIG" --project-id "$PROJECT" list --all -o ndjson | wc -l)
[ "$WRITTEN" = "$ROWS" ] || { echo "list --all wrote $WRITTEN rows, count says $ROWS" >&2; exit 1; }

echo "== the browser in a pseudo-terminal" >&2
NAMES=()
for n in prod qa staging dev; do NAMES+=("$n=$("$BIN" --endpoint "$SMALL" --project-id "$PROJECT" count --name "$n")"); done
"$PY" "$ROOT/benches/tui_measure.py" "$BIN" "$SMALL" "$PROJECT" 200 "$IDLE_SECS" "${NAMES[@]}" >"$OUT/tui.json"

SIZE=$(stat -c %s "$BIN")
"$PY" - "$OUT" "$ROWS" "$RSS_ALL" "$RSS_PAGE" "$ROWS_SMALL" "$SIZE" <<'EOF'
import json, sys
out, rows, rss_all, rss_small, rows_small, size = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6])
l = {r["command"]: r for r in json.load(open(f"{out}/list50.json"))["results"]}
a = json.load(open(f"{out}/all.json"))["results"][0]
t = json.load(open(f"{out}/tui.json"))
ms = lambda r: r["median"] * 1000
v, c, p = ms(l["vbshare"]), ms(l["curl"]), ms(l["python"])
print("| measure | median | target |")
print("|---|---|---|")
print(f"| `vbshare list --limit 50 -o json` | {v:.1f} ms | within 1.5x of curl |")
print(f"| `curl` with a token | {c:.1f} ms | |")
print(f"| Python, huaweicloudsdkcore signer + requests | {p:.1f} ms | |")
print(f"| vbshare / curl | {v / c:.2f}x | <= 1.5x |")
print(f"| python / vbshare | {p / v:.1f}x | >= 5x |")
print(f"| `list --all -o ndjson`, {rows:,} rows | {a['median']:.2f} s = {rows / a['median']:,.0f} rows/s | |")
print(f"| peak RSS, `--all` over {rows:,} rows | {rss_all / 1024:.1f} MB | < 50 MB, flat |")
print(f"| peak RSS, `--all` over {rows_small:,} rows | {rss_small / 1024:.1f} MB | same as above |")
print(f"| browser: start to first full page | {t['first_page_ms']:.0f} ms | < 300 ms |")
print(f"| browser: last keystroke to new result, minus 200 ms debounce | {t['keystroke_ms']:.1f} ms | |")
print(f"| … of which the request (list + count, as the footer reports) | {t['request_ms']:.1f} ms | |")
print(f"| … of which vbshare's own time | {t['own_ms']:.1f} ms | < 10 ms |")
print(f"| browser: CPU over {t['idle_secs']:.0f} idle seconds | {t['idle_cpu_s']:.2f} s | 0.0 s |")
print(f"| browser: peak RSS | {t['peak_rss_kb'] / 1024:.1f} MB | |")
print(f"| release binary | {size / 1e6:.1f} MB | < 15 MB |")
EOF
