from __future__ import annotations

from collections import Counter
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from pianoscope.model.calibration import REFERENCE_LEVEL_DB, playing_level_db
from pianoscope.model.labels import FORM_LABELS, IGNORE_INDEX, INTENSITY_LABELS, PIANO_LABELS
from pianoscope.model.training.recipe import left_out_spec
from pianoscope.model.training.sources import (
    HELD_OUT_PIANOS,
    KNOWN_PIANOS,
    PIANO_SOURCES,
    STEINWAY,
    TRAINING_NEGATIVES,
    SampledPiano,
    instrument_name,
)
from pianoscope.model.training.synth import (
    KIND_KNOWN,
    KIND_NEGATIVE,
    KIND_POOL,
    KIND_REVOICED,
    KIND_SPEECH,
    PIANO_KINDS,
    UNKNOWN_INDEX,
    Dataset,
    DatasetSpec,
    build_dataset,
    calibration_phrase,
    every_class_plans,
    in_clip_acoustics,
    iter_plan_audio,
    plan_clips,
    render_at_convention,
)
from pianoscope.progress import Cancelled, CancelToken

pytestmark = pytest.mark.fluidsynth

TINY = DatasetSpec(
    "test-tiny",
    seed=11,
    clips_per_class=1,
    negative_clips=3,
    noise_clips=2,
    pianos=("grand-fluidr3", "grand-timgm"),
)


def test_same_spec_renders_identical_features_and_reports_progress(tmp_path: Path) -> None:
    fractions: list[float] = []
    first = build_dataset(TINY, tmp_path / "a", progress=fractions.append)
    second = build_dataset(TINY, tmp_path / "b")
    np.testing.assert_array_equal(first.features_db, second.features_db)
    np.testing.assert_array_equal(first.piano, second.piano)
    assert fractions[-1] == 1.0
    assert 0.0 < fractions[0] < 1.0
    assert fractions == sorted(fractions)


def test_a_cached_dataset_loads_identically(tmp_path: Path) -> None:
    built = build_dataset(TINY, tmp_path)
    assert len(list(tmp_path.glob("*.npz"))) == 1
    loaded = build_dataset(TINY, tmp_path, progress=lambda *_: pytest.fail("re-rendered"))
    np.testing.assert_array_equal(built.features_db, loaded.features_db)


def test_another_seed_or_split_gives_other_content() -> None:
    base = plan_clips(TINY)
    for other in (replace(TINY, seed=12), replace(TINY, split="heldout")):
        seeds = {plan.seed for plan in plan_clips(other)}
        assert seeds.isdisjoint(plan.seed for plan in base)


def test_cancel_stops_the_build_and_caches_nothing(tmp_path: Path) -> None:
    cancel = CancelToken()
    cancel.cancel()
    with pytest.raises(Cancelled):
        build_dataset(TINY, tmp_path, cancel=cancel)
    assert not list(tmp_path.glob("*.npz"))


def test_labels_are_in_range_and_only_pianos_carry_form_and_intensity(
    small_dataset: Dataset,
) -> None:
    known = small_dataset.kind == KIND_KNOWN
    assert set(small_dataset.piano[known]) == set(range(len(PIANO_LABELS)))
    assert set(small_dataset.form[known]) == {0, 1, 2, 3}
    assert set(small_dataset.intensity[known]) == {0, 1, 2, 3, 4}
    assert np.all(small_dataset.piano[~known] == UNKNOWN_INDEX)
    piano = np.isin(small_dataset.kind, PIANO_KINDS)
    assert np.all(small_dataset.instrument == piano)
    assert np.all(small_dataset.form[piano] >= 0) and np.all(small_dataset.intensity[piano] >= 0)
    assert np.all(small_dataset.form[~piano] == IGNORE_INDEX)
    assert np.all(small_dataset.intensity[~piano] == IGNORE_INDEX)
    assert small_dataset.features_db.shape[1:] == (255, 64)
    assert np.all(np.isfinite(small_dataset.features_db.astype(np.float32)))


def test_negatives_and_held_out_pianos_come_from_their_lists(small_dataset: Dataset) -> None:
    negatives = {instrument_name(i) for i in TRAINING_NEGATIVES}
    held_out = {instrument_name(i) for i in HELD_OUT_PIANOS}
    assert negatives.isdisjoint(held_out)
    assert set(small_dataset.source[small_dataset.kind == "negative"]) <= negatives
    assert set(small_dataset.source[small_dataset.kind == "held-out-piano"]) <= held_out


def test_no_negative_is_a_piano_and_piano_programs_drawn_as_negatives_play_form_and_intensity() -> (
    None
):
    spec = DatasetSpec("plan-only", seed=3, clips_per_class=0, negative_clips=200, noise_clips=0)
    plans = plan_clips(spec)
    assert not any(p.instrument in PIANO_SOURCES for p in plans if p.kind == KIND_NEGATIVE)
    drawn_pianos = [p for p in plans if p.kind == KIND_POOL]
    assert {instrument_name(p.instrument) for p in drawn_pianos} == {"FluidR3_GM:1", "TimGM6mb:2"}
    assert {p.piano for p in drawn_pianos} == {UNKNOWN_INDEX}


