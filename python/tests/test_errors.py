"""Errors: linli's own messages, raised as linli's exception classes."""

import geopandas as gpd
import pandas as pd
import pyarrow as pa
import pytest
import shapely

import linli
from conftest import DEMO


def layers():
    return {p.stem: gpd.read_file(p) for p in sorted(DEMO.glob("*.geojson"))}


def test_bad_wkb_names_layer_row_and_id():
    ls = layers()
    b = ls["buildings"]
    wkb = list(shapely.to_wkb(b.geometry.values))
    wkb[3] = b"\x01\x03\x00\x00"  # a polygon cut short
    table = pa.Table.from_pandas(pd.DataFrame(b.drop(columns="geometry")), preserve_index=False)
    table = table.append_column("geometry", pa.array(wkb, pa.binary()))
    ls["buildings"] = table
    with pytest.raises(linli.InputError) as e:
        linli.plan(ls, progress=False)
    msg = str(e.value)
    assert "buildings.geojson: feature 3" in msg, msg
    assert repr(b["id"][3]) .strip("'") in msg, msg
    assert "WKB" in msg
    assert e.value.problems and e.value.details[0]["feature"] == 3


def test_null_geometry_names_the_feature():
    ls = layers()
    b = ls["buildings"].copy()
    b.loc[5, "geometry"] = None
    ls["buildings"] = b
    with pytest.raises(linli.InputError, match=r"buildings.geojson: feature 5 .*no geometry"):
        linli.plan(ls, progress=False)


def test_households_not_a_number():
    ls = layers()
    b = ls["buildings"].copy()
    b["households"] = b["households"].astype(object)
    b.loc[7, "households"] = "many"
    ls["buildings"] = b
    with pytest.raises(linli.InputError) as e:
        linli.plan(ls, progress=False)
    msg = str(e.value)
    assert "buildings.geojson: feature 7" in msg, msg
    assert "households" in msg, msg


def test_missing_folder_has_the_hint(tmp_path):
    with pytest.raises(linli.LinliError) as e:
        linli.plan(tmp_path / "nowhere", progress=False)
    assert isinstance(e.value, linli.InputError)
    assert "is not a folder" in str(e.value)
    assert "hint:" in str(e.value)


def test_missing_layer_is_linlis_problem():
    ls = layers()
    del ls["roads"]
    with pytest.raises(linli.InputError, match="roads"):
        linli.plan(ls, progress=False)


def test_bad_arguments():
    with pytest.raises(TypeError, match="'buildings'"):
        linli.plan({"buildings": [1, 2, 3]}, progress=False)
    with pytest.raises(ValueError, match="'parks' is no layer"):
        linli.plan({"parks": layers()["water"]}, progress=False)
    with pytest.raises(TypeError, match="scenario"):
        linli.plan(42, progress=False)
    no_geometry = pa.table({"id": ["a"], "households": [3]})
    with pytest.raises(ValueError, match="layer \"buildings\" has no WKB geometry column"):
        linli.plan({"buildings": no_geometry}, progress=False)


def test_unknown_setting_is_an_input_error():
    with pytest.raises(linli.InputError, match="no_such_setting"):
        linli.plan(DEMO, progress=False, no_such_setting=3)


def test_unknown_crs():
    with pytest.raises(linli.ProjectionError):
        linli.plan(DEMO, progress=False, crs="EPSG:999999")


def test_settings_merge_table_by_table():
    import tomllib

    from linli import _native

    old = 'name = "x"\n[targets]\nrural = 100\n[walking]\nspeed_kmh = 4.0\n'
    merged = tomllib.loads(_native.settings_toml('{"targets": {"urban": 200}, "name": "y"}', old))
    assert merged == {"name": "y", "targets": {"rural": 100, "urban": 200}, "walking": {"speed_kmh": 4.0}}
    with pytest.raises(ValueError, match="None"):
        linli.plan(DEMO, progress=False, targets={"urban": None})
