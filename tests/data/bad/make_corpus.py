#!/usr/bin/env python3
"""Write the bad-input corpus used by tests/bad_input.rs.

    python3 tests/data/bad/make_corpus.py

Every folder next to this script is a small scenario near Wudaokou, Beijing
(116.33E 39.99N): one 200 m square community "C1" cut into four quarters by
two roads, six buildings, a facility, staff.csv and scenario.toml.
`valid_baseline/` is that scenario as it should be; every other folder is the
baseline with exactly one defect (see README.md), except `building_outside/`,
which is valid but has a building in no community.

The output is deterministic; only the standard library is needed.
"""

import copy
import json
import math
import os
import shutil

HERE = os.path.dirname(os.path.abspath(__file__))

# --------------------------------------------------------------------------
# The baseline scenario (lon/lat, WGS84/CGCS2000).

W, E = 116.3300, 116.3323  # community west/east (~196 m)
S, N = 39.9900, 39.9918  # community south/north (~200 m)
MID_LON = 116.33115  # road r1 (north-south)
MID_LAT = 39.9909  # road r2 (east-west)


def rect(x0, y0, x1, y1):
    """A closed counter-clockwise ring."""
    return [[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]


def feature(fid, props, geometry):
    return {
        "type": "Feature",
        "properties": dict({"id": fid}, **props),
        "geometry": geometry,
    }


def polygon(*rings):
    return {"type": "Polygon", "coordinates": list(rings)}


def fc(features):
    return {"type": "FeatureCollection", "features": features}


def baseline():
    communities = fc(
        [
            feature(
                "C1",
                {"name": "测试社区", "street": "测试街道", "kind": "urban", "social_workers": 1},
                polygon(rect(W, S, E, N)),
            )
        ]
    )
    buildings = fc(
        [
            feature("b1", {"households": 40, "levels": 6}, polygon(rect(116.3303, 39.9912, 116.3306, 39.99138))),
            feature("b2", {"households": 60, "levels": 6}, polygon(rect(116.3316, 39.9912, 116.3319, 39.99138))),
            feature("b3", {"households": 80, "levels": 6}, polygon(rect(116.3303, 39.9902, 116.3306, 39.99038))),
            feature("b4", {"households": 100, "levels": 6}, polygon(rect(116.3316, 39.9902, 116.3319, 39.99038))),
            feature("b5", {"households": 30}, {"type": "Point", "coordinates": [116.3320, 39.9915]}),
            # No households: estimated from footprint x levels.
            feature("b6", {"levels": 6}, polygon(rect(116.3312, 39.9905, 116.3314, 39.99065))),
        ]
    )
    roads = fc(
        [
            feature("r1", {"class": "residential", "name": "南北路"},
                    {"type": "LineString", "coordinates": [[MID_LON, 39.9895], [MID_LON, 39.9923]]}),
            feature("r2", {"class": "tertiary", "name": "东西路"},
                    {"type": "LineString", "coordinates": [[116.3295, MID_LAT], [116.3328, MID_LAT]]}),
        ]
    )
    facilities = fc(
        [
            feature("fac1", {"kind": "community_centre", "name": "社区服务站"},
                    {"type": "Point", "coordinates": [116.3310, 39.9911]}),
        ]
    )
    return {
        "communities.geojson": communities,
        "buildings.geojson": buildings,
        "roads.geojson": roads,
        "facilities.geojson": facilities,
        "staff.csv": "community,workers\nC1,2\n",
        "scenario.toml": 'name = "bad-input baseline"\n',
    }


# --------------------------------------------------------------------------
# CGCS2000 3-degree Gauss-Krueger zone 39 (CM 117E) with the zone prefix,
# EPSG:4527, for the projected-coordinates case (Krueger series, n^3).

A_AXIS = 6378137.0
FLAT = 1 / 298.257222101


def gk_zone39(lon, lat):
    n = FLAT / (2 - FLAT)
    a_hat = A_AXIS / (1 + n) * (1 + n * n / 4 + n**4 / 64)
    alpha = [n / 2 - 2 * n * n / 3 + 5 * n**3 / 16, 13 * n * n / 48 - 3 * n**3 / 5, 61 * n**3 / 240]
    e = math.sqrt(FLAT * (2 - FLAT))
    phi = math.radians(lat)
    dlam = math.radians(lon - 117.0)
    t = math.sinh(math.atanh(math.sin(phi)) - e * math.atanh(e * math.sin(phi)))
    xi = math.atan2(t, math.cos(dlam))
    eta = math.atanh(math.sin(dlam) / math.sqrt(1 + t * t))
    x = eta + sum(a * math.cos(2 * j * xi) * math.sinh(2 * j * eta) for j, a in enumerate(alpha, 1))
    y = xi + sum(a * math.sin(2 * j * xi) * math.cosh(2 * j * eta) for j, a in enumerate(alpha, 1))
    return [round(39_500_000.0 + a_hat * x, 3), round(a_hat * y, 3)]


def map_positions(value, f):
    """Applies f to every [x, y] position in a geometry's coordinates."""
    if isinstance(value, list) and value and isinstance(value[0], (int, float)):
        return f(*value)
    return [map_positions(v, f) for v in value]


# --------------------------------------------------------------------------
# Writing.


def dump_layer(obj):
    """One feature per line, like data/demo."""
    if isinstance(obj, dict) and obj.get("type") == "FeatureCollection" and obj["features"]:
        lines = [json.dumps(f, ensure_ascii=False, separators=(",", ":")) for f in obj["features"]]
        return '{"type":"FeatureCollection","features":[\n' + ",\n".join(lines) + "\n]}\n"
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":")) + "\n"


