"""Two passes over a whole recording, block by block: its levels, then notes, tempo and
labelled segments measured from the take's own reference level.

A recording's gain is the microphone's, not the player's, so the analysis reads everything
that decides whether something sounds relative to the take's reference level, its loudest
100 ms (`pianoscope.dsp.levels.reference_level_db`). The first pass measures the loudness
curve and that level (reading and decoding cost about a tenth of the whole); the second finds
notes, onsets and tempo (`pianoscope.transcription.transcriber`: the spectrogram per block, the
note network at the end, from NETWORK_START of the progress bar) and labels the 2 s segments within
`SOUNDING_RANGE_DB` of it; each block's spectrogram is computed on a thread of its own
while the segments of the block are labelled, and the network runs its pieces on every usable
CPU. The same take recorded 40 dB quieter or louder (a float file scaled
by 0.01 or 100) so has the same notes, segments, labels, tempo and dynamic range. What stays
absolute, because it says how loud the playing or the recording is: the loudness curve
(dBFS), each note's velocity and the intensity label (both relative to the input's
calibration, see `pianoscope.model.calibration`: the labeller's, the one in force for the take).

Memory stays bounded: audio is read in blocks of `block_s` seconds (10 s by default) and only
compact per-frame features are kept (see `pianoscope.transcription.transcriber`), about 360 MB
per hour of music. Progress is reported after every block and every network chunk (20 s of
audio), and a cancel token is checked before each.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import numpy as np

from pianoscope.analysis.result import (
    SEGMENT_S,
    Analysis,
    CalibratedLabeller,
    LoudnessCurve,
    Segment,
    SegmentLabeller,
)
from pianoscope.audio.fileio import DEFAULT_BLOCK_S, SAMPLE_RATE_HZ, iter_audio_blocks, probe_audio
from pianoscope.dsp.levels import (
    REFERENCE_FRAME_S,
    LevelMeter,
    dynamic_range_db,
    is_sounding,
    reference_level_db,
    rms_db,
)
from pianoscope.model.calibration import Calibration
from pianoscope.progress import CancelToken, ProgressCallback, no_progress
from pianoscope.transcription.transcriber import NoteTranscriber

log = logging.getLogger(__name__)

# The loudness curve's frames are those the reference level is the loudest of.
LOUDNESS_FRAME_S = REFERENCE_FRAME_S
# Share of the progress bar the first pass (levels only) takes.
LEVELS_SHARE = 0.1
NETWORK_START = 0.7


def analyse_file(
    path: str | Path,
    *,
    progress: ProgressCallback = no_progress,
    cancel: CancelToken | None = None,
    labeller: SegmentLabeller | None = None,
    calibration: Calibration | None = None,
    block_s: float = DEFAULT_BLOCK_S,
) -> Analysis:
    """Analyse a recording. `labeller` labels each 2 s segment that sounds; without one (the
    classifier is optional) every segment has null labels. Note velocities are read through
    the labeller's calibration in force, or without a calibrated labeller through
    `calibration` (the take's, `pianoscope.app.take_calibration.take_calibration`), so an
    analysis without labels reads them as one with labels. Raises AudioFileError for
    unreadable files and Cancelled when `cancel` is set."""
    path = Path(path)
    info = probe_audio(path)
    expected = max(1, round(info.duration_s * SAMPLE_RATE_HZ))
    progress(0.0)
    meter = LevelMeter(SAMPLE_RATE_HZ, LOUDNESS_FRAME_S)
    rms_parts, a_parts = [], []
    for block, done in _blocks(path, block_s, cancel):
        levels = meter.feed(block)
        rms_parts.append(levels.rms_db)
        a_parts.append(levels.a_weighted_db)
        progress(LEVELS_SHARE * min(done / expected, 1.0))
    rms = np.concatenate(rms_parts) if rms_parts else np.zeros(0, np.float32)
    a_weighted = np.concatenate(a_parts) if a_parts else np.zeros(0, np.float32)
    reference_db = reference_level_db(rms)

    if isinstance(labeller, CalibratedLabeller):
        calibration = labeller.calibration_in_force()
    transcriber = NoteTranscriber(reference_db=reference_db, calibration=calibration)
    segmenter = _Segmenter(SAMPLE_RATE_HZ, labeller, reference_db)
    done = 0
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="spectrogram") as spectrogram:
        feeding: Future[None] | None = None
        for block, done in _blocks(path, block_s, cancel):
            if feeding is not None:
                feeding.result()
            feeding = spectrogram.submit(transcriber.feed, block)
            segmenter.feed(block)
            fed = LEVELS_SHARE + (NETWORK_START - LEVELS_SHARE) * min(done / expected, 1.0)
            progress(min(fed, NETWORK_START))
        if feeding is not None:
            feeding.result()
    transcription = transcriber.finish(
        progress=lambda fraction: progress(NETWORK_START + (0.99 - NETWORK_START) * fraction),
        cancel=cancel,
    )
    segments = segmenter.finish()
    progress(1.0)
    log.info("%s: %d notes in %.1f s", path.name, len(transcription.notes), done / SAMPLE_RATE_HZ)
    return Analysis(
        file=str(path),
        duration_s=done / SAMPLE_RATE_HZ,
        sample_rate=SAMPLE_RATE_HZ,
        notes=transcription.notes,
        segments=segments,
        loudness=LoudnessCurve(LOUDNESS_FRAME_S, rms, a_weighted),
        dynamic_range_db=dynamic_range_db(rms),
        tempo_bpm=transcription.tempo_bpm,
        calibration=calibration.to_json() if calibration is not None else None,
    )


def _blocks(
    path: Path, block_s: float, cancel: CancelToken | None
) -> Iterator[tuple[np.ndarray, int]]:
    """The recording's blocks, each with the samples read so far; checks `cancel` before each."""
    done = 0
    for block in iter_audio_blocks(path, sample_rate_hz=SAMPLE_RATE_HZ, block_s=block_s):
        if cancel is not None:
            cancel.check("The analysis")
        done += block.size
        yield block, done


class _Segmenter:
    """Cuts the stream into 2 s segments (the last one shorter) and labels those that sound in
    a take whose reference level is `reference_db`."""

    def __init__(
        self, sample_rate_hz: int, labeller: SegmentLabeller | None, reference_db: float
    ) -> None:
        self._rate = sample_rate_hz
        self._size = round(SEGMENT_S * sample_rate_hz)
        self._labeller = labeller
        self._reference_db = reference_db
        self._pending = np.zeros(0, dtype=np.float32)
        self._start = 0
        self._segments: list[Segment] = []

    def feed(self, samples: np.ndarray) -> None:
        pending = np.concatenate([self._pending, samples])
        whole = pending.size // self._size
        for k in range(whole):
            self._add(pending[k * self._size : (k + 1) * self._size])
        self._pending = pending[whole * self._size :]

    def finish(self) -> tuple[Segment, ...]:
        if self._pending.size:
            self._add(self._pending)
        return tuple(self._segments)

    def _add(self, samples: np.ndarray) -> None:
        level_db = rms_db(samples)
        sounding = is_sounding(level_db, self._reference_db)
        labels = None
        if self._labeller is not None and sounding:
            labels = self._labeller(samples, self._rate, self._reference_db)
        end = self._start + samples.size
        self._segments.append(
            Segment(self._start / self._rate, end / self._rate, labels, level_db, sounding)
        )
        self._start = end
