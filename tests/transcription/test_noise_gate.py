"""An empty room gives no notes: the note model reads noise alone relative to its own loudest
band, so notes must stand out of their key's noise floor, offline and live."""

from __future__ import annotations

import numpy as np
import pytest

from pianoscope.dsp.notes import NoteEvent
from pianoscope.model.training.augment import coloured_noise, mains_hum
from pianoscope.transcription.key_balance import note_levels_db
from pianoscope.transcription.live import LiveNotes
from pianoscope.transcription.noise_gate import (
    FLOOR_SMOOTHING_FRAMES,
    NOISE_MARGIN_DB,
    NoiseFloor,
)
from pianoscope.transcription.spectrogram import KEY_COUNT, LOWEST_MIDI, SAMPLE_RATE_HZ
from pianoscope.transcription.training.content import held_chord
from pianoscope.transcription.training.data import STEINWAY, render_dry
from pianoscope.transcription.transcriber import played_notes, transcribe_notes

ROOM_S = 6.0


def room(kind: str, level_dbfs: float, seed: int = 3) -> np.ndarray:
    """ROOM_S of an empty room: coloured noise or mains hum at `level_dbfs` (RMS)."""
    rng = np.random.default_rng(seed)
    size = round(ROOM_S * SAMPLE_RATE_HZ)
    sound = mains_hum(rng, size) if kind == "hum" else coloured_noise(rng, size, kind)
    rms = float(np.sqrt(np.mean(sound**2)))
    return (sound * 10.0 ** (level_dbfs / 20.0) / rms).astype(np.float32)


@pytest.mark.parametrize("kind", ["white", "pink", "brown", "hum"])
@pytest.mark.parametrize("level_dbfs", [-70.0, -45.0, -25.0])
def test_an_empty_room_has_no_notes(kind: str, level_dbfs: float) -> None:
    noise = room(kind, level_dbfs)
    assert transcribe_notes(noise, workers=1).notes == ()
    assert LiveNotes().feed(noise) == []


def test_without_the_floor_the_model_takes_noise_for_notes() -> None:
    """What the floor is for: 2 s windows (which keep every note) read notes in white noise."""
    window = room("white", -45.0)[: 2 * SAMPLE_RATE_HZ]
    assert len(played_notes(window, workers=1)) >= 3


def test_a_note_after_the_room_noise_is_heard_live_and_offline() -> None:
    """The floor learnt from the noise before the first note hides no note of the piano."""
    (note,) = render_dry(STEINWAY, [held_chord((57,), 4.0)])
    noise = room("pink", -65.0)
    take = np.concatenate([noise, note + room("pink", -65.0, seed=4)[: note.size]])
    onset_s = ROOM_S + 0.3
    offline = transcribe_notes(take, workers=1).notes
    live = LiveNotes().feed(np.concatenate([take, np.zeros(SAMPLE_RATE_HZ, np.float32)]))
    for notes in (offline, live):
        assert [n.midi for n in notes if abs(n.onset_s - onset_s) <= 0.05].count(57) == 1
        assert all(n.onset_s > ROOM_S for n in notes)


def test_the_floor_is_each_keys_quietest_smoothed_level_without_digital_silence() -> None:
    """Each key's level holds its octave's power too (two harmonics): -60 dB on both reads
    -57 dB."""
    levels = np.full((100, KEY_COUNT), -60.0, dtype=np.float32)
    levels[:20] = -400.0  # digital silence: left out, and so is its edge with the noise
    levels[50:60, [10, 22]] = -80.0  # ten quiet frames on a key and its octave
    levels[70, [20, 32]] = -90.0  # one frame's dip, smoothed away
    floor = NoiseFloor.of(levels).key_levels_db
    both = -60.0 + 10.0 * np.log10(2.0)
    assert floor[10] == pytest.approx(-80.0 + 10.0 * np.log10(2.0), abs=0.01)
    assert floor[40] == pytest.approx(both, abs=0.01)
    smoothed_dip = both + 10.0 * np.log10(
        (FLOOR_SMOOTHING_FRAMES - 1 + 1e-3) / FLOOR_SMOOTHING_FRAMES
    )
    assert floor[20] == pytest.approx(smoothed_dip, abs=0.01)
    assert floor[-1] == pytest.approx(-60.0, abs=0.01)  # no octave above the top key
    quieter = NoiseFloor(floor - 5.0)
    np.testing.assert_array_equal(NoiseFloor.of(levels).joined(quieter).key_levels_db, floor - 5.0)
    assert np.isinf(NoiseFloor.of(np.full((10, KEY_COUNT), -400.0)).key_levels_db).all()


def test_a_note_is_kept_only_when_it_stands_out_of_its_keys_floor() -> None:
    levels = np.full((100, KEY_COUNT), -60.0, dtype=np.float32)
    loud, faint = 60 - LOWEST_MIDI, 72 - LOWEST_MIDI
    levels[50:55, loud] = -60.0 + NOISE_MARGIN_DB + 3.0
    levels[50:55, faint] = -60.0 + NOISE_MARGIN_DB - 3.0
    notes = [NoteEvent(1.0, 1.5, 60, 64, 0.9), NoteEvent(1.0, 1.5, 72, 64, 0.9)]
    floor = NoiseFloor.of(levels)
    assert floor.stands_out(notes, note_levels_db(levels, notes)).tolist() == [True, False]
