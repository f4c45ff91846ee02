"""Compare a recorded take (an audio file) with a score: the use case behind `compare-score`.

The take is read block by block, with progress and a cancel check between blocks, and kept,
because the comparison reads short frames of the audio where the score expects notes
(`audio_evidence`); ten minutes of mono float32 at 44.1 kHz is 106 MB. The blocks then go
through the note model's `NoteTranscriber`, told the take's reference level as `analyse` tells
it, so the notes compared do not depend on the recording's gain; the network runs at the end
(from NETWORK_START_SHARE of the progress), checking `cancel` between its chunks.
"""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np

from pianoscope.audio.fileio import SAMPLE_RATE_HZ, iter_audio_blocks, probe_audio
from pianoscope.dsp.levels import REFERENCE_FRAME_S, LevelMeter, reference_level_db
from pianoscope.progress import CancelToken, ProgressCallback, no_progress
from pianoscope.score.comparison import ScoreComparison, compare_with_score
from pianoscope.score.loading import Score
from pianoscope.transcription.transcriber import NoteTranscriber

log = logging.getLogger(__name__)

# Shares of the progress bar: reading the take, then transcribing it; the alignment and checks
# take the rest.
READING_SHARE = 0.1
NETWORK_START_SHARE = 0.55
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
    meter = LevelMeter(SAMPLE_RATE_HZ, REFERENCE_FRAME_S)
    blocks, levels = [], []
    done = 0
    progress(0.0)
    for block in iter_audio_blocks(take_path, sample_rate_hz=SAMPLE_RATE_HZ):
        if cancel is not None:
            cancel.check("The comparison with the score")
        levels.append(meter.feed(block).rms_db)
        blocks.append(block)
        done += block.size
        progress(READING_SHARE * min(done / expected, 1.0))
    reference_db = reference_level_db(np.concatenate(levels) if levels else np.zeros(0))
    transcriber = NoteTranscriber(reference_db=reference_db)
    fed = 0
    for block in blocks:
        if cancel is not None:
            cancel.check("The comparison with the score")
        transcriber.feed(block)
        fed += block.size
        progress(READING_SHARE + (NETWORK_START_SHARE - READING_SHARE) * fed / max(done, 1))
    transcription = transcriber.finish(
        progress=lambda fraction: progress(
            NETWORK_START_SHARE + (TRANSCRIPTION_SHARE - NETWORK_START_SHARE) * fraction
        ),
        cancel=cancel,
    )
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
