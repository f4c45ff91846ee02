"""Fitting the peak judge: the labels, and the command on a few clips."""

from __future__ import annotations

import numpy as np
import pytest

from pianoscope.model.training.render import FLUIDR3
from pianoscope.resources_path import resource_path
from pianoscope.transcription.harmonic_context import CONTEXT_FEATURES
from pianoscope.transcription.network import load_weights
from pianoscope.transcription.peak_judge import PEAK_FEATURES, PeakJudge
from pianoscope.transcription.spectrogram import (
    FRAME_RATE_HZ,
    KEY_COUNT,
    LOWEST_MIDI,
    SAMPLE_RATE_HZ,
)
from pianoscope.transcription.training.content import SoundingNote
from pianoscope.transcription.training.peak_judge_fit import (
    BASS_KEYS,
    EMPTY_ROOM_KINDS,
    EMPTY_ROOM_S,
    EMPTY_ROOM_SEED,
    HARMONIC_INTERVALS,
    HELD_CHORDS,
    PROBABILITY_THRESHOLDS,
    REPEATED_MELODY_SEED,
    TREE_ROUNDS,
    empty_room,
    fit_peak_judge,
    peak_labels,
    repeated_melodies,
)
from pianoscope.transcription.training.render_cache import RenderCache


def test_the_strongest_peak_near_each_played_onset_is_its_note() -> None:
    onset = np.zeros((100, KEY_COUNT), dtype=np.float32)
    key = 60 - LOWEST_MIDI
    frames = np.array([20, 21, 40, 60])
    keys = np.full(4, key)
    onset[frames, keys] = (0.4, 0.8, 0.9, 0.3)
    notes = [
        SoundingNote(20.5 / FRAME_RATE_HZ, 1.0, 60, 80),  # peaks at 20 and 21: the stronger
        SoundingNote(60 / FRAME_RATE_HZ + 0.045, 1.5, 60, 80),  # 45 ms from the peak at 60
        SoundingNote(80 / FRAME_RATE_HZ, 2.0, 60, 80),  # no peak near: labels nothing
    ]
    assert peak_labels(onset, frames, keys, notes).tolist() == [0, 1, 0, 1]


def test_about_half_the_repeated_melodies_basses_have_the_melody_key_as_a_harmonic() -> None:
    basses = harmonic = 0
    for phrase in repeated_melodies(REPEATED_MELODY_SEED, HELD_CHORDS):
        melody = {note.start_s: note.pitch for note in phrase.notes if note.pitch not in BASS_KEYS}
        for note in phrase.notes:
            if note.pitch in BASS_KEYS:
                basses += 1
                harmonic += melody[note.start_s] - note.pitch in HARMONIC_INTERVALS
    assert basses > 100
    assert 0.4 < harmonic / basses < 0.75  # half chosen so, a few of the others by chance


@pytest.mark.fluidsynth
def test_the_judge_is_fitted_on_a_few_clips_and_its_threshold_chosen(tmp_path) -> None:
    weights = load_weights(resource_path("note_model.npz"))
    judge = fit_peak_judge(
        weights,
        (FLUIDR3,),
        clips_per_piano=2,
        held_chords=4,
        single_keys=3,
        validation_clips_per_piano=1,
        cache=RenderCache(tmp_path),
    )
    assert isinstance(judge, PeakJudge)
    assert judge.trees.feature.max() < len(PEAK_FEATURES)
    assert judge.trees.feature.shape[0] == TREE_ROUNDS
    assert (judge.trees.left >= 0).any(axis=1).all()  # every tree splits
    assert judge.context is not None  # the second stage, which reads the first's context too
    assert judge.context.feature.max() < len(PEAK_FEATURES) + len(CONTEXT_FEATURES)
    assert judge.context.feature.shape[0] == TREE_ROUNDS
    assert judge.probability_threshold in PROBABILITY_THRESHOLDS


def test_the_empty_rooms_are_noise_or_hum_of_every_kind() -> None:
    rooms = [empty_room(EMPTY_ROOM_SEED, index) for index in range(len(EMPTY_ROOM_KINDS))]
    assert all(room.size == round(EMPTY_ROOM_S * SAMPLE_RATE_HZ) for room in rooms)
    spectra = [np.abs(np.fft.rfft(room)) for room in rooms]
    hertz = np.fft.rfftfreq(rooms[0].size, 1.0 / SAMPLE_RATE_HZ)
    white, pink, brown, hum = spectra[:4]
    high, low = hertz > 5000, (hertz > 100) & (hertz < 400)
    assert white[high].mean() > pink[high].mean() > brown[high].mean()
    mains = np.argmin(np.abs(hertz - 50.0)), np.argmin(np.abs(hertz - 60.0))
    assert max(hum[m] for m in mains) > 100 * np.median(hum[low])  # a line at 50 or 60 Hz
    assert not np.array_equal(empty_room(EMPTY_ROOM_SEED, 0), empty_room(EMPTY_ROOM_SEED + 1, 0))
