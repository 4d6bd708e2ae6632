"""The crash test (issue 15): a writer killed with SIGKILL at random points of a loop of writes
leaves a register that `foikit check` passes, with everything it committed still there, no gap
in the references, and no temporary file that retention does not clean."""

from __future__ import annotations

import datetime as dt
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from click.testing import CliRunner
from lifecycle_support import fresh_register

WRITER = Path(__file__).resolve().parent / "crash_writer.py"
BUDGET_S = 35  # the whole test stays under a minute
KILLS = 10


def test_killed_writers_lose_nothing_committed(db_path, tmp_path, monkeypatch):
    from foikit.cli import cli
    from foikit.records.retention import apply_retention, stale_temporary_files
    from foikit.register import Register

    responses = tmp_path / "responses"
    monkeypatch.setenv("FOIKIT_RESPONSES", str(responses))
    fresh_register(db_path).close()
    rng = random.Random(15)
    committed: list[str] = []
    started = time.monotonic()
    kills = 0
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    while kills < KILLS and time.monotonic() - started < BUDGET_S:
        writer = subprocess.Popen(
            [sys.executable, str(WRITER), str(db_path)],
            stdout=subprocess.PIPE,
            text=True,
            env=env,
            cwd=tmp_path,
        )
        assert writer.stdout is not None
        first = writer.stdout.readline()  # the loop is running: kill it somewhere inside
        time.sleep(rng.uniform(0.0, 1.2))
        os.kill(writer.pid, signal.SIGKILL)
        rest, _ = writer.communicate(timeout=30)
        committed += [line for line in (first + rest).splitlines() if line]
        kills += 1
    assert kills >= 5, "enough kills to mean something"
    elapsed = time.monotonic() - started
    assert elapsed < 55
    print(f"crash test: {kills} kills, {len(committed)} committed writes in {elapsed:.1f} s")

    result = CliRunner().invoke(cli, ["check"])
    assert result.exit_code == 0, result.output
    with Register(db_path) as reg:
        refs = {r["reference"] for r in reg.query("SELECT reference FROM requests")}
        stopped = {
            r["reference"]
            for r in reg.query("SELECT reference FROM requests WHERE clock_stopped IS NOT NULL")
        }
        letters = {r["path"] for r in reg.query("SELECT path FROM letters")}
        seqs = sorted(r["seq"] for r in reg.query("SELECT seq FROM requests"))
        for line in committed:
            what, value = line.split(" ", 1)
            if what == "request":
                assert value in refs, f"committed and lost: {value}"
            elif what == "clarify":
                assert value in stopped, f"clarification committed and lost: {value}"
            else:
                assert value in letters and Path(value).exists(), f"letter lost: {value}"
        assert seqs == list(range(1, len(seqs) + 1)), "no gap in the references"
        # A letter killed mid-write leaves at most a temporary file; retention cleans it.
        report = apply_retention(
            reg, "records.manager", older_than="99y", today=dt.date(2024, 7, 31)
        )
        assert sorted(report.temporary) == sorted(report.deleted)
    assert letters, "letters were rendered and killed too"
    assert stale_temporary_files(responses) == []
    assert not [p for p in responses.iterdir() if p.name.endswith(".tmp")]
