"""The learned transcription on rendered playing: scale, streaming, repeats, silence."""

from __future__ import annotations

import numpy as np
import pytest

from pianoscope.dsp.levels import signal_reference_level_db
from pianoscope.model.calibration import calibrate
from pianoscope.model.training.midi_gen import Note, Phrase
from pianoscope.model.training.render import FLUIDR3
from pianoscope.model.training.synth import calibration_phrase
from pianoscope.transcription.training.data import render_clips, render_dry
from pianoscope.transcription.transcriber import (
    NoteTranscriber,
    played_notes,
    shipped_weights,
    transcribe_notes,
)


def note_keys(samples: np.ndarray) -> set[tuple[int, int]]:
    """(MIDI, onset in 20 ms frames) of every note found."""
    return {(n.midi, round(n.onset_s * 50)) for n in transcribe_notes(samples).notes}


@pytest.fixture(scope="module")
def room_clips():
    return render_clips(FLUIDR3, range(20_000, 20_003))


@pytest.mark.fluidsynth
@pytest.mark.parametrize("scale", [0.01, 100.0])
def test_scaling_the_input_changes_at_most_one_percent_of_the_notes(room_clips, scale) -> None:
    reference = set().union(*(note_keys(c.samples) for c in room_clips))
    scaled = set().union(*(note_keys(c.samples * np.float32(scale)) for c in room_clips))
    changed = len(reference ^ scaled)
    print(f"x{scale}: {len(reference)} notes, {changed} changed")
    assert len(reference) >= 50  # so that 1 % is under one note: no note may change
    assert changed <= 0.01 * len(reference)


@pytest.mark.fluidsynth
def test_block_size_does_not_change_the_notes(room_clips) -> None:
    samples = room_clips[0].samples
    streamed = NoteTranscriber(reference_db=signal_reference_level_db(samples, 44_100))
    for start in range(0, samples.size, 12_345):
        streamed.feed(samples[start : start + 12_345])
    assert streamed.finish().notes == transcribe_notes(samples).notes


@pytest.mark.fluidsynth
def test_the_notes_alone_are_the_notes_of_the_whole_transcription(room_clips) -> None:
    samples = room_clips[0].samples
    # the notes alone are the rules' (no peak judge; `played_notes` says why)
    rules = {name: value for name, value in shipped_weights().items() if "judge" not in name}
    assert len(transcribe_notes(samples, rules).notes) >= 10
    assert played_notes(samples) == transcribe_notes(samples, rules).notes
    assert played_notes(samples) != transcribe_notes(samples).notes
    without_tempo = NoteTranscriber(reference_db=-20.0, with_tempo=False)
    without_tempo.feed(samples)
    with pytest.raises(ValueError, match="onset strength"):
        without_tempo.finish()


@pytest.mark.fluidsynth
def test_two_threads_find_the_notes_one_thread_finds(room_clips) -> None:
    samples = np.concatenate([clip.samples for clip in room_clips])  # 30 s: two pieces
    one = transcribe_notes(samples, workers=1).notes
    assert len(one) >= 50
    assert transcribe_notes(samples, workers=2).notes == one


@pytest.mark.fluidsynth
@pytest.mark.parametrize(
    "step_s",
    [0.08, 0.1, 0.125],
)
def test_fast_repeated_notes_are_each_a_note(step_s: float) -> None:
    notes = tuple(Note(0.3 + k * step_s, 0.6 * step_s, 64, 90) for k in range(8))
    (samples,) = render_dry(FLUIDR3, [Phrase("repeats", "f", notes, (), 0.0, 2.0)])
    onsets = [n.onset_s for n in transcribe_notes(samples).notes if n.midi == 64]
    print(f"{step_s * 1000:.0f} ms apart: {np.round(onsets, 3)}")
    assert len(onsets) == 8
    assert np.allclose(onsets, 0.3 + step_s * np.arange(8), atol=0.05)


def test_silence_has_no_notes_and_no_tempo() -> None:
    result = transcribe_notes(np.zeros(44_100 * 2, dtype=np.float32))
    assert result.notes == () and result.tempo_bpm is None


@pytest.mark.fluidsynth
def test_a_calibrated_take_reads_its_velocities_relative_to_its_calibration(room_clips) -> None:
    """The same playing recorded 18 dB hotter, calibrated through the same microphone gain,
    reads the same velocities; uncalibrated, it reads louder, its forte notes at 127."""
    samples = room_clips[0].samples
    (mf_notes,) = render_dry(FLUIDR3, [calibration_phrase()])
    hot = np.float32(10.0 ** (18.0 / 20.0))
    as_played = transcribe_notes(samples, calibration=calibrate(mf_notes)).notes
    recorded_hot = transcribe_notes(samples * hot, calibration=calibrate(mf_notes * hot)).notes
    uncalibrated_hot = transcribe_notes(samples * hot).notes
    assert [n.midi for n in as_played] == [n.midi for n in recorded_hot]
    velocities = np.array([[n.velocity for n in notes] for notes in (as_played, recorded_hot)])
    assert np.abs(velocities[0] - velocities[1]).max() <= 1
    saturated = [sum(n.velocity == 127 for n in notes) for notes in (as_played, uncalibrated_hot)]
    print(f"notes at 127: calibrated {saturated[0]}, uncalibrated 18 dB hot {saturated[1]}")
    assert saturated[1] > saturated[0]
