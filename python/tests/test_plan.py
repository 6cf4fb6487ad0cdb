"""linli.plan: from a folder and from GeoDataFrames, against `linli plan`."""

import filecmp
import json
import threading
import time
try:
    import tomllib
except ImportError:  # Python < 3.11
    import tomli as tomllib

import geopandas as gpd
import pandas as pd
import pytest
import shapely

import linli
from conftest import DEMO


def demo_layers() -> dict:
    """Every layer of the demo folder, read with GeoPandas."""
    return {
        p.stem: gpd.read_file(p)
        for p in sorted(DEMO.glob("*.geojson"))
    }


def demo_settings() -> dict:
    with open(DEMO / "scenario.toml", "rb") as f:
        return tomllib.load(f)


def test_plan_from_folder(demo_plan, cli):
    assert demo_plan.summary["neighborhoods"], "summary.json lists neighborhoods"
    nb = demo_plan.neighborhoods
    assert isinstance(nb, gpd.GeoDataFrame)
    assert nb.crs == "EPSG:4326"
    assert nb.geometry.is_valid.all()
    assert not nb.geometry.is_empty.any()
    written = gpd.read_file(cli("plan", str(DEMO)) / "neighborhoods.geojson")
    assert len(nb) == len(written) == demo_plan.figures["neighborhoods"]
    assert list(nb["id"]) == list(written["id"])
    assert nb["households"].dtype == "int64"
    assert list(nb["households"]) == list(written["households"])
    assert nb.geometry.geom_equals_exact(written.geometry, tolerance=0).all()


def test_plan_layers_and_tables(demo_plan):
    for name in ["blocks", "coverage", "service_areas", "gaps", "worker_patches"]:
        layer = getattr(demo_plan, name)
        assert isinstance(layer, gpd.GeoDataFrame), name
        assert len(layer) > 0, name
        assert layer.crs == "EPSG:4326", name
    assert "audit" in demo_plan.layers  # the demo's existing grid is audited
    assert len(demo_plan["audit"]) > 0
    staffing = demo_plan.staffing
    assert isinstance(staffing, pd.DataFrame)
    assert set(staffing["level"]) == {"community"}
    assert len(staffing) == len(gpd.read_file(DEMO / "communities.geojson"))
    assert staffing["households"].sum() == demo_plan.neighborhoods["households"].sum()
    assert "neighborhoods" in repr(demo_plan)


def test_plan_from_geodataframes_equals_cli(cli, tmp_path):
    plan = linli.plan(demo_layers(), progress=False, out=tmp_path / "py", **demo_settings())
    cli_out = cli("plan", str(DEMO))
    ours = plan.neighborhoods
    theirs = gpd.read_file(cli_out / "neighborhoods.geojson")
    assert list(ours["id"]) == list(theirs["id"])
    assert list(ours["code"]) == list(theirs["code"])
    assert list(ours["households"]) == list(theirs["households"])
    assert ours.geometry.geom_equals(theirs.geometry).all()
    sym = shapely.area(shapely.symmetric_difference(ours.geometry.values, theirs.geometry.values))
    assert sym.max() < 1e-12
    # The layers are the same bytes: the same plan, written the same way.
    for name in ["neighborhoods.geojson", "blocks.geojson", "worker_patches.geojson",
                 "staffing.csv", "service_areas.geojson", "coverage.geojson",
                 "audit.geojson", "roster.csv"]:
        assert filecmp.cmp(tmp_path / "py" / name, cli_out / name, shallow=False), name


def test_tables_as_dataframes(tmp_path):
    """staff and overrides given as DataFrames become staff.csv / overrides.csv."""
    layers = demo_layers()
    communities = layers["communities"]
    staff = pd.DataFrame({
        "community": communities["id"],
        "workers": [3] * len(communities),
    })
    plan = linli.plan({**layers, "staff": staff}, progress=False, **demo_settings())
    workers = dict(zip(plan.staffing["id"], plan.staffing["workers"]))
    assert workers == {c: 3 for c in communities["id"]}


