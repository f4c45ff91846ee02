"""Where a key's partials lie: cents from the equal-tempered harmonics, whatever the level."""

from __future__ import annotations

import math

import numpy as np
from support.stiff_strings import SAMPLE_RATE_HZ, stiff_string_piano

from pianoscope.dsp.key_partials import FRAME_SAMPLES, MAX_HARMONIC, key_partials
from pianoscope.dsp.pitch import midi_to_hz


def test_a_stiff_strings_partials_read_as_its_tuning_and_stretch() -> None:
    piano = stiff_string_piano(inharmonicity_b=4e-4, seed=0)
    readings = key_partials(piano.note(60), SAMPLE_RATE_HZ)
    assert len(readings) >= 2 and set(readings.midi.tolist()) == {60}
    expected = [
        1200.0 * math.log2(piano.partial_hz(60, n) / (n * midi_to_hz(60)))
        for n in range(1, MAX_HARMONIC + 1)
    ]
    measured = np.nanmedian(readings.cents[:, :8], axis=0)
    for n in (1, 2, 4, 8):
        assert abs(measured[n - 1] - expected[n - 1]) < 0.5, n
    assert expected[7] - expected[0] > 20.0  # the eighth partial is stretched far sharp


def test_readings_do_not_depend_on_the_level() -> None:
    piano = stiff_string_piano(inharmonicity_b=4e-4, seed=0)
    loud = key_partials(piano.melody(seed=1, notes=6, gain=0.3), SAMPLE_RATE_HZ)
    soft = key_partials(piano.melody(seed=1, notes=6, gain=0.003), SAMPLE_RATE_HZ)
    assert np.array_equal(loud.midi, soft.midi)
    assert np.allclose(loud.cents, soft.cents, atol=0.05, equal_nan=True)


def test_silence_gives_no_reading() -> None:
    readings = key_partials(np.zeros(4 * FRAME_SAMPLES, dtype=np.float32), SAMPLE_RATE_HZ)
    assert len(readings) == 0 and readings.cents.shape == (0, MAX_HARMONIC)


def test_overlapping_frames_add_readings_between_the_consecutive_ones() -> None:
    melody = stiff_string_piano(inharmonicity_b=4e-4, seed=0).melody(seed=2, notes=4)
    consecutive = key_partials(melody, SAMPLE_RATE_HZ)
    overlapping = key_partials(melody, SAMPLE_RATE_HZ, hop_samples=FRAME_SAMPLES // 2)
    assert len(overlapping) >= 2 * len(consecutive) - 1
    assert np.array_equal(overlapping.midi[::2][: len(consecutive)], consecutive.midi)
