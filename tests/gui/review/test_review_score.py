"""The review window's score view, offscreen: a rendered take compared with its MusicXML score
in the background; headline, score-aligned roll, per-bar table, cancel, errors and the report."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from support.score_pieces import PIECE_A, Faults, perform, write_piece
from support.score_renders import render

from pianoscope.app.library.scores import attach_score
from pianoscope.audio.fileio import write_audio
from pianoscope.gui.qt import QtCore, pg
from pianoscope.gui.review.score_panel import KIND_RGB
from pianoscope.gui.review.window import ReviewWindow
from pianoscope.library.importer import import_file
from pianoscope.library.store import Library
from pianoscope.score.alignment import PLAYED
from pianoscope.score.loading import load_score
from pianoscope.score.roll import WRITTEN

FAULTS = Faults(bar_tempo_factor=dict.fromkeys((5, 6, 7, 8), 0.85), bar_dynamic={12: "f"})


@pytest.fixture(scope="module")
def score_and_take(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("review-score")
    score_path = write_piece(folder / "minuet.musicxml", PIECE_A)
    take = folder / "take.flac"
    write_audio(take, render(perform(load_score(score_path), FAULTS).notes))
    return score_path, take


@pytest.fixture()
def window(qtbot, tmp_path: Path, score_and_take: tuple[Path, Path]):
    settings = QtCore.QSettings(str(tmp_path / "review.ini"), QtCore.QSettings.Format.IniFormat)
    opened = ReviewWindow(
        qsettings=settings, labeller_factory=lambda: None, waveform_cache=tmp_path / "waves"
    )
    qtbot.addWidget(opened)
    opened.show()
    assert opened.open_recording(score_and_take[1])
    yield opened
    opened.close()


@pytest.mark.fluidsynth
def test_score_view_shows_headline_roll_and_bars(
    window: ReviewWindow, score_and_take: tuple[Path, Path], qtbot
) -> None:
    panel = window.score
    panel.compare(score_and_take[0])
    assert panel.busy and panel.progress.isVisible()
    qtbot.waitUntil(lambda: panel.comparison is not None, timeout=60_000)
    assert not panel.busy and not panel.progress.isVisible()
    assert panel.headline.text().splitlines() == [
        "1. Bars 5–8 are 15% slower than the rest (102 instead of 120 BPM).",
        "2. Bar 12 is marked p but played f.",
    ]
    assert panel.table.rowCount() == PIECE_A.bars
    assert panel.table.item(11, 7).text() == "p / f"
    assert panel.table.item(11, 0).toolTip() == "Bar 12 is marked p but played f."
    assert panel.table.item(0, 0).toolTip() == ""
    assert {item.kind for item in panel.roll.roll_items} == {WRITTEN, PLAYED}
    drawn = [i for i in panel.roll.getPlotItem().items if isinstance(i, pg.BarGraphItem)]
    outline, played = drawn  # written notes as outlines, then the played ones filled
    assert outline.opts["brush"] is None and len(outline.opts["x0"]) == 133
    assert played.opts["brush"].color().getRgb()[:3] == KIND_RGB[PLAYED]
    assert len(played.opts["x0"]) == 133


@pytest.mark.fluidsynth
def test_cancel_and_a_bad_score(window: ReviewWindow, tmp_path: Path, qtbot) -> None:
    panel = window.score
    panel.compare(Path(__file__))  # starts, then is cancelled before it can fail
    panel.cancel()
    assert not panel.busy and panel.comparison is None
    assert panel.headline.text() == "Comparison cancelled."
    broken = tmp_path / "broken.musicxml"
    broken.write_text("<score-partwise><part")
    panel.compare(broken)
    qtbot.waitUntil(lambda: not panel.busy, timeout=30_000)
    assert panel.headline.text().startswith("broken.musicxml is not a readable score")
    assert window.banner.isVisible() and "broken.musicxml" in window.banner.text()


@pytest.mark.fluidsynth
def test_lesson_report_says_how_the_take_follows_the_score(
    window: ReviewWindow, score_and_take: tuple[Path, Path], tmp_path: Path, qtbot
) -> None:
    window.score.compare(score_and_take[0])
    qtbot.waitUntil(
        lambda: window.score.comparison is not None and window.analysis is not None,
        timeout=60_000,
    )
    window.export_report(tmp_path / "report.pdf")
    text = subprocess.run(
        ["pdftotext", str(tmp_path / "report.pdf"), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "Against the score" in text
    assert "Against the score of minuet: 133 of 133 notes played" in text
    assert "2. Bar 12 is marked p but played f." in text
    assert "• Bars 5–8 are 15% slower than the rest" in text


@pytest.mark.fluidsynth
def test_a_library_take_is_compared_with_its_piece_s_stored_score(
    window: ReviewWindow, score_and_take: tuple[Path, Path], tmp_path: Path, qtbot
) -> None:
    score_path, take = score_and_take
    panel = window.score
    assert panel.stored_score is None and not panel.stored_button.isVisible()
    with Library.open(tmp_path / "library") as library:
        filed = import_file(library, take, student="Ann", piece="Minuet").recording
        attach_score(library, "Minuet", score_path)
        filed_path = library.path_of(filed)
    assert window.open_recording(filed_path)
    assert panel.stored_button.isVisible()
    assert panel.stored_button.text() == "Compare with the score of Minuet"
    assert "minuet.musicxml" in panel.headline.text()
    panel.stored_button.click()
    qtbot.waitUntil(lambda: panel.comparison is not None, timeout=60_000)
    assert panel.headline.text().splitlines()[1] == "2. Bar 12 is marked p but played f."
    assert panel.table.rowCount() == PIECE_A.bars
