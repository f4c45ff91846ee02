"""The review window, offscreen, on a copy of the demo: views, moments, comments, exports."""

from __future__ import annotations

import csv
import importlib.util
import json
import shutil
import subprocess
import time
import xml.etree.ElementTree as ElementTree

import mido
import numpy as np
import pytest

from pianoscope.analysis.result import HEADS, Label, SegmentLabels
from pianoscope.app.review.dynamics import dynamic_markings
from pianoscope.app.review.waveform_pyramid import BASE_BUCKET
from pianoscope.audio.playback import Player
from pianoscope.dsp.levels import rms_db
from pianoscope.dsp.pitch import note_name
from pianoscope.gui.qt import QtCore, QtGui
from pianoscope.gui.review.classifier_timeline import segment_label
from pianoscope.gui.review.loudness_view import FLOOR_DB
from pianoscope.gui.review.report_pdf import piano_roll_keys
from pianoscope.gui.review.window import ReviewWindow
from pianoscope.resources_path import demo_recording_path

REPO = __import__("pathlib").Path(__file__).resolve().parents[3]


def fake_labeller():
    """Deterministic labels: the demo's piano and form; loud segments f, the others p."""

    def label(samples, _rate, _reference_db):
        loud = rms_db(samples) > -25.0
        return SegmentLabels(
            Label("grand-fluidr3", 0.9), Label("legato", 0.8), Label("f" if loud else "p", 0.7)
        )

    return label


@pytest.fixture()
def demo_copy(tmp_path):
    path = tmp_path / "lesson" / "demo.flac"
    path.parent.mkdir()
    shutil.copy(demo_recording_path(), path)
    return path


@pytest.fixture()
def make_review(qtbot, tmp_path):
    windows = []

    def make(**kwargs) -> ReviewWindow:
        settings = QtCore.QSettings(str(tmp_path / "review.ini"), QtCore.QSettings.Format.IniFormat)
        kwargs.setdefault("labeller_factory", fake_labeller)
        kwargs.setdefault("waveform_cache", tmp_path / "waveforms")
        window = ReviewWindow(qsettings=settings, **kwargs)
        window.resize(1400, 900)
        qtbot.addWidget(window)
        window.show()
        windows.append(window)
        return window

    yield make
    for window in windows:
        window.close()


@pytest.fixture()
def analysed(make_review, demo_copy, qtbot):
    window = make_review()
    assert window.open_recording(demo_copy)
    qtbot.waitUntil(lambda: window.analysis is not None, timeout=60_000)
    return window


def click_at(qtbot, plot, time_s: float, y: float | None = None) -> None:
    if y is None:
        y = sum(plot.plotItem.vb.viewRange()[1]) / 2
    scene = plot.plotItem.vb.mapViewToScene(QtCore.QPointF(time_s, y))
    qtbot.mouseClick(
        plot.viewport(), QtCore.Qt.MouseButton.LeftButton, pos=plot.mapFromScene(scene)
    )


def test_every_view_holds_the_analysis_of_the_demo(analysed, qtbot):
    window, analysis = analysed, analysed.analysis
    assert analysis.duration_s == pytest.approx(23.0, abs=0.5)
    x, y = window.overview.curve.getData()
    assert x[0] < 0.05 and x[-1] == pytest.approx(analysis.duration_s, abs=0.1)
    assert np.max(y) == pytest.approx(float(window.pyramid.highs[-1][0]), abs=1e-6)
    assert window.overview.region.getRegion() == pytest.approx((0.0, analysis.duration_s), abs=0.1)
    wave_x, _ = window.waveform.curve.getData()
    assert window.waveform.width_px() // 2 <= wave_x.size // 2 <= window.waveform.width_px()
    qtbot.waitUntil(lambda: window.spectrogram.shown is not None, timeout=10_000)
    image = window.spectrogram.shown
    assert image.request.end_s == pytest.approx(analysis.duration_s, abs=0.1)
    assert image.image_db.max() > -40 and image.image_db.shape[0] == 256

    _, loud_y = window.loudness.a_curve.getData()
    assert loud_y.size == analysis.loudness.a_weighted_db.size
    np.testing.assert_allclose(loud_y, np.maximum(analysis.loudness.a_weighted_db, FLOOR_DB))
    assert window.loudness.markings == dynamic_markings(analysis.loudness)
    assert {m.marking for m in window.loudness.markings} >= {"mf"}
    assert len(window.loudness.marking_items) == len(window.loudness.markings)

    for head in HEADS:
        bars = window.classifier.bars[head].opts
        assert len(bars["x0"]) == len(analysis.segments)
        labels = window.classifier.labels[head]
        assert labels == [segment_label(s, head) for s in analysis.segments]
    assert window.classifier.labels["piano"][0] == "grand-fluidr3"
    assert window.classifier.labels["piano"][-1] == "silence"
    assert {"f", "p"} <= set(window.classifier.labels["intensity"])

    roll = window.piano_roll.bars.opts
    assert len(roll["x0"]) == len(analysis.notes) > 50
    np.testing.assert_allclose(roll["x0"], [n.onset_s for n in analysis.notes])
    np.testing.assert_allclose(roll["y0"], [n.midi + 0.1 for n in analysis.notes])
    assert window.export_actions["midi"].isEnabled() and window.report_action.isEnabled()


