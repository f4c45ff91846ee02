"""Review analyses a take with the calibration it was recorded with (its sidecar): its
intensities and its notes' velocities."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from support.calibrated_takes import QUIET_CALIBRATION, plain_and_quiet_takes

from pianoscope.analysis.result import Analysis
from pianoscope.app.review.opening import analysis_job, open_recording
from pianoscope.app.segment_labeller import user_labeller


def _analysis(take: Path) -> Analysis:
    job = analysis_job(open_recording(take), user_labeller).start()
    assert job.wait(300), "the analysis finishes"
    assert job.error is None, job.error
    return job.result


def _intensities(analysis: Analysis) -> list[str | None]:
    return [s.labels.intensity.label if s.labels and s.labels.intensity else None
            for s in analysis.segments]  # fmt: skip


def test_review_reads_intensity_with_the_takes_own_calibration(tmp_path: Path) -> None:
    plain, calibrated = plain_and_quiet_takes(tmp_path)
    order = ["pp", "p", "mf", "f", "ff"]
    plain_analysis, calibrated_analysis = _analysis(plain), _analysis(calibrated)
    before, after = _intensities(plain_analysis), _intensities(calibrated_analysis)
    assert plain_analysis.calibration == {"kind": "none", "offset_db": 0.0}
    assert calibrated_analysis.calibration == QUIET_CALIBRATION
    assert before != after
    pairs = zip(before, after, strict=True)
    assert all(order.index(a) >= order.index(b) for b, a in pairs if a and b)
    # Said to be recorded 20 dB quieter than the convention: the same notes, played louder.
    assert [n.midi for n in plain_analysis.notes] == [n.midi for n in calibrated_analysis.notes]
    velocities = np.array(
        [[n.velocity for n in a.notes] for a in (plain_analysis, calibrated_analysis)]
    )
    assert np.all(velocities[1] >= velocities[0]) and velocities[1].mean() > velocities[0].mean()
