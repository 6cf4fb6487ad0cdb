"""linli (邻里): neighborhood planning for China's community governance.

Python bindings of the linli Rust library: the same functions the ``linli``
command line calls, with layers given as GeoDataFrames (or any Arrow table
with a WKB geometry column) and results returned as GeoDataFrames.

>>> import linli
>>> plan = linli.plan("data/demo")                       # a scenario folder
>>> plan.neighborhoods.plot(column="households")         # a GeoDataFrame
>>> plan = linli.plan({"communities": c, "buildings": b, "roads": r},
...                   targets={"urban": 250})             # GeoDataFrames
>>> plan.write("out")                                    # as `linli plan --out out`

Every computation runs in Rust on a thread of its own: the GIL is released
while it runs, and Ctrl-C stops it.
"""

from __future__ import annotations

import functools
import json
import os
import shutil
import tempfile
import weakref
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Optional, Union

from . import _native
from ._native import InputError, LinliError, LinliIOError, ProjectionError

__all__ = [
    "plan",
    "audit",
    "redraw",
    "coverage",
    "import_osm",
    "Plan",
    "Audit",
    "Redraw",
    "Coverage",
    "Scenario",
    "Result",
    "LinliError",
    "InputError",
    "LinliIOError",
    "ProjectionError",
    "LAYERS",
    "TABLES",
]

__version__: str = _native.__version__

#: The layers a scenario may hold (the GeoJSON files of a scenario folder,
#: without ``.geojson``); ``neighborhoods`` is an existing grid.
LAYERS = (
    "communities",
    "buildings",
    "roads",
    "water",
    "rail",
    "landmarks",
    "compounds",
    "facilities",
    "blocks",
    "neighborhoods",
)

#: The tables a scenario may hold besides its layers, by the key a dict
#: scenario gives them under, and the file they stand for.
TABLES = {
    "staff": "staff.csv",
    "overrides": "overrides.csv",
    "standards": "standards.toml",
}

PathLike = Union[str, "os.PathLike[str]"]


# --------------------------------------------------------------------------
# Inputs


def _crs_text(crs: Any, layer: str) -> Optional[str]:
    """A GeoDataFrame's CRS as linli reads it: ``EPSG:n``, ``OGC:CRS84``."""
    if crs is None:
        return None
    epsg = crs.to_epsg()
    if epsg:
        return f"EPSG:{epsg}"
    auth = crs.to_authority()
    if auth:
        return f"{auth[0]}:{auth[1]}"
    raise ValueError(
        f"layer {layer!r}: its CRS has no EPSG code linli could use "
        f"({crs.name}); reproject it first, e.g. gdf.to_crs(4326)"
    )


def _layer_arg(name: str, value: Any) -> tuple:
    """(GeoJSON name, Arrow stream object, CRS, CRS from the metadata?,
    columns of JSON text)."""
    file = f"{name}.geojson"
    to_arrow = getattr(value, "to_arrow", None)
    if to_arrow is not None and hasattr(value, "geometry") and hasattr(value, "crs"):
        # A GeoDataFrame (geopandas >= 1.0): WKB over Arrow, its CRS apart.
        value, as_json = _mixed_as_json(value)
        try:
            table = value.to_arrow(geometry_encoding="WKB", index=False)
        except Exception as e:  # noqa: BLE001 - say which layer
            raise TypeError(f"layer {name!r}: cannot be converted to Arrow: {e}") from e
        return (file, table, _crs_text(value.crs, name), False, as_json)
    if hasattr(value, "__arrow_c_stream__"):
        return (file, value, None, True, [])
    raise TypeError(
        f"layer {name!r}: a {type(value).__name__} is neither a GeoDataFrame nor an "
        "Arrow table with a WKB geometry column (__arrow_c_stream__)"
    )


#: What pandas infers for an object column that Arrow takes as it is.
_ARROW_KINDS = {"string", "boolean", "integer", "floating", "mixed-integer-float",
                "decimal", "empty"}


def _mixed_as_json(gdf: Any) -> tuple:
    """A GeoDataFrame whose object columns of mixed values (``3`` and
    ``"many"``, lists, dicts) are JSON text, which linli reads back value by
    value (as it would read them in a GeoJSON file), and those columns."""
    import pandas as pd

    geometry = gdf.geometry.name
    mixed = [
        c for c in gdf.columns
        if c != geometry and gdf[c].dtype == object
        and pd.api.types.infer_dtype(gdf[c], skipna=True) not in _ARROW_KINDS
    ]
    if not mixed:
        return gdf, []
    gdf = gdf.copy()
    for c in mixed:
        gdf[c] = gdf[c].map(_json_text).astype(object)
    return gdf, [str(c) for c in mixed]


