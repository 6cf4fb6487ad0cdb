#!/usr/bin/env bash
# District scale: `linli plan` on generated cities of several sizes (default
# 40,000, 130,000 and 400,000 households; 400,000 is Chongchuan: 166
# communities, 16 streets), with wall time and peak memory (/usr/bin/time -v),
# seconds per stage (`--timings`), the growth exponent of each stage (least
# squares slope of log seconds on log households) and the speed-up of two
# rayon threads over one.
#
# Usage (from the project root): benches/district.sh [households...]
# Env: RUNS (per size and thread count, default 3; the fastest is kept),
#      SEED (default 1), THREADS (default "1 2").
# Writes target/district/<n>/ (scenario), target/district/out_<n>_<t>/ and
# prints markdown tables.
set -euo pipefail
cd "$(dirname "$0")/.."
SIZES=("$@"); [ ${#SIZES[@]} -eq 0 ] && SIZES=(40000 130000 400000)
RUNS=${RUNS:-3}; SEED=${SEED:-1}; THREADS=${THREADS:-"1 2"}
cargo build --release --quiet
LINLI=$PWD/target/release/linli
W=$PWD/target/district
mkdir -p "$W"
for n in "${SIZES[@]}"; do
  "$LINLI" synth --households "$n" --seed "$SEED" --out "$W/$n" --quiet
  for t in $THREADS; do
    for r in $(seq "$RUNS"); do
      RAYON_NUM_THREADS=$t /usr/bin/time -v "$LINLI" plan "$W/$n" --out "$W/out_${n}_$t" --timings --quiet \
        > "$W/run_${n}_${t}_$r.log" 2> "$W/run_${n}_${t}_$r.time"
    done
  done
done
python3 - "$W" "$RUNS" "$THREADS" "${SIZES[@]}" <<'PY'
import json, math, re, sys
w, runs, threads, sizes = sys.argv[1], int(sys.argv[2]), sys.argv[3].split(), [int(s) for s in sys.argv[4:]]
def gnu_time(p):
    t = open(p).read()
    h, m, s = re.search(r"Elapsed \(wall clock\) time.*: (?:(\d+):)?(\d+):([\d.]+)", t).groups()
    return int(h or 0) * 3600 + int(m) * 60 + float(s), int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", t).group(1)) / 1024
def best(n, t):
    rs = []
    for r in range(1, runs + 1):
        wall, rss = gnu_time(f"{w}/run_{n}_{t}_{r}.time")
        st = dict((k, float(v)) for k, v in re.findall(r"(\w+)=([\d.]+)", open(f"{w}/run_{n}_{t}_{r}.log").read()))
        rs.append((wall, rss, st))
    return min(rs, key=lambda x: x[0])
top = threads[-1]
print(f"\n## linli plan on synthetic districts (fastest of {runs} runs, RAYON_NUM_THREADS={top})\n")
stages = None
rows = {}
for n in sizes:
    s = json.load(open(f"{w}/{n}/synth_summary.json"))
    p = json.load(open(f"{w}/out_{n}_{top}/summary.json"))
    wall, rss, st = best(n, top)
    rows[n] = (wall, rss, st)
    stages = [k for k in st if k != "total"]
    if n == sizes[0]:
        print("| households | communities | buildings | blocks (with cells) | neighborhoods | in band | wall s | peak MB |")
        print("|---|---|---|---|---|---|---|---|")
    print(f"| {n:,} | {s['communities']} | {s['buildings']:,} | {p['blocks']['blocks']:,} (see partition) | "
          f"{p['partition']['overall']['count']:,} | {p['partition']['overall']['share_within_band']:.3f} | {wall:.2f} | {rss:.0f} |")
print("\nSeconds per stage (a stage includes writing its files):\n")
print("| stage | " + " | ".join(f"{n:,}" for n in sizes) + " | exponent |")
print("|---|" + "---|" * (len(sizes) + 1))
def slope(xs, ys):
    lx = [math.log(x) for x in xs]; ly = [math.log(max(y, 1e-4)) for y in ys]
    mx, my = sum(lx) / len(lx), sum(ly) / len(ly)
    den = sum((a - mx) ** 2 for a in lx)
    return sum((a - mx) * (b - my) for a, b in zip(lx, ly)) / den if den else float("nan")
for k in stages + ["total"]:
    ys = [rows[n][2].get(k, 0.0) for n in sizes]
    e = slope(sizes, ys) if len(sizes) > 1 else float("nan")
    print(f"| {k} | " + " | ".join(f"{y:.3f}" for y in ys) + f" | {e:.2f} |")
ys = [rows[n][0] for n in sizes]
print(f"| wall (incl. process start, exit) | " + " | ".join(f"{y:.3f}" for y in ys) + f" | {slope(sizes, ys) if len(sizes) > 1 else float('nan'):.2f} |")
if len(threads) > 1:
    print(f"\nThreads (RAYON_NUM_THREADS), wall s and speed-up of {threads[-1]} over {threads[0]}:\n")
    print("| households | " + " | ".join(f"{t} thread(s) s" for t in threads) + " | speed-up | partition speed-up | coverage speed-up |")
    print("|---|" + "---|" * (len(threads) + 3))
    for n in sizes:
        b = [best(n, t) for t in threads]
        part = next((k for k in b[0][2] if k.startswith("partition")), None)
        cov = next((k for k in b[0][2] if "coverage" in k), None)
        sp = lambda k: b[0][2][k] / b[-1][2][k] if k and b[-1][2].get(k) else float("nan")
        print(f"| {n:,} | " + " | ".join(f"{x[0]:.2f}" for x in b) + f" | {b[0][0] / b[-1][0]:.2f}× | {sp(part):.2f}× | {sp(cov):.2f}× |")
PY
