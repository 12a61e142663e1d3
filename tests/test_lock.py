"""The project lock between real processes: a clear refusal naming the holder, --wait, and a lock
left by a process killed with SIGKILL taken over."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest

from helpers import cli, confined, copy_project, hold, transflow
from transflow.stages.lock import ProjectLocked, project_lock

pytestmark = pytest.mark.reliability


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return copy_project(tmp_path)


def test_a_writing_command_is_refused_naming_the_holder(project: Path):
    holder = hold(project / ".transflow")
    try:
        result = transflow(project, "extract")
        assert result.exit_code == 2
        assert f"the project is locked by `transflow run` (PID {holder.pid}, since " in result.output
        assert "pass --wait SECONDS" in result.output
        assert not (project / "translations").exists()
        assert transflow(project, "stats").exit_code == 0  # reading needs no lock
    finally:
        holder.kill()
        holder.wait()


def test_wait_lets_the_holder_finish_first(project: Path):
    holder = hold(project / ".transflow", seconds=1)
    result = transflow(project, "--wait", "60", "extract")
    assert result.exit_code == 0, result.output
    assert holder.poll() == 0  # it had finished before extract could start
    assert f"waiting up to 60 s for `transflow run` (PID {holder.pid}" in result.output


def test_a_wait_too_short_still_fails(project: Path):
    holder = hold(project / ".transflow")
    try:
        started = time.monotonic()
        result = transflow(project, "--wait", "0.5", "extract")
        assert result.exit_code == 2
        assert time.monotonic() - started >= 0.5
        assert "the project is locked by `transflow run`" in result.output
        assert "wait for it to finish" in result.output
    finally:
        holder.kill()
        holder.wait()


def test_a_lock_left_by_a_killed_process_is_taken_over(project: Path):
    holder = hold(project / ".transflow")
    os.kill(holder.pid, signal.SIGKILL)
    holder.wait()
    assert str(holder.pid) in (project / ".transflow/lock").read_text()  # it never released the lock
    result = transflow(project, "extract")
    assert result.exit_code == 0, result.output
    assert f"took over the project lock left by `transflow run` (PID {holder.pid}" in result.output
    assert (project / ".transflow/lock").read_text() == ""  # released by extract
    assert "took over" not in transflow(project, "extract").output


def test_released_on_errors_and_between_holders(tmp_path: Path):
    with pytest.raises(RuntimeError), project_lock(tmp_path, "build"):
        raise RuntimeError
    # A second open file description of the same file is refused, as another process would be.
    with (
        project_lock(tmp_path, "build"),
        pytest.raises(ProjectLocked, match=r"locked by `transflow build` \(PID \d+"),
        project_lock(tmp_path, "update"),
    ):
        pass


def test_an_unwritable_state_folder_is_one_clear_line(project: Path):
    (project / ".transflow").mkdir()
    result = confined(
        f"mount --bind {project}/.transflow {project}/.transflow && mount -o remount,ro,bind {project}/.transflow",
        *cli("-C", str(project), "extract"),
    )
    assert result.returncode == 2
    assert result.stderr.endswith(".transflow/lock: cannot take the project lock: Read-only file system\n")


def test_a_missing_project_folder_is_not_created(tmp_path: Path):
    result = transflow(tmp_path / "nosuchdir", "run")
    assert result.exit_code == 2
    assert result.output.strip().endswith("nosuchdir: project folder does not exist")
    assert not (tmp_path / "nosuchdir").exists()
