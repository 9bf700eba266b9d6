"""tools/stress.py (`make stress`): its load workers really burn CPU, pytest's exit code is
passed on, the workers are gone afterwards, and the report says so in one line. pytest itself
is replaced by a stand-in here (the real run is `make stress`)."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest

from tools import stress

WAIT_S = 120  # for a worker to be scheduled at all: generous, a busy machine is the point


def _cpu_ticks(pid: int) -> int:
    """utime + stime of a process, in clock ticks, from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])


def test_stress_keeps_workers_busy_passes_the_exit_code_on_and_stops_them(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    started: list[subprocess.Popen] = []
    real_start = stress.start_workers

    def start_workers(n: int) -> list[subprocess.Popen]:
        started.extend(real_start(n))
        return started

    def fake_pytest(cmd: list[str], **kwargs: Any) -> subprocess.CompletedProcess:
        assert cmd[1:] == ["-m", "pytest", "tests/test_x.py", "-q"]
        # Wait (not sleep a fixed time) until every worker has burnt CPU.
        deadline = time.monotonic() + WAIT_S
        while any(_cpu_ticks(p.pid) == 0 for p in started):
            assert time.monotonic() < deadline, "a load worker never ran"
            os.sched_yield()
        return subprocess.CompletedProcess(cmd, 3)

    monkeypatch.setattr(stress, "start_workers", start_workers)
    monkeypatch.setattr(stress.subprocess, "run", fake_pytest)
    assert stress.main(["--workers", "2", "--", "tests/test_x.py", "-q"]) == 3
    assert len(started) == 2 and all(p.returncode is not None for p in started)
    assert not any(Path(f"/proc/{p.pid}").exists() for p in started), "a worker outlived it"
    (line,) = capsys.readouterr().out.strip().splitlines()
    assert line.startswith("stress: pytest tests/test_x.py -q FAILED (pytest exit code 3) under")
    assert "2 load workers" in line


def test_a_stress_run_stopped_by_sigterm_leaves_no_worker(monkeypatch: pytest.MonkeyPatch) -> None:
    started: list[subprocess.Popen] = []
    real_start = stress.start_workers

    def start_workers(n: int) -> list[subprocess.Popen]:
        started.extend(real_start(n))
        return started

    def stopped_pytest(cmd: list[str], **kwargs: Any) -> subprocess.CompletedProcess:
        os.kill(os.getpid(), signal.SIGTERM)  # as `kill` or CI stops the job mid-run
        raise AssertionError("SIGTERM did not stop the run")

    monkeypatch.setattr(stress, "start_workers", start_workers)
    monkeypatch.setattr(stress.subprocess, "run", stopped_pytest)
    with pytest.raises(SystemExit) as stop:
        stress.main(["--workers", "2"])
    assert stop.value.code == 128 + signal.SIGTERM
    assert len(started) == 2
    assert not any(Path(f"/proc/{p.pid}").exists() for p in started), "a worker outlived it"
    assert signal.getsignal(signal.SIGTERM) is not stress._terminated, "the handler stays"


def test_stress_wants_a_worker() -> None:
    assert stress.main(["--workers", "0"]) == 2
