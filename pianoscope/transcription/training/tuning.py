"""Choose the decoding settings on validation clips of the training pianos.

Validation clips use seeds VALIDATION_FIRST_SEED ... (training uses 0-63, the benchmark's
held-out sets 10 000 ...), so neither the weights nor the thresholds ever see the pianos or the
content they are measured on. The onset threshold maximises onset-only note F1 (mir_eval,
50 ms); the frame threshold then maximises F1 with offsets.

The velocity reference is the median reference level (loudest 100 ms, dBFS) of those clips:
the network reads velocity from a spectrogram relative to the take's loudest band, so it
cannot hear the recording's gain; `pianoscope.transcription.transcriber` moves its estimate by
the take's level relative to this one, so a louder recording still reads louder (issue 14).
The calibrated velocity reference is the same median with each clip's level taken relative to
its piano's mf calibration (`pianoscope.model.calibration.calibrate` of the calibration phrase
rendered on that piano, as a teacher's calibration measures their piano and microphone): the
training pianos play at raw levels 20 dB apart (the freepats grands loudest, their mf reads
12-13 dB above the convention; the SoundFonts' 4-6 dB below), which a calibrated take does
not depend on (their calibrated loudest levels lie within 3 dB of each other).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import asdict, dataclass

import mir_eval
import numpy as np

from pianoscope.dsp.levels import signal_reference_level_db
from pianoscope.dsp.notes import NoteEvent
from pianoscope.dsp.pitch import midi_to_hz
from pianoscope.model.calibration import calibrate
from pianoscope.model.training.synth import calibration_phrase
from pianoscope.transcription.decode import decode_notes
from pianoscope.transcription.network import NoteActivations, forward
from pianoscope.transcription.peak_judge import PeakJudge
from pianoscope.transcription.spectrogram import SAMPLE_RATE_HZ, normalise_db, spectrogram
from pianoscope.transcription.training.content import SoundingNote
from pianoscope.transcription.training.data import TRAINING_PIANOS, render_clips, render_dry
from pianoscope.transcription.training.render_cache import RenderCache

log = logging.getLogger(__name__)

VALIDATION_FIRST_SEED = 20_000
# 16 clips per piano (96 clips, about 3500 notes): with 4, nearly equal weights chose frame
# thresholds anywhere from 0.4 to 0.6 from one tuning to the next; with 16 the choice is between
# neighbours whose with-offset F1 differ by less than 0.001 (the shipped weights: 0.6, F1 0.5025
# against 0.5017 at 0.5).
VALIDATION_CLIPS_PER_PIANO = 16
ONSET_THRESHOLDS = (0.2, 0.3, 0.4, 0.5, 0.6, 0.7)
FRAME_THRESHOLDS = (0.2, 0.3, 0.4, 0.5, 0.6)


@dataclass(frozen=True)
class DecodingSettings:
    """What the decoding needs besides the weights, stored with them."""

    onset_threshold: float
    frame_threshold: float
    velocity_reference_db: float
    calibrated_velocity_reference_db: float

    def arrays(self) -> dict[str, np.ndarray]:
        return {name: np.float32(value) for name, value in asdict(self).items()}


def tune_decoding(
    weights: dict[str, np.ndarray],
    clips_per_piano: int = VALIDATION_CLIPS_PER_PIANO,
    cache: RenderCache | None = None,
) -> DecodingSettings:
    """The thresholds that score best on `clips_per_piano` validation clips of each training
    piano, and their reference levels (fewer clips than the default only to test the command);
    the clips rendered through `cache` when there is one."""
    seeds = range(VALIDATION_FIRST_SEED, VALIDATION_FIRST_SEED + clips_per_piano)
    cases, levels_db, calibrated_levels_db = [], [], []
    for piano in TRAINING_PIANOS:
        offset_db = piano_calibration_offset_db(piano, cache)
        for clip in render_clips(piano, seeds, cache=cache):
            activations = forward(normalise_db(spectrogram(clip.samples)), weights)
            cases.append((activations, clip.notes))
            levels_db.append(signal_reference_level_db(clip.samples, SAMPLE_RATE_HZ))
            calibrated_levels_db.append(levels_db[-1] - offset_db)
    onset_scores = {t: pooled_f1(cases, t, 0.5, offsets=False) for t in ONSET_THRESHOLDS}
    onset_threshold = max(onset_scores, key=onset_scores.__getitem__)
    frame_scores = {t: pooled_f1(cases, onset_threshold, t, offsets=True) for t in FRAME_THRESHOLDS}
    frame_threshold = max(frame_scores, key=frame_scores.__getitem__)
    log.info("onset F1 by threshold %s; with offsets by frame threshold %s",
             onset_scores, frame_scores)  # fmt: skip
    return DecodingSettings(
        onset_threshold,
        frame_threshold,
        float(np.median(levels_db)),
        float(np.median(calibrated_levels_db)),
    )


def piano_calibration_offset_db(piano: str, cache: RenderCache | None = None) -> float:
    """The mf calibration's offset of a piano, dry: its calibration phrase rendered on it."""
    (samples,) = render_dry(piano, [calibration_phrase()], cache)
    return calibrate(samples).offset_db


def pooled_f1(
    cases: Sequence[tuple[NoteActivations, Sequence[SoundingNote]]],
    onset_threshold: float,
    frame_threshold: float,
    *,
    offsets: bool,
    judge: PeakJudge | None = None,
) -> float:
    """Note F1 pooled over the cases (mir_eval, onsets within 50 ms, with `offsets` also
    offsets within 20 %), decoded by the rules or by `judge`."""
    matched = reference_count = estimated_count = 0
    for activations, notes in cases:
        found = decode_notes(
            activations,
            onset_threshold=onset_threshold,
            frame_threshold=frame_threshold,
            judge=judge,
        )
        matched += len(
            mir_eval.transcription.match_notes(
                *note_arrays(notes),
                *note_arrays(found),
                onset_tolerance=0.05,
                offset_ratio=0.2 if offsets else None,
            )
        )
        reference_count += len(notes)
        estimated_count += len(found)
    return 2.0 * matched / max(1, reference_count + estimated_count)


def note_arrays(notes: Sequence[SoundingNote | NoteEvent]) -> tuple[np.ndarray, np.ndarray]:
    """mir_eval's view of notes: (onset, offset) intervals in seconds and pitches in Hz."""
    intervals = np.array([[n.onset_s, n.offset_s] for n in notes]).reshape(-1, 2)
    return intervals, np.array([midi_to_hz(n.midi) for n in notes])
