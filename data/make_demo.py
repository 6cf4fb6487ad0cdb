#!/usr/bin/env python3
"""Build linli's demo scenario from a real OpenStreetMap extract.

    python3 data/make_demo.py /work/shared/osm/beijing-wudaokou.osm.pbf data/demo

Needs `osmium` (pyosmium) and `shapely` >= 2.1 (pip install osmium shapely).

Reads the OSM extract (Beijing Wudaokou / Tsinghua campus) and writes RFC 7946
GeoJSON layers (lon/lat WGS84, 7 decimals, exterior rings counter-clockwise,
holes clockwise) plus scenario.toml:

  roads, water, landmarks, compounds, buildings   from OSM (clipped to the extract)
  facilities                                      OSM amenities + synthetic service points
  communities                                     synthetic, drawn here along roads

Household counts, community polygons, names, kinds, staff counts and the
facilities marked `synthetic: true` are invented for the demo; see README.md.

The output is deterministic: same input, same bytes (no randomness, sorted
features, fixed rounding).  Data (c) OpenStreetMap contributors, ODbL 1.0.
"""

import argparse
import json
import math
import os
import sys
from collections import defaultdict

import osmium
import shapely
from shapely.geometry import LineString, MultiPoint, Point, Polygon, box
from shapely.ops import linemerge, polygonize

GRID = 1e-7          # coordinate grid in degrees (= 7 decimals)
UNIT_M2 = 100.0      # floor area per household, m2 (same default as linli)

# --------------------------------------------------------------------------
# Hand-made design for the Wudaokou extract.
# --------------------------------------------------------------------------

# Community borders.  The Tsinghua campus is enclosed by major roads
# (中关村北大街, 成府路, 中关村东路/双清路, 荷清路).  The campus face is cut by
# these campus roads (OSM way ids), extended at dangling ends to the next line.
INNER_LINES = [
    ("清华路", [83800922, 83800914, 22799951, 83689107, 226631638, 479204229,
              479204228, 81813448, 479225052, 479225053, 83800910, 81813449]),
    # 学堂路, then north along the service roads west of the 紫荆 dormitories
    # (way, from node, to node) takes the part of a way between two nodes
    ("学堂路", [121511479, 42415934, 83800912, 83800911,
              (84644278, 2354000358, 253721872), (84644280, 253721872, 253721871),
              (84644274, 253721871, 943386823), (23426857, 943386823, 2354014385),
              (83892648, 2354014385, 268389711), (80342198, 268389711, 2356770166),
              226936423, (32954667, 2356770167, 1360087492)]),
    ("熙春路", [409380281, 83800913, 83689620]),
    ("新林院北路", [32954774]),
]

# core_seeds: points inside campus cells; outer_seeds: points in the areas
# outside the campus ring (those areas also get the road corridors around them).
COMMUNITIES = [
    dict(id="WDK-01", name="荷清苑社区", street="清华园街道", kind="urban",
         core_seeds=[(116.3150, 40.0070), (116.3150, 40.0020)],
         outer_seeds=[(116.3147, 40.0122)],
         staffing="short", service="normal"),
    dict(id="WDK-02", name="紫荆社区", street="清华园街道", kind="urban",
         core_seeds=[(116.3260, 40.0060)], outer_seeds=[],
         staffing="ok", service="normal"),
    dict(id="WDK-03", name="西南社区", street="清华园街道", kind="urban",
         core_seeds=[(116.3120, 39.9950)], outer_seeds=[],
         staffing="ok", service="normal"),
    dict(id="WDK-04", name="照澜院社区", street="清华园街道", kind="urban",
         core_seeds=[(116.3190, 39.9980)], outer_seeds=[],
         staffing="ok", service="normal"),
    dict(id="WDK-05", name="新林院社区", street="清华园街道", kind="urban",
         core_seeds=[(116.3190, 39.9930)], outer_seeds=[],
         staffing="short", service="poor", centre_corner="sw"),
    dict(id="WDK-06", name="西王庄社区", street="东升街道", kind="resettlement",
         core_seeds=[(116.3250, 39.9950)],
         outer_seeds=[(116.3293, 39.9945), (116.3315, 40.0023)],
         staffing="ok", service="normal"),
    dict(id="WDK-07", name="成府路社区", street="东升街道", kind="urban",
         core_seeds=[],
         outer_seeds=[(116.3100, 40.0060), (116.3085, 39.9950),
                      (116.3289, 39.9908), (116.3180, 39.9906)],
         staffing="ok", service="poor", centre_corner="w"),
]
CAMPUS_SEED = (116.3200, 40.0030)      # a point inside the campus ring
MAJOR = {"motorway", "trunk", "primary", "secondary", "tertiary"}
NOT_ROADS = {"platform", "proposed", "construction", "abandoned", "razed",
             "raceway", "bus_stop", "elevator", "services", "rest_area"}

RES_BUILDINGS = {"residential", "apartments", "house", "detached", "terrace",
                 "semidetached_house", "bungalow", "flats", "cabin"}
HOUSES = {"house", "detached", "semidetached_house", "bungalow", "cabin",
          "terrace"}
