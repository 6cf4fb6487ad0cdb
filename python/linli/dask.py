"""Plan a large region on a Dask cluster: split, plan each part as a task,
merge.

>>> from dask.distributed import Client, LocalCluster
>>> import linli.dask
>>> with Client(LocalCluster(n_workers=2)) as client:
...     merged = linli.dask.plan("province/", client=client, out="plan/", parts=64)

The parts are the scenario folders ``linli split`` writes (a street, a
district or a run of communities each, with a halo of walking network and
facilities), so each task is an ordinary ``linli plan`` of one folder and
the merged plan equals the single-process one (``linli merge``). Dask's
own scheduler places and retries the tasks; nothing here orchestrates.
The workers must see the same file system as the client (a shared folder,
or one machine); the ``parts`` and ``plans`` folders sit beside ``out``.

The same part folders run on other engines the same way, one part per
task: Ray ``ray.data.from_items(part_dirs).map_batches(plan_parts)`` or
Spark ``spark.createDataFrame(part_dirs).mapInArrow(plan_parts, schema)``
where ``plan_parts`` calls :func:`plan_part` on each row, then
:func:`linli.merge` on the plan folders.

Run from a shell::

    python -m linli.dask SCENARIO --scheduler tcp://host:8786 --out DIR [--by street] [--parts N]
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any, Optional, Sequence

from . import _native

__all__ = ["plan", "plan_part", "PartFailed", "main"]


class PartFailed(RuntimeError):
    """A part's plan failed on the cluster (after Dask's retries); the
    message names the part and carries linli's own message."""


def plan_part(part_dir: str, plans_dir: str, seed: int = 1) -> str:
    """Plans one part folder into ``plans_dir/<part name>`` and returns that
    folder (the task each worker runs; any engine can call it)."""
    name = Path(part_dir).name
    out = os.path.join(plans_dir, name)
    try:
        _native.plan_folder(os.fspath(part_dir), out, int(seed))
    except Exception as e:  # noqa: BLE001 - named and re-raised
        raise PartFailed(f"{name} ({part_dir}): {e}") from e
    return out


def plan(scenario: "os.PathLike[str] | str", *, client: Any = None, out: "os.PathLike[str] | str",
         by: str = "street", parts: Optional[int] = None, halo_m: Optional[float] = None,
         seed: int = 1, retries: int = 2, work: "os.PathLike[str] | str | None" = None) -> Path:
    """Splits ``scenario``, plans every part as a task on ``client`` (a
    ``dask.distributed.Client``; the default client when None), and merges
    the plans into ``out``; returns ``out``.

    ``by``/``parts``/``halo_m`` are ``linli split``'s ``--by``/``--parts``/
    ``--halo-m``. A failing part is retried ``retries`` times by Dask, then
    raises :class:`PartFailed` naming it. ``work`` holds ``parts/`` and
    ``plans/`` (default: ``<out>.work`` beside ``out``)."""
    from dask.distributed import default_client

    client = client or default_client()
    out = Path(out)
    work = Path(work) if work is not None else out.with_name(out.name + ".work")
    parts_dir = work / "parts"
    plans_dir = work / "plans"
    plans_dir.mkdir(parents=True, exist_ok=True)
    part_dirs = _native.split(os.fspath(scenario), os.fspath(parts_dir), by, parts, halo_m)
    futures = client.map(plan_part, part_dirs, plans_dir=os.fspath(plans_dir), seed=seed,
                         retries=retries, pure=False, key=[f"linli-{Path(p).name}" for p in part_dirs])
    plans = client.gather(futures)
    _native.merge(plans, os.fspath(out))
    return out


def _peak_rss_mb() -> float:
    """This process's peak memory (max RSS), MB (run on each worker)."""
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(argv: Optional[Sequence[str]] = None) -> int:
    """``python -m linli.dask``: the command line of :func:`plan`."""
    p = argparse.ArgumentParser(prog="python -m linli.dask", description=plan.__doc__)
    p.add_argument("scenario")
    p.add_argument("--scheduler", help="the Dask scheduler's address (default: a LocalCluster here)")
    p.add_argument("--workers", type=int, default=2, help="LocalCluster workers (without --scheduler)")
    p.add_argument("--out", required=True)
    p.add_argument("--by", default="street", choices=["street", "district", "community"])
    p.add_argument("--parts", type=int)
    p.add_argument("--halo-m", type=float)
    p.add_argument("--seed", type=int, default=1)
    a = p.parse_args(argv)
    from dask.distributed import Client, LocalCluster

    if a.scheduler:
        client = Client(a.scheduler)
    else:
        client = Client(LocalCluster(n_workers=a.workers, threads_per_worker=1))
    with client:
        try:
            out = plan(a.scenario, client=client, out=a.out, by=a.by, parts=a.parts,
                       halo_m=a.halo_m, seed=a.seed)
        except Exception as e:  # noqa: BLE001 - the message is the point
            print(f"linli.dask: {e}", file=sys.stderr)
            return 2
        peaks = client.run(_peak_rss_mb)
        print("workers' peak memory: " + ", ".join(f"{v:.0f} MB" for v in peaks.values()))
    print(f"merged plan written to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