def _json_text(v: Any) -> Optional[str]:
    if v is None or (isinstance(v, float) and v != v):
        return None
    return json.dumps(v, default=_json_default, ensure_ascii=False)


def _text_arg(key: str, value: Any) -> tuple:
    """(file name, text) of a table: a DataFrame, a dict (standards) or a file."""
    file = TABLES[key]
    if hasattr(value, "to_csv") and file.endswith(".csv"):
        return (file, value.to_csv(index=False))
    if isinstance(value, Mapping) and file.endswith(".toml"):
        return (file, _native.settings_toml(json.dumps(dict(value), default=_json_default)))
    if isinstance(value, (str, os.PathLike)):
        return (file, Path(value).read_text(encoding="utf-8"))
    raise TypeError(
        f"{key!r}: give a {'pandas DataFrame' if file.endswith('.csv') else 'dict'} "
        f"or the path of a {file}, not a {type(value).__name__}"
    )


def _json_default(x: Any) -> Any:
    if isinstance(x, os.PathLike):
        return os.fspath(x)
    if hasattr(x, "item"):  # numpy scalars
        return x.item()
    raise TypeError(f"setting value {x!r} ({type(x).__name__}) is not a TOML value")


def _settings_json(settings: Mapping[str, Any]) -> Optional[str]:
    """``**settings`` as JSON (Rust turns it into scenario.toml's TOML)."""
    if not settings:
        return None

    def check(d: Mapping[str, Any], where: str) -> None:
        for k, v in d.items():
            if v is None:
                raise ValueError(f"setting {where}{k} is None: TOML has no null; leave it out")
            if isinstance(v, Mapping):
                check(v, f"{where}{k}.")

    check(settings, "")
    return json.dumps(dict(settings), default=_json_default)


def _request(scenario: Any, crs: Optional[str], out: Path, progress: bool,
             settings: Mapping[str, Any]) -> dict:
    """What the Rust side takes: the folder, layers, tables and settings."""
    folder = None
    layers: list = []
    texts: list = []
    if isinstance(scenario, (str, os.PathLike)):
        folder = os.fspath(scenario)
    elif isinstance(scenario, Mapping):
        for key, value in scenario.items():
            if value is None:
                continue
            key = str(key)
            stem = key[:-len(".geojson")] if key.endswith(".geojson") else key
            if stem in LAYERS:
                layers.append(_layer_arg(stem, value))
            elif key in TABLES:
                texts.append(_text_arg(key, value))
            else:
                raise ValueError(
                    f"{key!r} is no layer or table linli reads; layers: "
                    f"{', '.join(LAYERS)}; tables: {', '.join(TABLES)}"
                )
    else:
        raise TypeError(
            "scenario: give a folder (str or Path) or a dict of layers "
            f"({', '.join(LAYERS)}), not a {type(scenario).__name__}"
        )
    return {
        "folder": folder,
        "layers": layers,
        "texts": texts,
        "settings": _settings_json(settings),
        "crs": crs,
        "out": os.fspath(out),
        "progress": bool(progress),
    }


class _Folder:
    """An output folder: the one asked for, or a temporary one removed with
    the result that owns it (at garbage collection, or at exit)."""

    def __init__(self, out: Optional[PathLike], name: str):
        if out is not None:
            self.path = Path(out)
            self.temporary = None
        else:
            self.temporary = tempfile.mkdtemp(prefix="linli-")
            self.path = Path(self.temporary) / name
            self._cleanup = weakref.finalize(
                self, shutil.rmtree, self.temporary, ignore_errors=True
            )

    def discard(self) -> None:
        """Removes a temporary folder now (the run failed)."""
        if self.temporary is not None:
            self._cleanup()


def _run(call, folder: _Folder, *args: Any) -> dict:
    try:
        return json.loads(call(*args))
    except BaseException:
        folder.discard()
        raise


# --------------------------------------------------------------------------
# Results


def _geodataframe(path: Path):
    """The GeoJSON layer linli wrote at ``path``, as a GeoDataFrame: read
    by linli's reader into Arrow (WKB geometries), then handed to GeoPandas."""
    import geopandas as gpd

    table = _native.read_layer(os.fspath(path))
    return gpd.GeoDataFrame.from_arrow(table)