SCHOOL_BUILDINGS = {"school", "university", "college", "kindergarten",
                    "dormitory"}
COMMERCIAL_BUILDINGS = {"commercial", "retail", "supermarket", "kiosk",
                        "hotel", "mall", "shop"}
COMMERCIAL_AMENITIES = {"restaurant", "cafe", "fast_food", "bank", "bar",
                        "pub", "marketplace", "cinema", "food_court"}
SCHOOL_AMENITIES = {"school", "university", "college", "kindergarten",
                    "library"}

LANDMARK_TAGS = [
    ("amenity", {"university", "college", "school", "kindergarten",
                 "hospital"}),
    ("leisure", {"park", "garden", "stadium", "nature_reserve"}),
    ("landuse", {"park", "railway", "forest", "cemetery",
                 "recreation_ground", "commercial", "retail"}),
    ("natural", {"wood"}),
]
LANDMARK_MIN_M2 = 2000.0


# --------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------

class Frame:
    """Local equirectangular metres around the extract centre."""

    def __init__(self, lon0, lat0):
        p = math.radians(lat0)
        self.lon0, self.lat0 = lon0, lat0
        self.kx = 111412.84 * math.cos(p) - 93.5 * math.cos(3 * p)
        self.ky = 111132.954 - 559.822 * math.cos(2 * p) + 1.175 * math.cos(4 * p)

    def m(self, g):
        return shapely.transform(
            g, lambda c: (c - [self.lon0, self.lat0]) * [self.kx, self.ky])

    def ll(self, g):
        return shapely.transform(
            g, lambda c: c / [self.kx, self.ky] + [self.lon0, self.lat0])

    def area(self, g):
        return self.m(g).area

    def dist(self, a, b):
        return self.m(a).distance(self.m(b))


def parts(g):
    """Flatten a geometry into a list of its simple parts."""
    if g is None or g.is_empty:
        return []
    if hasattr(g, "geoms"):
        out = []
        for x in g.geoms:
            out.extend(parts(x))
        return out
    return [g]


def rnd(x):
    return round(float(x), 7)


def ring_coords(ring):
    return [[rnd(x), rnd(y)] for x, y in ring.coords]


def snap(g):
    return shapely.set_precision(g, GRID)


def orient(poly):
    return shapely.orient_polygons(poly, exterior_cw=False)


def geom_json(g):
    if g.geom_type == "Point":
        return {"type": "Point", "coordinates": [rnd(g.x), rnd(g.y)]}
    if g.geom_type == "LineString":
        return {"type": "LineString", "coordinates": ring_coords(g)}
    if g.geom_type == "Polygon":
        g = orient(g)
        return {"type": "Polygon",
                "coordinates": [ring_coords(g.exterior)]
                + [ring_coords(r) for r in g.interiors]}
    if g.geom_type == "MultiPolygon":
        return {"type": "MultiPolygon",
                "coordinates": [geom_json(p)["coordinates"] for p in g.geoms]}
    raise ValueError(g.geom_type)


def rounded(g):
    """The geometry exactly as it will be written (7 decimals)."""
    return shapely.geometry.shape(geom_json(g))


def clean_polygon(poly, frame, min_m2=1.0):
    """Return valid polygons (as written, after rounding) from one polygon."""
    out = []
    for p in parts(shapely.make_valid(snap(poly))):
        if p.geom_type != "Polygon" or frame.area(p) < min_m2:
            continue
        r = rounded(p)
        if not r.is_valid:
            r = max((q for q in parts(shapely.make_valid(r))
                     if q.geom_type == "Polygon"),
                    key=lambda q: q.area, default=None)
            if r is None or not rounded(r).is_valid:
                continue
        out.append(r)
    return out


def id_key(fid):
    t, rest = fid[0], fid[1:]
    num, _, part = rest.partition("-")
    try:
        return (t, int(num), int(part or 0), fid)
    except ValueError:
        return (t, 0, 0, fid)


def write_fc(path, features):
    lines = []
    for f in features:
        feat = {"type": "Feature", "properties": f["properties"],
                "geometry": geom_json(f["geometry"])}
        lines.append(json.dumps(feat, ensure_ascii=False,
                                separators=(",", ":")))
    with open(path, "w", encoding="utf-8", newline="\n") as fh:
        fh.write('{"type":"FeatureCollection","features":[\n')
        fh.write(",\n".join(lines))
        fh.write("\n]}\n")


# --------------------------------------------------------------------------
# reading OSM
# --------------------------------------------------------------------------

class Reader(osmium.SimpleHandler):
    def __init__(self):
        super().__init__()
        self.nodes = {}
        self.node_tags = {}
        self.ways = {}
        self.rels = {}

    def node(self, n):
        if n.location.valid():
            self.nodes[n.id] = (n.location.lon, n.location.lat)
        if len(n.tags):
            self.node_tags[n.id] = dict(n.tags)

    def way(self, w):
        self.ways[w.id] = ([n.ref for n in w.nodes], dict(w.tags))

    def relation(self, r):
        self.rels[r.id] = ([(m.type, m.ref, m.role) for m in r.members],
                           dict(r.tags))


