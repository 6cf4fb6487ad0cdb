#!/usr/bin/env bash
# Side by side, in one run: linli's coverage against the coverage peers of
# ../shared/peers (networkx, pandana, scipy; spopt/CBC for new sites) on the
# same generated cities.
#
# Usage (from the project root): benches/compare_coverage.sh [sizes...]
#   (default 5000 50000; add 300000 when there is time: the peers take minutes)
# Env: SHARED (default ../shared), CUTOFF metres (default 1000).
#
# For each size the peers' harness generates the city (metric copy in
# EPSG:32651) and runs; then linli reads the very same files through a
# scenario folder assembled beside them (symlinks + scenario.toml with
# crs = "EPSG:32651" and the cutoff as every kind's threshold). The peers'
# files are never changed. Prints one table of figures and ratios.
set -euo pipefail
cd "$(dirname "$0")/.."
SHARED=${SHARED:-../shared}
export CUTOFF=${CUTOFF:-1000}
SIZES=("$@"); [ ${#SIZES[@]} -eq 0 ] && SIZES=(5000 50000)
cargo build --release --quiet
LINLI=$PWD/target/release/linli
WORK=$PWD/target/peers
# Both sides read their input from the page cache: this machine's memory
# reclaim evicts files left unread for a while, and a cold read of the 300k
# city (106 MB) took a second of either side's time.
warm() { cat "$WORK"/cities/city_$(( $1 / 1000 ))k/*.geojson > /dev/null 2>&1 || true; }
for n in "${SIZES[@]}"; do warm "$n"; done
"$SHARED/peers/run_coverage.sh" "${SIZES[@]}"
PY=$WORK/venv/bin/python
rows=()
for n in "${SIZES[@]}"; do
  tag=$((n/1000))k
  city=$WORK/cities/city_$tag
  scen=$WORK/linli/city_$tag
  mkdir -p "$scen"
  for f in roads buildings facilities candidates communities; do
    ln -sf "$city/$f.geojson" "$scen/$f.geojson"
  done
  kinds=$("$PY" -c "import json,sys; print(' '.join(json.load(open(sys.argv[1]))['facilities']))" "$city/meta.json")
  {
    echo "name = \"peers city $tag\""
    echo 'crs = "EPSG:32651"'
    echo '[walking]'
    echo 'speed_kmh = 4.0'
    echo '[walking.thresholds]'
    for k in $kinds; do echo "$k = { metres = $CUTOFF }"; done
  } > "$scen/scenario.toml"
  mkind=$("$PY" -c "import json,sys; print((json.load(open(sys.argv[1])).get('extras',{}).get('mclp') or {}).get('kind') or '')" "$WORK/coverage/coverage_$tag.json")
  out=$WORK/coverage/linli_$tag
  # End to end as the peers do it (read → distances → coverage written), then
  # with service areas and new sites.
  # The median of three runs, each on a warm page cache.
  for r in 1 2 3; do
    warm "$n"
    /usr/bin/time -v "$LINLI" coverage "$scen" --out "$out" --no-neighborhoods --no-service-areas \
        > "$WORK/coverage/linli_${tag}_run$r.log" 2> "$WORK/coverage/linli_${tag}_run$r.time"
  done
  median=$("$PY" - "$WORK/coverage" "$tag" <<'PY'
import re, sys
d, tag = sys.argv[1], sys.argv[2]
def wall(r):
    t = open(f"{d}/linli_{tag}_run{r}.time").read()
    h, m, s = re.search(r"Elapsed \(wall clock\) time.*: (?:(\d+):)?(\d+):([\d.]+)", t).groups()
    return int(h or 0) * 3600 + int(m) * 60 + float(s)
print(sorted((1, 2, 3), key=wall)[1])
PY
)
  cp "$WORK/coverage/linli_${tag}_run$median.log" "$WORK/coverage/linli_$tag.log"
  cp "$WORK/coverage/linli_${tag}_run$median.time" "$WORK/coverage/linli_$tag.time"
  warm "$n"
  /usr/bin/time -v "$LINLI" coverage "$scen" --out "$out-full" --no-neighborhoods \
      ${mkind:+--add 10 --kind $mkind} > "$WORK/coverage/linli_full_$tag.log" 2> "$WORK/coverage/linli_full_$tag.time"
  rows+=("$tag")
done
"$PY" - "$WORK" "${rows[@]}" <<'PY'
import json, re, sys
work, tags = sys.argv[1], sys.argv[2:]
def timing(log, key):
    m = re.search(rf"{key}=([0-9.]+)", open(log).read())
    return float(m.group(1)) if m else float("nan")
def gnu_time(path):
    t = open(path).read()
    el = re.search(r"Elapsed \(wall clock\) time.*: (?:(\d+):)?(\d+):([\d.]+)", t)
    h, m, s = el.groups()
    wall = int(h or 0) * 3600 + int(m) * 60 + float(s)
    rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", t).group(1)) / 1024
    return wall, rss
print("\n## linli vs ../shared/peers coverage (same machine, same run)\n")
print("| city | peer | Python pipeline s | linli end to end s | ratio | scipy Dijkstra s | linli Dijkstra CPU s | ratio | linli search + per-building s | ratio | Python peak MB | linli peak MB |")
print("|---|---|---|---|---|---|---|---|---|---|---|---|")
notes = []
for tag in tags:
    d = json.load(open(f"{work}/coverage/coverage_{tag}.json"))
    sh = d["timings_shared_s"]
    shared = sh["json_load_s"] + sh["parse_geometry_s"] + sh["graph_build_s"] + sh["snap_s"]
    log = f"{work}/coverage/linli_{tag}.log"
    wall, rss = gnu_time(f"{work}/coverage/linli_{tag}.time")
    search = timing(log, "search_s")
    dijk = timing(log, "dijkstra_cpu_s")
    scipy_q = sum((d["methods"].get("scipy", {}).get("query_s") or {}).values())
    for peer in ("scipy", "networkx", "pandana"):
        m = d["methods"].get(peer)
        if not m:
            continue
        py = shared + m["setup_s"] + sum(m["query_s"].values())
        peak = m.get("peak_rss_mb_after", float("nan"))
        print(f"| {tag} | {peer} | {py:.2f} | {wall:.2f} | {py / wall:.1f}× | {scipy_q:.4f} | {dijk:.4f} | "
              f"{scipy_q / dijk if dijk else float('nan'):.1f}× | {search:.4f} | "
              f"{scipy_q / search if search else float('nan'):.1f}× | {peak:.0f} | {rss:.0f} |")
    fwall, frss = gnu_time(f"{work}/coverage/linli_full_{tag}.time")
    flog = f"{work}/coverage/linli_full_{tag}.log"
    notes.append(f"{tag}: linli with service areas{' and 10 new sites' if 'new' in open(flog).read() else ''}: "
                 f"{fwall:.2f} s wall, {frss:.0f} MB peak (service areas {timing(flog, 'service_areas_s'):.2f} s)")
    mc = d.get("extras", {}).get("mclp")
    if mc:
        g = mc.get("greedy", {})
        sp = mc.get("spopt", {})
        line = [l for l in open(flog) if "new" in l and "sites cover" in l]
        opt = sp.get("objective_households") or sp.get("covered_households") or sp.get("newly_covered_households")
        notes.append(f"{tag} MCLP ({mc.get('kind')}, 10 sites): peers greedy {g.get('newly_covered_households')} hh in {g.get('s', float('nan')):.4f} s; "
                     f"spopt+CBC {opt} hh in {sp.get('s', float('nan')) if isinstance(sp.get('s'), float) else sp.get('s')} s"
                     f"{' (' + sp['skipped'] + ')' if 'skipped' in sp else ''}; linli: {line[0].strip() if line else 'n/a'}")
print("\nPython pipeline = JSON load + geometry parse + graph build + snapping + the peer's setup + one query per kind.")
print("linli end to end = wall time (median of 3, warm page cache) of `linli coverage --no-neighborhoods --no-service-areas` (reads the GeoJSON,")
print("nodes the roads, snaps to edges, searches, writes coverage.geojson, gaps.geojson and the summary).")
print("Dijkstra ratio = scipy csgraph.dijkstra (C) query time, summed over kinds / linli's multi-source Dijkstra CPU time, summed over kinds.")
print("Search ratio = the same scipy time / linli's search step wall time (kinds in parallel, plus each building's distance from its snap point).")
print("Distances differ by model: the peers snap to the nearest junction, linli to the nearest point on an edge.\n")
for n in notes:
    print("-", n)
PY
