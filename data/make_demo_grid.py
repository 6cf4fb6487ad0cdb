#!/usr/bin/env python3
"""Draw the demo's existing neighborhood grid, data/demo/neighborhoods.geojson.

    cargo build --release
    python3 data/make_demo_grid.py target/release/linli data/demo

Needs `shapely` >= 2.1 and `pyproj` (pip install shapely pyproj).

A street office keeps its grid (网格) as polygons digitized by hand over a
map: borders near the roads but not on them, few vertices, and the defects
that hand-drawn grids have. This script makes such a grid for the demo:

1. The grid was drawn years ago to an older figure, 250 households a
   neighborhood (band 167-333), not today's 300 (200-400): the base is a
   linli plan of the demo (without a grid) at that target and seed 3, run
   by this script in a temporary copy of the scenario (its coverage.geojson
   gives each building's households). Its neighborhoods follow the blocks; a
   hand-drawn grid does not, so the borders inside each community are
   simplified as a digitizer would draw them (a shared border is one line
   for both sides, 10 m tolerance; community borders are kept as given) and
   every building a simplified line runs through is put back whole on the
   side holding most of it.
2. Then the defects, on purpose, each printed with its figures:
   - two neighbours merged into one above the band (WDK-01);
   - two neighborhoods on either side of a stream re-cut across it, so both
     straddle it (WDK-01);
   - a border bent through a home, so one building is cut in two (WDK-02);
   - a piece of a neighborhood left out, so a gap holds households (WDK-06).
   The older target leaves others below today's band (WDK-05).
3. Ids are the office's own (`WDK-01-A`, …, not linli's `WDK-01-01`), with a
   name; exteriors counter-clockwise. Coordinates keep every digit: rounded
   to 7 decimals, the vertices on a community border move off it by up to
   half a centimetre, which along a 2 km border is a few square metres
   outside the community.

Deterministic: the same base gives the same bytes.
Data (c) OpenStreetMap contributors, ODbL 1.0; the grid itself is invented.
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile

import shapely
from pyproj import Transformer
from shapely.geometry import LineString, Point, mapping, shape
from shapely.ops import unary_union

TOLERANCE_M = 10.0
LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
NUMERALS = "一二三四五六七八九十"

FWD = Transformer.from_crs("EPSG:4326", "+proj=tmerc +lat_0=40 +lon_0=116.32 +ellps=WGS84", always_xy=True)
INV = Transformer.from_crs("+proj=tmerc +lat_0=40 +lon_0=116.32 +ellps=WGS84", "EPSG:4326", always_xy=True)


def to_m(g):
    return shapely.transform(g, lambda x, y: FWD.transform(x, y), interleaved=False)


def to_deg(g):
    return shapely.transform(g, lambda x, y: INV.transform(x, y), interleaved=False)


def features(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)["features"]


def polygons(g):
    """The polygons of g (dropping points and lines a boolean op leaves)."""
    if g.geom_type == "Polygon":
        return [g]
    if g.geom_type in ("MultiPolygon", "GeometryCollection"):
        return [p for q in g.geoms for p in polygons(q)]
    return []


def largest(g):
    ps = polygons(g)
    return max(ps, key=lambda p: p.area) if ps else g


class Grid:
    """Neighborhood polygons (metres) per community, and the buildings."""

    def __init__(self, base, demo):
        self.communities = {f["properties"]["id"]: (f["properties"], to_m(shape(f["geometry"])))
                            for f in features(f"{demo}/communities.geojson")}
        hh = {f["properties"]["id"]: f["properties"]["households"] for f in features(f"{base}/coverage.geojson")}
        self.buildings = [(f["properties"]["id"], to_m(shape(f["geometry"])), hh.get(f["properties"]["id"], 0))
                          for f in features(f"{demo}/buildings.geojson")]
        self.water = [to_m(shape(f["geometry"])) for f in features(f"{demo}/water.geojson")
                      if f["geometry"]["type"] in ("LineString", "MultiLineString")]
        self.hoods = {}
        for f in features(f"{base}/neighborhoods.geojson"):
            p = f["properties"]
            self.hoods[p["id"]] = [p["community"], to_m(shape(f["geometry"]))]

    def households(self, g):
        """Households of the buildings whose centre g holds."""
        return sum(h for _, b, h in self.buildings if h and g.contains(b.representative_point()))

    def of(self, community):
        return sorted(k for k, (c, _) in self.hoods.items() if c == community)

    def simplify(self):
        """Borders inside each community drawn as by hand, shared lines once."""
        for c in sorted(self.communities):
            ids = self.of(c)
            simple = shapely.coverage_simplify([self.hoods[i][1] for i in ids], TOLERANCE_M,
                                               simplify_boundary=False)
            for i, g in zip(ids, simple):
                self.hoods[i][1] = shapely.make_valid(g)
            self.whole_buildings(ids)

    def whole_buildings(self, ids):
        """Every building the simplified borders cut goes whole to one side
        (its part in the community: only community borders cut buildings)."""
        community = self.communities[self.hoods[ids[0]][0]][1]
        for _, b, _ in self.buildings:
            b = b.intersection(community)
            if b.is_empty:
                continue
            parts = [(self.hoods[i][1].intersection(b).area, i) for i in ids]
            touched = [(a, i) for a, i in parts if a > 1e-6 * max(b.area, 1.0)]
            if len(touched) < 2:
                continue
            keep = max(touched)[1]
            for _, i in touched:
                g = self.hoods[i][1]
                self.hoods[i][1] = largest(g.union(b) if i == keep else g.difference(b))

    def merge_above(self, community):
        """The two touching neighborhoods of the smallest sum above the
        band's top (400) drawn as one."""
        ids = self.of(community)
        pairs = []
        for i in ids:
            for j in ids:
                if i < j and self.hoods[i][1].boundary.intersection(self.hoods[j][1].boundary).length > 30:
                    h = self.households(self.hoods[i][1]) + self.households(self.hoods[j][1])
                    if h > 400:
                        pairs.append((h, i, j))
        h, a, b = min(pairs)
        self.hoods[a][1] = largest(self.hoods[a][1].union(self.hoods[b][1]))
        del self.hoods[b]
        return a, b, h

    def split(self, a, new):
        """a cut in two by a straight line across its longer side, at the
        point that shares its households most evenly."""
        g = self.hoods[a][1]
        (x0, y0, x1, y1) = g.bounds
        vertical = (x1 - x0) >= (y1 - y0)
        best = None
        for k in range(1, 40):
            t = k / 40
            if vertical:
                x = x0 + t * (x1 - x0)
                half = shapely.box(x0 - 1, y0 - 1, x, y1 + 1)
            else:
                y = y0 + t * (y1 - y0)
                half = shapely.box(x0 - 1, y0 - 1, x1 + 1, y)
            one, two = g.intersection(half), g.difference(half)
            if len(polygons(one)) != 1 or len(polygons(two)) != 1:
                continue
            h1, h2 = self.households(one), self.households(two)
            if best is None or abs(h1 - h2) < best[0]:
                best = (abs(h1 - h2), one, two, h1, h2)
        _, one, two, _, _ = best
        self.hoods[a][1] = largest(one)
        self.hoods[new] = [self.hoods[a][0], largest(two)]
        self.whole_buildings([a, new])
        return self.households(self.hoods[a][1]), self.households(self.hoods[new][1])

    def across_stream(self, community):
        """Two neighbours whose shared border runs along a stream, re-cut by a
        line across the stream: each then holds homes on both banks."""
        ids = self.of(community)
        best = None
        for i in ids:
            for j in ids:
                if i >= j:
                    continue
                shared = self.hoods[i][1].boundary.intersection(self.hoods[j][1].boundary)
                along = sum(shared.intersection(w.buffer(15)).length for w in self.water)
                if along > 150 and (best is None or along > best[0]):
                    best = (along, i, j)
        _, i, j = best
        both = unary_union([self.hoods[i][1], self.hoods[j][1]])
        self.hoods[i][1] = both
        del self.hoods[j]
        h1, h2 = self.split(i, j)
        return i, j, h1, h2

    def cut_building(self, community):
        """The border between two neighbours bent through the middle of a
        home that lies against it."""
        ids = self.of(community)
        for bid, b, h in sorted(self.buildings, key=lambda t: (-t[2], t[0])):
            if h == 0:
                continue
            owner = [i for i in ids if self.hoods[i][1].contains(b.representative_point())]
            if not owner:
                continue
            near = [i for i in ids if i != owner[0] and self.hoods[i][1].distance(b) < 8]
            if not near:
                continue
            o, n = owner[0], near[0]
            c = b.centroid
            # The half of the building nearer the neighbour, and the strip
            # between it and the neighbour, go across.
            towards = shapely.ops.nearest_points(self.hoods[n][1], c)[0]
            dx, dy = towards.x - c.x, towards.y - c.y
            line = LineString([(c.x - dy * 10, c.y + dx * 10), (c.x + dy * 10, c.y - dx * 10)])
            side = shapely.ops.split(b.buffer(0), line)
            halves = sorted(polygons(side), key=lambda p: p.distance(towards))
            if len(halves) < 2:
                continue
            bite = shapely.convex_hull(unary_union([halves[0], towards.buffer(0.5)])).intersection(self.hoods[o][1])
            self.hoods[n][1] = largest(self.hoods[n][1].union(bite))
            self.hoods[o][1] = largest(self.hoods[o][1].difference(bite))
            return bid, o, n
        raise SystemExit(f"no building to cut in {community}")

    def gap(self, a):
        """A corner of a's homes left out of the grid: a gap with households."""
        g = self.hoods[a][1]
        homes = sorted((b for _, b, h in self.buildings if h and g.contains(b.representative_point())),
                       key=lambda b: (b.centroid.distance(g.boundary), b.centroid.x))
        hole = unary_union([homes[0].buffer(6), homes[0].centroid.buffer(1)]).convex_hull
        # Reach out past the border so the gap is a notch open to the
        # outside of a, not a hole touching its border at a point (which no
        # reprojection keeps valid).
        c = homes[0].centroid
        edge = shapely.ops.nearest_points(g.boundary, c)[0]
        d = max(c.distance(edge), 1e-9)
        past = Point(edge.x + (edge.x - c.x) / d * 5, edge.y + (edge.y - c.y) / d * 5)
        # Not clipped to a first: a clipped strip leaves a sliver a tenth of
        # a millimetre wide along a's border, closing the notch into a hole.
        hole = unary_union([hole, LineString([c, past]).buffer(4)])
        self.hoods[a][1] = largest(g.difference(hole))
        return self.households(hole.intersection(g))

    def write(self, path):
        out = []
        for c in sorted(self.communities):
            name = self.communities[c][0]["name"]
            ids = self.of(c)
            # North-west first, as an office numbers its grid.
            ids.sort(key=lambda i: (-round(self.hoods[i][1].centroid.y, -2), self.hoods[i][1].centroid.x))
            for k, i in enumerate(ids):
                g = shapely.orient_polygons(largest(to_deg(self.hoods[i][1])))
                assert g.is_valid and g.geom_type == "Polygon", i
                out.append({"type": "Feature", "properties": {
                    "id": f"{c}-{LETTERS[k]}", "name": f"{name}第{NUMERALS[k]}网格", "community": c},
                    "geometry": mapping(g)})
        with open(path, "w", encoding="utf-8") as f:
            f.write('{"type":"FeatureCollection","features":[\n')
            f.write(",\n".join(json.dumps(x, ensure_ascii=False, separators=(",", ":")) for x in out))
            f.write("\n]}\n")
        return len(out)