class Result:
    """What a linli command wrote: its folder, its layers as GeoDataFrames
    (read on first access), its summary and warnings.

    Any layer of the folder is an attribute (``result.neighborhoods``) and
    ``result["neighborhoods"]``; ``result.layers`` lists them.
    """

    #: The summary file of the command.
    _summary_file = "summary.json"

    def __init__(self, folder: _Folder, answer: Mapping[str, Any]):
        self._folder = folder
        self._layers: dict = {}
        self.warnings: list = list(answer.get("warnings", []))
        """Non-fatal findings, as the command line prints them."""
        self.figures: dict = dict(answer.get("figures", {}))
        """Headline figures (what the command line prints)."""

    @property
    def folder(self) -> Path:
        """The folder the files are in (temporary unless ``out`` was given)."""
        return self._folder.path

    @property
    def layers(self) -> list:
        """The GeoJSON layers of the folder, by name (without ``.geojson``)."""
        return sorted(p.stem for p in self.folder.glob("*.geojson"))

    @property
    def files(self) -> list:
        """Every file of the folder, by name."""
        return sorted(p.name for p in self.folder.iterdir() if p.is_file())

    def layer(self, name: str):
        """Layer ``name`` as a GeoDataFrame (EPSG:4326), read once."""
        if name not in self._layers:
            path = self.folder / f"{name}.geojson"
            if not path.is_file():
                raise KeyError(
                    f"{name!r} is not among the layers written: {', '.join(self.layers)}"
                )
            self._layers[name] = _geodataframe(path)
        return self._layers[name]

    def __getitem__(self, name: str):
        return self.layer(name)

    def __getattr__(self, name: str):
        if name.startswith("_"):
            raise AttributeError(name)
        if (self.__dict__.get("_folder") is not None
                and (self.folder / f"{name}.geojson").is_file()):
            return self.layer(name)
        raise AttributeError(f"{type(self).__name__} has no attribute or layer {name!r}")

    def json(self, name: str) -> Any:
        """A JSON file of the folder (``"summary.json"``), parsed."""
        with open(self.folder / name, encoding="utf-8") as f:
            return json.load(f)

    @functools.cached_property
    def summary(self) -> dict:
        """The command's summary JSON, as a dict."""
        return self.json(self._summary_file)

    def write(self, folder: PathLike) -> Path:
        """Writes the same files into ``folder`` (manifest.json included), as
        the command line would: staged beside it and put in place whole. A
        folder holding files that are not linli's is refused."""
        _native.copy_folder(os.fspath(self.folder), os.fspath(folder))
        return Path(folder)

    def __dir__(self):
        return sorted(set(super().__dir__()) | set(self.layers))

    def __fspath__(self) -> str:
        return os.fspath(self.folder)

    def __repr__(self) -> str:
        figures = ", ".join(f"{k} {v}" for k, v in self.figures.items()
                            if isinstance(v, (int, float)))
        return f"<linli.{type(self).__name__} {self.folder}{': ' if figures else ''}{figures}>"


class Plan(Result):
    """A plan, as ``linli plan`` writes it: blocks, neighborhoods, staffing,
    coverage, worker patches, the audit of an existing grid, summary.json
    and report.html.

    Layers (GeoDataFrames, read on first access): ``neighborhoods``,
    ``blocks``, ``coverage``, ``service_areas``, ``gaps``,
    ``worker_patches`` and every other layer in ``layers``.
    """

    @property
    def neighborhoods(self):
        """The neighborhoods (邻里): one row each, with households, code, flags."""
        return self.layer("neighborhoods")

    @property
    def blocks(self):
        """The blocks the barriers cut the communities into."""
        return self.layer("blocks")

    @property
    def coverage(self):
        """The buildings with their walking distances to each facility kind."""
        return self.layer("coverage")

    @property
    def service_areas(self):
        """Each facility's walking service area."""
        return self.layer("service_areas")

    @property
    def gaps(self):
        """Where households are beyond walking reach of a facility kind."""
        return self.layer("gaps")

    @property
    def worker_patches(self):
        """Each social worker's patch of neighborhoods."""
        return self.layer("worker_patches")

    @functools.cached_property
    def staffing_table(self):
        """staffing.csv whole: one row per community, street and the district."""
        import pandas as pd

        return pd.read_csv(self.folder / "staffing.csv", encoding="utf-8-sig",
                           dtype={"id": str, "street": str, "level": str})

    @functools.cached_property
    def staffing(self):
        """Staffing per community (the ``community`` rows of staffing.csv):
        neighborhoods, households, workers, status."""
        t = self.staffing_table
        return t[t["level"] == "community"].reset_index(drop=True)

    def __repr__(self) -> str:
        f = self.figures
        return (
            f"<linli.Plan {self.folder}: {f.get('communities')} communities, "
            f"{f.get('buildings')} buildings → {f.get('blocks')} blocks → "
            f"{f.get('neighborhoods')} neighborhoods ({f.get('flagged')} flagged), "
            f"{f.get('worker_patches')} worker patches>"
        )


