#!/usr/bin/env bash
# District scale: `linli plan` on generated cities of several sizes (default
# 40,000, 130,000 and 400,000 households; 400,000 is Chongchuan: 166
# communities, 16 streets), with wall time and peak memory (/usr/bin/time -v),
# seconds per stage (`--timings`), the growth exponent of each stage (least
# squares slope of log seconds on log households) and the speed-up of two
# rayon threads over one.
#
# Usage (from the project root): benches/district.sh [households...]
# The province case (issue 29; by hand, not in CI: about 5 minutes and
# 12 GB for the 30M plan, 1.5 GB of input and 5 GB of output on disk):
#   RUNS=1 THREADS=2 benches/district.sh 400000 4000000 30000000
# Env: RUNS (per size and thread count, default 3; the fastest is kept),
#      SEED (default 1), THREADS (default "1 2"), IDLE_WAIT (seconds to wait
#      for the machine to go idle before each run, default 60: the machine
#      is shared, and wall times measured beside another build mean little;
#      CPU seconds per stage are printed too and hardly depend on it).
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
IDLE_WAIT=${IDLE_WAIT:-60}
# Busy share of the machine's CPUs over one second (0 … 1).
busy() {
  read -r _ a b c d e f g _ < /proc/stat; t1=$((a+b+c+d+e+f+g)); i1=$((d+e))
  sleep 1
  read -r _ a b c d e f g _ < /proc/stat; t2=$((a+b+c+d+e+f+g)); i2=$((d+e))
  echo "scale=2; 1 - ($i2 - $i1) / ($t2 - $t1)" | bc
}
wait_idle() {
  local waited=0 b
  while :; do
    b=$(busy)
    if [ "$(echo "$b < 0.10" | bc)" = 1 ] || [ "$waited" -ge "$IDLE_WAIT" ]; then echo "$b"; return; fi
    sleep 2; waited=$((waited + 3))
  done
}
for n in "${SIZES[@]}"; do
  "$LINLI" synth --households "$n" --seed "$SEED" --out "$W/$n" --quiet
  for t in $THREADS; do
    for r in $(seq "$RUNS"); do
      wait_idle > "$W/run_${n}_${t}_$r.busy"
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
def stage_line(text, prefix):
    for line in text.splitlines():
        if line.startswith(prefix):
            return dict((k, float(v)) for k, v in re.findall(r"(\w+)=([\d.]+)", line))
    return {}
def gnu_cpu(p):
    t = open(p).read()
    return float(re.search(r"User time \(seconds\): ([\d.]+)", t).group(1)) + float(re.search(r"System time \(seconds\): ([\d.]+)", t).group(1))
def best(n, t):
    rs = []
    for r in range(1, runs + 1):
        wall, rss = gnu_time(f"{w}/run_{n}_{t}_{r}.time")
        log = open(f"{w}/run_{n}_{t}_{r}.log").read()
        busy = float(open(f"{w}/run_{n}_{t}_{r}.busy").read() or "nan")
        rs.append((wall, rss, stage_line(log, "timings:"), stage_line(log, "cpu seconds:"), gnu_cpu(f"{w}/run_{n}_{t}_{r}.time"), busy))
    return min(rs, key=lambda x: x[0])
top = threads[-1]
print(f"\n## linli plan on synthetic districts (fastest of {runs} runs, RAYON_NUM_THREADS={top})\n")
stages = None
rows = {}
for n in sizes:
    s = json.load(open(f"{w}/{n}/synth_summary.json"))
    p = json.load(open(f"{w}/out_{n}_{top}/summary.json"))
    rows[n] = best(n, top)
    wall, rss, st = rows[n][:3]
    stages = [k for k in st if k != "total"]
    if n == sizes[0]:
        print("| households | communities | buildings | blocks | neighborhoods | in band | wall s | CPU s | peak MB | machine busy before |")
        print("|---|---|---|---|---|---|---|---|---|---|")
    b = rows[n]
    print(f"| {n:,} | {s['communities']} | {s['buildings']:,} | {p['blocks']['blocks']:,} | "
          f"{p['partition']['overall']['count']:,} | {p['partition']['overall']['share_within_band']:.3f} | {wall:.2f} | {b[4]:.2f} | {rss:.0f} | {b[5]:.0%} |")
print("\nWall seconds per stage (every file is written in the last, writing_the_plan) and CPU seconds (user + system, all threads):\n")
print("| stage | " + " | ".join(f"{n:,}" for n in sizes) + " | exponent (wall) | " + " | ".join(f"CPU {n:,}" for n in sizes) + " | exponent (CPU) |")
print("|---|" + "---|" * (2 * len(sizes) + 2))
def slope(xs, ys):
    lx = [math.log(x) for x in xs]; ly = [math.log(max(y, 1e-4)) for y in ys]
    mx, my = sum(lx) / len(lx), sum(ly) / len(ly)
    den = sum((a - mx) ** 2 for a in lx)
    return sum((a - mx) * (b - my) for a, b in zip(lx, ly)) / den if den else float("nan")
ex = lambda ys: slope(sizes, ys) if len(sizes) > 1 else float("nan")
for k in stages + ["total"]:
    ys = [rows[n][2].get(k, 0.0) for n in sizes]
    cs = [rows[n][3].get(k, float("nan")) for n in sizes] if k != "total" else [rows[n][4] for n in sizes]
    print(f"| {k} | " + " | ".join(f"{y:.3f}" for y in ys) + f" | {ex(ys):.2f} | " + " | ".join(f"{c:.2f}" for c in cs) + f" | {ex(cs):.2f} |")
if len(threads) > 1:
    print(f"\nThreads (RAYON_NUM_THREADS), wall s and speed-up of {threads[-1]} over {threads[0]}:\n")
    print("| households | " + " | ".join(f"{t} thread(s) s" for t in threads) + " | speed-up | partition speed-up | coverage speed-up | machine busy before |")
    print("|---|" + "---|" * (len(threads) + 4))
    for n in sizes:
        b = [best(n, t) for t in threads]
        part = next((k for k in b[0][2] if k.startswith("partition")), None)
        cov = next((k for k in b[0][2] if "coverage" in k), None)
        sp = lambda k: b[0][2][k] / b[-1][2][k] if k and b[-1][2].get(k) else float("nan")
        print(f"| {n:,} | " + " | ".join(f"{x[0]:.2f}" for x in b) + f" | {b[0][0] / b[-1][0]:.2f}× | {sp(part):.2f}× | {sp(cov):.2f}× | "
              + " / ".join(f"{x[5]:.0%}" for x in b) + " |")
PY
