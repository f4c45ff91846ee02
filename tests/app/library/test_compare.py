"""Comparing two takes: DTW on chroma recovers tempo ratios, sections, dynamics and sentences."""

from __future__ import annotations

import numpy as np
import pytest
from support.compare_renders import SAMPLE_RATE_HZ, rendered

from pianoscope.analysis.align import align
from pianoscope.analysis.meter import Meter
from pianoscope.app.library.compare import (
    SectionComparison,
    TakeLevels,
    compare_files,
    compare_takes,
    levels,
    summary_sentences,
    with_meter,
)
from pianoscope.audio.fileio import write_audio
from pianoscope.errors import AnalysisError
from pianoscope.model.training.render import TIMGM


@pytest.mark.fluidsynth
@pytest.mark.parametrize("take_bpm", [100.0, 138.0])
def test_dtw_recovers_the_tempo_ratio_of_one_midi_rendered_at_two_tempi(tmp_path, take_bpm):
    reference, take = rendered(tmp_path, 120.0), rendered(tmp_path, take_bpm)
    write_audio(tmp_path / "reference.wav", reference, SAMPLE_RATE_HZ)
    write_audio(tmp_path / "take.wav", take, SAMPLE_RATE_HZ)
    comparison = compare_files(tmp_path / "reference.wav", tmp_path / "take.wav")
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
    reference, take = rendered(tmp_path, 120.0), rendered(tmp_path, 120.0, ((16, 90.0),))
    comparison = compare_takes(reference, take, SAMPLE_RATE_HZ, meter=Meter(bars_per_section=2))
    first_half = [s for s in comparison.sections if s.reference_end_s <= 8.05]
    second_half = [s for s in comparison.sections if s.reference_start_s >= 7.95]
    assert len(first_half) == len(second_half) == 2
    for section in first_half:
        assert section.tempo_ratio == pytest.approx(1.0, rel=0.03)
    for section in second_half:
        assert section.tempo_ratio == pytest.approx(0.75, rel=0.03)
    assert second_half[0].take_start_s == pytest.approx(8.0, abs=0.15)
    assert [section.bars for section in comparison.sections] == [
        "bars 1-2",
        "bars 3-4",
        "bars 5-6",
        "bars 7-8",
    ]
    # The two slow sections say the same thing: told once, for all four bars.
    assert comparison.summary[1] == "In bars 5-8 the take is 25 % slower than the reference."
    assert not any(
        "bars 5-6" in sentence or "bars 7-8" in sentence for sentence in comparison.summary
    )


TWELVE_BARS = 48


@pytest.mark.fluidsynth
def test_bars_played_slower_are_named_by_their_numbers(tmp_path):
    """Twelve bars of 4/4 at 120 bpm; the take plays bars 5-8 at 102 bpm (15 % slower)."""
    reference = rendered(tmp_path, 120.0, beats=TWELVE_BARS)
    take = rendered(tmp_path, 120.0, ((16, 102.0), (32, 120.0)), beats=TWELVE_BARS)
    comparison = compare_takes(reference, take, SAMPLE_RATE_HZ)
    bar_starts = comparison.bar_starts_s
    print(f"\nbar starts {np.round(bar_starts, 3)}")
    print(*comparison.summary, sep="\n")
    assert bar_starts == pytest.approx(np.arange(12) * 2.0, abs=0.03)
    assert [section.bars for section in comparison.sections] == [
        "bars 1-4",
        "bars 5-8",
        "bars 9-12",
    ]
    first, slower, last = comparison.sections
    assert slower.tempo_ratio == pytest.approx(102.0 / 120.0, rel=0.02)
    assert first.tempo_ratio == pytest.approx(1.0, rel=0.02)
    assert last.tempo_ratio == pytest.approx(1.0, rel=0.02)
    named = [sentence for sentence in comparison.summary if "bar" in sentence]
    assert named == ["In bars 5-8 the take is 15 % slower than the reference."]
    assert comparison.summary[-1].startswith("Its dynamic range is about the same")


@pytest.mark.fluidsynth
def test_another_meter_regroups_the_same_comparison(tmp_path):
    """The same twelve bars counted in 2/4, two bars a section: the slow part is bars 9-16."""
    reference = rendered(tmp_path, 120.0, beats=TWELVE_BARS)
    take = rendered(tmp_path, 120.0, ((16, 102.0), (32, 120.0)), beats=TWELVE_BARS)
    comparison = compare_takes(reference, take, SAMPLE_RATE_HZ)
    regrouped = with_meter(comparison, Meter(beats_per_bar=2, bars_per_section=4, upbeat_beats=0))
    assert regrouped.alignment is comparison.alignment
    assert len(regrouped.bar_starts_s) == 24
    slow = [s.bars for s in regrouped.sections if s.tempo_ratio < 0.9]
    assert slow == ["bars 9-12", "bars 13-16"]
    # An upbeat of one beat moves bar 1 to the second beat; the sections keep their bars.
    upbeat = with_meter(comparison, Meter(upbeat_beats=1))
    assert upbeat.bar_starts_s[0] == pytest.approx(0.5, abs=0.03)
    assert upbeat.sections[0].reference_start_s == comparison.sections[0].reference_start_s