def infer_extract_box(osm):
    """The map export's bounding box: it holds every standalone node, and at
    least one node of every way (exports keep whole ways).  Rounded outward to
    0.0005 degrees."""
    in_way = set()
    for nds, _ in osm.ways.values():
        in_way.update(nds)
    free = [osm.nodes[n] for n in sorted(osm.nodes) if n not in in_way]
    if not free:
        free = list(osm.nodes.values())
    x0 = min(p[0] for p in free)
    x1 = max(p[0] for p in free)
    y0 = min(p[1] for p in free)
    y1 = max(p[1] for p in free)
    for wid in sorted(osm.ways):
        pts = [osm.nodes[n] for n in osm.ways[wid][0] if n in osm.nodes]
        if not pts or any(x0 <= x <= x1 and y0 <= y <= y1 for x, y in pts):
            continue

        def gap(p):
            return (max(x0 - p[0], p[0] - x1, 0.0)
                    + max(y0 - p[1], p[1] - y1, 0.0))
        p = min(pts, key=gap)
        x0, x1 = min(x0, p[0]), max(x1, p[0])
        y0, y1 = min(y0, p[1]), max(y1, p[1])
    s = 0.0005
    return (math.floor(x0 / s) * s, math.floor(y0 / s) * s,
            math.ceil(x1 / s) * s, math.ceil(y1 / s) * s)


def way_runs(osm, wid):
    """Contiguous runs of known node locations of a way (>= 2 nodes)."""
    runs, cur = [], []
    for n in osm.ways[wid][0]:
        if n in osm.nodes:
            cur.append(osm.nodes[n])
        else:
            if len(cur) >= 2:
                runs.append(cur)
            cur = []
    if len(cur) >= 2:
        runs.append(cur)
    out = []
    for r in runs:
        dedup = [r[0]] + [p for a, p in zip(r, r[1:]) if p != a]
        if len(dedup) >= 2:
            out.append(dedup)
    return out


def way_polygon(osm, wid):
    nds = osm.ways[wid][0]
    if len(nds) < 4 or nds[0] != nds[-1] or any(n not in osm.nodes for n in nds):
        return None
    return shapely.make_valid(Polygon([osm.nodes[n] for n in nds]))


def relation_polygon(osm, rid):
    members, _ = osm.rels[rid]
    rings = {"outer": [], "inner": []}
    for mtype, ref, role in members:
        if mtype != "w" or ref not in osm.ways:
            continue
        for run in way_runs(osm, ref):
            rings["inner" if role == "inner" else "outer"].append(
                LineString(run))
    outer = list(polygonize(linemerge(rings["outer"]))) if rings["outer"] else []
    if not outer:
        return None
    inner = list(polygonize(linemerge(rings["inner"]))) if rings["inner"] else []
    g = shapely.union_all(outer)
    if inner:
        g = g.difference(shapely.union_all(inner))
    return shapely.make_valid(g)


def area_objects(osm):
    """(osm id, tags, polygon) for closed ways and multipolygon relations."""
    out = []
    for wid in sorted(osm.ways):
        nds, tags = osm.ways[wid]
        if not tags or nds[0] != nds[-1]:
            continue
        if "highway" in tags and tags.get("area") != "yes":
            continue
        if "waterway" in tags and tags.get("waterway") not in ("riverbank",
                                                               "dock"):
            continue
        if tags.get("barrier") and len(tags) == 1:
            continue
        p = way_polygon(osm, wid)
        if p is not None and not p.is_empty:
            out.append(("w%d" % wid, tags, p))
    for rid in sorted(osm.rels):
        members, tags = osm.rels[rid]
        if tags.get("type") != "multipolygon":
            continue
        p = relation_polygon(osm, rid)
        if p is not None and not p.is_empty:
            out.append(("r%d" % rid, tags, p))
    return out


# --------------------------------------------------------------------------
# layers
# --------------------------------------------------------------------------

def clip_lines(osm, wid, hull):
    out = []
    for run in way_runs(osm, wid):
        for g in parts(LineString(run).intersection(hull)):
            if g.geom_type == "LineString" and len(g.coords) >= 2 \
                    and g.length > 0:
                out.append(g)
    return out


def line_features(osm, hull, key, skip=()):
    feats = []
    for wid in sorted(osm.ways):
        tags = osm.ways[wid][1]
        if key not in tags or tags[key] in skip:
            continue
        if key == "highway" and tags.get("area") == "yes":
            continue
        pieces = clip_lines(osm, wid, hull)
        for i, g in enumerate(pieces):
            fid = "w%d" % wid if len(pieces) == 1 else "w%d-%d" % (wid, i + 1)
            props = {"id": fid, "class": tags[key]}
            if "name" in tags:
                props["name"] = tags["name"]
            feats.append({"properties": props, "geometry": g})
    return feats


