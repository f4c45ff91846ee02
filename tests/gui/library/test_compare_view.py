"""The compare view names the reference's bars on its time axis and regroups with the meter."""

from __future__ import annotations

import numpy as np
import pytest

from pianoscope.app.library.compare import compare_takes
from pianoscope.gui.library.compare_view import CompareView
from pianoscope.gui.qt import QtGui

RATE_HZ = 22_050


def notes(durations_s: list[float], seed: int = 4) -> np.ndarray:
    """Decaying harmonic tones on random pitches, one per duration, after half a second."""
    pitches = np.random.default_rng(seed).integers(52, 80, size=len(durations_s))
    played = []
    for pitch, duration_s in zip(pitches, durations_s, strict=True):
        time_s = np.arange(round(duration_s * RATE_HZ)) / RATE_HZ
        freq_hz = 440 * 2 ** ((pitch - 69) / 12)
        played.append(
            sum(
                0.2 / n * np.exp(-3 * time_s) * np.sin(2 * np.pi * n * freq_hz * time_s)
                for n in (1, 2, 3)
            )
        )
    silence = np.zeros(RATE_HZ // 2)
    return np.concatenate([silence, *played, silence]).astype(np.float32)


@pytest.fixture(scope="module")
def comparison():
    """Eight bars of 4/4 at 150 bpm; the take plays bars 5-8 20 % slower."""
    reference = notes([0.4] * 32)
    take = notes([0.4] * 16 + [0.5] * 16)
    return compare_takes(reference, take, RATE_HZ)


def axis_texts(view: CompareView) -> list[str]:
    """The strings the level plot's time axis draws."""
    axis = view.level_plot.getAxis("bottom")
    image = QtGui.QImage(800, 100, QtGui.QImage.Format.Format_ARGB32)
    painter = QtGui.QPainter(image)
    try:
        _, _, texts = axis.generateDrawSpecs(painter)
    finally:
        painter.end()
    return [text for _, _, text in texts]


def shown_view(qtbot, comparison) -> CompareView:
    view = CompareView()
    qtbot.addWidget(view)
    view.resize(900, 700)
    view.show()
    view.show_comparison(comparison)
    return view


def test_the_time_axis_names_the_first_bar_of_each_section(qtbot, comparison):
    view = shown_view(qtbot, comparison)
    assert [label for _, label in view.bar_ticks] == ["bar 1", "bar 5"]
    assert view.bar_ticks[1][0] == pytest.approx(0.5 + 16 * 0.4, abs=0.05)
    qtbot.waitUntil(lambda: axis_texts(view) == ["bar 1", "bar 5"], timeout=3_000)
    assert view.section_labels == ["bars 5-8"]
    assert "In bars 5-8 the take is 20 % slower" in view.summary.text()


def test_changing_the_meter_regroups_the_bars(qtbot, comparison):
    view = shown_view(qtbot, comparison)
    view.beats_per_bar.setValue(2)
    assert view.comparison.meter.beats_per_bar == 2
    assert [label for _, label in view.bar_ticks] == ["bar 1", "bar 5", "bar 9", "bar 13"]
    assert view.section_labels == ["bars 9-12", "bars 13-16"]
    view.bars_per_section.setValue(8)
    assert view.section_labels == ["bars 9-16"]
    assert "In bars 9-16 the take is 20 % slower" in view.summary.text()


def test_without_a_steady_beat_the_axis_keeps_clock_time(qtbot):
    reference = notes([2.0] * 5)
    take = notes([2.5] * 5)
    view = CompareView()
    qtbot.addWidget(view)
    view.show_comparison(compare_takes(reference, take, RATE_HZ, section_s=4.0))
    assert view.bar_ticks == []
    assert "No steady beat" in view.summary.text()
    qtbot.waitUntil(lambda: len(axis_texts(view)) > 2, timeout=3_000)
    assert "bar" not in " ".join(axis_texts(view))
    assert all(" to " in label for label in view.section_labels)
