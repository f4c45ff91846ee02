"""Polyphonic note events: onsets from spectral flux, pitches by iterative harmonic salience.

Spectra are reduced to a peak map on a 1/3-semitone axis (`pitch_bands`). At each onset the
map just after it is compared with the one just before; what is new (the positive difference)
holds the partials of the notes that started. The key with the largest harmonic salience (sum
of its first HARMONICS harmonics' amplitudes, weighted 1/sqrt(n), times the squared share of its
low harmonics that are present) is taken, its harmonics are cancelled with a spectral-smoothness
estimate of its own amplitudes (Klapuri 2006), so a shared partial keeps what the other notes
put into it, and the search repeats until the salience falls below a floor or a fraction of
the first note's. The floor is MIN_SALIENCE_DB below the take's reference level (its loudest
100 ms, `pianoscope.dsp.levels.reference_level_db`), and every other test compares levels
within the take, so the notes found do not depend on the recording's gain. An onset with
nothing new is taken as a soft re-strike of the key still sounding. A note ends when its two
lowest harmonics fall NOTE_END_DROP_DB below their peak or the key is struck again.

Velocity is an estimate from level only: 127 · 10^((L − VELOCITY_127_DB) / 40) for the note's
strongest new partial L in dBFS (the General MIDI curve, amplitude ∝ velocity²), calibrated on
FluidR3 at render gain 0.5; another input needs its own calibration. It is the one absolute
figure here, on purpose: like the classifier's intensity it reads how loud the playing is,
which a take-relative scale would lose (a take played pp throughout would read ff), so a
recording made with more gain reads louder, as it does in the live view until calibrated.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from pianoscope.dsp.pitch import midi_to_hz, note_name

LOWEST_MIDI = 21
HIGHEST_MIDI = 108
BANDS_PER_SEMITONE = 3
BAND_COUNT = 300  # MIDI 21 to 120.7 (8.6 kHz): the first harmonics of every key
HARMONICS = 10
HARMONIC_WEIGHT_EXPONENT = 0.5
MAX_POLYPHONY = 6
PRESENCE_HARMONICS = 6
PRESENCE_RATIO = 10 ** (-30 / 20)  # a harmonic within 30 dB of the loudest new partial counts
# A key needs its 1st or 2nd harmonic within this of its strongest (see _has_low_harmonics).
LOW_HARMONIC_DROP_DB = 20.0
# A re-strike's harmonics keep at least this share of their level from before the onset.
RESTRIKE_MIN_RATIO = 0.7
# Windows placed so the 8192-sample frames see 180 ms after and before the attack.
AFTER_ONSET_S = 0.09
BEFORE_ONSET_S = 0.11
# A key whose harmonics sum to less than one partial this far below the take's reference level
# is not a note. -70 dBFS, the fixed floor it replaces, was 52 dB below the demo's reference
# and 45-49 dB below the test renderings'; measured over those five recordings, 45 dB gives
# note F1 0.857-0.912 (the fixed floor: 0.851-0.903), 50 dB lets ghost notes through (0.818 on
# one melody), 40 dB would start to drop pp notes under ff chords (32 dB apart).
MIN_SALIENCE_DB = 45.0
MIN_RELATIVE_SALIENCE = 0.3
# The octave above a key already found shares all its partials: it must be stronger to count.
OCTAVE_RELATIVE_SALIENCE = 0.5
NOTE_END_DROP_DB = 30.0
# Level of the strongest new partial of a velocity-127 note, dBFS (FluidR3 grand C4 rendered
# at gain 0.5), and the General MIDI velocity curve (amplitude ∝ velocity²: 40 dB per decade).
VELOCITY_127_DB = -27.5
VELOCITY_DB_PER_DECADE = 40.0


@dataclass(frozen=True)
class NoteEvent:
    """One played note; times in seconds from the start of the recording."""

    onset_s: float
    offset_s: float
    midi: int
    velocity: int
    confidence: float

    @property
    def name(self) -> str:
        return note_name(self.midi)

    @property
    def freq_hz(self) -> float:
        return midi_to_hz(self.midi)


@dataclass(frozen=True)
class BandLayout:
    """Where the bands sit on the FFT axis: band = BANDS_PER_SEMITONE * (midi - 21)."""

    bin_hz: float
    last_bin: int


@lru_cache(maxsize=8)
def band_layout(fft_size: int, sample_rate_hz: float) -> BandLayout:
    """The bins that can hold a band's peak (up to the top band's upper edge)."""
    bin_hz = sample_rate_hz / fft_size
    top_hz = 440.0 * 2.0 ** ((LOWEST_MIDI + (BAND_COUNT - 0.5) / BANDS_PER_SEMITONE - 69.0) / 12.0)
    last_bin = int(top_hz / bin_hz) + 2
    if last_bin >= fft_size // 2:
        raise ValueError(f"FFT size {fft_size} at {sample_rate_hz} Hz does not reach 8.6 kHz")
    return BandLayout(bin_hz, last_bin)


def pitch_bands(magnitude_frames: np.ndarray, layout: BandLayout) -> np.ndarray:
    """Peak map on a 1/3-semitone axis, shape (frames, BAND_COUNT), float32.

    Each spectral peak goes, with its magnitude, to the one band holding its parabolically
    interpolated frequency; bands without a peak stay 0. Below ~280 Hz a band is narrower than
    an FFT bin, and placing peaks by their interpolated frequency, rather than spreading bins
    over bands, is what still tells neighbouring bass keys apart.
    """
    frames = magnitude_frames[:, : layout.last_bin + 1]
    bands = np.zeros((frames.shape[0], BAND_COUNT), dtype=np.float32)
    if frames.shape[0] == 0:
        return bands
    centre = frames[:, 1:-1]
    frame_index, bin_index = np.nonzero(
        (centre > frames[:, :-2]) & (centre >= frames[:, 2:]) & (centre > 0.0)
    )
    bin_index += 1
    left, peak, right = (
        np.log(np.maximum(frames[frame_index, bin_index + k], 1e-12)) for k in (-1, 0, 1)
    )
    curvature = left - 2.0 * peak + right
    offset = np.where(
        curvature < 0.0, 0.5 * (left - right) / np.where(curvature < 0.0, curvature, -1.0), 0.0
    )
    freq_hz = np.maximum((bin_index + offset) * layout.bin_hz, 1.0)
    band = np.rint(
        BANDS_PER_SEMITONE * (12.0 * np.log2(freq_hz / 440.0) + 69.0 - LOWEST_MIDI)
    ).astype(np.int64)
    inside = (band >= 0) & (band < BAND_COUNT)
    np.maximum.at(
        bands, (frame_index[inside], band[inside]), frames[frame_index, bin_index][inside]
    )
    return bands


def detect_notes(
    onset_times_s: Sequence[float] | np.ndarray,
    bands: np.ndarray,
    band_frame_rate_hz: float,
    *,
    reference_db: float,
) -> tuple[NoteEvent, ...]:
    """Note events from onset times and the band spectrogram (frame k centred at k / rate) of
    a take whose reference level (`pianoscope.dsp.levels.reference_level_db`) is `reference_db`
    dBFS."""
    min_salience = 10.0 ** ((reference_db - MIN_SALIENCE_DB) / 20.0)
    bands = np.asarray(bands, dtype=np.float32)
    onset_times_s = np.sort(np.asarray(onset_times_s, dtype=np.float64))
    frame_count = bands.shape[0]
    started: list[tuple[float, int, float, float]] = []  # onset, midi, level_db, confidence
    for onset_s in onset_times_s:
        after = round((onset_s + AFTER_ONSET_S) * band_frame_rate_hz)
        before = round((onset_s - BEFORE_ONSET_S) * band_frame_rate_hz)
        if after >= frame_count:
            continue
        previous = bands[before] if before >= 0 else np.zeros(BAND_COUNT, dtype=np.float32)
        novelty = np.maximum(bands[after] - previous, 0.0)
        pitches = _pitches(novelty, min_salience) or _restruck(bands[after], previous, min_salience)
        for midi, level_db, confidence in pitches:
            started.append((float(onset_s), midi, level_db, confidence))
    return tuple(
        _note_event(onset_s, midi, level_db, confidence, started, bands, band_frame_rate_hz)
        for onset_s, midi, level_db, confidence in started
    )


def velocity_from_level(level_db: float) -> int:
    """Velocity 1-127 from the level of a note's strongest new partial (GM velocity curve)."""
    velocity = 127.0 * 10.0 ** ((level_db - VELOCITY_127_DB) / VELOCITY_DB_PER_DECADE)
    return int(np.clip(round(velocity), 1, 127))


