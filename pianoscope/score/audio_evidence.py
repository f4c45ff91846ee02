"""What the audio itself says about a written note: is its pitch there, how fast it dies away,
how loud a stretch is. Used where the transcription is not to be trusted on its own.

All three read short FFT frames at times the score predicts (no full spectrogram), so they
cost microseconds per note. Levels are dBFS-like (20·log10 of magnitudes); only differences
between them are used.
"""

from __future__ import annotations

import numpy as np

from pianoscope.dsp.stft import magnitude

PITCH_FFT_SIZE = 8192  # 5.4 Hz bins at 44.1 kHz: a semitone is 3 bins from C4 up
DECAY_FFT_SIZE = 4096
RISE_FFT_SIZE = 4096  # 93 ms: the frame before an attack reaches back less far than 8192's
AFTER_ATTACK_S = 0.02
BEFORE_ATTACK_S = 0.01
# Below this the second harmonic is measured: a semitone spans too few bins at the fundamental.
LOW_FUNDAMENTAL_HZ = 250.0
PEAK_SEARCH_SEMITONES = 0.6
PEAK_MATCH_SEMITONES = 0.3
PRESENT_LEVEL_DB = -20.0
LEVEL_FRAME_S = 0.05


def _frame_magnitude(samples: np.ndarray, sample_rate_hz: int, start_s: float, size: int):
    start = max(round(start_s * sample_rate_hz), 0)
    frame = np.asarray(samples[start : start + size], dtype=np.float32)
    if frame.size < size:
        frame = np.pad(frame, (0, size - frame.size))
    return magnitude(frame[None, :])[0]


def _measured_freq_hz(midi: int) -> float:
    """The partial measured for a key: its fundamental, or its 2nd harmonic when low."""
    freq_hz = 440.0 * 2.0 ** ((midi - 69) / 12)
    return freq_hz * 2 if freq_hz < LOW_FUNDAMENTAL_HZ else freq_hz


def _bins(freq_hz: float, semitones: float, size: int, sample_rate_hz: int) -> slice:
    low = int(freq_hz * 2 ** (-semitones / 12) * size / sample_rate_hz)
    high = int(np.ceil(freq_hz * 2 ** (semitones / 12) * size / sample_rate_hz)) + 1
    return slice(max(low, 1), high)


def pitch_sounds(samples: np.ndarray, sample_rate_hz: int, time_s: float, midi: int) -> bool:
    """True when, just after `time_s`, the strongest peak within PEAK_SEARCH_SEMITONES of the
    key's partial lies within PEAK_MATCH_SEMITONES of it (not a neighbour's leakage) and is
    within PRESENT_LEVEL_DB of the loudest partial."""
    spectrum = _frame_magnitude(samples, sample_rate_hz, time_s + AFTER_ATTACK_S, PITCH_FFT_SIZE)
    loudest = float(spectrum.max())
    if loudest <= 0.0:
        return False
    freq_hz = _measured_freq_hz(midi)
    search = _bins(freq_hz, PEAK_SEARCH_SEMITONES, PITCH_FFT_SIZE, sample_rate_hz)
    peak_bin = search.start + int(np.argmax(spectrum[search]))
    peak_hz = peak_bin * sample_rate_hz / PITCH_FFT_SIZE
    on_pitch = abs(12 * np.log2(max(peak_hz, 1e-6) / freq_hz)) <= PEAK_MATCH_SEMITONES
    level_db = 20 * np.log10(max(float(spectrum[peak_bin]), 1e-12) / loudest)
    return bool(on_pitch and level_db >= PRESENT_LEVEL_DB)


def attack_rise_db(samples: np.ndarray, sample_rate_hz: int, time_s: float, midi: int) -> float:
    """How much the key's partial rises (dB) from the frame that ends just before `time_s` to
    the frame just after it: a key struck then rises by about 20 dB (median), a harmonic of a
    note held from before falls or stays (see `verification.HELD_HARMONIC_RISE_DB`)."""
    before_s = time_s - BEFORE_ATTACK_S - RISE_FFT_SIZE / sample_rate_hz
    after_s = time_s + AFTER_ATTACK_S
    return _partial_change_db(
        samples, sample_rate_hz, midi, PEAK_MATCH_SEMITONES, RISE_FFT_SIZE, before_s, after_s
    )


def sustain_drop_db(
    samples: np.ndarray, sample_rate_hz: int, onset_s: float, written_s: float, midi: int
) -> float:
    """How much the key's partial falls (dB) from just after the attack to just before the
    note's written end: a few dB for a held note, 10-25 dB for one released early."""
    window_s = DECAY_FFT_SIZE / sample_rate_hz
    late_s = max(onset_s + 0.9 * written_s - window_s, onset_s + AFTER_ATTACK_S)
    early_s = onset_s + AFTER_ATTACK_S
    return _partial_change_db(samples, sample_rate_hz, midi, 0.5, DECAY_FFT_SIZE, late_s, early_s)


def _partial_change_db(
    samples: np.ndarray,
    sample_rate_hz: int,
    midi: int,
    semitones: float,
    size: int,
    from_s: float,
    to_s: float,
) -> float:
    """dB from the key's measured partial (its strongest bin within `semitones`) in the
    `size`-sample frame at `from_s` to that at `to_s`."""
    band = _bins(_measured_freq_hz(midi), semitones, size, sample_rate_hz)
    start = _frame_magnitude(samples, sample_rate_hz, from_s, size)[band].max()
    end = _frame_magnitude(samples, sample_rate_hz, to_s, size)[band].max()
    return float(20 * np.log10(max(end, 1e-12) / max(start, 1e-12)))


def level_db(
    samples: np.ndarray, sample_rate_hz: int, start_s: float, end_s: float
) -> float | None:
    """Median level (dB) of the 50 ms frames between two times; None when too short."""
    frame = round(LEVEL_FRAME_S * sample_rate_hz)
    first, last = max(round(start_s * sample_rate_hz), 0), round(end_s * sample_rate_hz)
    count = (min(last, len(samples)) - first) // frame
    if count < 1:
        return None
    frames = np.asarray(samples[first : first + count * frame], dtype=np.float64).reshape(
        count, frame
    )
    rms = np.sqrt(np.mean(frames**2, axis=1))
    return float(np.median(20 * np.log10(np.maximum(rms, 1e-9))))