def chords(chord_s: float, count: int = 6) -> np.ndarray:
    """`count` decaying triads, each `chord_s` long: far too few onsets for a beat."""
    roots = np.random.default_rng(5).integers(48, 60, size=count)
    time_s = np.arange(round(chord_s * SAMPLE_RATE_HZ)) / SAMPLE_RATE_HZ
    decay = np.exp(-1.5 * time_s)
    played = [
        sum(
            0.1 / n * decay * np.sin(2 * np.pi * n * 440 * 2 ** ((midi - 69) / 12) * time_s)
            for midi in (root, root + 4, root + 7)
            for n in range(1, 4)
        )
        for root in roots
    ]
    silence = np.zeros(SAMPLE_RATE_HZ // 2)
    return np.concatenate([silence, *played, silence]).astype(np.float32)


def test_a_reference_with_too_few_onsets_is_sectioned_in_clock_time_and_says_so():
    comparison = compare_takes(chords(2.0), chords(2.4), SAMPLE_RATE_HZ, section_s=4.0)
    print(*comparison.summary, sep="\n")
    assert comparison.reference_beats_s is None
    assert comparison.bar_starts_s.size == 0
    assert comparison.tempo_ratio == pytest.approx(1 / 1.2, rel=0.03)
    assert len(comparison.sections) == 3
    assert all(section.bars is None for section in comparison.sections)
    assert comparison.summary[1] == (
        "No steady beat was found in the reference, so its sections are in clock time, not bars."
    )
    assert not any("bars" in sentence for sentence in comparison.summary[2:])


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


def test_three_minute_takes_align_with_their_tempo_changes():
    """How fast (seconds for 3 minutes) is bench/bench_compare.py's figure, not bounded here."""
    frame_s = 1024 / 22_050
    rng = np.random.default_rng(0)
    count = round(180.0 / frame_s / 10)
    reference = warped_chroma(rng, [10] * count)
    rng = np.random.default_rng(0)
    take = warped_chroma(rng, [12] * (count // 2) + [9] * (count - count // 2))
    alignment = align(reference, take, frame_s=frame_s)
    assert alignment.tempo_ratio(0.0, 85.0) == pytest.approx(10 / 12, rel=0.01)
    assert alignment.tempo_ratio(95.0, 180.0) == pytest.approx(10 / 9, rel=0.01)


def test_silence_or_very_different_lengths_cannot_be_compared():
    rng = np.random.default_rng(1)
    music = (0.1 * rng.standard_normal(SAMPLE_RATE_HZ * 4)).astype(np.float32)
    with pytest.raises(AnalysisError, match="Nothing audible"):
        compare_takes(music, np.zeros(SAMPLE_RATE_HZ * 4, np.float32), SAMPLE_RATE_HZ)
    with pytest.raises(AnalysisError, match="twice"):
        compare_takes(music, np.tile(music, 3), SAMPLE_RATE_HZ)


def _section(start_s: float, end_s: float, ratio: float, first_bar: int) -> SectionComparison:
    take_start = start_s / ratio
    return SectionComparison(
        start_s,
        end_s,
        take_start,
        take_start + (end_s - start_s) / ratio,
        ratio,
        -2.0,
        first_bar,
        first_bar + 1,
    )


def test_adjacent_sections_with_the_same_finding_are_told_once():
    levels = TakeLevels(0.05, np.full(10, -30.0), 10.0)
    sections = (
        _section(0.0, 4.0, 1.0, 1),
        _section(4.0, 8.0, 0.81, 3),
        _section(8.0, 12.0, 0.79, 5),  # same finding as bars 3-4: joined
        _section(12.0, 16.0, 1.0, 7),
        _section(16.0, 20.0, 1.25, 9),  # faster: told on its own
        _section(20.0, 24.0, 0.8, 11),  # slower again, but not next to bars 3-6
    )
    summary = summary_sentences(1.0, sections, levels, levels)
    told = [sentence for sentence in summary if sentence.startswith("In bars")]
    assert told == [
        "In bars 3-6 the take is 20 % slower than the reference.",
        "In bars 9-10 the take is 25 % faster than the reference.",
        "In bars 11-12 the take is 20 % slower than the reference.",
    ]


def test_the_same_take_twelve_db_quieter_has_the_same_dynamic_range():
    """`compare demo.flac quiet.flac` once said "6 dB less dynamic range" for a lower gain."""
    from pianoscope.audio.fileio import load_audio
    from pianoscope.resources_path import demo_recording_path

    demo = load_audio(demo_recording_path())
    quiet = demo * np.float32(10 ** (-12 / 20))
    reference_levels = levels(demo, SAMPLE_RATE_HZ)
    take_levels = levels(quiet, SAMPLE_RATE_HZ)
    assert abs(take_levels.dynamic_range_db - reference_levels.dynamic_range_db) < 0.5
    sentence = summary_sentences(1.0, (), reference_levels, take_levels)[-1]
    assert sentence.startswith("Its dynamic range is about the same")
