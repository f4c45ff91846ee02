"""`pianoscope compare-score SCORE TAKE [--json OUT]`: text, JSON, progress, errors, Ctrl-C."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from support.score_pieces import PIECE_A, Faults, perform, write_piece
from support.score_renders import render

from pianoscope.audio.fileio import load_audio, write_audio
from pianoscope.cli.main import main
from pianoscope.score.loading import load_score


@pytest.fixture(scope="module")
def score_and_take(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("compare-score")
    score_path = write_piece(folder / "minuet.musicxml", PIECE_A)
    faults = Faults(bar_tempo_factor=dict.fromkeys((5, 6, 7, 8), 0.85), bar_dynamic={12: "f"})
    take = folder / "take.flac"
    write_audio(take, render(perform(load_score(score_path), faults).notes))
    return score_path, take


@pytest.mark.fluidsynth
def test_prints_headline_bars_and_findings_and_writes_json(
    score_and_take: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    score_path, take = score_and_take
    out = tmp_path / "comparison.json"
    assert main(["compare-score", str(score_path), str(take), "--json", str(out)]) == 0
    captured = capsys.readouterr()
    assert "comparing take.flac with minuet: 100%" in captured.err
    lines = captured.out.splitlines()
    assert lines[0].startswith("take.flac against minuet: 133 of 133 notes played")
    assert lines[3] == "  1. Bars 5–8 are 15% slower than the rest (102 instead of 120 BPM)."
    assert lines[4] == "  2. Bar 12 is marked p but played f."
    table = [line for line in lines if line.startswith("   12 ")]
    assert table and "p/f" in table[0]
    data = json.loads(out.read_text())
    assert [(f["kind"], f["first_bar"], f["last_bar"]) for f in data["findings"]] == [
        ("tempo", 5, 8),
        ("dynamics", 12, 12),
    ]
    assert data["headline"] == [line[5:] for line in lines[3:5]]


@pytest.mark.parametrize(
    ("score_text", "expected"),
    [
        ("<score-partwise><part", "broken.musicxml is not a readable score"),
        ("", "broken.musicxml is not a readable score"),
    ],
)
def test_bad_score_is_one_line_and_exit_2(
    score_text: str,
    expected: str,
    score_and_take: tuple[Path, Path],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    broken = tmp_path / "broken.musicxml"
    broken.write_text(score_text)
    assert main(["compare-score", str(broken), str(score_and_take[1])]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith(f"pianoscope: {expected}") and "\n" not in err


def test_missing_take_is_one_line(
    score_and_take: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["compare-score", str(score_and_take[0]), str(tmp_path / "none.flac")]) == 2
    assert "none.flac does not exist" in capsys.readouterr().err


# Times the take is played over in the Ctrl-C test: long enough that the comparison is still
# reading or transcribing when the signal arrives, however slowly the test process gets the CPU.
LONG_TAKE_REPEATS = 16


@pytest.mark.fluidsynth
def test_ctrl_c_stops_it_cleanly(score_and_take: tuple[Path, Path], tmp_path: Path) -> None:
    """SIGINT once the progress line shows: exit 130, one line, no traceback, no JSON.

    The child is stopped (SIGSTOP) before the interrupt and let go after it, so the test knows
    that the comparison was still running when Ctrl-C came: on the 38 s take this test once
    used, a slow moment of the test process let the comparison finish first (exit 0). The
    child gets the default SIGINT action, as a shell gives the command it runs: a suite
    started as a background job of a shell without job control inherits SIGINT ignored, and
    Python then never raises KeyboardInterrupt (the comparison ran to the end, exit 0)."""
    score_path, take = score_and_take
    long_take = tmp_path / "long take.flac"
    write_audio(long_take, np.tile(load_audio(take), LONG_TAKE_REPEATS))
    out = tmp_path / "never.json"
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "pianoscope",
            "compare-score",
            str(score_path),
            str(long_take),
            "--json",
            str(out),
        ],
        stderr=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        preexec_fn=_default_interrupt,
    )
    assert process.stderr is not None
    first = process.stderr.readline()  # written when the work starts
    assert first.startswith("comparing long take.flac with minuet:")
    process.send_signal(signal.SIGSTOP)
    assert process.poll() is None, "the comparison ended before it could be interrupted"
    process.send_signal(signal.SIGINT)
    process.send_signal(signal.SIGCONT)
    _, rest = process.communicate(timeout=120)
    assert process.returncode == 130, rest[-800:]
    assert rest.strip().splitlines()[-1] == "pianoscope: cancelled"
    assert "Traceback" not in rest
    assert not out.exists()


@pytest.mark.fluidsynth
def test_library_keeps_the_score_and_compares_a_take_by_number(
    score_and_take: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    score_path, take = score_and_take
    library = str(tmp_path / "library")
    assert main(["library", "score", "Minuet", str(score_path), "--library", library]) == 0
    assert "Minuet: score minuet.musicxml kept" in capsys.readouterr().out
    imported = ["library", "import", str(take), "--student", "Ann", "--piece", "Minuet"]
    assert main([*imported, "--library", library]) == 0
    take_id = capsys.readouterr().out.split()[1]  # "imported:  ID  date ..."
    out = tmp_path / "take.json"
    command = ["library", "compare-score", take_id, "--json", str(out), "--library", library]
    assert main(command) == 0
    captured = capsys.readouterr()
    assert f"comparing take {take_id} with the score of Minuet: 100%" in captured.err
    assert "  2. Bar 12 is marked p but played f." in captured.out.splitlines()
    assert json.loads(out.read_text())["score"]["title"] == "minuet"


def _default_interrupt() -> None:
    """In the child before it runs Python: Ctrl-C stops it, whatever the test run inherited."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)
