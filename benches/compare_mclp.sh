#!/usr/bin/env bash
# Recommended sites against the exact optimum of the same covering problem:
# linli picks N sites (lazy greedy + swaps) on the peers' generated cities,
# writes the problem it solved (--sites-model), and CBC solves it exactly.
#
# Usage (from the project root, after benches/compare_coverage.sh has built
# the cities and the linli scenario folders): benches/compare_mclp.sh [sizes]
#   default 50000; KIND (default primary_school), ADD (default 10).
set -euo pipefail
cd "$(dirname "$0")/.."
SIZES=("$@"); [ ${#SIZES[@]} -eq 0 ] && SIZES=(50000)
KIND=${KIND:-primary_school}
ADD=${ADD:-10}
cargo build --release --quiet
WORK=$PWD/target/peers
PY=$WORK/venv/bin/python
echo "| city | candidates | demand points | uncovered households | optimum (CBC) | linli | ratio | linli select s | CBC s |"
echo "|---|---|---|---|---|---|---|---|---|"
for n in "${SIZES[@]}"; do
  tag=$((n/1000))k
  scen=$WORK/linli/city_$tag
  out=$WORK/coverage/linli_mclp_$tag
  log=$(target/release/linli coverage "$scen" --out "$out" --no-neighborhoods --no-service-areas \
        --add "$ADD" --kind "$KIND" --sites-model)
  secs=$(echo "$log" | sed -n 's/.*candidates; \([0-9.]*\) s + \([0-9.]*\) s).*/\1 + \2/p')
  "$PY" benches/mclp_exact_check.py "$out/sites_model.json" | "$PY" -c "
import json, sys
r = json.load(sys.stdin)
print(f\"| $tag | {r['candidates']} | {r['demand_points']} | {r['uncovered_households']} | {r['optimum']} | {r['linli']} | {r['ratio']:.4f} | $secs | {r['cbc_s']} |\")
"
done