def plan_base(linli, demo, work):
    """linli's plan of the demo at the older target, without a grid."""
    scenario = os.path.join(work, "scenario")
    os.mkdir(scenario)
    for name in sorted(os.listdir(demo)):
        if name != "neighborhoods.geojson":
            shutil.copy(os.path.join(demo, name), scenario)
    with open(os.path.join(scenario, "scenario.toml"), "a", encoding="utf-8") as f:
        f.write("\n[targets]\nurban = 250\n")
    base = os.path.join(work, "base")
    subprocess.run([linli, "--quiet", "plan", scenario, "--out", base, "--seed", "3"], check=True)
    return base


def main():
    linli, demo = sys.argv[1], sys.argv[2]
    with tempfile.TemporaryDirectory() as work:
        g = Grid(plan_base(linli, demo, work), demo)
    g.simplify()
    print("across a stream: %s and %s re-cut, %d and %d households" % g.across_stream("WDK-01"))
    print("above the band: %s + %s = %d households" % g.merge_above("WDK-01"))
    print("cut building: %s between %s and %s" % g.cut_building("WDK-02"))
    print("gap:", g.gap("WDK-06-02"), "households left out")
    print("wrote", g.write(f"{demo}/neighborhoods.geojson"), "neighborhoods")


if __name__ == "__main__":
    main()
