"""Type stubs of linli's Python API."""

import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, Optional, Union

import geopandas
import pandas

__version__: str

PathLike = Union[str, os.PathLike[str]]

LAYERS: tuple[str, ...]
TABLES: dict[str, str]

class LinliError(Exception):
    """Base class of every error linli raises."""

class InputError(LinliError):
    """The scenario has problems, each named by file, feature, id, what and hint."""

    problems: list[str]
    details: list[dict[str, Any]]

class LinliIOError(LinliError):
    """A file could not be read or written."""

    path: str

class ProjectionError(LinliError):
    """The coordinate system could not be set up."""

class Result:
    """What a linli command wrote: folder, layers, summary, warnings."""

    warnings: list[str]
    figures: dict[str, Any]
    @property
    def folder(self) -> Path: ...
    @property
    def layers(self) -> list[str]: ...
    @property
    def files(self) -> list[str]: ...
    @property
    def summary(self) -> dict[str, Any]: ...
    def layer(self, name: str) -> geopandas.GeoDataFrame: ...
    def __getitem__(self, name: str) -> geopandas.GeoDataFrame: ...
    def __getattr__(self, name: str) -> geopandas.GeoDataFrame: ...
    def json(self, name: str) -> Any: ...
    def write(self, folder: PathLike) -> Path: ...
    def __fspath__(self) -> str: ...

class Plan(Result):
    """A plan, as ``linli plan`` writes it."""

    @property
    def neighborhoods(self) -> geopandas.GeoDataFrame: ...
    @property
    def blocks(self) -> geopandas.GeoDataFrame: ...
    @property
    def coverage(self) -> geopandas.GeoDataFrame: ...
    @property
    def service_areas(self) -> geopandas.GeoDataFrame: ...
    @property
    def gaps(self) -> geopandas.GeoDataFrame: ...
    @property
    def worker_patches(self) -> geopandas.GeoDataFrame: ...
    @property
    def staffing(self) -> pandas.DataFrame: ...
    @property
    def staffing_table(self) -> pandas.DataFrame: ...

class Audit(Result):
    """The audit of an existing grid."""

    @property
    def coverage_summary(self) -> dict[str, Any]: ...

class Redraw(Result):
    """An existing grid redrawn with minimal change."""

    @property
    def neighborhoods(self) -> geopandas.GeoDataFrame: ...

class Coverage(Result):
    """Walking coverage."""

class Scenario(Result):
    """A scenario folder made by import_osm."""

    @property
    def settings(self) -> dict[str, Any]: ...
    def as_dict(self) -> dict[str, geopandas.GeoDataFrame]: ...

ScenarioInput = Union[PathLike, Mapping[str, Any]]

def plan(
    scenario: ScenarioInput,
    *,
    seed: int = 1,
    crs: Optional[str] = None,
    out: Optional[PathLike] = None,
    progress: bool = True,
    **settings: Any,
) -> Plan: ...
def audit(
    scenario: ScenarioInput,
    *,
    crs: Optional[str] = None,
    out: Optional[PathLike] = None,
    progress: bool = True,
    **settings: Any,
) -> Audit: ...
def redraw(
    scenario: ScenarioInput,
    *,
    seed: int = 1,
    compare_scratch: bool = True,
    crs: Optional[str] = None,
    out: Optional[PathLike] = None,
    progress: bool = True,
    **settings: Any,
) -> Redraw: ...
def coverage(
    scenario: ScenarioInput,
    *,
    seed: int = 1,
    add: Optional[int] = None,
    fewest: bool = False,
    kind: Optional[str] = None,
    candidates: Any = None,
    neighborhoods: bool = True,
    service_areas: bool = True,
    existing_grid: bool = False,
    sites_model: bool = False,
    crs: Optional[str] = None,
    out: Optional[PathLike] = None,
    progress: bool = True,
    **settings: Any,
) -> Coverage: ...
def import_osm(
    pbf: PathLike,
    *,
    out: Optional[PathLike] = None,
    communities: Optional[PathLike] = None,
    admin_level: Optional[int] = None,
    households_total: Optional[int] = None,
    households_csv: Optional[PathLike] = None,
    allow_unmatched: bool = False,
    facility: Iterable[Union[str, tuple[str, str, str]]] = (),
    progress: bool = True,
    **settings: Any,
) -> Scenario: ...