class Audit(Result):
    """The audit of an existing grid (``linli audit``): ``audit`` (each grid
    polygon and what is wrong with it), ``audit_gaps``, ``audit_overlaps``;
    ``summary`` is audit_summary.json, ``coverage_summary`` the grid's
    coverage."""

    _summary_file = "audit_summary.json"

    @functools.cached_property
    def coverage_summary(self) -> dict:
        """audit_coverage_summary.json: the grid's walking coverage."""
        return self.json("audit_coverage_summary.json")


class Redraw(Result):
    """An existing grid redrawn with minimal change (``linli redraw``):
    ``neighborhoods``; ``summary`` is redraw_summary.json (before and after
    side by side)."""

    _summary_file = "redraw_summary.json"

    @property
    def neighborhoods(self):
        """The redrawn neighborhoods."""
        return self.layer("neighborhoods")


class Coverage(Result):
    """Walking coverage (``linli coverage``): ``coverage`` (buildings and
    their distances), ``service_areas``, ``gaps``, ``sites`` (new sites
    when asked); ``summary`` is coverage_summary.json."""

    _summary_file = "coverage_summary.json"


class Scenario(Result):
    """A scenario folder made by ``linli.import_osm``: its layers as
    GeoDataFrames; ``summary`` is import_summary.json. Pass it (or
    ``scenario.folder``) to :func:`plan`, or ``scenario.as_dict()`` to plan
    from the GeoDataFrames."""

    _summary_file = "import_summary.json"

    def as_dict(self) -> dict:
        """Every layer as a GeoDataFrame, by name: a scenario for :func:`plan`."""
        return {name: self.layer(name) for name in self.layers if name in LAYERS}

    @functools.cached_property
    def settings(self) -> dict:
        """Its scenario.toml, parsed (empty when it has none)."""
        path = self.folder / "scenario.toml"
        if not path.is_file():
            return {}
        try:
            import tomllib
        except ImportError:  # Python < 3.11
            import tomli as tomllib  # type: ignore[no-redef]
        with open(path, "rb") as f:
            return tomllib.load(f)


# --------------------------------------------------------------------------
# Commands


def plan(scenario: Any, *, seed: int = 1, crs: Optional[str] = None,
         out: Optional[PathLike] = None, progress: bool = True,
         **settings: Any) -> Plan:
    """Plans neighborhoods, as ``linli plan SCENARIO --out OUT``.

    Parameters
    ----------
    scenario
        A scenario folder (str or Path), or a dict of layers by name
        (``communities``, ``buildings``, ``roads``, ``water``, ``rail``,
        ``landmarks``, ``compounds``, ``facilities``, ``neighborhoods`` for an
        existing grid): each a GeoDataFrame or an Arrow table with a WKB
        geometry column (``__arrow_c_stream__``); and tables: ``staff`` and
        ``overrides`` (pandas DataFrames or CSV paths), ``standards`` (dict
        or TOML path).
    seed
        The partition's seed (``--seed``).
    crs
        The layers' CRS when they do not say (``--crs EPSG:4547``).
    out
        The folder to write; by default a temporary one, removed with the
        returned object (``plan.write(folder)`` keeps a copy).
    progress
        Print each stage to ``sys.stderr``.
    **settings
        ``scenario.toml`` settings, e.g. ``targets={"urban": 250}``,
        ``walking={"speed_kmh": 4.5}``; over a folder's scenario.toml, merged
        table by table.

    Raises
    ------
    InputError
        The scenario has problems (each named by file, feature and id).
    LinliIOError, ProjectionError
        A file could not be read or written; an unknown CRS.
    """
    folder = _Folder(out, "plan")
    req = _request(scenario, crs, folder.path, progress, settings)
    answer = _run(_native.plan, folder, req, int(seed))
    return Plan(folder, answer)


