"""Streamed transcription with the note network: feed blocks, then `finish()` for the notes.

Per block only the spectrogram frames are computed and kept (float32, 297 short-frame and
192 long-frame bands at 50 Hz: 98 kB a second, about 350 MB an hour; float16 would round a
band's level by up to 0.03 dB differently at another gain); the network runs once at the end,
when the loudest band of the whole recording, which its input is relative to, is known. Onset
strength for the tempo comes from the spectral flux of `pianoscope.dsp.onsets`, as before,
which is told the take's reference level (`pianoscope.dsp.levels.reference_level_db`) up front.

Notes, onsets and tempo are the same whatever the recording's gain. Velocity is the one
absolute figure (a louder recording reads louder, like the classifier's intensity, issue 14):
the network's estimate, which cannot hear the gain, is moved by the take's reference level
relative to that of the validation renderings (`velocity_reference_db`, stored with the
weights), 40 dB per decade of velocity as in the General MIDI curve (amplitude ∝ velocity²).
A calibrated take (`pianoscope.model.calibration`: the teacher's mf notes measured their piano
and microphone) is read relative to its calibration instead: its reference level less the
calibration's offset, against the validation renderings' levels relative to their own pianos'
calibrations (`calibrated_velocity_reference_db`). Without it a take recorded hot reads every
forte note as 127 (the freepats renderings, 15-19 dB louder than the others, kept a Spearman
rho of 0.31 between true and read velocities; calibrated, 0.92, `bench/bench_transcription.py`).
A scale calibration also holds each key's level, and every note's velocity is then read
against its own key as well, by the velocity reader stored with the weights
(`pianoscope.transcription.velocity_reader`; weights without one:
`pianoscope.transcription.key_balance`).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

import numpy as np

from pianoscope.dsp.levels import signal_reference_level_db
from pianoscope.dsp.notes import NoteEvent
from pianoscope.dsp.transcription import (
    FrameStream,
    OnsetStrength,
    TranscriptionResult,
    onsets_and_tempo,
)
from pianoscope.model.calibration import Calibration
from pianoscope.numeric_threads import usable_cpus
from pianoscope.progress import CancelToken, ProgressCallback, no_progress
from pianoscope.resources_path import resource_path
from pianoscope.transcription.boosted_trees import BoostedTrees
from pianoscope.transcription.decode import decode_notes
from pianoscope.transcription.key_balance import (
    VELOCITY_DB_PER_DECADE,
    balanced_velocities,
    note_levels_db,
)
from pianoscope.transcription.network import NoteActivations, forward, key_levels, load_weights
from pianoscope.transcription.noise_gate import NoiseFloor
from pianoscope.transcription.peak_judge import PeakJudge
from pianoscope.transcription.spectrogram import (
    BAND_COUNT,
    FFT_SIZE,
    HOP,
    KEY_COUNT,
    LONG_BAND_COUNT,
    LONG_FFT_SIZE,
    SAMPLE_RATE_HZ,
    SILENT_REFERENCE_DB,
    band_levels_db,
    loudest_band_db,
    normalise_db,
)
from pianoscope.transcription.velocity_reader import ARRAY_PREFIX as VELOCITY_ARRAY_PREFIX
from pianoscope.transcription.velocity_reader import read_velocities, velocity_features

WEIGHTS_NAME = "note_model.npz"
# `feed` cuts what it is given into pieces of at most this many samples (3 s). A piece's long
# frames are 18.6 times its samples (16384-sample frames every 882 samples); a minute fed whole
# made 200 MB arrays of them, and took 8 s on one thread where 3 s pieces take 0.5 s (the same
# frames, the same bands: the frames do not depend on how the stream is cut).
FEED_PIECE_SAMPLES = 2**17


@cache
def shipped_weights() -> dict[str, np.ndarray]:
    """The note network in resources/ (loaded once per process)."""
    return load_weights(resource_path(WEIGHTS_NAME))


class NoteTranscriber:
    """Feed 44.1 kHz mono samples block by block, then `finish()`; block size does not matter.
    `reference_db` is the take's reference level, dBFS; `calibration`, the one in force for the
    take (none: velocities relative to the take's level alone); `workers`, the threads the
    network's pieces run on (None: every usable CPU); `with_tempo` False skips the onset
    strength (`notes()` then gives the notes; `finish()` needs it). Notes that do not stand
    out of their key's noise floor are dropped (`noise_gate`), the floor being the quietest
    of what is fed and of `noise_floor` (what came before, live); `drops_noise` False keeps
    them. `judged` False decodes by the rules even when the weights carry a peak judge."""

    def __init__(
        self,
        weights: dict[str, np.ndarray] | None = None,
        *,
        reference_db: float,
        calibration: Calibration | None = None,
        loudest_band_db: float = SILENT_REFERENCE_DB,
        workers: int | None = None,
        with_tempo: bool = True,
        noise_floor: NoiseFloor | None = None,
        drops_noise: bool = True,
        judged: bool = True,
    ) -> None:
        self._weights = weights if weights is not None else shipped_weights()
        self._judge = PeakJudge.of(self._weights) if judged else None
        self._velocity_reader = BoostedTrees.of(self._weights, VELOCITY_ARRAY_PREFIX)
        self._workers = workers if workers is not None else usable_cpus()
        self._reference_db = reference_db
        self.loudest_band_db = loudest_band_db
        self._calibration = calibration
        self._frames = FrameStream(FFT_SIZE, HOP)
        self._long_frames = FrameStream(LONG_FFT_SIZE, HOP)
        self._onsets = (
            OnsetStrength(SAMPLE_RATE_HZ, reference_db=reference_db) if with_tempo else None
        )
        self._levels: list[np.ndarray] = []
        self._long_levels: list[np.ndarray] = []
        self._key_levels_db = np.zeros((0, KEY_COUNT), dtype=np.float32)
        self.noise_floor = noise_floor if noise_floor is not None else NoiseFloor.unheard()
        self._drops_noise = drops_noise

    def feed(self, samples: np.ndarray) -> None:
        for start in range(0, len(samples), FEED_PIECE_SAMPLES):
            piece = samples[start : start + FEED_PIECE_SAMPLES]
            self._levels.append(band_levels_db(self._frames.feed(piece), workers=self._workers))
            self._long_levels.append(
                band_levels_db(
                    self._long_frames.feed(piece), LONG_BAND_COUNT, workers=self._workers
                )
            )
            if self._onsets is not None:
                self._onsets.feed(piece)

    def activations(
        self, *, progress: ProgressCallback = no_progress, cancel: CancelToken | None = None
    ) -> NoteActivations:
        """Finish the stream and run the network: per-frame onset, frame, velocity per key."""
        self._levels.append(band_levels_db(self._frames.finish()))
        self._long_levels.append(band_levels_db(self._long_frames.finish(), LONG_BAND_COUNT))
        levels = np.concatenate(
            [
                np.concatenate(self._levels).reshape(-1, BAND_COUNT),
                np.concatenate(self._long_levels).reshape(-1, LONG_BAND_COUNT),
            ],
            axis=1,
        )
        self.loudest_band_db = max(self.loudest_band_db, loudest_band_db(levels))
        self._key_levels_db = key_levels(levels[:, :BAND_COUNT])[:, :KEY_COUNT]
        self.noise_floor = self.noise_floor.joined(NoiseFloor.of(self._key_levels_db))
        features = normalise_db(levels, self.loudest_band_db)
        return forward(
            features, self._weights, workers=self._workers, progress=progress, cancel=cancel
        )

    def finish(
        self, *, progress: ProgressCallback = no_progress, cancel: CancelToken | None = None
    ) -> TranscriptionResult:
        """Notes, onset times and tempo of everything fed; the network's progress goes to
        `progress` (0-1) and `cancel` is checked between its chunks (Cancelled)."""
        if self._onsets is None:
            raise ValueError("this transcriber was made without the onset strength for the tempo")
        notes = self.notes(progress=progress, cancel=cancel)
        onset_times_s, tempo_bpm = onsets_and_tempo(
            self._onsets.finish(), self._onsets.frame_rate_hz
        )
        progress(1.0)
        return TranscriptionResult(notes, onset_times_s, tempo_bpm)

    def notes(
        self, *, progress: ProgressCallback = no_progress, cancel: CancelToken | None = None
    ) -> tuple[NoteEvent, ...]:
        """The notes of everything fed (progress and cancel as in `finish`)."""
        return self.notes_of(self.activations(progress=progress, cancel=cancel))

    def notes_of(self, activations: NoteActivations) -> tuple[NoteEvent, ...]:
        """The notes in the network's `activations` of everything fed: decoded, held against
        the noise floor and, under a scale calibration, their velocities read against their
        keys (by the velocity reader stored with the weights, else `balanced_velocities`)."""
        notes = decode_notes(
            activations,
            onset_threshold=float(self._weights["onset_threshold"]),
            frame_threshold=float(self._weights["frame_threshold"]),
            velocity_scale=10.0 ** (self._velocity_level_db() / VELOCITY_DB_PER_DECADE),
            judge=self._judge,
        )
        calibration = self._calibration
        scale_levels_db = calibration.key_levels_db if calibration is not None else None
        if not self._drops_noise and scale_levels_db is None:
            return notes
        levels_db = self.note_levels_db(notes)  # the noise gate and the key balance read both
        if self._drops_noise:
            loud = self.noise_floor.stands_out(notes, levels_db)
            notes = tuple(note for note, kept in zip(notes, loud, strict=True) if kept)
            levels_db = levels_db[loud]
        if scale_levels_db is None:
            return notes
        if self._velocity_reader is None:
            return balanced_velocities(notes, levels_db, scale_levels_db)
        features = self.velocity_features(notes, levels_db, scale_levels_db, activations)
        return read_velocities(notes, features, self._velocity_reader)

    def velocity_features(
        self,
        notes: Sequence[NoteEvent],
        levels_db: np.ndarray,
        scale_levels_db: Sequence[float],
        activations: NoteActivations,
    ) -> np.ndarray:
        """The velocity reader's features of `notes`, whose attack levels are `levels_db`
        (`note_levels_db`; `velocity_reader.velocity_features`); after `activations`."""
        return velocity_features(
            notes, levels_db, self._key_levels_db, scale_levels_db, activations.onset
        )

    def note_levels_db(self, notes: Sequence[NoteEvent]) -> np.ndarray:
        """Each note's level at its attack, dBFS (`key_balance.note_levels_db`); after
        `activations`."""
        return note_levels_db(self._key_levels_db, notes)

    def _velocity_level_db(self) -> float:
        """How much louder than the validation renderings the take reads, dB."""
        if self._calibration is None or self._calibration.kind == "none":
            return self._reference_db - float(self._weights["velocity_reference_db"])
        calibrated_db = self._reference_db - self._calibration.offset_db
        return calibrated_db - float(self._weights["calibrated_velocity_reference_db"])


def transcribe_notes(
    samples: np.ndarray,
    weights: dict[str, np.ndarray] | None = None,
    *,
    calibration: Calibration | None = None,
    workers: int | None = None,
) -> TranscriptionResult:
    """Notes, onset times and tempo of a whole 44.1 kHz signal held in memory, computed on
    `workers` threads (None: every usable CPU)."""
    return _fed(samples, weights, calibration, workers, with_tempo=True).finish()


def played_notes(
    samples: np.ndarray,
    weights: dict[str, np.ndarray] | None = None,
    *,
    calibration: Calibration | None = None,
    workers: int | None = None,
) -> tuple[NoteEvent, ...]:
    """The notes a 2 s window's form and intensity are read from: those of
    `transcribe_notes` without its onset times and tempo (the onset strength cost 2.6 ms of
    each window's 35 ms), decoded by the rules, and not held against the noise floor (2 s show
    too little of it, `noise_gate`). The rules, not the peak judge: the form-from-notes model
    and the notes' intensity read the left-out pianos better from the rules' notes (stop 59,
    the model card's leave-one-out judge: form on MuseScore's grand 91.5 % against 89.5 % with
    the judge's notes, the Steinway B 91.5 against 90.0 %; intensity off by more than one class
    on the four pianos 1.7 against 2.1 %), which miss soft notes but add fewer faint ghosts to
    a window the noise gate does not clean."""
    return _fed(
        samples, weights, calibration, workers, with_tempo=False, drops_noise=False, judged=False
    ).notes()


def _fed(
    samples: np.ndarray,
    weights: dict[str, np.ndarray] | None,
    calibration: Calibration | None,
    workers: int | None,
    *,
    with_tempo: bool,
    drops_noise: bool = True,
    judged: bool = True,
) -> NoteTranscriber:
    """A transcriber fed the whole of `samples`, at their own reference level."""
    transcriber = NoteTranscriber(
        weights,
        reference_db=signal_reference_level_db(samples, SAMPLE_RATE_HZ),
        calibration=calibration,
        workers=workers,
        with_tempo=with_tempo,
        drops_noise=drops_noise,
        judged=judged,
    )
    transcriber.feed(samples)
    return transcriber
