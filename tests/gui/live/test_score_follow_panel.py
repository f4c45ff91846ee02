"""The live window's score panel: it reads a score in the background, shows the place, and a
wrong note flashes; in the window it follows the input."""

from __future__ import annotations

from pathlib import Path

import pytest
import soundfile as sf
from support.score_pieces import PIECE_A, perform, write_piece
from support.score_renders import render
from support.score_truth import planted_faults

from pianoscope.app.live.score_follow import FollowSnapshot
from pianoscope.app.live.session import InputChoice
from pianoscope.gui.live.panels.score_follow import FLASH_S, STALE_S, ScoreFollowPanel
from pianoscope.model.training.render import TIMGM
from pianoscope.score.follow import FollowState, WrongNote
from pianoscope.score.loading import Score


def _snapshot(score: Score, heard_until_s: float) -> FollowSnapshot:
    wrong = WrongNote(time_s=10.0, midi=65, bar=3, beat_in_bar=2.0)
    state = FollowState(5, 3, 2.0, 10.0, 12, (wrong,))
    return FollowSnapshot(score, state, heard_until_s)


class _Clock:
    """Wall time a test moves by hand."""

    def __init__(self) -> None:
        self.now_s = 100.0

    def __call__(self) -> float:
        return self.now_s


def _panel(qtbot, clock: _Clock) -> ScoreFollowPanel:
    panel = ScoreFollowPanel(clock)
    qtbot.addWidget(panel)
    panel.resize(600, 220)
    panel.show()
    return panel


@pytest.mark.parametrize("late_s", [0.5, 4.0])
def test_a_wrong_note_flashes_from_when_it_is_shown_then_fades(
    qtbot, piece_a: Score, late_s: float
) -> None:
    """However late the follower reports it (4 s: it caught up after falling behind), a wrong
    note flashes for FLASH_S of wall time from when the panel first shows it, then fades even
    if no newer state arrives."""
    clock = _Clock()
    panel = _panel(qtbot, clock)
    snapshot = _snapshot(piece_a, heard_until_s=10.0 + late_s)
    panel.show_follow(snapshot)
    panel.strip.grab()
    assert panel.status.text() == "piece_a: bar 3, beat 2   Wrong note: F4 in bar 3"
    assert panel.strip.drawn_wrong == ("F4",)
    clock.now_s += FLASH_S - 0.1
    panel.show_follow(_snapshot(piece_a, heard_until_s=10.0 + late_s + FLASH_S))
    assert panel.status.text().endswith("Wrong note: F4 in bar 3")
    clock.now_s += 0.2
    panel.show_follow(panel.shown)
    panel.strip.grab()
    assert panel.status.text() == "piece_a: bar 3, beat 2"
    assert panel.strip.drawn_wrong == ()


def test_a_wrong_note_first_seen_long_after_it_was_played_does_not_flash(
    qtbot, piece_a: Score
) -> None:
    panel = _panel(qtbot, _Clock())
    panel.show_follow(_snapshot(piece_a, heard_until_s=10.0 + STALE_S + 1.0))
    panel.strip.grab()
    assert panel.status.text() == "piece_a: bar 3, beat 2"
    assert panel.strip.drawn_wrong == ()


def test_a_bad_score_is_said_and_nothing_is_followed(qtbot, tmp_path: Path) -> None:
    panel = ScoreFollowPanel()
    qtbot.addWidget(panel)
    bad = tmp_path / "minuet.musicxml"
    bad.write_text("<score-partwise><part", encoding="utf-8")
    with qtbot.assertNotEmitted(panel.follow_requested):
        panel.follow(str(bad))
        qtbot.waitUntil(lambda: panel.choose_button.isEnabled(), timeout=30_000)
    assert panel.status.text().startswith("minuet.musicxml is not a readable score")


@pytest.mark.fluidsynth
def test_the_window_follows_the_input_and_flashes_the_wrong_note(
    make_window, qtbot, tmp_path: Path, piece_a: Score
) -> None:
    faults = planted_faults(piece_a)["wrong note in bar 3"][0]
    take = tmp_path / "take.wav"
    sf.write(take, render(perform(piece_a, faults).notes, TIMGM), 44_100, subtype="FLOAT")
    score_path = write_piece(tmp_path / "piece_a.musicxml", PIECE_A)
    window = make_window()
    window.docks["Score"].raise_()
    panel = window.score_follow
    with qtbot.waitSignal(panel.follow_requested, timeout=30_000):
        panel.follow(str(score_path))
    window.start_input(InputChoice(file=take, loop=False, speed=2.0))
    seen: list[str] = []

    def reached_bar_6() -> bool:
        seen.append(panel.status.text())
        return panel.shown is not None and (panel.shown.state.bar or 0) >= 6

    qtbot.waitUntil(reached_bar_6, timeout=60_000)
    assert any("Wrong note: F4 in bar 3" in text for text in seen), sorted(set(seen))
    assert not any("Wrong note" in text and "bar 3" not in text for text in seen)
