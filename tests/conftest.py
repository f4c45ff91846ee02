"""Shared test set-up: offscreen Qt, one PulseAudio runtime folder, cached renderings."""

from __future__ import annotations

import atexit
import functools
import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from pianoscope.score.loading import Score

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("XDG_RUNTIME_DIR", "/tmp/pianoscope-xdg")
# The user's data and settings (library, enrolments, QSettings) are never touched by tests.
_USER_HOME = tempfile.mkdtemp(prefix="pianoscope-test-user-")
atexit.register(functools.partial(shutil.rmtree, _USER_HOME, ignore_errors=True))
os.environ["XDG_DATA_HOME"] = os.path.join(_USER_HOME, "data")
os.environ["XDG_CONFIG_HOME"] = os.path.join(_USER_HOME, "config")

REPO = Path(__file__).resolve().parent.parent
CACHE = Path(os.environ.get("PIANOSCOPE_TEST_CACHE", Path.home() / ".cache" / "pianoscope-tests"))


@pytest.fixture(scope="session")
def test_cache() -> Path:
    """A folder for expensive generated data (renderings) that survives between test runs."""
    CACHE.mkdir(parents=True, exist_ok=True)
    return CACHE


@pytest.fixture(scope="session")
def arpeggio_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A synthesised recording of known notes (`support.synthetic_recordings.PLAYED`)."""
    from support.synthetic_recordings import SAMPLE_RATE_HZ, arpeggio

    from pianoscope.audio.fileio import write_audio

    path = tmp_path_factory.mktemp("recordings") / "arpeggio.flac"
    write_audio(path, arpeggio(), SAMPLE_RATE_HZ)
    return path


@pytest.fixture(scope="session")
def virtual_mic() -> str:
    """Start the PulseAudio null-sink microphone (scripts/virtual_mic.sh); returns its device."""
    if shutil.which("pulseaudio") is None:
        pytest.fail("PulseAudio is not installed: run `make install` (or .ci/run) first.")
    subprocess.run([str(REPO / "scripts" / "virtual_mic.sh"), "start"], check=True)
    return "pulse"


@pytest.fixture(scope="session")
def own_pianos_enrolment(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An enrolment of the two unseen SoundFont pianos of `enrolment_renders` (90 s each),
    made once per session (fine-tuning takes seconds), not yet chosen for use."""
    from support.enrolment_renders import OWN_PIANOS, rendered

    from pianoscope.app.enrolment import PianoRecordings, enrol_pianos
    from pianoscope.audio.fileio import write_audio

    folder = tmp_path_factory.mktemp("own-pianos")
    pianos = []
    for name, instrument in OWN_PIANOS.items():
        path = folder / f"{name}.flac"
        write_audio(path, rendered(instrument, seed=1))
        pianos.append(PianoRecordings(name, (path,)))
    return enrol_pianos(pianos, folder / "enrolments").path


@pytest.fixture(scope="session")
def score_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The two test pieces (`support.score_pieces`) written as MusicXML once per session."""
    from support.score_pieces import PIECE_A, PIECE_B, write_piece

    folder = tmp_path_factory.mktemp("scores")
    write_piece(folder / "piece_a.musicxml", PIECE_A)
    write_piece(folder / "piece_b.musicxml", PIECE_B)
    return folder


@pytest.fixture(scope="session")
def piece_a(score_folder: Path) -> Score:
    from pianoscope.score.loading import load_score

    return load_score(score_folder / "piece_a.musicxml")


@pytest.fixture(scope="session")
def piece_b(score_folder: Path) -> Score:
    from pianoscope.score.loading import load_score

    return load_score(score_folder / "piece_b.musicxml")


def pytest_collection_finish(session: pytest.Session) -> None:
    """Start the slow emulated-CPU probe now, beside the rest of the suite, if a collected test
    waits for it and will not be skipped (support/emulated_cpu.py)."""
    from support.emulated_cpu import READER, start_emulated_run

    if session.config.option.collectonly:
        return
    if any(item.name == READER and not _skipped(item) for item in session.items):
        start_emulated_run()


def _skipped(item: pytest.Item) -> bool:
    """Whether a skip or a true skipif condition (a plain bool) marks the test."""
    if item.get_closest_marker("skip") is not None:
        return True
    return any(bool(mark.args and mark.args[0]) for mark in item.iter_markers("skipif"))


def pytest_sessionfinish(session: pytest.Session) -> None:
    from support.emulated_cpu import stop_emulated_run

    stop_emulated_run()