def polygon_features(objs, hull, frame, select, min_m2):
    feats = []
    for oid, tags, poly in objs:
        cls = select(tags)
        if cls is None:
            continue
        clipped = []
        for p in parts(poly.intersection(hull)):
            if p.geom_type == "Polygon":
                clipped.extend(clean_polygon(p, frame))
        clipped = [p for p in clipped if frame.area(p) >= min_m2]
        clipped.sort(key=lambda p: (-round(frame.area(p), 3), p.wkt))
        for i, p in enumerate(clipped):
            fid = oid if len(clipped) == 1 else "%s-%d" % (oid, i + 1)
            props = {"id": fid}
            if cls is not True:
                props["class"] = cls
            if "name" in tags:
                props["name"] = tags["name"]
            feats.append({"properties": props, "geometry": p})
    feats.sort(key=lambda f: id_key(f["properties"]["id"]))
    return feats


def landmark_class(tags):
    for key, values in LANDMARK_TAGS:
        if tags.get(key) in values:
            return tags[key]
    return None


def building_use(tags):
    b = tags.get("building", "yes")
    a = tags.get("amenity", "")
    if b in RES_BUILDINGS:
        return "residential"
    if b in SCHOOL_BUILDINGS or a in SCHOOL_AMENITIES:
        return "school"
    if b == "office" or "office" in tags:
        return "office"
    if b in COMMERCIAL_BUILDINGS or "shop" in tags or a in COMMERCIAL_AMENITIES:
        return "commercial"
    return "other"


def parse_levels(v):
    try:
        x = float(str(v).split(";")[0].strip())
    except ValueError:
        return None
    return int(round(x)) if x >= 1 else None


def make_buildings(objs, hull, frame, residential_areas):
    blds = []
    for oid, tags, poly in objs:
        if "building" not in tags or tags["building"] == "no":
            continue
        polys = [p for p in parts(poly) if p.geom_type == "Polygon"]
        if not polys:
            continue
        p = max(polys, key=lambda q: q.area)
        cleaned = clean_polygon(p, frame)
        if not cleaned:
            continue
        p = max(cleaned, key=lambda q: q.area)
        if not hull.contains(p.centroid):
            continue
        area = frame.area(p)
        use = building_use(tags)
        inferred = False
        if (use == "other" and tags["building"] == "yes" and area >= 150
                and len(set(tags) - {"building", "name", "name:en",
                                     "introduction"}) == 0
                and any(r.contains(p.centroid) for r in residential_areas)):
            use, inferred = "residential", True
        blds.append(dict(id=oid, tags=tags, geom=p, area=area, use=use,
                         inferred=inferred))
    blds.sort(key=lambda b: id_key(b["id"]))
    res = [b for b in blds if b["use"] == "residential"]
    for i, b in enumerate(res):
        lv = parse_levels(b["tags"].get("building:levels"))
        b["levels_estimated"] = lv is None
        if lv is None:
            lv = 2 if b["tags"]["building"] in HOUSES else 6
        b["levels"] = lv
        b["est_households"] = max(1, int(round(b["area"] * lv / UNIT_M2)))
        b["explicit"] = (i % 2 == 0)
    for b in blds:
        if b["use"] != "residential":
            b["levels"] = parse_levels(b["tags"].get("building:levels"))
            b["est_households"] = 0
            b["explicit"] = True
    return blds


def building_features(blds):
    feats = []
    for b in blds:
        props = {"id": b["id"], "use": b["use"]}
        if b["levels"] is not None:
            props["levels"] = b["levels"]
        if b["use"] == "residential" and b["levels_estimated"]:
            props["levels_estimated"] = True
        if b["explicit"]:
            props["households"] = b["est_households"]
        props["building"] = b["tags"]["building"]
        if b["inferred"]:
            props["use_inferred"] = True
        if "name" in b["tags"]:
            props["name"] = b["tags"]["name"]
        feats.append({"properties": props, "geometry": b["geom"]})
    return feats


# --------------------------------------------------------------------------
# communities
# --------------------------------------------------------------------------

def extend_dangles(line, network, frame, max_m=450.0, touch_m=0.5,
                   snap_m=150.0):
    """Join the dangling ends of `line` to `network`: straight to the nearest
    point when it is within snap_m, else straight on to the first hit."""
    cs = list(line.coords)
    for end in (0, 1):
        p = Point(cs[-1] if end else cs[0])
        q = Point(cs[-2] if end else cs[1])
        d = frame.dist(p, network)
        if d <= touch_m:
            continue
        if d <= snap_m:
            hp = shapely.ops.nearest_points(p, network)[1]
            if end:
                cs.append((hp.x, hp.y))
            else:
                cs.insert(0, (hp.x, hp.y))
            continue
        pm, qm = frame.m(p), frame.m(q)
        dx, dy = pm.x - qm.x, pm.y - qm.y
        n = math.hypot(dx, dy)
        ray = frame.ll(LineString([(pm.x, pm.y),
                                   (pm.x + dx / n * max_m,
                                    pm.y + dy / n * max_m)]))
        hit = ray.intersection(network)
        if hit.is_empty:
            print("  warning: dangling end not extended near %.6f,%.6f"
                  % (p.x, p.y), file=sys.stderr)
            continue
        hp = shapely.ops.nearest_points(p, hit)[1]
        if end:
            cs.append((hp.x, hp.y))
        else:
            cs.insert(0, (hp.x, hp.y))
    return LineString(cs)


