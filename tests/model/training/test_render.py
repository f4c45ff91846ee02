"""FluidSynth rendering: large pitch-wheel detuning (re-voicing) and the slot reset after it."""

from __future__ import annotations

import mido
import pytest

from pianoscope.dsp.frame import analyse_frame
from pianoscope.model.training.midi_gen import Note, Phrase
from pianoscope.model.training.render import (
    FLUIDR3,
    RENDER_TIMEOUT_S,
    MidiSlot,
    RenderError,
    render_midi,
    render_phrases,
    render_timeout_s,
)
from pianoscope.model.training.synth import transposed

pytestmark = pytest.mark.fluidsynth


def _pitch(clip):
    analysis = analyse_frame(clip[4410 : 4410 + 8192], 44_100)
    assert analysis.pitch is not None
    return analysis.pitch.midi, analysis.pitch.cents


def test_keys_played_a_fifth_up_and_bent_back_sound_at_the_written_pitch():
    phrase = Phrase("staccato", "mf", (Note(0.05, 1.5, 60, 80),), (), 120.0, 2.0)
    plain, up, down, after = render_phrases(
        [
            MidiSlot(phrase, 0),
            MidiSlot(transposed(phrase, 7), 0, -700.0),
            MidiSlot(transposed(phrase, -8), 0, 800.0),
            MidiSlot(phrase, 0),  # the wider bend range must not leak into the next slot
        ],
        FLUIDR3,
    )
    for clip in (plain, up, down, after):
        midi, cents = _pitch(clip)
        assert midi == 60 and abs(cents) < 15.0
    assert abs(_pitch(after)[1] - _pitch(plain)[1]) < 0.5
    assert (up != plain).any()  # other samples: another register's timbre


def test_transposition_keeps_keys_on_the_keyboard():
    phrase = Phrase("legato", "p", (Note(0.0, 0.5, 22, 50), Note(0.5, 0.5, 107, 50)), (), 90, 1.0)
    assert [n.pitch for n in transposed(phrase, 5).notes] == [27, 108]
    assert [n.pitch for n in transposed(phrase, -5).notes] == [21, 102]


def test_a_render_that_takes_too_long_is_stopped_with_a_clear_error(tmp_path):
    midi_path = tmp_path / "one-second.mid"
    track = mido.MidiTrack(
        [mido.Message("note_on", note=60, velocity=80), mido.Message("note_off", note=60, time=960)]
    )
    mido.MidiFile(tracks=[track], ticks_per_beat=480).save(midi_path)
    assert render_timeout_s(midi_path) == RENDER_TIMEOUT_S  # one second of music
    with pytest.raises(RenderError, match="took longer than"):
        render_midi(midi_path, FLUIDR3, timeout_s=0.001)
