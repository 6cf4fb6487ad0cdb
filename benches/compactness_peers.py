#!/usr/bin/env python3
"""Compactness side by side, per community, on linli's own blocks.

For one planned scenario (``linli blocks`` and ``linli plan`` outputs), runs
the regionalization peers of ../shared/peers (pygeoda MaxP and SKATER, METIS
plain and barrier-weighted) on each community's blocks with linli's target
for that community, and scores their regions and linli's neighborhoods the
same way: mean Polsby-Popper, share in the band (target x [2/3, 4/3]),
regions in more than one piece, and regions crossing a strong barrier (a
major road, river or rail line: spanning more than one of the block cells
that the strong barriers of block_adjacency.csv enclose).

Usage: compactness_peers.py BLOCKS_DIR PLAN_DIR SCENARIO_DIR [--json OUT]
Run by benches/compare_compactness.sh, with the peers' venv.
"""

import argparse
import json
import os
import sys
import time
import warnings
from types import SimpleNamespace

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.environ.get("SHARED", os.path.join(HERE, "..", "..", "shared")), "peers"))
import regionalize_peers as rp  # noqa: E402

STRONG = 4
PEERS = ["pygeoda_maxp", "pygeoda_skater", "metis", "metis_barrier"]
CONTIGUOUS = {"pygeoda_maxp", "pygeoda_skater"}


def barrier_cells(ids, adjacency_csv):
    """The cell of each block: union-find over links weaker than STRONG."""
    import csv

    index = {b: i for i, b in enumerate(ids)}
    root = list(range(len(ids)))

    def find(x):
        while root[x] != x:
            root[x] = root[root[x]]
            x = root[x]
        return x

    with open(adjacency_csv, encoding="utf-8-sig") as f:
        for row in csv.DictReader(f):
            a, b = index.get(row["block_a"]), index.get(row["block_b"])
            if a is not None and b is not None and int(row["barrier_level"]) < STRONG:
                ra, rb = find(a), find(b)
                if ra != rb:
                    root[max(ra, rb)] = min(ra, rb)
    return np.array([find(i) for i in range(len(ids))])


def targets(scenario_dir):
    """Households per neighborhood of each community, from its kind."""
    d = json.load(open(os.path.join(scenario_dir, "communities.geojson"), encoding="utf-8"))
    by_kind = {"urban": 300.0, "rural": 150.0, "resettlement": 300.0}
    return {str(f["properties"]["id"]): by_kind.get(f["properties"].get("kind", "urban"), 300.0)
            for f in d["features"]}


def score(geoms, households, cells, pieces, target):
    """Per-region rows: Polsby-Popper, in band, pieces, crossing."""
    rows = []
    for g, h, c, p in zip(geoms, households, cells, pieces):
        pp = 4 * np.pi * g.area / max(g.length, 1e-9) ** 2
        rows.append(dict(pp=pp, in_band=2 / 3 * target - 1e-6 <= h <= 4 / 3 * target + 1e-6,
                         pieces=p, crossing=len(c) > 1))
    return rows


def run_peer(peer, gdf, target):
    ei, ej, el = rp.rook_edges(gdf)
    total = float(gdf["households"].sum())
    hh = gdf["households"].to_numpy()
    big = hh > 4 / 3 * target
    cell = gdf["superblock"].to_numpy()
    inst = dict(target=target, total=total, ei=ei, ej=ej, elen=el, k_mode="naive",
                k_naive=max(1, int(round(total / target))),
                k_eff=int(big.sum()) + max(1, int(round(hh[~big].sum() / target))),
                ebar=cell[ei] != cell[ej])
    p = dict(floor_frac=0.8, epsilon=0.2, seed=0, threads=2, gerry_max_attempts=2000,
             metis_ufactor=200, gerry_restarts=50)
    if len(gdf) == 1 or inst["k_naive"] == 1:
        labels = np.zeros(len(gdf), dtype=int)
    else:
        labels, _ = rp.PEERS[peer](gdf, inst, p)
    _, lab = np.unique(np.asarray(labels), return_inverse=True)
    # Pieces on the rook graph restricted to links inside a region.
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    n = len(lab)
    same = lab[ei] == lab[ej]
    a = coo_matrix((np.ones(same.sum()), (ei[same], ej[same])), shape=(n, n))
    _, comp = connected_components(a, directed=False)
    geoms, hs, cells, pieces = [], [], [], []
    for r in range(lab.max() + 1):
        m = lab == r
        geoms.append(gdf.geometry[m].union_all())
        hs.append(float(hh[m].sum()))
        cells.append(set(cell[m]))
        pieces.append(len(set(comp[m])))
    return score(geoms, hs, cells, pieces, target)


