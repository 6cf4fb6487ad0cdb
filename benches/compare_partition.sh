#!/usr/bin/env bash
# Side by side, in one run: linli's partition against the regionalization
# peers of ../shared/peers (spopt MaxP/SKATER, pygeoda MaxP/SKATER, METIS,
# GerryChain) on the same generated block instances.
#
# Usage (from the project root): benches/compare_partition.sh [sizes...]
# Env: TIMEOUT (per peer, default 120 s), PEERS (default: all), SHARED
# (default ../shared). Writes target/peers/results/blocks_<n>.json and prints
# the harness's table plus linli's barrier figures.
set -euo pipefail
cd "$(dirname "$0")/.."
SHARED=${SHARED:-../shared}
SIZES=("$@"); [ ${#SIZES[@]} -eq 0 ] && SIZES=(200 1000 5000)
cargo build --release --quiet
LINLI=$PWD/target/release/linli
export TIMEOUT=${TIMEOUT:-120}
export EXTERNAL="linli=$LINLI partition-units {input} {output} --target {target} --group-prop superblock --quiet"
"$SHARED/peers/run_regionalize.sh" "${SIZES[@]}"
PY=target/peers/venv/bin/python
echo
echo "Barrier figures (cut border on a major road/river; regions spanning >1 arterial×river cell):"
for n in "${SIZES[@]}"; do
  "$PY" - "target/peers/results/blocks_${n}.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
inst = d["instance"]
print(f"\n{inst['n_blocks']} blocks ({inst['blocks_above_band']} above the band, unsplittable in block labels):")
print("| peer | wall s | in band | in band, splittable blocks | cut on barrier | regions crossing barrier |")
print("|---|---|---|---|---|---|")
over = inst["blocks_above_band"]
for name, r in d["peers"].items():
    if r.get("status") != "ok":
        print(f"| {name} | {r.get('status')} | | | | |")
        continue
    n = r["n_regions"]; inb = r["share_in_band"] * n
    # Blocks above the band are regions above the band for every peer.
    rest = (inb / max(1, n - over)) if n > over else float("nan")
    print(f"| {name} | {r['wall_s']:.2f} | {r['share_in_band']:.3f} | {rest:.3f} | "
          f"{r.get('cut_boundary_on_barrier_share') or 0:.3f} | {r.get('regions_crossing_barrier_share') or 0:.3f} |")
PY
done