def test_clicking_the_timeline_shows_the_spectrum_of_that_moment(analysed, qtbot):
    window = analysed
    click_at(qtbot, window.spectrogram, 0.3)
    qtbot.waitUntil(lambda: window.moment.frame is not None, timeout=10_000)
    frame = window.moment.frame
    pixel_s = window.analysis.duration_s / window.waveform.width_px()
    assert frame.time_s == pytest.approx(0.3, abs=3 * pixel_s)
    assert window.cursor_s == frame.time_s
    for plot in window.timeline:
        assert plot.cursor.value() == pytest.approx(frame.time_s)
    assert window.moment.note_readout.note_label.text().startswith("C4")
    assert frame.spectrum_db.size == 4097  # the review's 8192-point FFT
    x, _ = window.moment.spectrum.raw_curve.getData()
    assert 100 < x.size <= window.moment.spectrum.getPlotItem().vb.width() + 3  # thinned to pixels
    assert window.moment.partials_table.shown_rows > 0
    assert "0:00.3" in window.moment.time_label.text()


def test_dragging_the_cursor_follows_the_mouse(analysed, qtbot):
    window = analysed
    window.loudness.cursor.setValue(12.0)
    window.loudness.cursor.sigDragged.emit(window.loudness.cursor)
    qtbot.waitUntil(
        lambda: window.moment.frame is not None and window.moment.frame.time_s == 12.0,
        timeout=10_000,
    )
    assert window.waveform.cursor.value() == 12.0


def test_clicking_a_note_tells_its_pitch_velocity_and_time(analysed, qtbot):
    window = analysed
    note = window.analysis.notes[0]
    window.piano_roll.setXRange(0, 2, padding=0)
    click_at(qtbot, window.piano_roll, note.onset_s + 0.05, note.midi + 0.5)
    assert window.piano_roll.picked == note
    text = window.moment.note_info.text()
    assert note.name in text and f"velocity {note.velocity}" in text
    assert f"{note.onset_s:.3f}" in text
    qtbot.waitUntil(lambda: "cents" in window.moment.note_info.text(), timeout=10_000)


def test_overview_region_and_zoom_move_together(analysed, qtbot):
    window = analysed
    window.waveform.setXRange(5.0, 7.0, padding=0)
    assert window.overview.region.getRegion() == pytest.approx((5.0, 7.0), abs=0.01)
    envelope_x, _ = window.waveform.curve.getData()
    assert envelope_x[1] - envelope_x[0] <= 4 * BASE_BUCKET / 44_100
    window.waveform.setXRange(5.0, 5.05, padding=0)
    qtbot.waitUntil(lambda: window.waveform.curve.getData()[0].size > 2000, timeout=5_000)
    detail_x, detail_y = window.waveform.curve.getData()
    assert np.diff(detail_x)[:10] == pytest.approx(1 / 44_100)
    assert detail_x[0] == pytest.approx(5.0, abs=1e-4)
    assert np.max(np.abs(detail_y)) > 0.001
    window.overview.region.setRegion((10.0, 14.0))
    assert window.piano_roll.visible_range_s() == pytest.approx((10.0, 14.0), abs=0.01)


def test_a_comment_is_found_after_reopening(make_review, demo_copy, qtbot):
    window = make_review()
    window.open_recording(demo_copy)
    window.select_time(12.0)
    window.comments.add_comment(window.cursor_s, "bar 12: rushed")
    second = window.comments.add_comment(3.5, "lovely legato")
    window.comments.edit_comment(second.id, "lovely legato, keep the wrist low")
    assert len(window.waveform.comment_lines) == 2
    window.close()

    reopened = make_review()
    reopened.open_recording(demo_copy)
    texts = [reopened.comments.list.item(i).text() for i in range(reopened.comments.list.count())]
    assert texts == ["0:03.5  lovely legato, keep the wrist low", "0:12.0  bar 12: rushed"]
    assert [line.value() for line in reopened.waveform.comment_lines] == [3.5, 12.0]
    reopened.comments.list.setCurrentRow(0)
    reopened.comments.delete_button.click()
    assert [c.text for c in make_review_store(demo_copy)] == ["bar 12: rushed"]


