"""Piano roll of the detected notes; clicking a note tells its pitch, velocity and time."""

from __future__ import annotations

import numpy as np

from pianoscope.analysis.result import Analysis
from pianoscope.dsp.notes import NoteEvent
from pianoscope.dsp.pitch import note_name
from pianoscope.gui.qt import QtCore, pg
from pianoscope.gui.review.time_plot import TimePlot

LOW_MIDI, HIGH_MIDI = 21, 108


def velocity_brush(velocity: int):
    """Darker for louder, like ink on a roll."""
    shade = int(np.interp(velocity, (20, 127), (200, 20)))
    return pg.mkBrush(30, shade, 200 - shade // 2)


def note_text(note: NoteEvent) -> str:
    return (
        f"{note.name} (MIDI {note.midi}, {note.freq_hz:.1f} Hz)  velocity {note.velocity}  "
        f"{note.onset_s:.3f}–{note.offset_s:.3f} s  confidence {note.confidence:.2f}"
    )


class PianoRoll(TimePlot):
    note_picked = QtCore.Signal(object)

    def __init__(self) -> None:
        super().__init__("notes")
        self.setYRange(LOW_MIDI, HIGH_MIDI, padding=0)
        self.getAxis("left").setTicks(
            [[(m + 0.5, note_name(m)) for m in range(24, HIGH_MIDI + 1, 12)]]
        )
        self.notes: tuple[NoteEvent, ...] = ()
        self.bars: pg.BarGraphItem | None = None
        self.picked: NoteEvent | None = None

    def show_analysis(self, analysis: Analysis) -> None:
        if self.bars is not None:
            self.removeItem(self.bars)
        self.notes = analysis.notes
        if not self.notes:
            self.bars = None
            return
        midi = np.array([n.midi for n in self.notes])
        self.bars = pg.BarGraphItem(
            x0=np.array([n.onset_s for n in self.notes]),
            y0=midi + 0.1,
            width=np.array([max(n.offset_s - n.onset_s, 0.02) for n in self.notes]),
            height=np.full(midi.size, 0.8),
            brushes=[velocity_brush(n.velocity) for n in self.notes],
            pen=pg.mkPen(None),
        )
        self.addItem(self.bars)
        self.setYRange(max(LOW_MIDI, midi.min() - 3), min(HIGH_MIDI, midi.max() + 4), padding=0)

    def note_at(self, time_s: float, midi: float) -> NoteEvent | None:
        for note in self.notes:
            if note.onset_s <= time_s <= max(note.offset_s, note.onset_s + 0.02) and (
                note.midi <= midi < note.midi + 1
            ):
                return note
        return None

    def clicked_at(self, time_s: float, scene_position: QtCore.QPointF) -> None:
        midi = float(self.plotItem.vb.mapSceneToView(scene_position).y())
        note = self.note_at(time_s, midi)
        if note is not None:
            self.picked = note
            self.note_picked.emit(note)
        super().clicked_at(time_s, scene_position)
