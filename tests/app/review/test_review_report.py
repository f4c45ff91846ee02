"""Opening a take for review reads its sidecar; the lesson report carries its numbers."""

from __future__ import annotations

import numpy as np
from support.review_signals import tone, write
from support.synthetic_recordings import piano_like

from pianoscope.analysis.pipeline import analyse_file
from pianoscope.app.review.lesson_report import format_time, lesson_report
from pianoscope.app.review.opening import analysis_job, open_recording, pyramid_job
from pianoscope.audio.recorder import RecordingMetadata, _write_sidecar
from pianoscope.library.comment_sidecar import CommentStore


def test_open_recording_reads_student_piece_and_date_from_the_sidecar(tmp_path):
    path = write(tmp_path / "take.wav", tone(440.0, 1.0))
    _write_sidecar(
        path,
        RecordingMetadata("2026-11-20T10:15:00", "mic", 44_100, "WAV", "done", "Ada", "Scales"),
    )
    recording = open_recording(path)
    assert (recording.student, recording.piece) == ("Ada", "Scales")
    assert recording.recorded_at.day == 20
    assert recording.title == "Ada – Scales (take.wav)"
    assert abs(recording.duration_s - 1.0) < 1e-3


def test_jobs_build_the_overview_and_the_analysis(tmp_path):
    path = write(tmp_path / "take.wav", np.concatenate([tone(440.0, 1.0), tone(0.0, 1.0)]))
    recording = open_recording(path)
    pyramid = pyramid_job(recording).start()
    analysis = analysis_job(recording, lambda: None).start()
    assert pyramid.wait(60) and analysis.wait(120)
    assert pyramid.result.frames == 88_200
    assert analysis.result.duration_s == 2.0
    assert all(s.labels is None for s in analysis.result.segments)


def test_lesson_report_holds_summary_markings_and_comments(tmp_path):
    path = write(tmp_path / "take.wav", np.concatenate([tone(262.0, 2.0, 0.05), tone(262.0, 2.0)]))
    store = CommentStore(path)
    store.add(1.0, "too soft")
    report = lesson_report(open_recording(path), analyse_file(path), store.comments)
    summary = dict(report.summary)
    assert summary["Duration"] == "0:04.0"
    assert summary["Piano"] == "not classified"
    assert report.comments[0].text == "too soft"
    assert report.student == "–"
    assert [m.marking for m in report.markings][-1] in ("f", "ff")
    assert format_time(75.25) == "1:15.2"


def test_readout_tells_level_labels_and_sounding_notes(tmp_path):
    from pianoscope.app.review.readout import readout_at

    # A piano-like C4 (12 partials): the note model, trained on pianos, hears no note in a pure
    # sine, which this test played to the hand-made pipeline.
    path = write(tmp_path / "take.wav", np.concatenate([piano_like(60, 1.5), tone(0.0, 1.0)]))
    analysis = analyse_file(path, labeller=lambda s, r, reference_db: None)
    text = readout_at(analysis, 0.5)
    assert text.startswith("0:00.5 (0.500 s)")
    assert "dB(A)" in text and "notes C4" in text
    assert "notes" not in readout_at(analysis, 2.2)
    assert readout_at(None, 1.0) == "0:01.0 (1.000 s)"


def test_lesson_report_names_another_piano_and_how_much_a_piano_played():
    from pianoscope.analysis.result import Analysis, Label, LoudnessCurve, Segment, SegmentLabels
    from pianoscope.app.review.lesson_report import piano_summary

    piano = Label("piano", 0.9)
    another = SegmentLabels(Label("unknown", 0.8), Label("legato", 0.7), Label("p", 0.6), piano)
    other = SegmentLabels(None, None, None, Label("other", 0.9))
    segments = tuple(
        Segment(2.0 * i, 2.0 * i + 2.0, labels, -20.0, True)
        for i, labels in enumerate((another, another, another, other))
    )
    curve = LoudnessCurve(0.1, np.zeros(80), np.zeros(80))
    analysis = Analysis("x.wav", 8.0, 44_100, (), segments, curve, 10.0, None)
    assert piano_summary(analysis) == "another piano (piano 75%, not a piano 25%)"
    assert analysis.share("form") == {"legato": 1.0}
    unlabelled = Analysis("x.wav", 8.0, 44_100, (), (), curve, 10.0, None)
    assert piano_summary(unlabelled) == "not classified"
