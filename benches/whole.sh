#!/usr/bin/env bash
# Whole-program benchmarks for BENCHMARKS.md, all against `vbshare serve` on loopback.
#
#   bash benches/whole.sh                          # full run (about 10 minutes)
#   QUICK=1 bash benches/whole.sh                  # fewer runs, 5 s idle window (a smoke test)
#   BASELINE_BIN=/path/to/old/vbshare bash …       # also time an older build side by side
#
# Needs Linux, cargo, curl and python3; runs without root and installs nothing on the
# system: huaweicloudsdkcore, requests and pyte go into a temporary virtualenv (deleted at
# the end), and commands are timed by benches/measure.py (round by round, side by side),
# so neither hyperfine nor GNU time is needed. Network latency is the embedded server's
# `--latency-ms`, never the machine's own network settings. Prints Markdown tables of
# medians and writes raw results to $OUT (default: target/bench-results).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT=${OUT:-$ROOT/target/bench-results}
QUICK=${QUICK:-0}
RUNS=$([ "$QUICK" = 1 ] && echo 10 || echo 40)
ALL_RUNS=$([ "$QUICK" = 1 ] && echo 2 || echo 5)
IDLE_SECS=$([ "$QUICK" = 1 ] && echo 5 || echo 30)
ALL_SHARINGS=${ALL_SHARINGS:-200000} # about half are "shared by me": ~100,000 rows
WAN_SHARINGS=${WAN_SHARINGS:-100000} # ~50,000 rows
WAN_LATENCIES=${WAN_LATENCIES:-0 20 50 100}
BASELINE_BIN=${BASELINE_BIN:-}
WORK=$(mktemp -d)

cleanup() {
    # Servers started in command substitutions ($(serve …)) note their PIDs in a file.
    [ -f "$WORK/pids" ] && while read -r pid; do kill "$pid" 2>/dev/null || true; done <"$WORK/pids"
    rm -rf "$WORK"
}
trap cleanup EXIT

for tool in cargo curl python3; do
    command -v "$tool" >/dev/null || { echo "whole.sh needs $tool on PATH" >&2; exit 1; }
done

python3 -m venv "$WORK/venv"
"$WORK/venv/bin/pip" install -q huaweicloudsdkcore requests pyte >/dev/null
PY="$WORK/venv/bin/python"
MEASURE="$ROOT/benches/measure.py"

mkdir -p "$OUT"
cd "$ROOT"
cargo build --release -q
BIN="$ROOT/target/release/vbshare"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

