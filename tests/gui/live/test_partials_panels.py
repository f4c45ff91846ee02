"""The partials table and the spectrum's markers show the sounding note's partials first and
leave noise peaks out (real widgets, offscreen)."""

from __future__ import annotations

import numpy as np
import scipy.signal
from support.synthetic_recordings import SAMPLE_RATE_HZ, piano_like

from pianoscope.app.live.frame_analysis import build_live_frame
from pianoscope.dsp.frame import analyse_frame
from pianoscope.gui.live.panels.partials_table import COLUMNS, PartialsTable
from pianoscope.gui.live.panels.spectrum import SpectrumPanel
from pianoscope.gui.qt import QtWidgets

FFT_SIZE = 8192


def a3_in_rumble_with_a_whistle():
    """A3 0.1 s after its attack, a 3 kHz whistle, and 200 Hz rumble that peaks everywhere."""
    time_s = np.arange(FFT_SIZE) / SAMPLE_RATE_HZ
    tone = piano_like(57, 0.5)[4410 : 4410 + FFT_SIZE]
    rumble = scipy.signal.lfilter(
        *scipy.signal.butter(2, 200 / (SAMPLE_RATE_HZ / 2)),
        np.random.default_rng(0).normal(0.0, 1.0, 4 * FFT_SIZE),
    )[-FFT_SIZE:]
    samples = tone + 0.01 * np.sin(2 * np.pi * 3_000.0 * time_s) + rumble / np.std(rumble) * 1e-2
    analysis = analyse_frame(samples.astype(np.float32), SAMPLE_RATE_HZ)
    frame = build_live_frame(
        analysis,
        end_index=FFT_SIZE,
        time_s=FFT_SIZE / SAMPLE_RATE_HZ,
        sample_rate_hz=SAMPLE_RATE_HZ,
        scope=samples[:1000],
        newest=samples[-512:],
    )
    return analysis, frame


def test_the_table_lists_harmonics_in_order_then_the_whistle_and_no_rumble(qtbot) -> None:
    analysis, frame = a3_in_rumble_with_a_whistle()
    assert sum(p.harmonic is None for p in analysis.partials) > 5  # rumble peaks were found
    table = PartialsTable()
    qtbot.addWidget(table)
    table.show_frame(frame)
    column = {name: COLUMNS.index(name) for name in COLUMNS}
    rows = [[table.item(row, c).text() for c in range(len(COLUMNS))] for row in range(24)]
    shown = [row for row in rows if row[0] or row[1]]
    assert [row[column["harmonic"]] for row in shown] == [str(n) for n in range(1, 13)] + ["–"]
    assert abs(float(shown[-1][column["freq (Hz)"]]) - 3000.0) < 1.0
    assert table.shown_rows == len(shown) == 13


def test_the_spectrum_marks_only_the_shown_partials(qtbot) -> None:
    _, frame = a3_in_rumble_with_a_whistle()
    panel = SpectrumPanel(log_scale=False)
    qtbot.addWidget(panel)
    panel.show_frame(frame)
    marked_hz, _ = panel.markers.getData()
    assert sorted(np.round(marked_hz)) == sorted(round(p.freq_hz) for p in frame.shown_partials)
    assert len(marked_hz) == 13


def test_every_header_fits_the_docked_table_and_says_what_it_means(qtbot) -> None:
    """At the width the live window docks the table (about 390 px at its default size) no
    header is cut ("level (dBFS)" was shown as "evel (dBFS"), and each explains itself."""
    table = PartialsTable()
    qtbot.addWidget(table)
    table.resize(390, 200)
    table.show()
    qtbot.waitExposed(table)
    header = table.horizontalHeader()
    margin = table.style().pixelMetric(QtWidgets.QStyle.PixelMetric.PM_HeaderMargin)
    for column, label in enumerate(COLUMNS):
        needed = header.fontMetrics().horizontalAdvance(label) + 2 * margin
        assert header.sectionSize(column) >= needed, label
        assert table.horizontalHeaderItem(column).toolTip(), label