def assign_leftovers(cells, labels):
    """Give unlabeled cells the label of the neighbour sharing the longest
    border (deterministic, repeated until all are labeled)."""
    while any(l is None for l in labels):
        changed = False
        for i, c in enumerate(cells):
            if labels[i] is not None:
                continue
            best = None
            for j, d in enumerate(cells):
                if labels[j] is None or i == j:
                    continue
                shared = c.boundary.intersection(d.boundary).length
                if shared > 0 and (best is None or shared > best[0]):
                    best = (shared, labels[j])
            if best:
                labels[i] = best[1]
                changed = True
        if not changed:
            break
    return labels


def make_communities(osm, hull, frame, blds):
    ids = [c["id"] for c in COMMUNITIES]

    # 1. faces of the major-road network
    major = []
    for wid in sorted(osm.ways):
        tags = osm.ways[wid][1]
        if tags.get("highway") in MAJOR:
            major.extend(clip_lines(osm, wid, hull))
    noded = shapely.union_all(major + [hull.exterior], grid_size=GRID)
    faces = [f for f in polygonize(parts(noded))
             if hull.contains(f.representative_point())]
    campus = next(f for f in faces if f.contains(Point(CAMPUS_SEED)))

    # 2. cut the campus face with the campus roads
    wmap = {}
    net = campus.exterior
    inner = []
    for name, wids in INNER_LINES:
        segs = []
        for w in wids:
            if isinstance(w, tuple):
                w, a, b = w
                nds = osm.ways[w][0] if w in osm.ways else []
                if a not in nds or b not in nds:
                    print("  warning: nodes %d/%d not on way %d" % (a, b, w),
                          file=sys.stderr)
                    continue
                i, j = sorted((nds.index(a), nds.index(b)))
                pts = [osm.nodes[n] for n in nds[i:j + 1] if n in osm.nodes]
                if len(pts) >= 2:
                    segs.append(LineString(pts))
            elif w in osm.ways:
                segs.extend(LineString(r) for r in way_runs(osm, w))
        if not segs:
            print("  warning: no ways for", name, file=sys.stderr)
            continue
        merged = parts(linemerge(segs))
        for ln in merged:
            if ln.is_closed:
                inner.append(ln)
                continue
            others = [m for m in merged if m is not ln]
            e = extend_dangles(ln, shapely.union_all([net] + others), frame)
            inner.append(e)
        net = shapely.union_all([net] + inner, grid_size=GRID)
    lines = shapely.union_all(
        [campus.exterior] + [l.intersection(campus) for l in inner],
        grid_size=GRID)
    cells = sorted((c for c in polygonize(parts(lines))
                    if campus.contains(c.representative_point())),
                   key=lambda c: c.wkt)
    labels = []
    for c in cells:
        lab = None
        for com in COMMUNITIES:
            if any(c.contains(Point(s)) for s in com["core_seeds"]):
                lab = com["id"]
        labels.append(lab)
    labels = assign_leftovers(cells, labels)
    core = defaultdict(list)
    for c, l in zip(cells, labels):
        core[l].append(c)

    # 3. outside the campus: fat areas around seeds, road corridors split by
    #    nearest fat area (Voronoi of their sampled borders)
    outer = snap(hull.difference(campus))
    outer_m = frame.m(outer)
    corridor = shapely.union_all([frame.m(l).buffer(4.0) for l in major])
    fat = parts(outer_m.difference(corridor)
                .buffer(-10.0, join_style="mitre")
                .buffer(10.0, join_style="mitre"))
    samples = {}
    comp_label = {}
    for com in COMMUNITIES:
        for s in com["outer_seeds"]:
            sm = frame.m(Point(s))
            ci = next((i for i, f in enumerate(fat) if f.contains(sm)), None)
            if ci is None:
                raise SystemExit("outer seed %s of %s not in a fat area"
                                 % (s, com["id"]))
            if comp_label.setdefault(ci, com["id"]) != com["id"]:
                raise SystemExit("outer seed %s of %s shares an area with %s"
                                 % (s, com["id"], comp_label[ci]))
            comp = fat[ci]
            ring = shapely.segmentize(comp.boundary, 2.0)
            for xy in shapely.get_coordinates(ring):
                samples[(round(xy[0], 3), round(xy[1], 3))] = com["id"]
    pts = sorted(samples)
    vor = shapely.voronoi_polygons(MultiPoint(pts),
                                   extend_to=outer_m.buffer(200), ordered=True)
    by_label = defaultdict(list)
    for p, cell in zip(pts, vor.geoms):
        by_label[samples[p]].append(cell)
    pieces = defaultdict(list)
    for l in ids:
        pieces[l].extend(core.get(l, []))
        if by_label.get(l):
            v = frame.ll(shapely.union_all(by_label[l]))
            pieces[l].append(shapely.intersection(outer, v, grid_size=GRID))
    rough = {l: shapely.union_all(pieces[l], grid_size=GRID) for l in ids}

    # never split a building: a footprint crossing a border goes wholly to
    # the community holding most of it
    for b in blds:
        fp = snap(b["geom"].intersection(hull))
        share = {l: rough[l].intersection(fp).area for l in ids}
        touched = [l for l in ids if share[l] > 0]
        if len(touched) < 2:
            continue
        owner = max(ids, key=lambda l: (share[l], -ids.index(l)))
        for l in touched:
            if l != owner:
                rough[l] = shapely.difference(rough[l], fp, grid_size=GRID)
        rough[owner] = shapely.union(rough[owner], fp, grid_size=GRID)

    # 4. one consistent planar partition: node all borders, polygonize,
    #    label faces, dissolve.  Shared borders then use identical vertices.
    borders = shapely.union_all([rough[l].boundary for l in ids]
                                + [hull.exterior], grid_size=GRID)
    faces = sorted((f for f in polygonize(parts(borders))
                    if hull.contains(f.representative_point())),
                   key=lambda f: f.wkt)
    flabels = []
    for f in faces:
        best = max(ids, key=lambda l: (rough[l].intersection(f).area,
                                       -ids.index(l)))
        flabels.append(best if rough[best].intersection(f).area > 0 else None)
    flabels = assign_leftovers(faces, flabels)
    result = {}
    for l in ids:
        g = shapely.union_all([f for f, fl in zip(faces, flabels) if fl == l],
                              grid_size=GRID)
        ps = [p for p in parts(g) if p.geom_type == "Polygon"]
        if len(ps) > 1:
            print("  warning: %s has %d parts (areas m2: %s)" % (
                l, len(ps), [round(frame.area(p)) for p in ps]),
                file=sys.stderr)
        result[l] = ps[0] if len(ps) == 1 else shapely.MultiPolygon(ps)
    return result, campus


