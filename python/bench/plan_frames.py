"""Times linli.plan on a scenario folder's layers as GeoDataFrames against
the command line on the folder, in the same sitting.

    python bench/plan_frames.py /tmp/s400k [runs] [linli binary]

The layers are read (pyogrio) before timing; each run writes into a fresh
folder. Prints each run's seconds and the ratio of the medians.
"""

import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import tomllib
from pathlib import Path

import geopandas as gpd
import pandas as pd

import linli


def main() -> None:
    folder = Path(sys.argv[1])
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 2
    binary = sys.argv[3] if len(sys.argv) > 3 else str(Path(__file__).parents[2] / "target/release/linli")
    t = time.perf_counter()
    scenario = {p.stem: gpd.read_file(p) for p in sorted(folder.glob("*.geojson"))}
    for key, file in linli.TABLES.items():
        if (folder / file).is_file() and file.endswith(".csv"):
            scenario[key] = pd.read_csv(folder / file, encoding="utf-8-sig", dtype=str)
    settings = {}
    if (folder / "scenario.toml").is_file():
        with open(folder / "scenario.toml", "rb") as f:
            settings = tomllib.load(f)
    print(f"read {', '.join(f'{k} {len(v)}' for k, v in scenario.items())} in {time.perf_counter() - t:.2f} s")
    tmp = Path(tempfile.mkdtemp(prefix="linli-bench-"))
    py, cli = [], []
    try:
        for i in range(runs):
            t = time.perf_counter()
            subprocess.run([binary, "--quiet", "plan", str(folder), "--out", str(tmp / f"cli{i}")], check=True)
            cli.append(time.perf_counter() - t)
            t = time.perf_counter()
            plan = linli.plan(scenario, out=tmp / f"py{i}", progress=False, **settings)
            py.append(time.perf_counter() - t)
            print(f"run {i + 1}: cli {cli[-1]:.2f} s, linli.plan(GeoDataFrames) {py[-1]:.2f} s ({plan.figures['neighborhoods']} neighborhoods)")
        same = (tmp / "cli0" / "neighborhoods.geojson").read_bytes() == (tmp / "py0" / "neighborhoods.geojson").read_bytes()
        print(f"median: cli {statistics.median(cli):.2f} s, python {statistics.median(py):.2f} s, "
              f"ratio {statistics.median(py) / statistics.median(cli):.2f}; best: cli {min(cli):.2f} s, "
              f"python {min(py):.2f} s, ratio {min(py) / min(cli):.2f}; neighborhoods.geojson identical: {same}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