def linli_rows(plan_dir, blocks, crs, target_of):
    import geopandas as gpd

    nb = gpd.read_file(os.path.join(plan_dir, "neighborhoods.geojson")).to_crs(crs)
    tree = blocks.sindex
    rows = []
    for _, n in nb.iterrows():
        g = n.geometry
        cells = set()
        for i in tree.query(g, predicate="intersects"):
            if blocks.geometry.iloc[i].intersection(g).area > 1.0:
                cells.add(blocks["superblock"].iloc[i])
        pieces = len(g.geoms) if g.geom_type == "MultiPolygon" else 1
        rows += score([g], [float(n["households"])], [cells], [pieces], target_of[str(n["community"])])
    return rows


def summary(rows, wall):
    if not rows:
        return None
    pp = np.array([r["pp"] for r in rows])
    return dict(regions=len(rows), pp_mean=round(float(pp.mean()), 4),
                pp_median=round(float(np.median(pp)), 4),
                in_band=round(float(np.mean([r["in_band"] for r in rows])), 4),
                multipart=int(sum(r["pieces"] > 1 for r in rows)),
                crossing_strong=round(float(np.mean([r["crossing"] for r in rows])), 4),
                wall_s=round(wall, 3))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("blocks_dir")
    ap.add_argument("plan_dir")
    ap.add_argument("scenario_dir")
    ap.add_argument("--json")
    ap.add_argument("--peers", default=",".join(PEERS), help="comma separated; empty: linli only")
    args = ap.parse_args()
    import geopandas as gpd

    warnings.simplefilter("ignore")
    blocks = gpd.read_file(os.path.join(args.blocks_dir, "blocks.geojson"))
    crs = blocks.estimate_utm_crs()
    blocks = blocks.to_crs(crs)
    blocks["superblock"] = barrier_cells(list(blocks["id"]), os.path.join(args.blocks_dir, "block_adjacency.csv"))
    blocks["households"] = blocks["households"].astype(float)
    c = blocks.geometry.centroid
    target_of = targets(args.scenario_dir)
    out = {}
    for peer in [p for p in args.peers.split(",") if p]:
        rows, wall = [], 0.0
        for com, g in blocks.groupby("community", sort=True):
            g = g.reset_index(drop=True)
            cc = g.geometry.centroid
            g["cx"] = (cc.x - cc.x.mean()) / (cc.x.std() or 1.0)
            g["cy"] = (cc.y - cc.y.mean()) / (cc.y.std() or 1.0)
            t0 = time.perf_counter()
            try:
                rows += run_peer(peer, g, target_of[str(com)])
            except Exception as e:  # a peer that fails on one community is reported, not fatal
                print(f"[{peer}] community {com}: {type(e).__name__}: {e}", file=sys.stderr)
            wall += time.perf_counter() - t0
        out[peer] = summary(rows, wall)
    del c
    out["linli"] = summary(linli_rows(args.plan_dir, blocks, crs, target_of), float("nan"))
    if args.json:
        with open(args.json, "w") as f:
            json.dump(out, f, indent=2)
    print("| peer | regions | mean PP | median PP | in band | in >1 piece | crossing a strong barrier |")
    print("|---|---|---|---|---|---|---|")
    for name, s in out.items():
        if s:
            print(f"| {name} | {s['regions']} | {s['pp_mean']:.3f} | {s['pp_median']:.3f} | {s['in_band']:.3f} | "
                  f"{s['multipart']} | {s['crossing_strong']:.3f} |")


if __name__ == "__main__":
    main()