# --------------------------------------------------------------------------
# facilities
# --------------------------------------------------------------------------

def facility_kind(tags):
    a = tags.get("amenity")
    hc = tags.get("healthcare")
    name = tags.get("name", "")
    if a == "community_centre":
        return "community_centre"
    if a in ("clinic", "doctors", "hospital") or hc in ("clinic", "doctor",
                                                        "hospital", "centre"):
        return "clinic"
    if a == "nursing_home" or tags.get("social_facility") == "nursing_home":
        return "elderly_care"
    if a == "social_facility":
        target = tags.get("social_facility:for", "")
        if target in ("senior", "elderly", "") or "养老" in name or "敬老" in name:
            return "elderly_care"
        return None
    if a == "kindergarten":
        return "kindergarten"
    if a == "school":
        # mapped as school, but named as a kindergarten (幼儿园)
        return "kindergarten" if "幼儿园" in name else "school"
    return None


DEFAULT_FLOOR = {"school": 2000, "kindergarten": 800, "clinic": 300,
                 "elderly_care": 500, "community_centre": 400}
# some sites are drawn as one big "building"; keep the estimates plausible
MAX_FLOOR = {"school": 40000, "kindergarten": 6000, "clinic": 30000,
             "elderly_care": 10000, "community_centre": 5000}


def floor_area(buildings):
    return sum(b["area"] * (b["levels"] or 3) for b in buildings)


def osm_facilities(osm, objs, hull, frame, blds):
    feats = []
    areas = []
    for oid, tags, poly in objs:
        kind = facility_kind(tags)
        if kind is None:
            continue
        c = poly.centroid
        pt = c if poly.contains(c) else poly.representative_point()
        if not hull.contains(pt):
            continue
        if "building" in tags:
            inside = [b for b in blds if b["id"] == oid]
        else:       # the site: its non-residential buildings
            inside = [b for b in blds if b["use"] != "residential"
                      and poly.contains(b["geom"].centroid)]
        fa = min(floor_area(inside) or DEFAULT_FLOOR[kind], MAX_FLOOR[kind])
        areas.append((kind, poly))
        feats.append(dict(id=oid, kind=kind, name=tags.get("name"),
                          pt=pt, fa=fa))
    for nid in sorted(osm.node_tags):
        tags = osm.node_tags[nid]
        kind = facility_kind(tags)
        if kind is None or nid not in osm.nodes:
            continue
        pt = Point(osm.nodes[nid])
        if not hull.contains(pt):
            continue
        if any(k == kind and p.contains(pt) for k, p in areas):
            continue            # the same place is mapped as an area
        host = [b for b in blds if b["geom"].contains(pt)]
        fa = min(floor_area(host[:1]) or DEFAULT_FLOOR[kind], MAX_FLOOR[kind])
        feats.append(dict(id="n%d" % nid, kind=kind, name=tags.get("name"),
                          pt=pt, fa=fa))
    return feats


