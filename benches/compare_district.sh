#!/usr/bin/env bash
# District scale against ../shared/peers, in one run on the same instances:
# a generated district (`linli synth`, default 400,000 households = 166
# communities, Chongchuan's size) is planned by linli, and its stages are
# given to the peers as they take them:
#
#  - partition: the district's blocks (`linli blocks`, before linli splits
#    blocks above the band into cells) with households, buildings and the
#    community as the barrier group → spopt / pygeoda / METIS
#    (regionalize_peers.py), linli as the external peer (partition-units);
#  - coverage: roads split at every shared vertex (the peers' graph model
#    takes line ends as nodes), buildings and facilities → networkx /
#    pandana / scipy (coverage_peers.py, cutoff CUTOFF m for every kind),
#    and `linli coverage` on the same files with the same thresholds.
#
# Usage (from the project root): benches/compare_district.sh [households...]
# Env: SHARED (../shared), CUTOFF (1000), TIMEOUT per partition peer (120),
#      PEERS (pygeoda_maxp,pygeoda_skater,metis,metis_barrier,spopt_maxp),
#      PY (the peers' python; default: an existing venv, else setup.sh).
# Writes under target/peers/district_<n>/ and prints one table of ratios.
set -euo pipefail
cd "$(dirname "$0")/.."
SHARED=${SHARED:-../shared}
export CUTOFF=${CUTOFF:-1000}; TIMEOUT=${TIMEOUT:-120}
PEERS=${PEERS:-pygeoda_maxp,pygeoda_skater,metis,metis_barrier,spopt_maxp}
SIZES=("$@"); [ ${#SIZES[@]} -eq 0 ] && SIZES=(400000)
if [ -z "${PY:-}" ]; then
  for cand in target/peers/venv/bin/python /work/main/target/peers/venv/bin/python; do
    [ -x "$cand" ] && PY=$cand && break
  done
  PY=${PY:-$(WORK=$PWD/target/peers "$SHARED/peers/setup.sh")}
fi
cargo build --release --quiet
LINLI=$PWD/target/release/linli
for n in "${SIZES[@]}"; do
  W=$PWD/target/peers/district_$n
  rm -rf "$W"; mkdir -p "$W"
  "$LINLI" synth --households "$n" --seed 1 --out "$W/scenario" --quiet
  /usr/bin/time -v "$LINLI" plan "$W/scenario" --out "$W/plan" --timings --quiet > "$W/plan.log" 2> "$W/plan.time"
  "$LINLI" blocks "$W/scenario" --out "$W/blocks" --quiet
  # Partition peers on the district's blocks; linli as the external peer.
  "$PY" "$SHARED/peers/regionalize_peers.py" "$W/blocks/blocks.geojson" --target 300 --timeout "$TIMEOUT" \
      --peers "$PEERS" --id-prop id --barrier-prop community --out "$W/partition.json" \
      --external "linli=$LINLI partition-units {input} {output} --target {target} --group-prop community --quiet" \
      > "$W/partition.log" 2>&1 || echo "partition peers failed: see $W/partition.log"
  # Coverage: roads split at shared vertices, the same files for everyone.
  mkdir -p "$W/cov"
  "$PY" - "$W/scenario/roads.geojson" "$W/cov/roads.geojson" <<'PY'
import json, sys
fc = json.load(open(sys.argv[1]))
count = {}
for f in fc["features"]:
    for c in f["geometry"]["coordinates"]:
        count[tuple(c)] = count.get(tuple(c), 0) + 1
out = []
for f in fc["features"]:
    cs = f["geometry"]["coordinates"]
    cur = [cs[0]]
    for c in cs[1:]:
        cur.append(c)
        if count[tuple(c)] > 1 and c is not cs[-1]:
            out.append({"type": "Feature", "properties": f["properties"], "geometry": {"type": "LineString", "coordinates": cur}})
            cur = [c]
    if len(cur) > 1:
        out.append({"type": "Feature", "properties": f["properties"], "geometry": {"type": "LineString", "coordinates": cur}})
json.dump({"type": "FeatureCollection", "features": out}, open(sys.argv[2], "w"))
print(f"roads: {len(fc['features'])} ways -> {len(out)} pieces split at shared vertices", file=sys.stderr)
PY
  for f in buildings facilities communities; do ln -sf "$W/scenario/$f.geojson" "$W/cov/$f.geojson"; done
  kinds=$("$PY" -c "import json,sys; print(' '.join(sorted({f['properties']['kind'] for f in json.load(open(sys.argv[1]))['features']})))" "$W/scenario/facilities.geojson")
  {
    echo "name = \"synth $n, coverage vs peers\""
    echo '[walking.thresholds]'
    for k in $kinds; do echo "$k = { metres = $CUTOFF }"; done
  } > "$W/cov/scenario.toml"
  /usr/bin/time -v "$PY" "$SHARED/peers/coverage_peers.py" --roads "$W/cov/roads.geojson" \
      --buildings "$W/cov/buildings.geojson" --facilities "$W/cov/facilities.geojson" \
      --cutoff "$CUTOFF" --repeat 3 --out "$W/coverage.json" > "$W/coverage.log" 2>&1 \
      || echo "coverage peers failed: see $W/coverage.log"
  /usr/bin/time -v "$LINLI" coverage "$W/cov" --out "$W/cov_out" --no-neighborhoods --no-service-areas \
      > "$W/linli_cov.log" 2> "$W/linli_cov.time"
done
"$PY" - "${SIZES[@]}" <<'PY'
import json, os, re, sys
def gnu_time(p):
    t = open(p).read()
    h, m, s = re.search(r"Elapsed \(wall clock\) time.*: (?:(\d+):)?(\d+):([\d.]+)", t).groups()
    return int(h or 0) * 3600 + int(m) * 60 + float(s), int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", t).group(1)) / 1024
print(f"\n## linli vs ../shared/peers on generated districts (same machine, same run; load {os.getloadavg()[0]:.2f})\n")
print("| households | stage | peer | peer s | linli s | ratio | peer in band | linli in band | peer crossing barrier | linli crossing barrier |")
print("|---|---|---|---|---|---|---|---|---|---|")
for n in sys.argv[1:]:
    w = f"target/peers/district_{n}"
    pw, prss = gnu_time(f"{w}/plan.time")
    print(f"| {int(n):,} | whole plan (`linli plan`) | — | — | {pw:.2f} | — | | | | |")
    try:
        d = json.load(open(f"{w}/partition.json"))
        peers = d["peers"]
        lin = next((r for k, r in peers.items() if "linli" in k), None)
        for name, r in peers.items():
            if "linli" in name:
                continue
            if r.get("status") != "ok":
                print(f"| {int(n):,} | partition ({d['instance']['n_blocks']} blocks) | {name} | {r.get('status')} | {lin['wall_s']:.2f} | | | | | |")
                continue
            print(f"| {int(n):,} | partition ({d['instance']['n_blocks']} blocks) | {name} | {r['wall_s']:.2f} | {lin['wall_s']:.2f} | "
                  f"{r['wall_s'] / lin['wall_s']:.1f}× | {r['share_in_band']:.3f} | {lin['share_in_band']:.3f} | "
                  f"{r.get('regions_crossing_barrier_share') or 0:.3f} | {lin.get('regions_crossing_barrier_share') or 0:.3f} |")
    except Exception as e:
        print(f"| {n} | partition | — | error: {e} | | | | | | |")
    try:
        d = json.load(open(f"{w}/coverage.json"))
        sh = d["timings_shared_s"]
        shared = sh["json_load_s"] + sh["parse_geometry_s"] + sh["graph_build_s"] + sh["snap_s"]
        lw, lrss = gnu_time(f"{w}/linli_cov.time")
        for peer in ("scipy", "networkx", "pandana"):
            m = d["methods"].get(peer)
            if not m or "query_s" not in m:
                continue
            py = shared + m["setup_s"] + sum(m["query_s"].values())
            print(f"| {int(n):,} | coverage ({len(m['query_s'])} kinds, {os.environ.get('CUTOFF', '1000')} m) | {peer} | {py:.2f} | {lw:.2f} | {py / lw:.1f}× | | | | |")
        print(f"\nCoverage peak memory: Python {max(m.get('peak_rss_mb_after', 0) for m in d['methods'].values() if isinstance(m, dict)):.0f} MB, linli {lrss:.0f} MB. "
              f"`linli plan` peak {prss:.0f} MB.")
    except Exception as e:
        print(f"| {n} | coverage | — | error: {e} | | | | | | |")
print("\nPartition: wall s of each peer's run on the blocks (read + solve), linli = `linli partition-units` as the harness's")
print("external peer; in band = share of regions within ±1/3 of 300 (blocks above the band count against everyone);")
print("crossing barrier = regions spanning two communities. Coverage: Python = JSON load + parse + graph + snap + setup +")
print("one query per kind; linli = wall of `linli coverage --no-neighborhoods --no-service-areas` on the same files.")
PY
