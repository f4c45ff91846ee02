"""What the audio says about a key: a struck key's partial rises at its attack, a held note's
harmonic does not (the second opinion that tells a note played on a held note's harmonic from
one left out, and a key struck again from the same key ringing on when the repeat is skipped)."""

from __future__ import annotations

import numpy as np
import pytest
from support.fluidr3_renders import Note, render_cached

from pianoscope.score.audio_evidence import attack_rise_db, pitch_sounds
from pianoscope.score.verification import HELD_HARMONIC_RISE_DB, RESTRUCK_RISE_DB

SAMPLE_RATE_HZ = 44_100


def _note(midi: int, onset_s: float, length_s: float, partials: int = 8) -> np.ndarray:
    """A decaying harmonic tone starting at `onset_s` in a 3 s buffer."""
    samples = np.zeros(3 * SAMPLE_RATE_HZ, dtype=np.float32)
    t = np.arange(round(length_s * SAMPLE_RATE_HZ)) / SAMPLE_RATE_HZ
    freq_hz = 440.0 * 2.0 ** ((midi - 69) / 12)
    tone = sum(np.sin(2 * np.pi * k * freq_hz * t) / k for k in range(1, partials + 1))
    start = round(onset_s * SAMPLE_RATE_HZ)
    samples[start : start + t.size] = (tone * np.exp(-t / 1.5)).astype(np.float32)
    return samples


def test_a_key_struck_on_a_held_notes_harmonic_rises_and_the_harmonic_alone_does_not() -> None:
    held_f2 = _note(41, 0.2, 2.5)  # F2: its 4th partial is F4
    struck_f4 = held_f2 + 0.5 * _note(65, 1.0, 1.5)
    assert pitch_sounds(held_f2, SAMPLE_RATE_HZ, 1.0, 65)  # the harmonic sounds either way
    assert attack_rise_db(struck_f4, SAMPLE_RATE_HZ, 1.0, 65) >= HELD_HARMONIC_RISE_DB
    assert attack_rise_db(held_f2, SAMPLE_RATE_HZ, 1.0, 65) < 1.0


@pytest.mark.fluidsynth
def test_a_key_struck_again_just_after_its_release_rises_and_its_skipped_repeat_does_not(
    tmp_path,
) -> None:
    # Piece A's bar 3 on FluidR3: G4 struck, released 25 ms before it is struck again, over a
    # held G2 whose 4th partial is G4 (too little rise for HELD_HARMONIC_RISE_DB).
    first = [Note(0.5, 1.4, 43, 72), Note(0.5, 0.725, 67, 72)]
    again = render_cached([*first, Note(0.75, 0.975, 67, 72)], tmp_path)
    skipped = render_cached(first, tmp_path)
    assert pitch_sounds(skipped, SAMPLE_RATE_HZ, 0.75, 67)  # the key sounds either way
    assert attack_rise_db(again, SAMPLE_RATE_HZ, 0.75, 67) >= RESTRUCK_RISE_DB
    assert attack_rise_db(skipped, SAMPLE_RATE_HZ, 0.75, 67) < RESTRUCK_RISE_DB