def synthetic_facilities(communities, blds, frame):
    feats = []
    for com in COMMUNITIES:
        poly = communities[com["id"]]
        inside = [b for b in blds if poly.contains(b["geom"].centroid)]
        if not inside:
            continue
        poor = com["service"] == "poor"
        if poor:
            x0, y0, x1, y1 = poly.bounds
            target = {"sw": Point(x0, y0), "w": Point(x0, (y0 + y1) / 2)}[
                com["centre_corner"]]
        else:
            c = poly.centroid
            target = c if poly.contains(c) else poly.representative_point()
        hosts = [b for b in inside if b["use"] != "residential"
                 and b["area"] >= 150] or inside
        host = min(hosts, key=lambda b: (frame.dist(b["geom"].centroid,
                                                    target), b["id"]))
        centre = host["geom"].centroid
        feats.append(dict(id="syn-%s-cc" % com["id"], kind="community_centre",
                          name=com["name"] + "党群服务中心", pt=centre,
                          fa=320 if poor else 650, community=com["id"]))
        res = [b for b in inside if b["use"] == "residential"] or inside
        hh = sum(b["est_households"] for b in inside)
        if poor:
            n_off = 1
            chosen = [min((b for b in inside if b is not host), key=lambda b: (
                frame.dist(b["geom"].centroid, centre), b["id"]))]
        else:
            n_off = max(1, min(3, int(round(hh / 800.0))))
            chosen = []
            placed = [centre]
            for _ in range(n_off):
                best = max(res, key=lambda b: (
                    min(frame.dist(b["geom"].centroid, q) for q in placed),
                    b["id"]))
                chosen.append(best)
                placed.append(best["geom"].centroid)
        for i, b in enumerate(chosen):
            feats.append(dict(id="syn-%s-no%d" % (com["id"], i + 1),
                              kind="neighborhood_office",
                              name="%s第%d邻里服务站" % (com["name"], i + 1),
                              pt=b["geom"].centroid, fa=12 if poor else 40,
                              community=com["id"]))
    return feats


# --------------------------------------------------------------------------
# main
# --------------------------------------------------------------------------