def write_case(name, files):
    d = os.path.join(HERE, name)
    if os.path.isdir(d):
        shutil.rmtree(d)
    os.makedirs(d)
    for fname, content in sorted(files.items()):
        if content is None:
            continue
        text = content if isinstance(content, str) else dump_layer(content)
        with open(os.path.join(d, fname), "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)


def case(mutate):
    files = copy.deepcopy(baseline())
    mutate(files)
    return files


def feat(files, layer, i):
    return files[layer]["features"][i]


def main():
    cases = {}

    cases["valid_baseline"] = baseline()

    def bare_geometry(f):
        f["roads.geojson"] = feat(f, "roads.geojson", 0)["geometry"]

    cases["not_feature_collection"] = case(bare_geometry)

    def single_feature(f):
        f["roads.geojson"] = feat(f, "roads.geojson", 0)

    cases["single_feature"] = case(single_feature)

    def truncated(f):
        text = dump_layer(f["buildings.geojson"])
        f["buildings.geojson"] = text[: len(text) // 2]

    cases["invalid_json"] = case(truncated)

    def point_road(f):
        feat(f, "roads.geojson", 1)["geometry"] = {"type": "Point", "coordinates": [116.3310, MID_LAT]}

    cases["wrong_geometry_type_roads"] = case(point_road)

    def line_building(f):
        feat(f, "buildings.geojson", 2)["geometry"] = {
            "type": "LineString",
            "coordinates": [[116.3303, 39.9902], [116.3306, 39.99038]],
        }

    cases["wrong_geometry_type_buildings"] = case(line_building)

    def unclosed(f):
        ring = feat(f, "buildings.geojson", 1)["geometry"]["coordinates"][0]
        ring.pop()  # four distinct corners, not closed

    cases["unclosed_ring"] = case(unclosed)

    def bow_tie_building(f):
        x0, y0, x1, y1 = 116.3303, 39.9902, 116.3306, 39.99038
        feat(f, "buildings.geojson", 2)["geometry"] = polygon([[x0, y0], [x1, y1], [x1, y0], [x0, y1], [x0, y0]])

    cases["self_intersecting_building"] = case(bow_tie_building)

    def bow_tie_community(f):
        feat(f, "communities.geojson", 0)["geometry"] = polygon([[W, S], [E, N], [E, S], [W, N], [W, S]])

    cases["self_intersecting_community"] = case(bow_tie_community)

    def empty_buildings(f):
        f["buildings.geojson"]["features"] = []

    cases["empty_buildings"] = case(empty_buildings)

    def households(value):
        def m(f):
            feat(f, "buildings.geojson", 1)["properties"]["households"] = value

        return m

    cases["negative_households"] = case(households(-5))
    # JSON has no NaN literal: spreadsheets export it as a string.
    cases["nan_households"] = case(households("NaN"))
    cases["non_numeric_households"] = case(households("abc"))

    def projected(f):
        for name, layer in f.items():
            if name.endswith(".geojson"):
                for ft in layer["features"]:
                    g = ft["geometry"]
                    g["coordinates"] = map_positions(g["coordinates"], gk_zone39)

    cases["projected_coordinates"] = case(projected)

    def duplicate_id(f):
        feat(f, "buildings.geojson", 1)["properties"]["id"] = "b1"

    cases["duplicate_ids"] = case(duplicate_id)

    def no_roads(f):
        f["roads.geojson"] = None

    cases["missing_roads"] = case(no_roads)

    def toml(text):
        def m(f):
            f["scenario.toml"] = 'name = "bad-input baseline"\n' + text

        return m

    cases["bad_toml_unknown_key"] = case(toml("\n[targets]\nurbn = 300\n"))
    cases["bad_toml_bad_value"] = case(toml("\n[targets]\ntolerance = 1.5\n"))
    cases["bad_toml_wrong_type"] = case(toml('\n[targets]\nurban = "three hundred"\n'))

    def suburb(f):
        feat(f, "communities.geojson", 0)["properties"]["kind"] = "suburb"

    cases["unknown_community_kind"] = case(suburb)

    def staff_unknown(f):
        f["staff.csv"] = "community,workers\nC9,2\n"

    cases["staff_csv_unknown_community"] = case(staff_unknown)

    def no_kind(f):
        del feat(f, "facilities.geojson", 0)["properties"]["kind"]

    cases["facility_without_kind"] = case(no_kind)

    def one_position_line(f):
        feat(f, "roads.geojson", 0)["geometry"]["coordinates"] = [[MID_LON, 39.9895]]

    cases["too_few_positions_line"] = case(one_position_line)

    def three_position_ring(f):
        feat(f, "buildings.geojson", 1)["geometry"]["coordinates"] = [
            [[116.3316, 39.9912], [116.3319, 39.9912], [116.3316, 39.9912]]
        ]

    cases["too_few_positions_ring"] = case(three_position_ring)

    def one_number_in_line(f):
        feat(f, "roads.geojson", 1)["geometry"]["coordinates"][1] = [116.3328]

    cases["position_with_one_number"] = case(one_number_in_line)

    def one_number_point(f):
        feat(f, "facilities.geojson", 0)["geometry"]["coordinates"] = [116.3310]

    cases["point_with_one_number"] = case(one_number_point)

    def null_geometry(f):
        feat(f, "buildings.geojson", 3)["geometry"] = None

    cases["null_geometry"] = case(null_geometry)

    def overlapping(f):
        dx = (E - W) / 2
        f["communities.geojson"]["features"].append(
            feature("C2", {"name": "重叠社区", "street": "测试街道", "kind": "urban"},
                    polygon(rect(W + dx, S, E + dx, N)))
        )

    cases["overlapping_communities"] = case(overlapping)

    def outside(f):
        f["buildings.geojson"]["features"].append(
            feature("b7", {"households": 25}, polygon(rect(116.3330, 39.9905, 116.3333, 39.99068)))
        )

    cases["building_outside"] = case(outside)

    for name, files in cases.items():
        write_case(name, files)


if __name__ == "__main__":
    main()
