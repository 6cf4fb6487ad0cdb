#!/usr/bin/env python3
"""linli's walking distances on an imported OSM extract against networkx.

Reads a scenario written by `linli import-osm` (roads, facilities) and the
coverage.geojson that `linli coverage` wrote for it (each building's point,
households and metres to the nearest facility of each kind), rebuilds the
walking graph with shapely + networkx independently of linli, and measures
every building's distance to the nearest facility of each kind four ways:

  (b)  edge snapping, linli's model: each building and facility is put on the
       nearest point of the nearest edge; the snap point splits the edge and
       the straight leg is an edge of its own (the leg is walked).
  (a)  vertex snapping, as OSMnx's nearest_nodes and pandana do: the nearest
       graph vertex (every OSM node of the ways, plus crossing nodes); the
       network distance between the two vertices, no legs.
  (a+l) (a) with the straight legs building→vertex and vertex→facility
       added (what a careful OSMnx user adds).
  (aj) the same as (a) to the nearest junction only (vertices of degree != 2, the
       nodes of an OSMnx graph simplified with simplify=True).

The graph follows linli's rules (src/coverage/network.rs, src/read/mod.rs):
  * a road walks if its `walkable` property says so, else unless its class
    is in [walking] excluded_classes;
  * its level is `layer` (a whole number in -5..5), else 1 on a bridge and -1
    in a tunnel (building_passage is street level), else 0;
  * the lines of one level are noded where they cross or share a vertex
    (shapely.unary_union); lines of different levels meet only at a vertex
    both have (nodes keyed by coordinates rounded to --merge-m).

(b) vs linli should be ~0 when the topology agrees; (a) vs (b) is what the
snapping model alone changes.

Run:
  /tmp/venv/bin/python benches/compare_osm_networkx.py SCENARIO COVERAGE_DIR [--worst 10] [--tolerance 0.05]
(needs networkx, shapely>=2, pyproj, numpy, scipy).
"""
import argparse
import json
import math
import os
import tomllib
from collections import defaultdict

import networkx as nx
import numpy as np
import shapely
from pyproj import Transformer
from scipy.spatial import cKDTree
from shapely.geometry import LineString, Point

DEFAULT_EXCLUDED = ["motorway", "motorway_link", "trunk", "rail", "railway"]


