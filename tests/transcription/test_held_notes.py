"""One key press is one note, however long it is held and however its partials beat."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import ALL_PIANOS, HELD_CASES

from pianoscope.model.training.augment import add_reverb
from pianoscope.transcription.transcriber import transcribe_notes


@pytest.mark.fluidsynth
@pytest.mark.parametrize("reverb", [False, True], ids=["dry", "room"])
@pytest.mark.parametrize("piano", ALL_PIANOS)
def test_held_notes_and_chords_are_one_note_per_key(held_renderings, piano, reverb) -> None:
    found_per_case = {}
    for (name, phrase), samples in zip(HELD_CASES.items(), held_renderings[piano], strict=True):
        if reverb:
            samples = add_reverb(samples, np.random.default_rng(7), 1.2, 0.5)
        notes = transcribe_notes(samples).notes
        on_time = all(abs(n.onset_s - phrase.notes[0].start_s) <= 0.05 for n in notes)
        found_per_case[name] = (sorted(n.midi for n in notes), on_time)
    expected = {
        name: (sorted(n.pitch for n in phrase.notes), True) for name, phrase in HELD_CASES.items()
    }
    assert found_per_case == expected
