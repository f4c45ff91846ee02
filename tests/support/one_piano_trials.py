"""Enrol one unseen piano and count, on new renderings, how its windows and others' are named.

Shared by the acceptance test (`tests/model/test_one_piano.py`) and `bench/bench_one_piano.py`.
The shipped weights and the shipped other pianos are used as they are; the unseen pianos are
only test subjects (`support.unseen_pianos`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from support.unseen_pianos import UNSEEN_PIANOS, unseen_playing

from pianoscope.model.enrolled import EnrolledClassifier
from pianoscope.model.enrolment import Enrolment, enrol, trunk_fingerprint
from pianoscope.model.inference import WEIGHTS_NAME, WINDOW_SAMPLES
from pianoscope.model.other_pianos import load_other_pianos, other_pianos_path
from pianoscope.model.weights import load_weights
from pianoscope.resources_path import resource_path

HOP_SAMPLES = 22_050  # a window every 0.5 s
GAINS_DB = (-6.0, 0.0, 6.0)  # the level at which new playing is heard


@dataclass(frozen=True)
class OnePianoTrial:
    """One piano enrolled from 90 s; shares of sounding windows named as it, on 90 s of new
    music, for it and for each other piano, over `GAINS_DB`."""

    enrolled: str
    enrolment: Enrolment
    mine: float
    others: dict[str, float]  # piano -> share of its windows named "another piano"


def one_piano_trial(enrolled: str) -> OnePianoTrial:
    """Enrol `enrolled` (seed 1) and judge new renderings (seed 2) of all unseen pianos."""
    torch.manual_seed(0)
    torch.set_num_threads(1)
    weights = resource_path(WEIGHTS_NAME)
    loaded = load_weights(weights)
    others = load_other_pianos(other_pianos_path(weights), trunk_fingerprint(loaded.network))
    enrolment = enrol({enrolled: [unseen_playing(enrolled, seed=1)]}, loaded.network, others=others)
    classifier = EnrolledClassifier(enrolment, load_weights(weights))
    shares = {
        name: _named_share(classifier, unseen_playing(name, seed=2), enrolled)
        for name in UNSEEN_PIANOS
    }
    return OnePianoTrial(
        enrolled=enrolled,
        enrolment=enrolment,
        mine=shares[enrolled],
        others={name: 1.0 - share for name, share in shares.items() if name != enrolled},
    )


def _named_share(classifier: EnrolledClassifier, audio: np.ndarray, name: str) -> float:
    """The share of sounding windows whose piano label is `name`."""
    labels = []
    for gain_db in GAINS_DB:
        gained = audio * np.float32(10.0 ** (gain_db / 20.0))
        for start in range(0, gained.size - WINDOW_SAMPLES + 1, HOP_SAMPLES):
            prediction = classifier.predict(gained[start : start + WINDOW_SAMPLES])
            if not prediction.is_silent:
                labels.append(prediction.piano_label)
    return sum(label == name for label in labels) / len(labels)