def test_comments_on_a_take_in_the_library_are_kept_in_the_library(make_review, tmp_path):
    from pianoscope.library.comment_sidecar import CommentStore, comments_path
    from pianoscope.library.importer import import_file
    from pianoscope.library.store import Library

    outside = tmp_path / "outside" / "demo.flac"
    outside.parent.mkdir()
    shutil.copy(demo_recording_path(), outside)
    CommentStore(outside).add(1.0, "from before the import")
    with Library.open(tmp_path / "library") as library:
        recording = import_file(library, outside, student="Ada").recording
        path = library.path_of(recording)
        window = make_review()
        assert window.open_recording(path)
        assert [c.text for c in window.comments.comments] == ["from before the import"]
        window.comments.add_comment(12.0, "bar 12: rushed")
        assert [(c.time_s, c.text) for c in library.comments(recording.id)] == [
            (1.0, "from before the import"),
            (12.0, "bar 12: rushed"),
        ]
        assert len(window.waveform.comment_lines) == 2
        assert not comments_path(path).exists()
        window.close()


def make_review_store(path):
    from pianoscope.library.comment_sidecar import load_comments

    return load_comments(path)


def test_exports_every_format(analysed, tmp_path):
    window, analysis = analysed, analysed.analysis
    window.comments.add_comment(12.0, "bar 12: rushed")
    out = tmp_path / "out"
    out.mkdir()

    for name in window.views:
        window.export_view(name, out / f"{name}.png")
        image = QtGui.QImage(str(out / f"{name}.png"))
        assert image.width() >= 1000 and not image.isNull()
        window.export_view(name, out / f"{name}.svg")
        root = ElementTree.parse(out / f"{name}.svg").getroot()
        assert root.tag.endswith("svg") and len(list(root.iter())) > 20

    window.export_analysis("csv", out / "notes.csv")
    with open(out / "notes.csv", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == ["onset_s", "offset_s", "midi", "name", "velocity", "confidence"]
    assert len(rows) - 1 == len(analysis.notes)
    with open(out / "notes.segments.csv", newline="") as handle:
        segment_rows = list(csv.reader(handle))
    assert segment_rows[0][:4] == ["start_s", "end_s", "piano", "piano_p"]
    assert segment_rows[1][2] == "grand-fluidr3"

    window.export_analysis("json", out / "analysis.json")
    data = json.loads((out / "analysis.json").read_text())
    assert data["summary"]["note_count"] == len(analysis.notes)
    assert data["comments"] == [{"time_s": 12.0, "text": "bar 12: rushed"}]

    window.export_analysis("midi", out / "notes.mid")
    midi = mido.MidiFile(str(out / "notes.mid"))
    note_ons = [m for m in midi.tracks[0] if m.type == "note_on" and m.velocity > 0]
    assert len(note_ons) == len(analysis.notes)

    pages = window.export_report(out / "report.pdf")
    info = subprocess.run(
        ["pdfinfo", str(out / "report.pdf")], capture_output=True, text=True, check=True
    ).stdout
    assert f"Pages:           {pages}" in info and pages >= 1
    text = subprocess.run(
        ["pdftotext", str(out / "report.pdf"), "-"], capture_output=True, text=True, check=True
    ).stdout
    for expected in ("Lesson report", "bar 12: rushed", f"Notes played: {len(analysis.notes)}"):
        assert expected in text.replace("  ", " ")
    low, high = piano_roll_keys(analysis)  # the piano roll names its C's
    named = [note_name(midi) for midi in range(low, high) if midi % 12 == 0]
    assert named and all(name in text.split() for name in named)


def test_long_comment_lists_continue_on_a_second_page(analysed, tmp_path):
    window = analysed
    for k in range(40):
        window.comments.add_comment(k * 0.5, f"comment number {k} " + "words " * 30)
    assert window.export_report(tmp_path / "long.pdf") >= 2


def test_cancelling_the_analysis_keeps_the_window_usable(make_review, demo_copy, qtbot):
    def slow_labeller():
        def label(samples, rate, reference_db):
            time.sleep(0.5)  # stimulus: a slow labeller keeps the analysis running to cancel it
            return None

        return label

    window = make_review(labeller_factory=slow_labeller)
    window.open_recording(demo_copy)
    qtbot.waitUntil(lambda: window.pyramid is not None, timeout=10_000)
    assert window.cancel_button.isVisible()
    window.cancel_button.click()
    qtbot.waitUntil(lambda: not window.cancel_button.isVisible(), timeout=10_000)
    assert window.analysis is None and not window.banner.isVisible()
    assert not window.report_action.isEnabled()
    window.select_time(2.0)
    qtbot.waitUntil(lambda: window.moment.frame is not None, timeout=10_000)


def test_unreadable_file_is_explained_and_nothing_else_changes(analysed, tmp_path):
    window = analysed
    bogus = tmp_path / "notes.txt"
    bogus.write_text("not audio")
    assert not window.open_recording(bogus)
    assert window.banner.isVisible() and "notes.txt" in window.banner.text()
    assert window.analysis is not None


def test_recent_files_and_dropped_files_open(make_review, demo_copy, qtbot, tmp_path):
    window = make_review()
    other = tmp_path / "other.flac"
    shutil.copy(demo_copy, other)
    window.open_recording(demo_copy)
    mime = QtCore.QMimeData()
    mime.setUrls([QtCore.QUrl.fromLocalFile(str(other))])
    drop = QtGui.QDropEvent(
        QtCore.QPointF(20, 20),
        QtCore.Qt.DropAction.CopyAction,
        mime,
        QtCore.Qt.MouseButton.LeftButton,
        QtCore.Qt.KeyboardModifier.NoModifier,
    )
    window.dropEvent(drop)
    assert window.recording.path == other
    assert window.recent_files()[:2] == [str(other), str(demo_copy)]
    actions = window.recent_menu.actions()
    assert [a.text() for a in actions[:2]] == [str(other), str(demo_copy)]
    actions[1].trigger()
    assert window.recording.path == demo_copy


def test_spectrogram_settings_redraw_the_image(analysed, qtbot):
    window = analysed
    qtbot.waitUntil(lambda: window.spectrogram.shown is not None, timeout=10_000)
    window.fft_combo.setCurrentIndex(0)
    window.log_check.setChecked(False)
    window.colour_combo.setCurrentText("viridis")
    window.min_db_spin.setValue(-90)
    qtbot.waitUntil(
        lambda: (
            window.spectrogram.shown.request.fft_size == 1024
            and not window.spectrogram.shown.request.log_frequency
        ),
        timeout=10_000,
    )
    assert window.spectrogram.shown.rows_hz[0] == 0.0
    assert window.spectrogram.image_item.levels[0] == -90


def test_spectrogram_settings_are_remembered(make_review):
    first = make_review()
    first.fft_combo.setCurrentIndex(1)
    first.colour_combo.setCurrentText("magma")
    first.log_check.setChecked(False)
    first.close()
    second = make_review()
    assert second.spectrogram.settings.fft_size == 2048
    assert second.colour_combo.currentText() == "magma"
    assert not second.log_check.isChecked()


@pytest.mark.pulse
def test_playback_moves_the_cursor_and_pause_keeps_the_place(
    make_review, demo_copy, qtbot, virtual_mic
):
    window = make_review(player_factory=lambda path: Player(path, device=virtual_mic))
    window.open_recording(demo_copy)
    window.select_time(5.0)
    window.play_action.trigger()
    assert window.player is not None and window.player.playing
    qtbot.waitUntil(lambda: window.waveform.play_cursor.value() > 5.3, timeout=10_000)
    window.play_action.trigger()
    assert not window.player.playing
    assert 5.3 < window.cursor_s < 8.0
    window.loop_action.trigger()
    start_s, end_s = window.waveform.loop_region.getRegion()
    window.speed_combo.setCurrentIndex(window.speed_combo.count() - 1)
    window.play_action.trigger()
    assert window.player.loop_s == pytest.approx((start_s, end_s), abs=1e-3)
    assert window.player.speed == 0.5
    played_from = window.player.position_s
    qtbot.waitUntil(lambda: window.player.position_s > played_from + 0.1, timeout=10_000)
    assert start_s <= window.player.position_s <= end_s
    window.play_action.trigger()


def _bench_review():
    spec = importlib.util.spec_from_file_location(
        "bench_review", REPO / "bench" / "bench_review.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_sixty_minute_take_opens_and_draws_its_whole_overview(make_review, qtbot):
    """How fast (the issue's bound, `OVERVIEW_BOUND_S`) is bench/bench_review.py's figure: a
    wall-clock bound here would flake on a loaded machine."""
    bench = _bench_review()
    take = bench.long_take(".wav")
    window = make_review(labeller_factory=lambda: None)
    window.open_recording(take)
    qtbot.waitUntil(lambda: window.overview_ready_s is not None, timeout=120_000)
    assert window.overview_ready_s > 0
    assert window.recording.duration_s == pytest.approx(3600.0)
    x, _ = window.overview.curve.getData()
    assert x[-1] == pytest.approx(3600.0, abs=5.0) and x.size < 20_000
    assert window.waveform.visible_range_s()[1] == pytest.approx(120.0, abs=1.0)


def test_moving_the_mouse_over_the_timeline_shows_a_readout(analysed, qtbot):
    window = analysed
    plot = window.loudness
    scene = plot.plotItem.vb.mapViewToScene(QtCore.QPointF(0.3, -40.0))
    qtbot.mouseMove(plot.viewport(), pos=plot.mapFromScene(scene))
    qtbot.waitUntil(lambda: "dB(A)" in window.readout_label.text(), timeout=5_000)
    assert "0:00.3" in window.readout_label.text()
    assert "grand-fluidr3 / legato" in window.readout_label.text()


def _damaged_takes(folder):
    """A take with one NaN sample, a FLAC cut in half, and a WAV of one sample."""
    import soundfile as sf

    rate = 44_100
    time_s = np.arange(4 * rate) / rate
    tone = (0.3 * np.sin(2 * np.pi * 440 * time_s) * np.exp(-time_s)).astype(np.float32)
    with_nan = tone.copy()
    with_nan[rate] = np.nan
    sf.write(folder / "nan.wav", with_nan, rate, subtype="FLOAT")
    sf.write(folder / "cut.flac", tone, rate)
    data = (folder / "cut.flac").read_bytes()
    (folder / "cut.flac").write_bytes(data[: len(data) // 2])
    sf.write(folder / "one.wav", tone[:1], rate)
    return {"nan": folder / "nan.wav", "cut": folder / "cut.flac", "one": folder / "one.wav"}


@pytest.mark.parametrize("kind", ["nan", "cut", "one"])
def test_a_damaged_take_shows_what_can_be_read_and_says_what_cannot(
    kind, make_review, qtbot, tmp_path
):
    """A NaN sample once left the window at "Reading the waveform… 0 %", a truncated FLAC
    showed no waveform, a one-sample WAV said "psf_fseek() failed"."""
    path = _damaged_takes(tmp_path)[kind]
    window = make_review()
    assert window.open_recording(path)
    qtbot.waitUntil(lambda: window.pyramid is not None, timeout=30_000)
    qtbot.waitUntil(lambda: window._analysis_job is None, timeout=60_000)
    assert not window.progress_bar.isVisible()
    x, y = window.overview.curve.getData()
    assert x is not None and x.size > 0 and np.all(np.isfinite(y))
    if kind == "nan":
        assert window.banner.isVisible() and "invalid samples" in window.banner.text()
        assert np.max(y) > 0.2  # the tone around the bad sample is drawn
    elif kind == "cut":
        assert window.banner.isVisible() and "damaged" in window.banner.text()
        assert 1.5 < window.pyramid.duration_s < 2.5
        assert window.analysis is not None
    else:
        assert "psf_fseek" not in window.banner.text()
        assert window.pyramid.frames == 1


def test_a_damaged_comments_file_is_kept_aside_and_the_banner_says_so(
    make_review, demo_copy, qtbot
):
    """The damaged sidecar used to be set aside with only a line in the log: the teacher saw an
    empty comment list and could think the comments lost."""
    from pianoscope.library.comment_sidecar import comments_path

    damaged = "[" * 100_000  # nesting beyond what the JSON reader takes
    comments_path(demo_copy).write_text(damaged)
    window = make_review()
    assert window.open_recording(demo_copy)
    kept = demo_copy.with_name(demo_copy.name + ".comments.damaged.json")
    assert kept.read_text() == damaged
    assert window.banner.isVisible()
    assert "kept aside" in window.banner.text() and kept.name in window.banner.text()
    assert window.comments.comments == ()
    qtbot.waitUntil(lambda: window._analysis_job is None, timeout=60_000)
    assert "kept aside" in window.banner.text()  # still said once the take is read
    window.open_recording(demo_copy)
    assert not window.banner.isVisible()  # a sound sidecar now: nothing to say
