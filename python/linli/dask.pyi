"""Type stubs of linli.dask: a large region planned in parts on Dask."""

import os
from pathlib import Path
from typing import Any, Optional, Sequence, Union

_Path = Union[str, "os.PathLike[str]"]

class PartFailed(RuntimeError):
    """A part's plan failed on the cluster; the message names the part."""

def plan_part(part_dir: str, plans_dir: str, seed: int = 1) -> str:
    """Plans one part folder into ``plans_dir/<part name>``; returns it."""

def plan(
    scenario: _Path,
    *,
    client: Any = None,
    out: _Path,
    by: str = "street",
    parts: Optional[int] = None,
    halo_m: Optional[float] = None,
    seed: int = 1,
    retries: int = 2,
    work: Optional[_Path] = None,
) -> Path:
    """Splits ``scenario``, plans every part as a Dask task, merges into ``out``."""

def main(argv: Optional[Sequence[str]] = None) -> int:
    """``python -m linli.dask``."""
