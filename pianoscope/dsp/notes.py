"""A played note as every layer above the transcription sees it.

Notes are found by the note network (`pianoscope.transcription`); the hand-made pipeline that
lived here (spectral-flux onsets, iterative harmonic salience) was removed when the network
beat it on every held-out set (README, "Note transcription").
"""

from __future__ import annotations

from dataclasses import dataclass

from pianoscope.dsp.pitch import midi_to_hz, note_name


@dataclass(frozen=True)
class NoteEvent:
    """One played note; times in seconds from the start of the recording."""

    onset_s: float
    offset_s: float
    midi: int
    velocity: int
    confidence: float

    @property
    def name(self) -> str:
        return note_name(self.midi)

    @property
    def freq_hz(self) -> float:
        return midi_to_hz(self.midi)
