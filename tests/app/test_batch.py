"""`pianoscope batch`: local pool and Dask cluster agree, failures are per file, runs resume,
segments are labelled by each worker's classifier."""

from __future__ import annotations

import csv
import json
import subprocess
import sys

import distributed
import numpy as np
import pytest
import soundfile as sf
from support.without_torch import run_without_torch

from pianoscope.app.batch import find_recordings, output_path, run_batch, worker_labeller
from pianoscope.audio.fileio import load_audio
from pianoscope.errors import PianoscopeError
from pianoscope.resources_path import demo_recording_path

RATE = 44_100
DEMO_PIANO = "grand-fluidr3"


@pytest.fixture(scope="module")
def recordings(tmp_path_factory):
    """Five short takes in a small tree (one damaged, one journal to ignore)."""
    root = tmp_path_factory.mktemp("takes")
    demo = load_audio(demo_recording_path())
    (root / "ada" / "lesson 1").mkdir(parents=True)
    (root / "clara").mkdir()
    sf.write(root / "ada" / "lesson 1" / "scales.flac", demo[: 6 * RATE], RATE)
    sf.write(root / "ada" / "study.wav", demo[6 * RATE : 12 * RATE], RATE)
    sf.write(root / "clara" / "chords.flac", demo[12 * RATE : 20 * RATE], RATE)
    t = np.arange(4 * 48_000) / 48_000
    tone = 0.3 * np.sin(2 * np.pi * 220 * t) * np.exp(-t)
    sf.write(root / "clara" / "tone.ogg", tone.astype(np.float32), 48_000, format="OGG")
    (root / "clara" / "broken.flac").write_bytes(b"fLaC" + bytes(200))
    (root / "clara" / "live.flac.partial.wav").write_bytes(b"RIFF")
    return root


def _json_results(out):
    return {
        str(path.relative_to(out)): _comparable(json.loads(path.read_text()))
        for path in sorted(out.rglob("*.json"))
    }


def _comparable(data):
    data.pop("file")
    return data


def test_recordings_are_found_recursively_without_journals(recordings):
    names = [path.name for path in find_recordings(recordings)]
    assert names == ["scales.flac", "study.wav", "broken.flac", "chords.flac", "tone.ogg"]


