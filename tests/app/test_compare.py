"""Comparing two takes: DTW on chroma recovers tempo ratios, sections, dynamics and sentences."""

from __future__ import annotations

import time

import numpy as np
import pytest
from compare_renders import SAMPLE_RATE_HZ, rendered

from pianoscope.analysis.align import align
from pianoscope.app.compare import compare_files, compare_takes
from pianoscope.audio.fileio import write_audio
from pianoscope.errors import AnalysisError
from pianoscope.model.render import TIMGM

TIMINGS: dict[str, float] = {}


@pytest.mark.fluidsynth
@pytest.mark.parametrize("take_bpm", [100.0, 138.0])
def test_dtw_recovers_the_tempo_ratio_of_one_midi_rendered_at_two_tempi(tmp_path, take_bpm):
    reference, take = rendered(tmp_path, 120.0), rendered(tmp_path, take_bpm)
    write_audio(tmp_path / "reference.wav", reference, SAMPLE_RATE_HZ)
    write_audio(tmp_path / "take.wav", take, SAMPLE_RATE_HZ)
    started = time.perf_counter()
    comparison = compare_files(tmp_path / "reference.wav", tmp_path / "take.wav")
    TIMINGS[f"compare 2 x ~20 s files at {take_bpm:.0f} bpm"] = time.perf_counter() - started
    true_ratio = take_bpm / 120.0
    print(f"\ntempo ratio {comparison.tempo_ratio:.4f}, true {true_ratio:.4f}")
    assert comparison.tempo_ratio == pytest.approx(true_ratio, rel=0.03)
    for section in comparison.sections:
        assert section.tempo_ratio == pytest.approx(true_ratio, rel=0.05)
    # The last chord of the score (beat 28, 14 s into the reference) is found where it is played.
    assert comparison.alignment.take_time_at(14.0) == pytest.approx(14.0 / true_ratio, abs=0.15)
    change = "slower" if take_bpm < 120 else "faster"
    percent = round(abs(true_ratio - 1) * 100)
    assert comparison.summary[0].startswith("Overall the take is")
    assert change in comparison.summary[0]
    assert any(
        f"{p} % {change}" in comparison.summary[0] for p in (percent - 1, percent, percent + 1)
    )


@pytest.mark.fluidsynth
def test_the_tempo_ratio_holds_when_the_take_is_played_on_another_piano(tmp_path):
    reference = rendered(tmp_path, 120.0)
    take = rendered(tmp_path, 100.0, soundfont=TIMGM)
    comparison = compare_takes(reference, take, SAMPLE_RATE_HZ)
    assert comparison.tempo_ratio == pytest.approx(100.0 / 120.0, rel=0.03)
    assert comparison.alignment.take_time_at(14.0) == pytest.approx(14.0 * 1.2, abs=0.15)


@pytest.mark.fluidsynth
def test_a_second_half_played_slower_shows_in_its_sections_and_the_summary(tmp_path):
    reference, take = rendered(tmp_path, 120.0), rendered(tmp_path, 120.0, second_half_bpm=90.0)
    comparison = compare_takes(reference, take, SAMPLE_RATE_HZ, section_s=4.0)
    first_half = [s for s in comparison.sections if s.reference_end_s <= 8.05]
    second_half = [s for s in comparison.sections if s.reference_start_s >= 7.95]
    assert len(first_half) == len(second_half) == 2
    for section in first_half:
        assert section.tempo_ratio == pytest.approx(1.0, rel=0.03)
    for section in second_half:
        assert section.tempo_ratio == pytest.approx(0.75, rel=0.03)
    assert second_half[0].take_start_s == pytest.approx(8.0, abs=0.15)
    assert any(
        sentence.endswith("25 % slower than the reference.") for sentence in comparison.summary
    )


@pytest.mark.fluidsynth
def test_a_take_with_wider_dynamics_is_reported_with_its_difference_in_db(tmp_path):
    reference = rendered(tmp_path, 120.0)
    time_s = np.arange(reference.size) / SAMPLE_RATE_HZ
    swell = 10.0 ** (-12.0 * (0.5 + 0.5 * np.cos(2 * np.pi * time_s / 8.0)) / 20.0)
    comparison = compare_takes(reference, reference * swell.astype(np.float32), SAMPLE_RATE_HZ)
    assert comparison.tempo_ratio == pytest.approx(1.0, abs=0.01)
    assert comparison.dynamic_range_difference_db > 4.0
    take_db = round(comparison.take_levels.dynamic_range_db)
    reference_db = round(comparison.reference_levels.dynamic_range_db)
    assert comparison.summary[-1] == (
        f"It has {take_db - reference_db} dB more dynamic range"
        f" ({take_db} dB against {reference_db} dB)."
    )
    assert "about the same tempo" in comparison.summary[0]


def warped_chroma(rng, durations_frames) -> np.ndarray:
    chords = rng.random((len(durations_frames), 12)) ** 4
    rows = np.repeat(chords, durations_frames, axis=0) + 0.05 * rng.random(
        (sum(durations_frames), 12)
    )
    return (rows / np.linalg.norm(rows, axis=1, keepdims=True)).astype(np.float32)


def test_three_minute_takes_align_in_seconds():
    frame_s = 1024 / 22_050
    rng = np.random.default_rng(0)
    count = round(180.0 / frame_s / 10)
    reference = warped_chroma(rng, [10] * count)
    rng = np.random.default_rng(0)
    take = warped_chroma(rng, [12] * (count // 2) + [9] * (count - count // 2))
    started = time.perf_counter()
    alignment = align(reference, take, frame_s=frame_s)
    TIMINGS["DTW of 3 min against 3.2 min"] = elapsed = time.perf_counter() - started
    assert elapsed < 5.0
    assert alignment.tempo_ratio(0.0, 85.0) == pytest.approx(10 / 12, rel=0.01)
    assert alignment.tempo_ratio(95.0, 180.0) == pytest.approx(10 / 9, rel=0.01)


def test_silence_or_very_different_lengths_cannot_be_compared():
    rng = np.random.default_rng(1)
    music = (0.1 * rng.standard_normal(SAMPLE_RATE_HZ * 4)).astype(np.float32)
    with pytest.raises(AnalysisError, match="Nothing audible"):
        compare_takes(music, np.zeros(SAMPLE_RATE_HZ * 4, np.float32), SAMPLE_RATE_HZ)
    with pytest.raises(AnalysisError, match="twice"):
        compare_takes(music, np.tile(music, 3), SAMPLE_RATE_HZ)


def test_report_timings():
    for what, seconds in TIMINGS.items():
        print(f"\n{what}: {seconds:.2f} s")