def test_pyarrow_table_layer(cli):
    """A pyarrow Table with a WKB column (no GeoPandas) is a layer."""
    import pyarrow as pa

    layers = demo_layers()
    gdf = layers["buildings"]
    table = pa.Table.from_pandas(pd.DataFrame(gdf.drop(columns="geometry")), preserve_index=False)
    table = table.append_column("geometry", pa.array(shapely.to_wkb(gdf.geometry.values), pa.binary()))
    layers["buildings"] = table
    plan = linli.plan(layers, progress=False, **demo_settings())
    theirs = gpd.read_file(cli("plan", str(DEMO)) / "neighborhoods.geojson")
    assert list(plan.neighborhoods["households"]) == list(theirs["households"])


def test_settings_change_the_plan(demo_plan):
    smaller = linli.plan(DEMO, progress=False, targets={"urban": 150})
    assert len(smaller.neighborhoods) > len(demo_plan.neighborhoods)


def test_write_equals_cli(cli, tmp_path):
    plan = linli.plan(DEMO, progress=False)
    dest = plan.write(tmp_path / "copy")
    cli_out = cli("plan", str(DEMO))
    names = sorted(p.name for p in cli_out.iterdir())
    assert sorted(p.name for p in dest.iterdir()) == names
    for name in names:
        assert filecmp.cmp(dest / name, cli_out / name, shallow=False), name
    # A second write replaces the plan; a folder of other files is refused.
    plan.write(tmp_path / "copy")
    other = tmp_path / "other"
    other.mkdir()
    (other / "notes.txt").write_text("mine")
    with pytest.raises(linli.InputError, match="notes.txt"):
        plan.write(other)
    assert (other / "notes.txt").read_text() == "mine"


def test_out_folder_and_temporary_folder(tmp_path):
    out = tmp_path / "plan"
    plan = linli.plan(DEMO, progress=False, out=out)
    assert plan.folder == out and (out / "manifest.json").is_file()
    temp = linli.plan(DEMO, progress=False)
    folder = temp.folder
    assert folder.is_dir()
    del temp
    import gc

    gc.collect()
    assert not folder.parent.exists(), "the temporary folder goes with the plan"


def test_progress_lines(capfd):
    linli.plan(DEMO, progress=True)
    err = capfd.readouterr().err
    assert "linli: reading the scenario" in err
    assert "linli: polygonizing blocks" in err


def test_gil_released_while_planning():
    """The main thread keeps running Python while a plan computes."""
    done = threading.Event()
    box = {}

    def work():
        box["plan"] = linli.plan(DEMO, progress=False, seed=2)
        done.set()

    t = threading.Thread(target=work)
    count = 0
    t.start()
    start = time.perf_counter()
    while not done.is_set():
        count += 1
    elapsed = time.perf_counter() - start
    t.join()
    assert box["plan"].figures["neighborhoods"] > 0
    # Holding the GIL, the loop would only run in the interpreter's switch
    # intervals (5 ms each); released, it runs millions of times a second.
    assert elapsed > 0.05
    assert count / elapsed > 100_000, (count, elapsed)


def test_arrow_tables_in_a_projected_crs(cli):
    """Raw Arrow tables carry their CRS in the GeoArrow metadata (here
    PROJJSON for CGCS2000 / 3-degree Gauss-Kruger CM 117E, EPSG:4548)."""
    tables = {
        name: gdf.to_crs(4548).to_arrow(geometry_encoding="WKB", index=False)
        for name, gdf in demo_layers().items()
    }
    plan = linli.plan(tables, progress=False, **demo_settings())
    theirs = gpd.read_file(cli("plan", str(DEMO)) / "neighborhoods.geojson")
    ours = plan.neighborhoods
    assert ours.crs == "EPSG:4326"
    assert ours["households"].sum() == theirs["households"].sum()
    lon, lat = ours.geometry.union_all().centroid.coords[0]
    assert abs(lon - 116.32) < 0.05 and abs(lat - 40.0) < 0.05
