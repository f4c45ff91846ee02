"""Frequency axes labelled with note names, for log-frequency spectra and spectrograms."""

from __future__ import annotations

import math

from pianoscope.dsp.pitch import midi_to_hz, note_name
from pianoscope.gui.qt import pg

# C1 .. C8, the octave marks a pianist reads at a glance.
_C_NOTES = [(midi_to_hz(m), note_name(m)) for m in range(24, 109, 12)]
_A_NOTES = [(midi_to_hz(m), note_name(m)) for m in range(21, 106, 12)]


class NoteAxis(pg.AxisItem):
    """An axis whose values are log10(Hz); labelled ticks at every C, plain ticks at every A.

    `show_hz` adds the frequency to each label where the axis has room (a vertical axis).
    """

    def __init__(self, orientation: str, *, show_hz: bool = False) -> None:
        super().__init__(orientation)
        self.show_hz = show_hz

    def tickValues(self, minVal, maxVal, size):
        major = [math.log10(f) for f, _ in _C_NOTES if minVal <= math.log10(f) <= maxVal]
        minor = [math.log10(f) for f, _ in _A_NOTES if minVal <= math.log10(f) <= maxVal]
        return [(1.0, major), (0.5, minor)]

    def tickStrings(self, values, scale, spacing):
        labels = []
        for value in values:
            freq_hz = 10.0**value
            nearest_hz, name = min(_C_NOTES + _A_NOTES, key=lambda item: abs(item[0] - freq_hz))
            if not name.startswith("C") or abs(nearest_hz / freq_hz - 1.0) > 1e-3:
                labels.append("")
            else:
                labels.append(f"{name} {freq_hz:.0f}" if self.show_hz else name)
        return labels
