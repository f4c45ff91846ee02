"""Fitting the velocity reader: which played note a found note answers, the families left out
together, the command's steps on a few clips, and a piano the network does not hear left out."""

from __future__ import annotations

import numpy as np
import pytest

from pianoscope.dsp.notes import NoteEvent
from pianoscope.model.training.render import FLUIDR3, TIMGM
from pianoscope.resources_path import resource_path
from pianoscope.transcription.network import load_weights
from pianoscope.transcription.training.content import SoundingNote
from pianoscope.transcription.training.data import TRAINING_PIANOS
from pianoscope.transcription.training.render_cache import RenderCache
from pianoscope.transcription.training.velocity_fit import (
    TREE_ROUNDS,
    family,
    fitted_reader,
    heard_cases,
    leave_one_out,
    played_velocities,
    velocity_cases,
)
from pianoscope.transcription.velocity_reader import VELOCITY_FEATURES


def test_a_found_note_answers_the_nearest_played_onset_on_its_key() -> None:
    played = [
        SoundingNote(1.00, 2.0, 60, 50),
        SoundingNote(1.04, 2.0, 60, 90),  # nearer to the note found at 1.03
        SoundingNote(1.03, 2.0, 64, 70),  # another key
        SoundingNote(3.00, 4.0, 60, 30),
    ]
    found = [NoteEvent(t, t + 0.5, 60, 64, 0.9) for t in (1.03, 2.0, 3.049)]
    assert played_velocities(found, played) == [90, 0, 30]


def test_the_recordings_shared_by_two_pianos_are_one_family() -> None:
    families = {piano: family(piano) for piano in (*TRAINING_PIANOS, "steinway-b")}
    assert families["MuseScore_General_Lite.sf3"] == families["MuseScore_General_Full.sf3"]
    assert families["freepats-grand"] == families["freepats-bright"]
    assert len(set(families.values())) == 5


@pytest.mark.fluidsynth
def test_the_reader_is_fitted_and_left_out_by_family_on_a_few_clips(tmp_path) -> None:
    weights = load_weights(resource_path("note_model.npz"))
    cache = RenderCache(tmp_path)
    cases = [velocity_cases(weights, piano, 1, cache) for piano in (FLUIDR3, TIMGM)]
    for case in cases:
        assert len(case.played) >= 10  # a clip of 10 s holds dozens of notes
        assert case.features.shape == (len(case.played), len(VELOCITY_FEATURES))
        assert ((case.played >= 1) & (case.played <= 127)).all()
    reader = fitted_reader(cases)
    assert reader.feature.shape[0] == TREE_ROUNDS
    assert reader.feature.max() < len(VELOCITY_FEATURES)
    read = reader.sums(cases[0].features)
    assert np.corrcoef(read, cases[0].played)[0, 1] > 0.8  # it learnt its own notes
    scores = leave_one_out(cases)
    assert set(scores) == {FLUIDR3, TIMGM}
    assert all(-1.0 <= rho <= 1.0 for pair in scores.values() for rho in pair)


@pytest.mark.fluidsynth
def test_a_piano_whose_scale_the_network_does_not_hear_is_left_out(tmp_path, caplog) -> None:
    weights = load_weights(resource_path("note_model.npz"))
    weights["heads.bias"] = weights["heads.bias"] - 30.0  # onsets and frames never reach 0.5
    with caplog.at_level("WARNING"):
        cases = heard_cases(weights, (FLUIDR3,), 1, RenderCache(tmp_path))
    assert cases == []
    assert f"{FLUIDR3} left out" in caplog.text