@lru_cache(maxsize=1)
def _harmonic_windows() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Band index windows (pitch, harmonic, 4) of every key's harmonics, validity, weights.

    Upper harmonics of stiff strings run sharp, so from the 4th on the window reaches one band
    higher.
    """
    pitches = np.arange(HIGHEST_MIDI - LOWEST_MIDI + 1)
    harmonics = np.arange(1, HARMONICS + 1)
    centre = BANDS_PER_SEMITONE * pitches[:, None] + np.rint(
        12 * BANDS_PER_SEMITONE * np.log2(harmonics)
    )[None, :].astype(np.int64)
    reach = np.where(harmonics >= 4, 2, 1)
    offsets = np.array([-1, 0, 1, 2])
    windows = centre[:, :, None] + offsets[None, None, :]
    windows = np.where(offsets[None, None, :] <= reach[None, :, None], windows, centre[:, :, None])
    valid = centre + 2 < BAND_COUNT
    windows = np.clip(windows, 0, BAND_COUNT - 1)
    weights = harmonics.astype(np.float64) ** -HARMONIC_WEIGHT_EXPONENT
    return windows, valid, weights


def _pitches(novelty: np.ndarray, min_salience: float) -> list[tuple[int, float, float]]:
    """Iterative estimation and cancellation: (midi, level_db, confidence) of each new note."""
    windows, valid, weights = _harmonic_windows()
    residual = novelty.astype(np.float64)
    original = residual[windows].max(axis=2) * valid
    plausible = _presence(original, valid, float(novelty.max())) ** 2 * _has_low_harmonics(original)
    found: list[tuple[int, float, float]] = []
    first_salience = 0.0
    for _ in range(MAX_POLYPHONY):
        amplitudes = residual[windows].max(axis=2) * valid
        salience = (amplitudes * weights).sum(axis=1) * plausible
        salience[[midi - LOWEST_MIDI for midi, _, _ in found]] = 0.0
        octaves_up = [midi - LOWEST_MIDI + 12 for midi, _, _ in found]
        octaves_up = [i for i in octaves_up if i < salience.size]
        salience[octaves_up] *= MIN_RELATIVE_SALIENCE / OCTAVE_RELATIVE_SALIENCE
        best = int(salience.argmax())
        if salience[best] < min_salience or salience[best] < MIN_RELATIVE_SALIENCE * first_salience:
            break
        first_salience = max(first_salience, float(salience[best]))
        level_db = float(20.0 * np.log10(amplitudes[best].max()))
        confidence = float(
            min(1.0, salience[best] / first_salience)
            * min(1.0, salience[best] / (4 * min_salience))
        )
        found.append((LOWEST_MIDI + best, level_db, confidence))
        _cancel(residual, windows[best], valid[best], amplitudes[best])
    return found


def _restruck(
    spectrum: np.ndarray, previous: np.ndarray, min_salience: float
) -> list[tuple[int, float, float]]:
    """An onset with nothing new is most often a key struck again, softer, while it still rings:
    report the most salient sounding key, at half confidence, if its harmonics held their level
    (a released key, whose damper also makes a noise, falls instead)."""
    windows, valid, _ = _harmonic_windows()
    found = []
    for midi, level_db, confidence in _pitches(spectrum, min_salience)[:1]:
        harmonics = windows[midi - LOWEST_MIDI][valid[midi - LOWEST_MIDI]].ravel()
        if spectrum[harmonics].sum() >= RESTRIKE_MIN_RATIO * previous[harmonics].sum():
            found.append((midi, level_db, 0.5 * confidence))
    return found


def _has_low_harmonics(amplitudes: np.ndarray) -> np.ndarray:
    """1 where the first or second harmonic is within LOW_HARMONIC_DROP_DB of the strongest.

    A major triad is harmonics 4:5:6 of the key two octaves below its root; that key's own
    first two harmonics are missing, which is what rules it out.
    """
    low = amplitudes[:, :2].max(axis=1)
    return (low >= amplitudes.max(axis=1) * 10.0 ** (-LOW_HARMONIC_DROP_DB / 20.0)).astype(float)


def _presence(amplitudes: np.ndarray, valid: np.ndarray, loudest: float) -> np.ndarray:
    """Share of each key's first PRESENCE_HARMONICS harmonics that hold energy.

    A key an octave or a twelfth below the notes played collects their partials at its even or
    every third harmonic, but its other low harmonics stay empty; this share is how the
    salience tells it apart from a real note.
    """
    low = amplitudes[:, :PRESENCE_HARMONICS]
    strongest = amplitudes.max(axis=1, keepdims=True)
    present = (
        (low >= PRESENCE_RATIO * strongest) & (strongest > 0.0) & valid[:, :PRESENCE_HARMONICS]
    )
    counted = np.maximum(valid[:, :PRESENCE_HARMONICS].sum(axis=1), 1)
    return present.sum(axis=1) / counted


def _cancel(
    residual: np.ndarray, windows: np.ndarray, valid: np.ndarray, amplitudes: np.ndarray
) -> None:
    """Subtract a note's harmonics, each limited to the mean of itself and its neighbours,
    from the band that holds the harmonic's peak and the bands either side of it."""
    padded = np.concatenate([[amplitudes[0]], amplitudes, [amplitudes[-1]]])
    smooth = np.minimum(amplitudes, (padded[:-2] + padded[1:-1] + padded[2:]) / 3.0)
    for window, ok, amount in zip(windows, valid, smooth, strict=True):
        if ok:
            peak = int(window[residual[window].argmax()])
            around = slice(max(0, peak - 1), peak + 2)
            residual[around] = np.maximum(residual[around] - amount, 0.0)


