"""A cluster run: a generated district split into 8 parts, planned as
tasks on a 2-worker Dask LocalCluster and merged, equals its single
plan (neighborhoods and codes, every building's walking distances,
staffing, district totals)."""

import json
from pathlib import Path

import pytest

import linli
from linli import _native

distributed = pytest.importorskip("dask.distributed")


def _features(folder: Path, layer: str, key: str) -> dict:
    d = json.loads((folder / layer).read_text())
    return {f["properties"][key]: f for f in d["features"]}


@pytest.fixture(scope="module")
def district(tmp_path_factory):
    root = tmp_path_factory.mktemp("district")
    _native.synth(30_000, str(root / "scenario"), 3, 16, 4)
    _native.plan_folder(str(root / "scenario"), str(root / "single"), 1)
    return root


def test_eight_parts_on_two_workers_equal_the_single_plan(district):
    import linli.dask
    from shapely.geometry import shape

    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                       dashboard_address=None)
    with distributed.Client(cluster) as client:
        out = linli.dask.plan(district / "scenario", client=client, out=district / "merged",
                              by="community", parts=8)
    cluster.close()
    single, merged = district / "single", Path(out)
    parts = json.loads((district / "merged.work" / "parts" / "parts.json").read_text())
    assert len(parts) == 8
    a = _features(single, "neighborhoods.geojson", "code")
    b = _features(merged, "neighborhoods.geojson", "code")
    assert sorted(a) == sorted(b)
    for code, f in a.items():
        assert f["properties"] == b[code]["properties"], code
        ga, gb = shape(f["geometry"]), shape(b[code]["geometry"])
        assert ga.symmetric_difference(gb).area <= 1e-9 * ga.area, code
    assert _features(single, "coverage.geojson", "id") == _features(merged, "coverage.geojson", "id")
    assert (single / "staffing.csv").read_text() == (merged / "staffing.csv").read_text()
    sa = json.loads((single / "summary.json").read_text())
    sb = json.loads((merged / "summary.json").read_text())
    for k in ["count", "households", "median_households", "share_within_band"]:
        assert sa["partition"]["overall"][k] == sb["partition"]["overall"][k], k
    assert sa["staffing"]["district"] == sb["staffing"]["district"]


def test_a_failing_part_is_named(district, tmp_path):
    import linli.dask

    parts = _native.split(str(district / "scenario"), str(tmp_path / "parts"), "community", 2, None)
    (Path(parts[1]) / "buildings.geojson").write_text("{not json")
    with distributed.Client(distributed.LocalCluster(n_workers=1, threads_per_worker=1,
                                                     processes=False, dashboard_address=None)) as c:
        fut = c.submit(linli.dask.plan_part, parts[1], str(tmp_path / "plans"), retries=1)
        with pytest.raises(linli.dask.PartFailed, match="part-002"):
            fut.result()