def test_labels_come_from_the_plan_not_from_the_cache(tmp_path: Path) -> None:
    built = build_dataset(TINY, tmp_path)
    [cached] = tmp_path.glob("*.npz")
    stale = replace(built, instrument=1 - built.instrument, kind=np.full(len(built), "negative"))
    stale.save(cached)
    loaded = build_dataset(TINY, tmp_path, progress=lambda *_: pytest.fail("re-rendered"))
    np.testing.assert_array_equal(loaded.instrument, built.instrument)
    np.testing.assert_array_equal(loaded.kind, built.kind)
    np.testing.assert_array_equal(loaded.features_db, built.features_db)


def test_mf_clips_play_near_the_reference_level_and_louder_classes_are_louder(
    small_dataset: Dataset,
) -> None:
    known = small_dataset.kind == KIND_KNOWN
    levels = np.array([playing_level_db(f.astype(np.float32)) for f in small_dataset.features_db])
    medians = [float(np.median(levels[known & (small_dataset.intensity == i)])) for i in range(5)]
    assert medians == sorted(medians)
    assert abs(medians[2] - REFERENCE_LEVEL_DB) < 6.0


def test_revoiced_known_pianos_are_unknown_and_played_four_to_nine_semitones_away() -> None:
    spec = DatasetSpec("plan-only", seed=5, clips_per_class=1, negative_clips=0, noise_clips=0)
    with_revoiced = replace(spec, revoiced_clips=40)
    plans = [p for p in plan_clips(with_revoiced) if p.kind == KIND_REVOICED]
    assert len(plans) == 40
    assert {p.instrument for p in plans} == set(KNOWN_PIANOS)
    assert all(p.piano == UNKNOWN_INDEX for p in plans)
    assert all(4 <= abs(p.transpose) <= 9 for p in plans)
    assert {p.transpose > 0 for p in plans} == {True, False}
    # Adding none changes nothing about the other clips.
    assert plan_clips(replace(spec, revoiced_clips=0)) == plan_clips(spec)


def test_pool_pianos_and_speech_are_labelled_and_at_the_level_convention(tmp_path: Path) -> None:
    spec = DatasetSpec(
        "test-pool",
        seed=5,
        clips_per_class=0,
        negative_clips=0,
        noise_clips=0,
        pool_clips=10,
        modelled_clips=2,
        speech_clips=2,
        pool_families=("freepats-grand", "fluidr3-electric-grand"),
    )
    dataset = build_dataset(spec, tmp_path)
    pool = dataset.kind == KIND_POOL
    assert set(dataset.source[pool]) == {"freepats-grand", "FluidR3_GM:2", "modelled"}
    assert np.all(dataset.instrument[pool] == 1) and np.all(dataset.form[pool] >= 0)
    assert np.all(dataset.piano[pool] == UNKNOWN_INDEX)
    speech = dataset.kind == KIND_SPEECH
    assert speech.sum() == 2 and np.all(dataset.instrument[speech] == 0)
    assert np.all(dataset.form[speech] == IGNORE_INDEX)
    levels = [playing_level_db(f.astype(np.float32)) for f in dataset.features_db[pool]]
    # pp..ff around the mf convention: within the 32 dB of the velocity curve and a room.
    assert all(REFERENCE_LEVEL_DB - 30 < level < REFERENCE_LEVEL_DB + 20 for level in levels)


def test_every_class_plans_play_each_form_and_intensity_alike_and_the_same_each_time() -> None:
    steinway = SampledPiano(STEINWAY)
    plans = every_class_plans(steinway, 2, 7)
    assert len(plans) == 2 * len(FORM_LABELS) * len(INTENSITY_LABELS)
    assert Counter((p.form, p.intensity) for p in plans) == {
        (f, i): 2 for f in range(len(FORM_LABELS)) for i in range(len(INTENSITY_LABELS))
    }
    assert {p.instrument for p in plans} == {steinway}
    assert plans == every_class_plans(steinway, 2, 7)
    assert len({p.seed for p in plans} | {p.seed for p in every_class_plans(steinway, 2, 8)}) == 80


def test_other_audio_in_a_clips_acoustics_gets_the_very_draws_the_clip_got() -> None:
    """The clip's own dry audio through `in_clip_acoustics` is the clip as the dataset made it;
    another clip's room is another."""
    spec = replace(left_out_spec("steinway-b"), pool_clips=2)
    plans = plan_clips(spec)
    dry = dict(iter_plan_audio(plans, spec.clip_s, None))
    made = dict(iter_plan_audio(plans, spec.clip_s, spec.augment))
    (reference,) = render_at_convention(plans[0].instrument, [calibration_phrase()])
    for index, plan in enumerate(plans):
        np.testing.assert_array_equal(
            in_clip_acoustics(plan, spec.clip_s, spec.augment, dry[index], reference), made[index]
        )
    elsewhere = in_clip_acoustics(plans[1], spec.clip_s, spec.augment, dry[0], reference)
    assert not np.allclose(elsewhere, made[0])
