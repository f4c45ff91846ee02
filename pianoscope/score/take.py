"""Compare a recorded take (an audio file) with a score: the use case behind `compare-score`.

The take is read block by block into the public `Transcriber` (as `analyse` reads it) with
progress and a cancel check between blocks; the blocks are kept because the comparison reads
short frames of the audio where the score expects notes (`audio_evidence`). Ten minutes of
mono float32 at 44.1 kHz is 106 MB.
"""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np

from pianoscope.audio.fileio import SAMPLE_RATE_HZ, iter_audio_blocks, probe_audio
from pianoscope.dsp.transcription import Transcriber
from pianoscope.progress import CancelToken, ProgressCallback, no_progress
from pianoscope.score.comparison import ScoreComparison, compare_with_score
from pianoscope.score.loading import Score

log = logging.getLogger(__name__)

# Share of the progress bar the transcription takes; the alignment and checks take the rest.
TRANSCRIPTION_SHARE = 0.8


def compare_take_file(
    score: Score,
    take_path: str | Path,
    *,
    progress: ProgressCallback = no_progress,
    cancel: CancelToken | None = None,
) -> ScoreComparison:
    """Transcribe `take_path` and compare it with `score`. Raises AudioFileError for an
    unreadable take, ScoreError when it does not play the score, Cancelled on `cancel`."""
    take_path = Path(take_path)
    info = probe_audio(take_path)
    expected = max(1, round(info.duration_s * SAMPLE_RATE_HZ))
    transcriber = Transcriber(SAMPLE_RATE_HZ)
    blocks = []
    done = 0
    progress(0.0)
    for block in iter_audio_blocks(take_path, sample_rate_hz=SAMPLE_RATE_HZ):
        if cancel is not None:
            cancel.check("The comparison with the score")
        transcriber.feed(block)
        blocks.append(block)
        done += block.size
        progress(TRANSCRIPTION_SHARE * min(done / expected, 1.0))
    if cancel is not None:
        cancel.check("The comparison with the score")
    transcription = transcriber.finish()
    progress(TRANSCRIPTION_SHARE)
    samples = np.concatenate(blocks) if blocks else np.zeros(0, dtype=np.float32)
    log.info("%s: %d notes transcribed", take_path.name, len(transcription.notes))
    comparison = compare_with_score(
        score,
        transcription.notes,
        onset_times_s=transcription.onset_times_s,
        samples=samples,
        sample_rate_hz=SAMPLE_RATE_HZ,
    )
    progress(1.0)
    return comparison
