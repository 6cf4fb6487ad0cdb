"""Ctrl-C stops a run at once and leaves no output folder."""

import _thread
import io
import subprocess
import sys
import time

import pytest

import linli


@pytest.fixture(scope="module")
def district(linli_bin, tmp_path_factory):
    """A synthetic district large enough to take a while to plan."""
    out = tmp_path_factory.mktemp("synth") / "district"
    subprocess.run([str(linli_bin), "--quiet", "synth", "--households", "150000",
                    "--seed", "1", "--out", str(out)], check=True)
    return out


class InterruptAt(io.StringIO):
    """A stderr that sends the main thread SIGINT when `stage` begins."""

    def __init__(self, stage):
        super().__init__()
        self.stage = stage
        self.sent = None

    def write(self, s):
        if self.stage in s and self.sent is None:
            self.sent = time.perf_counter()
            _thread.interrupt_main()
        return super().write(s)


def test_ctrl_c_stops_the_run(district, tmp_path, monkeypatch):
    fake = InterruptAt("linli: partitioning neighborhoods")
    monkeypatch.setattr(sys, "stderr", fake)
    out = tmp_path / "plan"
    with pytest.raises(KeyboardInterrupt):
        linli.plan(district, out=out, progress=True)
    answered = time.perf_counter() - fake.sent
    assert answered < 0.5, answered
    # The run stops at its next step: nothing is put in place, and its
    # staging folder goes.
    for _ in range(100):
        if not list(tmp_path.iterdir()):
            break
        time.sleep(0.05)
    assert not out.exists()
    assert list(tmp_path.iterdir()) == []
    # The package still works after an interrupted run.
    assert linli.plan(district, progress=False, out=out).figures["neighborhoods"] > 0
