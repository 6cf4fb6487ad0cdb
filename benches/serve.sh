#!/usr/bin/env bash
# `linli serve` on a generated district (default 400,000 households): the
# round trip of an edit (request to updated figures, as the page gets them)
# and the first paint of the page in headless Chromium.
#
# Usage (from the project root): benches/serve.sh [households]
# Needs chromium and python3. Edits: EDITS accepted moves of random blocks
# into a random neighborhood of their community (refused ones are tried
# and timed apart), every second one undone. First paint: the wall time of
# `chromium --headless --dump-dom` until the page has drawn the state (its
# body gets data-paint-ms), browser start-up included, so an upper bound;
# the start-up alone (about:blank) is printed beside it.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-400000}; EDITS=${EDITS:-200}; PORT=${PORT:-8159}
cargo build --release --quiet
LINLI=$PWD/target/release/linli
W=$PWD/target/serve-bench
mkdir -p "$W"
[ -f "$W/s$N/buildings.geojson" ] || "$LINLI" synth --households "$N" --seed 1 --out "$W/s$N" --quiet
"$LINLI" serve "$W/s$N" --plan "$W/plan$N" --bind "127.0.0.1:$PORT" > "$W/serve.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true' EXIT
start=$(date +%s.%N)
until grep -q http "$W/serve.log"; do sleep 0.2; kill -0 $SERVER; done
echo "planned and serving after $(echo "$(date +%s.%N) - $start" | bc) s"
for i in 1 2 3; do
  /usr/bin/time -f "about:blank %e s" chromium --headless --no-sandbox --disable-gpu --dump-dom about:blank 2>&1 >/dev/null | grep about
  /usr/bin/time -f "first paint (upper bound) %e s" chromium --headless --no-sandbox --disable-gpu \
    --window-size=1400,860 --virtual-time-budget=60000 --dump-dom "http://127.0.0.1:$PORT/" 2>&1 >"$W/dom.html" | grep first
  grep -q 'data-paint-ms' "$W/dom.html" || { echo "the page did not draw"; exit 1; }
done
python3 - "$PORT" "$EDITS" <<'PY'
import json, random, sys, time, urllib.request
port, want = sys.argv[1], int(sys.argv[2])
url = f"http://127.0.0.1:{port}"
t = time.perf_counter()
s = json.load(urllib.request.urlopen(url + "/api/state"))
print(f"state: {len(s['blocks']['features'])} blocks, {len(s['slots'])} neighborhoods, {(time.perf_counter() - t) * 1000:.0f} ms")
def post(body):
    req = urllib.request.Request(url + "/api/edit", data=json.dumps(body).encode(), headers={"content-type": "application/json"})
    t = time.perf_counter()
    try:
        r = urllib.request.urlopen(req); st, b = r.status, json.load(r)
    except urllib.error.HTTPError as e:
        st, b = e.code, json.loads(e.read())
    return st, b, (time.perf_counter() - t) * 1000
owner, slots = s["owner"], s["slots"]
by = {}
for k, sl in enumerate(slots):
    by.setdefault(sl["community"], []).append(k)
random.seed(1)
v, done, refused = s["version"], [], []
while len(done) < want:
    b = random.randrange(len(owner)); k = random.choice(by[slots[owner[b]]["community"]])
    if k == owner[b]:
        continue
    st, body, ms = post({"version": v, "edit": {"op": "move", "block": b, "to": slots[k]["id"]}})
    v = body["version"]
    if st != 200:
        refused.append(ms); continue
    done.append(ms)
    for bb, kk in body["owners"]:
        owner[bb] = kk
    if len(done) % 2 == 0:
        st, body, ms = post({"version": v, "edit": {"op": "undo"}}); v = body["version"]; done.append(ms)
        for bb, kk in body["owners"]:
            owner[bb] = kk
def q(xs, p):
    xs = sorted(xs); return xs[min(len(xs) - 1, int(len(xs) * p))]
print(f"accepted edits: {len(done)}, p50 {q(done, .5):.1f} ms, p95 {q(done, .95):.1f} ms, max {max(done):.1f} ms")
print(f"refused moves: {len(refused)}, p95 {q(refused, .95):.1f} ms")
PY
grep -E "VmHWM" /proc/$SERVER/status | sed 's/^/server peak memory /'
