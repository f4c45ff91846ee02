"""One pass over a whole recording, block by block: notes, tempo, loudness, labelled segments.

Memory stays bounded: audio is read in blocks of `block_s` seconds (10 s by default) and only
compact per-frame features are kept (see `pianoscope.dsp.transcription`), about 110 MB per
hour of music. Progress is reported after every block and a cancel token is checked before each.
"""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np

from pianoscope.analysis.result import (
    SEGMENT_S,
    Analysis,
    LoudnessCurve,
    Segment,
    SegmentLabeller,
)
from pianoscope.audio.fileio import DEFAULT_BLOCK_S, SAMPLE_RATE_HZ, iter_audio_blocks, probe_audio
from pianoscope.dsp.levels import SILENCE_DB, LevelMeter, dynamic_range_db, rms_db
from pianoscope.dsp.transcription import Transcriber
from pianoscope.progress import CancelToken, ProgressCallback, no_progress

log = logging.getLogger(__name__)

LOUDNESS_FRAME_S = 0.1


def analyse_file(
    path: str | Path,
    *,
    progress: ProgressCallback = no_progress,
    cancel: CancelToken | None = None,
    labeller: SegmentLabeller | None = None,
    block_s: float = DEFAULT_BLOCK_S,
) -> Analysis:
    """Analyse a recording. `labeller` labels each 2 s segment that is not silent; without
    one (the classifier is optional) every segment has null labels. Raises AudioFileError for
    unreadable files and Cancelled when `cancel` is set."""
    path = Path(path)
    info = probe_audio(path)
    expected = max(1, round(info.duration_s * SAMPLE_RATE_HZ))
    transcriber = Transcriber(SAMPLE_RATE_HZ)
    meter = LevelMeter(SAMPLE_RATE_HZ, LOUDNESS_FRAME_S)
    segmenter = _Segmenter(SAMPLE_RATE_HZ, labeller)
    rms_parts, a_parts = [], []
    done = 0
    progress(0.0)
    for block in iter_audio_blocks(path, sample_rate_hz=SAMPLE_RATE_HZ, block_s=block_s):
        if cancel is not None:
            cancel.check("The analysis")
        transcriber.feed(block)
        levels = meter.feed(block)
        rms_parts.append(levels.rms_db)
        a_parts.append(levels.a_weighted_db)
        segmenter.feed(block)
        done += block.size
        progress(min(done / expected, 0.99))
    if cancel is not None:
        cancel.check("The analysis")
    transcription = transcriber.finish()
    segments = segmenter.finish()
    rms = np.concatenate(rms_parts) if rms_parts else np.zeros(0, np.float32)
    a_weighted = np.concatenate(a_parts) if a_parts else np.zeros(0, np.float32)
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
    )


class _Segmenter:
    """Cuts the stream into 2 s segments (the last one shorter) and labels the sounding ones."""

    def __init__(self, sample_rate_hz: int, labeller: SegmentLabeller | None) -> None:
        self._rate = sample_rate_hz
        self._size = round(SEGMENT_S * sample_rate_hz)
        self._labeller = labeller
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
        labels = None
        if self._labeller is not None and level_db > SILENCE_DB:
            labels = self._labeller(samples, self._rate)
        end = self._start + samples.size
        self._segments.append(Segment(self._start / self._rate, end / self._rate, labels, level_db))
        self._start = end