def _note_event(
    onset_s: float,
    midi: int,
    level_db: float,
    confidence: float,
    started: list[tuple[float, int, float, float]],
    bands: np.ndarray,
    band_frame_rate_hz: float,
) -> NoteEvent:
    """Close a note where it has faded NOTE_END_DROP_DB or is struck again."""
    frame_count = bands.shape[0]
    restrikes = [s for s, m, _, _ in started if m == midi and s > onset_s]
    end_s = min(restrikes) if restrikes else frame_count / band_frame_rate_hz
    first = min(frame_count - 1, round((onset_s + AFTER_ONSET_S) * band_frame_rate_hz))
    last = max(first + 1, min(frame_count, round(end_s * band_frame_rate_hz)))
    windows, _, _ = _harmonic_windows()
    lowest_harmonics = windows[midi - LOWEST_MIDI, :2].ravel()
    track = bands[first:last][:, lowest_harmonics].max(axis=1)
    peak = float(track[: max(1, round(0.3 * band_frame_rate_hz))].max())
    faded = np.flatnonzero(track < peak * 10.0 ** (-NOTE_END_DROP_DB / 20.0))
    offset_s = (first + faded[0]) / band_frame_rate_hz if faded.size else end_s
    return NoteEvent(
        onset_s=onset_s,
        offset_s=float(max(offset_s, onset_s + 0.05)),
        midi=midi,
        velocity=velocity_from_level(level_db),
        confidence=round(confidence, 3),
    )