serve() { # sharings [latency-ms [more serve options…]] -> prints endpoint
    local port; port=$(free_port)
    "$BIN" serve --listen "127.0.0.1:$port" --sharings "$1" --latency-ms "${2:-0}" "${@:3}" >"$WORK/serve-$port.out" 2>&1 &
    echo $! >>"$WORK/pids"
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

token() { # endpoint -> a token the server there accepts
    curl -si "$1/v3/auth/tokens" -H 'Content-Type: application/json' -d "{
  \"auth\": {\"identity\": {\"methods\": [\"password\"], \"password\": {\"user\": {\"name\": \"demo\",
  \"password\": \"demo-password\", \"domain\": {\"name\": \"demo-domain\"}}}},
  \"scope\": {\"project\": {\"id\": \"$PROJECT\"}}}}" |
        awk 'tolower($1) == "x-subject-token:" {print $2}' | tr -d '\r'
}
TOKEN=$(token "$SMALL")
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
"$PY" "$MEASURE" "$OUT/list50.json" "$RUNS" 3 \
    "vbshare=$BIN --endpoint $SMALL --project-id $PROJECT list --limit 50 -o json" \
    "curl=curl -sf -H X-Auth-Token:$TOKEN $URL" \
    "python=$PY $ROOT/benches/python_list.py $SMALL $PROJECT 50"

# The pages `list --all` asks for, as URLs for one curl process (one keep-alive connection).
page_urls() { # endpoint rows
    local offset
    for ((offset = 0; offset < $2; offset += 1000)); do
        printf '%s ' "$1/v2/$PROJECT/os-vendor-backup-sharing/detail?limit=1000&offset=$offset&sort_dir=desc&sort_key=created_at"
    done
}
# NAME=COMMAND arguments for measure.py, one a line: `list --all` (default concurrency),
# the same with --concurrency 1, the baseline build if given, and curl fetching the pages.
all_commands() { # endpoint rows
    local all="--endpoint $1 --project-id $PROJECT list --all -o ndjson"
    echo "all=$BIN $all"
    echo "c1=$BIN --concurrency 1 $all"
    [ -z "$BASELINE_BIN" ] || echo "baseline=$BASELINE_BIN $all"
    echo "curl=curl -sf -H X-Auth-Token:$(token "$1") $(page_urls "$1" "$2")"
}

echo "== list --all -o ndjson" >&2
ROWS=$("$BIN" --endpoint "$BIG" --project-id "$PROJECT" count)
WRITTEN=$("$BIN" --endpoint "$BIG" --project-id "$PROJECT" list --all -o ndjson | wc -l)
[ "$WRITTEN" = "$ROWS" ] || { echo "list --all wrote $WRITTEN rows, count says $ROWS" >&2; exit 1; }
mapfile -t CMDS < <(all_commands "$BIG" "$ROWS")
"$PY" "$MEASURE" "$OUT/all.json" "$ALL_RUNS" 1 "${CMDS[@]}"
ROWS_SMALL=$("$BIN" --endpoint "$BIG" --project-id "$PROJECT" count --az eu-de-01)
"$PY" "$MEASURE" "$OUT/all_az.json" 1 0 \
    "az=$BIN --endpoint $BIG --project-id $PROJECT list --all --az eu-de-01 -o ndjson"

echo "== list --all over a WAN: the server answers each call after L ms" >&2
FIRST_L=${WAN_LATENCIES%% *}
for L in $WAN_LATENCIES; do
    WAN=$(serve "$WAN_SHARINGS" "$L")
    WAN_ROWS=$("$BIN" --endpoint "$WAN" --project-id "$PROJECT" count)
    if [ "$L" = "$FIRST_L" ]; then
        # vbshare and curl must fetch the same rows before their times mean anything.
        "$BIN" --endpoint "$WAN" --project-id "$PROJECT" list --all -o ndjson >"$WORK/wan.ndjson"
        # shellcheck disable=SC2046
        curl -sf -H "X-Auth-Token: $(token "$WAN")" $(page_urls "$WAN" "$WAN_ROWS") >"$WORK/wan.pages"
        "$PY" - "$WORK/wan.ndjson" "$WORK/wan.pages" "$WAN_ROWS" <<'EOF'
import json, sys
ours = [json.loads(l)["id"] for l in open(sys.argv[1])]
dec, text, theirs, i = json.JSONDecoder(), open(sys.argv[2]).read(), [], 0
while i < len(text):
    doc, i = dec.raw_decode(text, i)
    theirs += [s["id"] for s in doc["shared"]]
    while i < len(text) and text[i].isspace():
        i += 1
assert ours == theirs and len(ours) == int(sys.argv[3]), "vbshare and curl fetched different rows"
EOF
    fi
    mapfile -t CMDS < <(all_commands "$WAN" "$WAN_ROWS")
    "$PY" "$MEASURE" "$OUT/wan-$L.json" "$ALL_RUNS" 1 "${CMDS[@]}"
    echo "$WAN_ROWS" >"$OUT/wan-$L.rows"
done

echo "== the browser in a pseudo-terminal" >&2
NAMES=()
for n in prod qa staging dev; do NAMES+=("$n=$("$BIN" --endpoint "$SMALL" --project-id "$PROJECT" count --name "$n")"); done
"$PY" "$ROOT/benches/tui_measure.py" "$BIN" "$SMALL" "$PROJECT" 200 "$IDLE_SECS" "${NAMES[@]}" >"$OUT/tui.json"

echo "== the browser over a slow link: L = 100 ms, signed in with a password" >&2
SLOW=$(serve 2000 100)
"$PY" "$ROOT/benches/tui_wan.py" "$BIN" "$SLOW" "$PROJECT" demo demo-password demo-domain 7 >"$OUT/tui_wan.json"

echo "== the CBR owner walk: the members of 1,000 backups, L = 50 ms" >&2
WALK=$(serve 2000 50 --cbr-backups 1000)
walk="--endpoint $WALK --cbr-endpoint $WALK --project-id $PROJECT --service cbr"
"$PY" "$MEASURE" "$OUT/walk.json" 3 0 \
    "c4=$BIN $walk --concurrency 4 count" \
    "c8=$BIN $walk --concurrency 8 count"

SIZE=$(stat -c %s "$BIN")
"$PY" - "$OUT" "$ROWS" "$ROWS_SMALL" "$SIZE" "$WAN_LATENCIES" <<'EOF'
import json, sys
out, rows, rows_small, size = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
latencies = sys.argv[5].split()
load = lambda name: json.load(open(f"{out}/{name}.json"))
l, a, az, t = load("list50"), load("all"), load("all_az"), load("tui")
ms = lambda r: r["median"] * 1000
v, c, p = ms(l["vbshare"]), ms(l["curl"]), ms(l["python"])
print("| measure | median | target |")
print("|---|---|---|")
print(f"| `vbshare list --limit 50 -o json` | {v:.1f} ms | within 1.5x of curl |")
print(f"| `curl` with a token | {c:.1f} ms | |")
print(f"| Python, huaweicloudsdkcore signer + requests | {p:.1f} ms | |")
print(f"| vbshare / curl | {v / c:.2f}x | <= 1.5x |")
print(f"| python / vbshare | {p / v:.1f}x | >= 5x |")
rate = lambda k: f"{a[k]['median']:.2f} s = {rows / a[k]['median']:,.0f} rows/s"
print(f"| `list --all -o ndjson`, {rows:,} rows, L = 0 | {rate('all')} | >= 300,000 rows/s |")
if "baseline" in a:
    print(f"| … the baseline build | {rate('baseline')} | |")
print(f"| … with `--concurrency 1` | {rate('c1')} | |")
print(f"| curl downloading the same pages (one keep-alive process) | {a['curl']['median']:.2f} s | |")
print(f"| `list --all` / curl | {a['all']['median'] / a['curl']['median']:.2f}x | <= 2.0x |")
print(f"| peak RSS, `--all` over {rows:,} rows | {a['all']['rss_kb'] / 1024:.1f} MB | <= 20 MB, flat |")
print(f"| peak RSS, `--all` over {rows_small:,} rows | {az['az']['rss_kb'] / 1024:.1f} MB | same as above |")
print(f"| browser: start to first full page | {t['first_page_ms']:.0f} ms | < 300 ms |")
print(f"| browser: last keystroke to new result, minus 200 ms debounce | {t['keystroke_ms']:.1f} ms | |")
print(f"| … of which the request (list + count, as the footer reports) | {t['request_ms']:.1f} ms | |")
print(f"| … of which vbshare's own time | {t['own_ms']:.1f} ms | < 10 ms |")
print(f"| browser: CPU over {t['idle_secs']:.0f} idle seconds | {t['idle_cpu_s']:.2f} s | 0.0 s |")
print(f"| browser: peak RSS | {t['peak_rss_kb'] / 1024:.1f} MB | |")
print(f"| release binary | {size / 1e6:.1f} MB | < 15 MB |")
tw, wk = load("tui_wan"), load("walk")
print(f"| browser, L = 100 ms, password: start to first full page | {tw['first_page_ms']:.0f} ms | <= 3 round trips + 30 ms |")
print(f"| browser, L = 100 ms: `]` onto the page fetched ahead, on screen | {tw['next_page_ms']:.1f} ms | <= 16 ms |")
print(f"| CBR owner walk, 1,000 backups, L = 50 ms, `--concurrency 4` | {wk['c4']['median']:.2f} s | <= 14 s |")
print(f"| … `--concurrency 8` | {wk['c8']['median']:.2f} s | <= 7.5 s |")
print()
base = "baseline" in load(f"wan-{latencies[0]}")
print("| L | rows | `list --all` | `--concurrency 1` | speed-up | " + ("baseline | " if base else "") + "curl | vs curl |")
print("|---|---|---|---|---|" + ("---|" if base else "") + "---|---|")
for lat in latencies:
    w = load(f"wan-{lat}")
    n = int(open(f"{out}/wan-{lat}.rows").read())
    s = lambda k: f"{w[k]['median']:.2f} s"
    print(f"| {lat} ms | {n:,} | {s('all')} | {s('c1')} | {w['c1']['median'] / w['all']['median']:.2f}x | "
          + (f"{s('baseline')} | " if base else "")
          + f"{s('curl')} | {w['all']['median'] / w['curl']['median']:.2f}x |")
EOF