def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("pbf")
    ap.add_argument("outdir")
    ap.add_argument("--bbox", help="extract area lon0,lat0,lon1,lat1 "
                    "(default: inferred from the export)")
    args = ap.parse_args()

    osm = Reader()
    osm.apply_file(args.pbf)
    if args.bbox:
        bb = tuple(float(v) for v in args.bbox.split(","))
    else:
        bb = infer_extract_box(osm)
    bb = tuple(rnd(v) for v in bb)
    hull = box(*bb)
    frame = Frame((bb[0] + bb[2]) / 2, (bb[1] + bb[3]) / 2)
    print("extract area: %.4f,%.4f,%.4f,%.4f (%.2f km2)"
          % (bb + (frame.area(hull) / 1e6,)))

    objs = area_objects(osm)
    os.makedirs(args.outdir, exist_ok=True)
    layers = {}

    layers["roads"] = line_features(osm, hull, "highway", skip=NOT_ROADS)

    water = line_features(osm, hull, "waterway",
                          skip={"riverbank", "dock", "dam", "weir"})
    water_polys = polygon_features(
        objs, hull, frame,
        lambda t: ("water" if t.get("natural") == "water"
                   or t.get("waterway") in ("riverbank", "dock")
                   or t.get("landuse") in ("reservoir", "basin") else None),
        min_m2=50.0)
    layers["water"] = sorted(water + water_polys,
                             key=lambda f: id_key(f["properties"]["id"]))

    layers["landmarks"] = polygon_features(objs, hull, frame, landmark_class,
                                           LANDMARK_MIN_M2)
    layers["compounds"] = polygon_features(
        objs, hull, frame,
        lambda t: True if t.get("landuse") == "residential" else None,
        min_m2=100.0)

    residential_areas = [p for _, t, p in objs
                         if t.get("landuse") == "residential"]
    blds = make_buildings(objs, hull, frame, residential_areas)
    layers["buildings"] = building_features(blds)

    communities, campus = make_communities(osm, hull, frame, blds)
    com_of = {}
    for b in blds:
        c = b["geom"].centroid
        com_of[b["id"]] = next((l for l in sorted(communities)
                                if communities[l].contains(c)), None)
    hh_of = defaultdict(int)
    nb_of = defaultdict(int)
    for b in blds:
        hh_of[com_of[b["id"]]] += b["est_households"]
        nb_of[com_of[b["id"]]] += 1

    cfeats = []
    for com in COMMUNITIES:
        hh = hh_of[com["id"]]
        nbh = max(1, math.ceil(hh / 300.0))
        if com["staffing"] == "short":
            workers = max(1, nbh // 4)
        else:
            workers = max(1, math.ceil(nbh / 2.5))
        com["households"], com["neighborhoods"], com["workers"] = hh, nbh, workers
        props = {"id": com["id"], "name": com["name"], "street": com["street"],
                 "kind": com["kind"], "social_workers": workers}
        cfeats.append({"properties": props, "geometry": communities[com["id"]]})
    layers["communities"] = cfeats

    fac = osm_facilities(osm, objs, hull, frame, blds)
    fac += synthetic_facilities(communities, blds, frame)
    ffeats = []
    for f in fac:
        props = {"id": f["id"], "kind": f["kind"]}
        if f["name"]:
            props["name"] = f["name"]
        props["floor_area_m2"] = int(round(f["fa"]))
        props["synthetic"] = f["id"].startswith("syn-")
        if "community" in f:
            props["community"] = f["community"]
        ffeats.append({"properties": props, "geometry": f["pt"]})
    ffeats.sort(key=lambda f: (f["properties"]["synthetic"],
                               id_key(f["properties"]["id"])))
    layers["facilities"] = ffeats

    for name, feats in layers.items():
        write_fc(os.path.join(args.outdir, name + ".geojson"), feats)
    with open(os.path.join(args.outdir, "scenario.toml"), "w",
              encoding="utf-8", newline="\n") as fh:
        fh.write("# Source: OpenStreetMap extract beijing-wudaokou.osm.pbf "
                 "(Data (c) OpenStreetMap contributors, ODbL 1.0); "
                 "communities, households, staff and synthetic facilities "
                 "are invented, see data/README.md. "
                 "Regenerate: python3 data/make_demo.py "
                 "/work/shared/osm/beijing-wudaokou.osm.pbf data/demo\n")
        fh.write('name = "Beijing Wudaokou demo"\n')

    problems = verify(args.outdir, frame, hull)
    summary(layers, blds, com_of, hh_of, nb_of, problems, communities,
            frame)
    return 1 if problems else 0


# --------------------------------------------------------------------------
# checks and summary (on the files as written)
# --------------------------------------------------------------------------

def ring_is_ccw(coords):
    return shapely.LinearRing(coords).is_ccw


def verify(outdir, frame, hull):
    problems = []
    geoms = {}
    for name in ("roads", "water", "landmarks", "compounds", "buildings",
                 "facilities", "communities"):
        with open(os.path.join(outdir, name + ".geojson"), encoding="utf-8") as fh:
            fc = json.load(fh)
        ids = set()
        for f in fc["features"]:
            g = f["geometry"]
            fid = f["properties"]["id"]
            if fid in ids:
                problems.append("%s: duplicate id %s" % (name, fid))
            ids.add(fid)
            polys = []
            if g["type"] == "Polygon":
                polys = [g["coordinates"]]
            elif g["type"] == "MultiPolygon":
                polys = g["coordinates"]
            for rings in polys:
                for k, r in enumerate(rings):
                    if r[0] != r[-1]:
                        problems.append("%s %s: ring not closed" % (name, fid))
                    if ring_is_ccw(r) != (k == 0):
                        problems.append("%s %s: ring orientation" % (name, fid))
            sg = shapely.geometry.shape(g)
            if not sg.is_valid:
                problems.append("%s %s: invalid (%s)"
                                % (name, fid, shapely.is_valid_reason(sg)))
            if name == "communities":
                geoms[fid] = sg
    keys = sorted(geoms)
    for i, a in enumerate(keys):
        for b in keys[i + 1:]:
            ov = frame.area(geoms[a].intersection(geoms[b]))
            if ov > 0.01:
                problems.append("communities %s/%s overlap %.3f m2" % (a, b, ov))
    union = shapely.union_all(list(geoms.values()))
    gap = frame.area(hull.difference(union))
    if gap > 1.0:
        problems.append("communities leave %.1f m2 of the extract uncovered"
                        % gap)
    if not shapely.coverage_is_valid(list(geoms.values())):
        problems.append("communities are not a valid coverage "
                        "(shared borders differ)")
    return problems


def summary(layers, blds, com_of, hh_of, nb_of, problems, communities,
            frame):
    print("layers:")
    for name, feats in layers.items():
        print("  %-12s %5d features" % (name, len(feats)))
    res = [b for b in blds if b["use"] == "residential"]
    uses = defaultdict(int)
    for b in blds:
        uses[b["use"]] += 1
    print("buildings by use: " + ", ".join(
        "%s %d" % (k, uses[k]) for k in sorted(uses)))
    print("residential: %d (%d with explicit households, %d levels only, "
          "%d inferred from landuse)" % (
              len(res), sum(b["explicit"] for b in res),
              sum(not b["explicit"] for b in res),
              sum(b["inferred"] for b in res)))
    print("households per community (estimate, area x levels / %d m2):"
          % UNIT_M2)
    total = 0
    for com in COMMUNITIES:
        l = com["id"]
        total += hh_of[l]
        print("  %s %s %-8s %-12s bldgs %4d  households %5d  "
              "neighborhoods ~%2d  social workers %d (%.1f nbh/worker)"
              % (l, com["name"], com["street"], com["kind"], nb_of[l],
                 hh_of[l], com["neighborhoods"], com["workers"],
                 com["neighborhoods"] / com["workers"]))
    print("  total households %d" % total)
    split = [b["id"] for b in blds
             if sum(1 for g in communities.values()
                    if frame.area(g.intersection(b["geom"])) > 1.0) > 1]
    print("buildings crossing a community border: %d %s"
          % (len(split), split[:10]))
    outside = [b["id"] for b in blds if com_of[b["id"]] is None]
    print("buildings outside every community: %d %s" % (len(outside),
                                                         outside[:10]))
    fk = defaultdict(int)
    for f in layers["facilities"]:
        fk[(f["properties"]["kind"], f["properties"]["synthetic"])] += 1
    print("facilities: " + ", ".join(
        "%s%s %d" % (k, " (synthetic)" if s else "", n)
        for (k, s), n in sorted(fk.items())))
    if problems:
        print("PROBLEMS:")
        for p in problems:
            print("  " + p)
    else:
        print("checks: all polygons valid, rings closed and oriented, "
              "communities tile the extract with identical shared borders")


if __name__ == "__main__":
    sys.exit(main())
