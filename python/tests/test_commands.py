"""audit, redraw, coverage and import_osm against the command line."""

import filecmp
import json

import geopandas as gpd
import pytest

import linli
from conftest import DEMO, OSM


def same_json(a, b):
    with open(a, encoding="utf-8") as f, open(b, encoding="utf-8") as g:
        return json.load(f) == json.load(g)


def test_audit(cli, tmp_path):
    a = linli.audit(DEMO, progress=False, out=tmp_path / "audit")
    theirs = cli("audit", str(DEMO))
    assert isinstance(a.audit, gpd.GeoDataFrame)
    assert len(a.audit) == len(gpd.read_file(theirs / "audit.geojson"))
    assert len(a.audit) == len(gpd.read_file(DEMO / "neighborhoods.geojson"))
    assert len(a.audit_gaps) == len(gpd.read_file(theirs / "audit_gaps.geojson"))
    assert a.summary["overall"]["neighborhoods"] == a.figures["neighborhoods"]
    assert a.coverage_summary
    for name in sorted(p.name for p in theirs.iterdir()):
        assert filecmp.cmp(tmp_path / "audit" / name, theirs / name, shallow=False), name


def test_redraw(cli):
    r = linli.redraw(DEMO, progress=False)
    theirs = cli("redraw", str(DEMO))
    written = gpd.read_file(theirs / "neighborhoods.geojson")
    assert len(r.neighborhoods) == len(written) == r.figures["neighborhoods_after"]
    assert list(r.neighborhoods["id"]) == list(written["id"])
    assert same_json(r.folder / "redraw_summary.json", theirs / "redraw_summary.json")


def test_coverage(cli):
    c = linli.coverage(DEMO, progress=False)
    theirs = cli("coverage", str(DEMO))
    assert len(c.coverage) == len(gpd.read_file(theirs / "coverage.geojson"))
    assert len(c.coverage) == len(gpd.read_file(DEMO / "buildings.geojson"))
    assert len(c.service_areas) == len(gpd.read_file(theirs / "service_areas.geojson"))
    assert same_json(c.folder / "coverage_summary.json", theirs / "coverage_summary.json")
    # Distances are numbers, covered flags booleans.
    assert c.coverage["circle_15"].dtype == bool
    assert c.coverage["snap_m"].dtype == "float64"


def test_coverage_new_sites(cli):
    c = linli.coverage(DEMO, progress=False, add=2, kind="clinic", neighborhoods=False)
    assert "sites" in c.layers or c.summary.get("sites") is not None


def test_import_osm(cli, tmp_path):
    pbf = OSM / "beijing-wudaokou.osm.pbf"
    s = linli.import_osm(pbf, progress=False, out=tmp_path / "scenario")
    theirs = cli("import-osm", str(pbf))
    names = sorted(p.name for p in theirs.iterdir())
    assert s.files == names
    for name in names:
        assert filecmp.cmp(s.folder / name, theirs / name, shallow=False), name
    assert len(s.buildings) == s.summary["counts"]["buildings"]
    assert len(s.roads) == s.summary["counts"]["roads"]
    # The imported scenario plans, from its folder and from its GeoDataFrames.
    from_folder = linli.plan(s, progress=False)
    from_frames = linli.plan(s.as_dict(), progress=False, **s.settings)
    assert list(from_folder.neighborhoods["households"]) == list(
        from_frames.neighborhoods["households"]
    )