def load(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def walk_level(p):
    def yes(key):
        v = p.get(key)
        if isinstance(v, bool):
            return v
        if isinstance(v, str):
            return v.strip() not in ("", "no", "false", "0", "building_passage")
        if isinstance(v, (int, float)):
            return v != 0
        return False

    layer = p.get("layer")
    if isinstance(layer, str):
        try:
            layer = float(layer.strip())
        except ValueError:
            layer = None
    if isinstance(layer, bool) or not isinstance(layer, (int, float)):
        layer = None
    if layer is not None and float(layer).is_integer() and -5 <= layer <= 5:
        return int(layer)
    if yes("bridge"):
        return 1
    if yes("tunnel"):
        return -1
    return 0


def walks(p, excluded):
    w = p.get("walkable")
    if isinstance(w, bool):
        return w
    if w in ("yes", "no"):
        return w == "yes"
    cls = str(p.get("class") or p.get("highway") or "").strip().lower()
    return cls not in excluded


def build_graph(roads, to_xy, excluded, merge_m, tolerance=0.0):
    """Noded segments per level, joined across levels at shared vertices."""
    by_level = defaultdict(list)
    used = left = 0
    for f in roads["features"]:
        g = f.get("geometry") or {}
        if g.get("type") not in ("LineString", "MultiLineString"):
            continue
        if not walks(f["properties"], excluded):
            left += 1
            continue
        parts = [g["coordinates"]] if g["type"] == "LineString" else g["coordinates"]
        for cs in parts:
            xs, ys = to_xy.transform([c[0] for c in cs], [c[1] for c in cs])
            if len(cs) >= 2:
                by_level[walk_level(f["properties"])].append(LineString(list(zip(xs, ys))))
        used += 1
    key = lambda x, y: (round(x / merge_m), round(y / merge_m))
    nodes, pos = {}, []

    def node(x, y):
        k = key(x, y)
        if k not in nodes:
            nodes[k] = len(pos)
            pos.append((x, y))
        return nodes[k]

    raw = []
    for level, lines in sorted(by_level.items()):
        noded = shapely.unary_union(lines)
        for part in getattr(noded, "geoms", [noded]):
            cs = list(part.coords)
            raw.extend((node(*p), node(*q)) for p, q in zip(cs, cs[1:]))
    # --tolerance: vertices this close are one node whatever their level
    # (what linli's noding tolerance does); 0 keeps OSM's topology.
    rep = list(range(len(pos)))
    if tolerance > 0:
        find = lambda v: v if rep[v] == v else find(rep[v])
        for a, b in sorted(cKDTree(pos).query_pairs(tolerance)):
            ra, rb = find(a), find(b)
            rep[max(ra, rb)] = min(ra, rb)
        rep = [find(v) for v in range(len(pos))]
    segs = {(min(rep[a], rep[b]), max(rep[a], rep[b])) for a, b in raw if rep[a] != rep[b]}
    G = nx.Graph()
    G.add_nodes_from(sorted(set(rep)))
    for a, b in segs:
        G.add_edge(a, b, w=math.dist(pos[a], pos[b]))
    return G, np.array(pos), sorted(segs), used, left, {k: len(v) for k, v in by_level.items()}


def edge_snap(points, pos, segs):
    """Nearest point on the nearest segment: (seg index, t, leg, (x, y))."""
    lines = [LineString([pos[a], pos[b]]) for a, b in segs]
    tree = shapely.STRtree(lines)
    out = []
    for p in points:
        idx = tree.query_nearest(Point(p), all_matches=True)
        best = None
        for i in sorted(int(i) for i in np.atleast_1d(idx)):
            a, b = segs[i]
            (ax, ay), (bx, by) = pos[a], pos[b]
            dx, dy = bx - ax, by - ay
            t = max(0.0, min(1.0, ((p[0] - ax) * dx + (p[1] - ay) * dy) / (dx * dx + dy * dy)))
            q = (ax + t * dx, ay + t * dy)
            d = math.dist(p, q)
            if best is None or d < best[2]:
                best = (i, t, d, q)
        out.append(best)
    return out


def with_snaps(G, pos, segs, snaps):
    """G with every snap point splitting its edge and each leg an edge."""
    H = G.copy()
    on_edge = defaultdict(list)
    xy = {}
    for name, (i, t, leg, q) in snaps.items():
        at = ("at", name)
        on_edge[i].append((t, at))
        xy[at] = q
        H.add_edge(name, at, w=leg)
    for i, pts in on_edge.items():
        a, b = segs[i]
        H.remove_edge(a, b)
        chain = [a] + [n for _, n in sorted(pts, key=lambda x: x[0])] + [b]
        P = lambda n: xy[n] if isinstance(n, tuple) else tuple(pos[n])
        for u, v in zip(chain, chain[1:]):
            H.add_edge(u, v, w=math.dist(P(u), P(v)))
    return H


def stats(d):
    if not len(d):
        return "n=0"
    s = np.asarray(d)
    d = np.abs(s)
    return (f"n={len(d)} |diff| median {np.median(d):.2f} m, p95 {np.percentile(d, 95):.2f} m, "
            f"max {d.max():.2f} m (signed median {np.median(s):+.2f} m)")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("scenario")
    ap.add_argument("coverage_dir")
    ap.add_argument("--worst", type=int, default=8, help="list this many worst (b)-vs-linli pairs")
    ap.add_argument("--merge-m", type=float, default=0.001, help="vertices this close are one node")
    ap.add_argument("--tolerance", type=float, default=0.0,
                    help="also merge vertices this close, across levels too (linli's barriers.snap_tolerance_m is 0.05)")
    ap.add_argument("--json", help="write the per-pair distances here")
    args = ap.parse_args()

    roads = load(os.path.join(args.scenario, "roads.geojson"))
    facs = load(os.path.join(args.scenario, "facilities.geojson"))["features"]
    cov = load(os.path.join(args.coverage_dir, "coverage.geojson"))["features"]
    summ = load(os.path.join(args.coverage_dir, "coverage_summary.json"))
    toml_path = os.path.join(args.scenario, "scenario.toml")
    walking = {}
    if os.path.exists(toml_path):
        with open(toml_path, "rb") as f:
            walking = tomllib.load(f).get("walking", {})
    excluded = [c.strip().lower() for c in walking.get("excluded_classes", DEFAULT_EXCLUDED)]
    snap_limit = summ["snap_limit_m"]
    bound = summ["search_bound_m"]
    thresholds = {k: v["threshold_m"] for k, v in summ["kinds"].items()}

    lons = [c[0] for f in roads["features"] for c in (f["geometry"]["coordinates"] if f["geometry"]["type"] == "LineString" else [])]
    lats = [c[1] for f in roads["features"] for c in (f["geometry"]["coordinates"] if f["geometry"]["type"] == "LineString" else [])]
    lon0, lat0 = (min(lons) + max(lons)) / 2, (min(lats) + max(lats)) / 2
    to_xy = Transformer.from_crs("EPSG:4326", f"+proj=tmerc +lon_0={lon0} +lat_0={lat0} +k=1 +ellps=WGS84 +units=m", always_xy=True)

    G, pos, segs, used, left, levels = build_graph(roads, to_xy, excluded, args.merge_m, args.tolerance)
    print(f"{args.scenario}: {used} walkable lines ({left} left out), levels {dict(sorted(levels.items()))}; "
          f"graph {G.number_of_nodes()} nodes, {G.number_of_edges()} edges, "
          f"{nx.number_connected_components(G)} components "
          f"(linli: {summ['network']['nodes']} nodes, {summ['network']['edges']} edges, {summ['network']['components']} components)")

    bxy = [to_xy.transform(*f["geometry"]["coordinates"]) for f in cov]
    bprops = [f["properties"] for f in cov]
    kinds = sorted({f["properties"]["kind"] for f in facs} & set(thresholds))
    fxy = [to_xy.transform(*f["geometry"]["coordinates"]) for f in facs]
    bsn = edge_snap(bxy, pos, segs)
    fsn = edge_snap(fxy, pos, segs)
    snaps = {("b", i): s for i, s in enumerate(bsn) if s[2] <= snap_limit}
    snaps |= {("f", j): s for j, s in enumerate(fsn) if s[2] <= snap_limit and facs[j]["properties"]["kind"] in kinds}
    H = with_snaps(G, pos, segs, snaps)

    # Vertex snapping: all vertices, and junctions only (degree != 2).
    allv = np.array([n for n in G.nodes if G.degree(n) > 0])
    junc = np.array([n for n in G.nodes if G.degree(n) != 2 and G.degree(n) > 0])
    near = {}
    for name, vs in (("a", allv), ("aj", junc)):
        tree = cKDTree(pos[vs])
        near[name] = (vs[tree.query(bxy)[1]], vs[tree.query(fxy)[1]])

    leg_diff = [s[2] - p["snap_m"] for s, p in zip(bsn, bprops) if "snap_m" in p]
    print(f"  building snap legs, ours - linli's: {stats(leg_diff)}")

    rows = []  # (i, kind, linli, b, a, aj, fac_b)
    for k in kinds:
        src = [("f", j) for j, f in enumerate(facs) if f["properties"]["kind"] == k and ("f", j) in snaps]
        if not src:
            continue
        db, paths = nx.multi_source_dijkstra(H, set(src), weight="w")
        origin = {n: p[0] for n, p in paths.items()}
        res = {}
        for name, (bn, fn) in near.items():
            fs = {int(fn[j]) for _, j in src}
            res[name] = nx.multi_source_dijkstra_path_length(G, fs, weight="w")
            # The same with the straight legs to the vertices walked: seeds
            # start at the facility's leg.
            H2 = G.copy()
            for _, j in src:
                H2.add_edge(("f", j), int(fn[j]), w=math.dist(fxy[j], pos[fn[j]]))
            res[name + "l"] = nx.multi_source_dijkstra_path_length(H2, set(src), weight="w")
        for i, p in enumerate(bprops):
            if "snap_m" not in p and ("b", i) not in snaps:
                continue
            lin = p.get(f"{k}_m", math.inf)
            b = db.get(("b", i), math.inf)
            fb = facs[origin[("b", i)][1]]["properties"]["id"] if ("b", i) in origin else None
            a = res["a"].get(int(near["a"][0][i]), math.inf)
            aj = res["aj"].get(int(near["aj"][0][i]), math.inf)
            al = res["al"].get(int(near["a"][0][i]), math.inf) + math.dist(bxy[i], pos[near["a"][0][i]])
            rows.append((i, k, lin, b, a, aj, fb, al))

    hh = lambda i: bprops[i].get("households", 0)
    within = lambda d: d <= bound + 1e-6
    total_hh = sum(hh(i) for i in range(len(bprops)))
    print(f"  {len(bprops)} buildings, {total_hh} households; kinds {', '.join(kinds)}; "
          f"{len(rows)} building-kind pairs; search bound {bound:g} m")
    for col, name in ((3, "(b) edge snap"), (4, "(a) vertex snap"), (7, "(a+l) vertex + legs"), (5, "(aj) junction snap")):
        both = [r[col] - r[2] for r in rows if within(r[2]) and within(r[col])]
        one = sum(1 for r in rows if within(r[2]) != within(r[col]))
        diff_b = {}
        for r in rows:
            if (r[2] <= thresholds[r[1]] + 1e-6) != (r[col] <= thresholds[r[1]] + 1e-6):
                diff_b.setdefault(r[0], []).append(r[1])
        nb, nh = len(diff_b), sum(hh(i) for i in diff_b)
        pairs = sum(len(v) for v in diff_b.values())
        print(f"  {name:19s} vs linli: {stats(both)}; reached by one only: {one}; "
              f"class differs: {pairs} pairs, {nb} buildings ({100 * nb / len(bprops):.1f}%), "
              f"{nh} households ({100 * nh / max(total_hh, 1):.1f}%)")
    ab = [r[4] - r[3] for r in rows if within(r[3]) and within(r[4])]
    print(f"  (a) vs (b) (snapping alone): {stats(ab)}")
    worst = sorted((r for r in rows if within(r[2]) or within(r[3])), key=lambda r: -abs(min(r[3], bound + 1) - min(r[2], bound + 1)))
    print(f"  worst (b)-vs-linli pairs:")
    for i, k, lin, b, a, aj, fb, _ in worst[: args.worst]:
        lon, lat = cov[i]["geometry"]["coordinates"]
        print(f"    {bprops[i]['id']} ({lon:.6f},{lat:.6f}) hh={hh(i)} {k}: linli {lin:.2f} m via {bprops[i].get(k + '_id')}, "
              f"nx(b) {b:.2f} m via {fb}, leg linli {bprops[i].get('snap_m')} / nx {bsn[i][2]:.2f}")
    if args.json:
        with open(args.json, "w") as f:
            json.dump([{"id": bprops[i]["id"], "kind": k, "linli": lin, "b": b, "a": a, "aj": aj, "fac_b": fb, "al": al,
                        "lonlat": cov[i]["geometry"]["coordinates"], "hh": hh(i), "leg": bsn[i][2]}
                       for i, k, lin, b, a, aj, fb, al in rows], f)


if __name__ == "__main__":
    main()
