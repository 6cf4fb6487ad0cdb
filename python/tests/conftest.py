"""Fixtures: the repository's demo scenario, the linli binary (to compare
with) and what the binary writes for the demo."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
DEMO = REPO / "data" / "demo"
OSM = REPO / "tests" / "data" / "osm"


@pytest.fixture(scope="session")
def linli_bin() -> Path:
    """The linli command line: $LINLI_BIN, else target/release/linli (built
    with cargo when absent)."""
    if os.environ.get("LINLI_BIN"):
        return Path(os.environ["LINLI_BIN"])
    target = Path(os.environ.get("CARGO_TARGET_DIR", REPO / "target"))
    path = target / "release" / "linli"
    if not path.exists():
        if shutil.which("cargo") is None:
            pytest.skip("no linli binary (set LINLI_BIN) and no cargo to build one")
        subprocess.run(["cargo", "build", "--release", "--bin", "linli"], cwd=REPO, check=True)
    return path


@pytest.fixture(scope="session")
def cli(linli_bin, tmp_path_factory):
    """Runs `linli ARGS… --quiet` and returns its output folder (by the
    arguments: each command runs once per session)."""
    done = {}

    def run(*args: str, out_flag: str = "--out") -> Path:
        if args not in done:
            out = tmp_path_factory.mktemp("cli") / "out"
            subprocess.run([str(linli_bin), "--quiet", *args, out_flag, str(out)], check=True)
            done[args] = out
        return done[args]

    return run


@pytest.fixture(scope="session")
def demo_plan():
    """The demo planned from its folder by the Python package."""
    import linli

    return linli.plan(DEMO, progress=False)