def test_local_batch_writes_one_json_each_and_reports_the_failure(recordings, tmp_path):
    out = tmp_path / "out"
    seen = []
    report = run_batch(recordings, out, workers=2, progress=lambda d, t, i: seen.append((d, t)))
    assert [d for d, _ in seen] == [1, 2, 3, 4, 5]
    assert {t for _, t in seen} == {5}
    assert len(report.failed) == 1
    assert report.failed[0].file.endswith("broken.flac")
    assert "not an audio file" in report.failed[0].error
    results = _json_results(out)
    assert sorted(results) == [
        "ada/lesson 1/scales.flac.json",
        "ada/study.wav.json",
        "clara/chords.flac.json",
        "clara/tone.ogg.json",
    ]
    assert results["clara/chords.flac.json"]["summary"]["note_count"] > 5
    for name in ("ada/lesson 1/scales.flac.json", "clara/chords.flac.json"):
        assert results[name]["summary"]["piano"] == DEMO_PIANO
        assert results[name]["segments"][0]["piano"]["label"] == DEMO_PIANO
        assert results[name]["segments"][0]["form"]["label"]
        assert results[name]["segments"][0]["instrument"]["label"] == "piano"
        assert results[name]["summary"]["instrument_share"]["piano"] > 0.5
    assert results["clara/tone.ogg.json"]["duration_s"] == pytest.approx(4.0, abs=0.01)
    with open(out / "summary.csv", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [row["status"] for row in rows] == ["ok", "ok", "failed", "ok", "ok"]
    assert rows[2]["error"]
    assert float(rows[0]["duration_s"]) == pytest.approx(6.0, abs=0.01)
    assert [row["piano"] for row in rows[:2]] == [DEMO_PIANO, DEMO_PIANO]
    assert all(float(row["piano_share"]) > 0.5 for row in rows[:2])
    assert all(row["form"] and row["intensity"] for row in rows[:2])
    assert all(item.warning is None for item in report.items)


def test_batch_without_labels_leaves_segments_null(recordings, tmp_path):
    out = tmp_path / "out"
    run_batch(recordings, out, workers=1, labels=False)
    for result in _json_results(out).values():
        assert all(
            s["instrument"] is s["piano"] is s["form"] is s["intensity"] is None
            for s in result["segments"]
        )
        assert result["summary"]["piano"] is None


def test_a_worker_loads_the_classifier_once():
    labeller, warning = worker_labeller()
    assert labeller is not None and warning is None
    assert worker_labeller()[0] is labeller


def test_batch_resumes_by_skipping_finished_recordings(recordings, tmp_path):
    out = tmp_path / "out"
    run_batch(recordings, out, workers=1)
    finished = out / "ada" / "study.wav.json"
    finished.unlink()
    untouched = out / "clara" / "chords.flac.json"
    before = untouched.stat().st_mtime_ns
    report = run_batch(recordings, out, workers=1)
    statuses = {item.file.split("/")[-1]: item.status for item in report.items}
    assert statuses == {
        "scales.flac": "skipped",
        "study.wav": "done",
        "broken.flac": "failed",
        "chords.flac": "skipped",
        "tone.ogg": "skipped",
    }
    assert finished.is_file()
    assert untouched.stat().st_mtime_ns == before


def test_a_resumed_batch_reads_json_written_before_the_instrument_answer(recordings, tmp_path):
    out = tmp_path / "out"
    run_batch(recordings, out, workers=1)
    old = out / "clara" / "chords.flac.json"
    data = json.loads(old.read_text())
    del data["summary"]["instrument_share"]
    for segment in data["segments"]:
        del segment["instrument"]
    old.write_text(json.dumps(data))
    run_batch(recordings, out, workers=1)
    with open(out / "summary.csv", newline="") as handle:
        row = {r["file"].split("/")[-1]: r for r in csv.DictReader(handle)}["chords.flac"]
    assert (row["status"], row["piano"], row["piano_share"]) == ("ok", DEMO_PIANO, "")
    assert row["form"]


def test_dask_cluster_gives_the_same_results_as_one_process(recordings, tmp_path):
    single = tmp_path / "single"
    run_batch(recordings, single, workers=1)
    with distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=None,
    ) as cluster:
        assert cluster.scheduler_address.startswith("tcp://127.0.0.1:")
        clustered = tmp_path / "cluster"
        report = run_batch(recordings, clustered, scheduler=cluster.scheduler_address)
    assert len(report.failed) == 1
    results = _json_results(single)
    assert results["clara/chords.flac.json"]["summary"]["piano"] == DEMO_PIANO
    assert _json_results(clustered) == results


def test_unreachable_scheduler_is_a_clear_error(recordings, tmp_path):
    with pytest.raises(PianoscopeError, match="Could not reach the Dask scheduler"):
        run_batch(
            recordings, tmp_path / "out", scheduler="tcp://127.0.0.1:9", connect_timeout_s=2.0
        )


def test_outputs_stay_inside_the_output_folder(tmp_path):
    root, out = tmp_path / "root", tmp_path / "out"
    (root / "x").mkdir(parents=True)
    assert output_path(root / "x" / "a.flac", root, out) == out / "x" / "a.flac.json"
    with pytest.raises(ValueError):
        output_path(tmp_path / "elsewhere.flac", root, out)


def test_batch_command_exit_status_and_summary(recordings, tmp_path):
    out = tmp_path / "out"
    finished = subprocess.run(
        [
            sys.executable,
            "-m",
            "pianoscope",
            "batch",
            str(recordings),
            "--out",
            str(out),
            "--workers",
            "2",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert finished.returncode == 1  # one recording failed
    assert "4 analysed, 0 already done, 1 failed" in finished.stdout
    assert "broken.flac" in finished.stderr
    assert (out / "summary.csv").is_file()


def test_batch_without_torch_warns_once_and_writes_null_labels(recordings, tmp_path):
    out = tmp_path / "out"
    finished = run_without_torch("batch", str(recordings), "--out", str(out), "--workers", "2")
    assert finished.returncode == 1  # the broken recording
    warnings = [line for line in finished.stderr.splitlines() if "not labelled" in line]
    assert warnings == [
        "warning: segments are not labelled: The classifier needs torch, which cannot be "
        "loaded: No module named 'torch'"
    ]
    chords = json.loads((out / "clara" / "chords.flac.json").read_text())
    assert chords["summary"]["note_count"] > 5
    assert all(s["piano"] is None for s in chords["segments"])