def audit(scenario: Any, *, crs: Optional[str] = None, out: Optional[PathLike] = None,
          progress: bool = True, **settings: Any) -> Audit:
    """Audits the scenario's existing grid (its ``neighborhoods`` layer), as
    ``linli audit``: what is wrong with each grid polygon, gaps, overlaps and
    the grid's walking coverage. Arguments as for :func:`plan`."""
    folder = _Folder(out, "audit")
    req = _request(scenario, crs, folder.path, progress, settings)
    return Audit(folder, _run(_native.audit, folder, req))


def redraw(scenario: Any, *, seed: int = 1, compare_scratch: bool = True,
           crs: Optional[str] = None, out: Optional[PathLike] = None,
           progress: bool = True, **settings: Any) -> Redraw:
    """Redraws the scenario's existing grid with minimal change, as ``linli
    redraw``; ``compare_scratch=False`` is ``--no-compare-scratch``.
    Arguments as for :func:`plan`."""
    folder = _Folder(out, "redrawn")
    req = _request(scenario, crs, folder.path, progress, settings)
    answer = _run(_native.redraw, folder, req, int(seed), bool(compare_scratch))
    return Redraw(folder, answer)


def coverage(scenario: Any, *, seed: int = 1, add: Optional[int] = None,
             fewest: bool = False, kind: Optional[str] = None, candidates: Any = None,
             neighborhoods: bool = True, service_areas: bool = True,
             existing_grid: bool = False, sites_model: bool = False,
             crs: Optional[str] = None, out: Optional[PathLike] = None,
             progress: bool = True, **settings: Any) -> Coverage:
    """Walking coverage, as ``linli coverage``: each building's distance to
    each facility kind, shares, service areas, gaps; with ``kind`` and
    ``add=N`` (or ``fewest=True``) new sites from ``candidates`` (a layer of
    points; by default the folder's candidates.geojson).
    ``neighborhoods=False`` is ``--no-neighborhoods``,
    ``service_areas=False`` ``--no-service-areas``, ``existing_grid=True``
    ``--grid existing``. Other arguments as for :func:`plan`."""
    folder = _Folder(out, "coverage")
    req = _request(scenario, crs, folder.path, progress, settings)
    if candidates is not None:
        candidates = _layer_arg("candidates", candidates)[1]
    args = {
        "seed": int(seed),
        "add": add,
        "fewest": bool(fewest),
        "kind": kind,
        "candidates": candidates,
        "neighborhoods": bool(neighborhoods),
        "service_areas": bool(service_areas),
        "existing_grid": bool(existing_grid),
        "sites_model": bool(sites_model),
    }
    return Coverage(folder, _run(_native.coverage, folder, req, args))


def import_osm(pbf: PathLike, *, out: Optional[PathLike] = None,
               communities: Optional[PathLike] = None, admin_level: Optional[int] = None,
               households_total: Optional[int] = None,
               households_csv: Optional[PathLike] = None, allow_unmatched: bool = False,
               facility: Any = (), progress: bool = True, **settings: Any) -> Scenario:
    """Turns an OpenStreetMap extract (``.osm.pbf``) into a scenario, as
    ``linli import-osm PBF --out OUT``.

    ``facility`` adds to the facility table: ``"amenity=pharmacy:clinic"``
    strings or ``(key, value, kind)`` tuples. ``**settings`` are
    scenario.toml settings (``osm={...}`` for the import's own); they become
    the scenario's scenario.toml. The result is a :class:`Scenario`: pass it
    to :func:`plan`.
    """
    folder = _Folder(out, "scenario")
    facilities = [_facility(f) for f in facility]
    args = {
        "admin_level": admin_level,
        "communities": None if communities is None else os.fspath(communities),
        "facility": facilities,
        "households_total": households_total,
        "households_csv": None if households_csv is None else os.fspath(households_csv),
        "allow_unmatched": bool(allow_unmatched),
        "settings": _settings_json(settings),
        "progress": bool(progress),
    }
    answer = _run(_native.import_osm, folder, os.fspath(pbf), os.fspath(folder.path), args)
    return Scenario(folder, answer)


def _facility(f: Any) -> tuple:
    """``"KEY=VALUE:KIND"`` or ``(key, value, kind)`` → a tuple."""
    if isinstance(f, str):
        tag, sep, kind = f.rpartition(":")
        key, eq, value = tag.partition("=")
        if not (sep and eq and key and value and kind):
            raise ValueError(f"facility {f!r}: write KEY=VALUE:KIND, e.g. amenity=pharmacy:clinic")
        return (key, value, kind)
    key, value, kind = f
    return (str(key), str(value), str(kind))
