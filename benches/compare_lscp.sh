#!/usr/bin/env bash
# Fewest new sites (location set covering) against spopt's LSCP on the same
# covering problem: linli finds the fewest sites (reductions + branch and
# bound), writes the problem it solved (--sites-model), and spopt + CBC
# solves that same problem exactly.
#
# Usage (from the project root, after benches/compare_coverage.sh has built
# the cities and the linli scenario folders): benches/compare_lscp.sh [sizes]
#   default 5000 50000; KIND (default primary_school).
set -euo pipefail
cd "$(dirname "$0")/.."
SIZES=("$@"); [ ${#SIZES[@]} -eq 0 ] && SIZES=(5000 50000)
KIND=${KIND:-primary_school}
cargo build --release --quiet
WORK=$PWD/target/peers
PY=$WORK/venv/bin/python
echo "| city | candidates | demand points | reachable households | linli sites | proved | spopt sites | linli s (cover sets + choice) | spopt s |"
echo "|---|---|---|---|---|---|---|---|---|"
for n in "${SIZES[@]}"; do
  tag=$((n/1000))k
  scen=$WORK/linli/city_$tag
  out=$WORK/coverage/linli_lscp_$tag
  log=$(target/release/linli coverage "$scen" --out "$out" --no-neighborhoods --no-service-areas \
        --fewest --kind "$KIND" --sites-model)
  secs=$(echo "$log" | sed -n 's/.*candidates; \([0-9.]*\) s + \([0-9.]*\) s).*/\1 + \2/p')
  proved=$(echo "$log" | grep -q "proved fewest" && echo yes || echo no)
  "$PY" benches/lscp_exact_check.py "$out/sites_model.json" | "$PY" -c "
import json, sys
r = json.load(sys.stdin)
print(f\"| $tag | {r['candidates']} | {r['demand_points']} | {r['reachable_households']} | {r['linli_sites']} | $proved | {r.get('spopt_sites', r.get('spopt'))} | $secs | {r.get('spopt_s', '–')} |\")
"
done
