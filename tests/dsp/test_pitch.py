from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.signal import butter, sosfiltfilt

from pianoscope.dsp import pitch
from pianoscope.dsp.corrected_spectrum import estimate_partials
from pianoscope.dsp.pitch import estimate_pitch, hz_to_midi, midi_to_hz, note_name

SAMPLE_RATE_HZ = 44_100
FFT_SIZE = 8192


def zero_crossing_pitch_hz(samples: np.ndarray, nominal_hz: float) -> float:
    """Reference pitch independent of the spectrum: the mean period between upward zero
    crossings of the signal band-passed to +-5 % around the first or second harmonic,
    whichever is louder (bass strings have weak fundamentals)."""
    best_rms, best_hz = -1.0, nominal_hz
    for harmonic in (1, 2):
        centre_hz = harmonic * nominal_hz
        sos = butter(
            4, [centre_hz * 0.95, centre_hz * 1.05], "bandpass", fs=SAMPLE_RATE_HZ, output="sos"
        )
        band = sosfiltfilt(sos, samples.astype(np.float64))
        rms = float(np.sqrt(np.mean(band**2)))
        if rms <= best_rms:
            continue
        rising = np.flatnonzero((band[:-1] < 0) & (band[1:] >= 0))
        exact = rising + band[rising] / (band[rising] - band[rising + 1])
        best_rms = rms
        best_hz = (exact.size - 1) * SAMPLE_RATE_HZ / (exact[-1] - exact[0]) / harmonic
    return best_hz


def test_note_names_follow_scientific_pitch() -> None:
    assert [note_name(m) for m in (21, 60, 61, 69, 108)] == ["A0", "C4", "C#4", "A4", "C8"]
    assert midi_to_hz(69) == 440.0
    assert hz_to_midi(261.6256) == pytest.approx(60.0, abs=1e-4)


def test_pure_harmonic_tone_gives_its_note_and_cents() -> None:
    time_s = np.arange(FFT_SIZE) / SAMPLE_RATE_HZ
    f0_hz = midi_to_hz(57 + 0.123)
    frame = sum(0.2 / n * np.sin(2 * np.pi * n * f0_hz * time_s) for n in range(2, 9))
    estimate = estimate_pitch(estimate_partials(frame, SAMPLE_RATE_HZ))
    assert estimate is not None
    assert (estimate.note, estimate.midi) == ("A3", 57)
    assert estimate.cents == pytest.approx(12.3, abs=0.5)


@pytest.mark.fluidsynth
def test_fluidr3_keyboard_f0_within_5_cents(keyboard_sweep) -> None:
    notes, samples = keyboard_sweep
    rows = []
    for note in notes:
        start = round((note.onset_s + 0.15) * SAMPLE_RATE_HZ)
        estimate = estimate_pitch(
            estimate_partials(samples[start : start + FFT_SIZE], SAMPLE_RATE_HZ)
        )
        assert estimate is not None, note_name(note.midi)
        held = samples[start : round((note.offset_s - 0.05) * SAMPLE_RATE_HZ)]
        reference_cents = 1200 * np.log2(
            zero_crossing_pitch_hz(held, midi_to_hz(note.midi)) / midi_to_hz(note.midi)
        )
        rows.append(
            (
                note.midi,
                estimate.midi,
                100 * (hz_to_midi(estimate.f0_hz) - note.midi),
                reference_cents,
            )
        )
    table = np.array(rows)
    in_range = (table[:, 0] >= 33) & (table[:, 0] <= 96)  # A1..C7
    exact = table[:, 1] == table[:, 0]
    within_midi = exact & (np.abs(table[:, 2]) <= 5.0)
    within_reference = exact & (np.abs(table[:, 2] - table[:, 3]) <= 5.0)
    for midi, found, cents, reference in rows:
        if found != midi or abs(cents) > 5.0:
            print(
                f"{note_name(midi):>4}: found {note_name(int(found))} {cents:+6.1f} cents "
                f"from the MIDI pitch; the rendered tone itself is {reference:+6.1f} cents"
            )
    print(
        f"A1-C7: exact note {exact[in_range].mean():.1%}, within 5 cents of the MIDI pitch "
        f"{within_midi[in_range].mean():.1%}, within 5 cents of the rendered tone's own pitch "
        f"{within_reference[in_range].mean():.1%}; A0-C8 exact note {exact.mean():.1%}"
    )
    assert exact[in_range].mean() >= 0.95
    assert within_reference[in_range].mean() >= 0.95


def _one_candidate_score(candidate_hz: float, freq_hz: np.ndarray, weights: np.ndarray) -> float:
    """The scoring rule written out for one candidate, as the module docstring states it."""
    matched = [
        (round(f / candidate_hz), w)
        for f, w in zip(freq_hz, weights, strict=True)
        if _matches(f, w, candidate_hz)
    ]
    if not matched:
        return 0.0
    present = {n for n, _ in matched}
    missing = max(present) - len(present)
    strongest = max(w for _, w in matched)
    return sum(w for _, w in matched) - pitch._MISSING_PENALTY * strongest * missing


def _matches(f: float, w: float, candidate_hz: float) -> bool:
    # The deviation is taken from the ratio f / candidate as the module does: written as
    # f / (n * candidate) it rounds differently, and a partial exactly on a window's edge
    # would then match in one and not the other.
    ratio = f / candidate_hz
    n = round(ratio)
    deviation = ratio / max(n, 1) - 1.0
    return bool(
        w > 0
        and 1 <= n <= pitch._MAX_HARMONIC
        and -pitch.MATCH_FLAT <= deviation <= pitch.MATCH_SHARP + pitch.MATCH_STRETCH * n * n
        and abs(ratio - n) <= 0.4
    )


@settings(max_examples=200, deadline=None)
@given(
    f0=st.floats(30.0, 2000.0),
    harmonics=st.lists(st.integers(1, 20), min_size=1, max_size=12),
    jitter=st.floats(-0.02, 0.02),
    weights=st.lists(st.floats(0.0, 1.0), min_size=12, max_size=12),
)
def test_all_candidates_scored_at_once_match_the_rule_for_one(f0, harmonics, jitter, weights):
    freq_hz = np.array([n * f0 * (1.0 + jitter * (i % 3 - 1)) for i, n in enumerate(harmonics)])
    weight = np.array(weights[: freq_hz.size])
    candidates = (freq_hz[:, None] / np.arange(1, 9)[None, :]).ravel()
    expected = [_one_candidate_score(c, freq_hz, weight) for c in candidates]
    np.testing.assert_allclose(pitch._scores(candidates, freq_hz, weight), expected, atol=1e-12)
