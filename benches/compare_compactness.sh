#!/usr/bin/env bash
# Compactness side by side, per community, on linli's own blocks: the real
# OSM extracts of ../shared/osm are imported, cut into blocks and planned by
# linli; pygeoda MaxP and SKATER and METIS (plain and barrier-weighted)
# partition each community's blocks with linli's target for it; both are
# scored the same way (benches/compactness_peers.py). The 5,000-block
# synthetic case is benches/compare_partition.sh 5000.
#
# Usage (from the project root): benches/compare_compactness.sh [extract names...]
# Env: SHARED (default ../shared). Writes target/compact/<name>/.
set -euo pipefail
cd "$(dirname "$0")/.."
SHARED=${SHARED:-../shared}
NAMES=("$@"); [ ${#NAMES[@]} -eq 0 ] && NAMES=(helsinki-centre beijing-wudaokou)
cargo build --release --quiet
LINLI=$PWD/target/release/linli
PY=target/peers/venv/bin/python
[ -x "$PY" ] || "$SHARED/peers/setup.sh"
for x in "${NAMES[@]}"; do
  d=target/compact/$x
  rm -rf "$d"; mkdir -p "$d"
  "$LINLI" import-osm "$SHARED/osm/$x.osm.pbf" --out "$d/scenario" > /dev/null
  "$LINLI" blocks "$d/scenario" --out "$d/blocks" > /dev/null
  start=$(date +%s.%N)
  "$LINLI" plan "$d/scenario" --out "$d/plan" > /dev/null
  echo "## $x (linli plan $(echo "$(date +%s.%N) - $start" | bc) s)"
  SHARED="$SHARED" "$PY" benches/compactness_peers.py "$d/blocks" "$d/plan" "$d/scenario" --json "$d/compare.json" 2> /dev/null
done
