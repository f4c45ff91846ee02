"""Leave one piano out: the family leaves training whole, and the judge counts what it must."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
import torch

from pianoscope.dsp.features import log_mel
from pianoscope.model.calibration import Calibration
from pianoscope.model.inference import WINDOW_SAMPLES, Classifier
from pianoscope.model.labels import FORM_LABELS, INTENSITY_LABELS
from pianoscope.model.network import PianoscopeNet
from pianoscope.model.training.evaluate import centred_windows
from pianoscope.model.training.leave_one_out import (
    family_sources,
    judge_left_out,
    left_out_lines,
    passage_calibrations,
    room_passage_calibrations,
    without_family,
)
from pianoscope.model.training.passage_reference import passage_phrases
from pianoscope.model.training.recipe import left_out_spec
from pianoscope.model.training.sources import (
    LEAVE_ONE_OUT,
    PIANO_FAMILIES,
    STEINWAY,
    SampledPiano,
    pool_pianos,
)
from pianoscope.model.training.synth import (
    UNKNOWN_INDEX,
    Dataset,
    calibration_phrase,
    in_clip_acoustics,
    plan_clips,
    render_at_convention,
)
from pianoscope.transcription.intensity import calibrate_passages_with_notes, window_note_intensity
from pianoscope.transcription.note_reading import with_note_reading


def _dataset(sources: list[str], kinds: list[str]) -> Dataset:
    count = len(sources)
    rng = np.random.default_rng(0)
    return Dataset(
        (rng.normal(-50, 10, (count, 180, 64))).astype(np.float16),
        np.full(count, UNKNOWN_INDEX),
        rng.integers(0, 4, count),
        rng.integers(0, 5, count),
        np.array(kinds),
        np.array(sources),
    )


def _steinway_clips(clips: list[np.ndarray], intensities: list[int]) -> tuple[Dataset, np.ndarray]:
    """Left-out Steinway clips (3 s each, legato) of the given intensity classes, and the audio
    of each one's centred window (frames 43 to 211 of 255)."""
    start = 43 * 512
    count = len(clips)
    left_out = Dataset(
        np.stack([log_mel(clip)[:255] for clip in clips]).astype(np.float16),
        np.full(count, UNKNOWN_INDEX),
        np.zeros(count, dtype=np.int64),
        np.array(intensities),
        np.array(["pool-piano"] * count),
        np.array([STEINWAY] * count),
    )
    return left_out, np.stack([clip[start : start + WINDOW_SAMPLES] for clip in clips])


def test_each_left_out_family_is_in_the_pool_and_leaves_training_whole():
    for family in LEAVE_ONE_OUT:
        assert family in PIANO_FAMILIES
        assert not set(PIANO_FAMILIES[family]) & set(pool_pianos(leave_out=family))
    timgm = family_sources("timgm-grand")
    assert "TimGM6mb:0" in timgm  # the known grand-timgm leaves with its family
    sources = [*timgm, "FluidR3_GM:1", "steinway-b", "speech"]
    dataset = _dataset(sources, ["pool-piano"] * (len(sources) - 1) + ["speech"])
    kept = without_family(dataset, "timgm-grand")
    assert list(kept.source) == ["FluidR3_GM:1", "steinway-b", "speech"]
    assert list(kept.instrument) == [1, 1, 0]


def test_the_judge_counts_given_windows_for_pianos_and_for_other_sounds():
    torch.manual_seed(0)
    network = PianoscopeNet().eval()
    with torch.no_grad():
        network.instrument_head.weight.zero_()
        network.instrument_head.bias.fill_(8.0)  # says "piano" to everything
    classifier = Classifier.from_network(network, 0.5)
    left_out = _dataset(["steinway-b"] * 6, ["pool-piano"] * 6)
    others = _dataset(["TimGM6mb:20", "speech", "noise"], ["negative", "speech", "noise"])
    report = judge_left_out(classifier, "steinway-b", left_out, others)
    assert report.windows == 6 and report.piano_windows_given == 1.0
    assert report.others_given == {"other instruments": 1.0, "speech": 1.0, "noise": 1.0}
    assert 0.0 <= report.form_accuracy <= 1.0
    assert report.calibrated.within_one >= report.calibrated.exact
    assert report.passages is None
    table = "\n".join(left_out_lines([report]))
    assert "| steinway-b | 6 |" in table and "100.0 % / 100.0 % / 100.0 %" in table


def test_with_passages_each_source_is_read_through_its_own_calibration():
    torch.manual_seed(0)
    classifier = Classifier.from_network(PianoscopeNet().eval(), 0.5)
    left_out = _dataset(["a"] * 4 + ["b"] * 4, ["pool-piano"] * 8)
    others = _dataset(["speech"], ["speech"])
    windows = left_out.features_db.astype(np.float32)
    quiet = Calibration(offset_db=-20.0)  # "a" was calibrated 20 dB quieter
    report = judge_left_out(
        classifier, "steinway-b", left_out, others, passages={"a": quiet, "b": Calibration()}
    )
    # The same windows with "a" moved 20 dB up by hand, uncalibrated: the same intensities.
    moved = left_out.subset(np.ones(8, dtype=bool))
    moved.features_db[:4] = (windows[:4] + 20.0).astype(np.float16)
    by_hand = judge_left_out(classifier, "steinway-b", moved, others)
    assert report.passages == by_hand.calibrated


def test_passages_played_in_each_clips_room_read_each_clip_through_its_own_calibration():
    torch.manual_seed(0)
    classifier = Classifier.from_network(PianoscopeNet().eval(), 0.5)
    left_out = _dataset(["a"] * 4 + ["b"] * 4, ["pool-piano"] * 8)
    others = _dataset(["speech"], ["speech"])
    quiet = Calibration(offset_db=-20.0)  # the first four clips' rooms calibrated 20 dB quieter
    report = judge_left_out(
        classifier,
        "steinway-b",
        left_out,
        others,
        room_passages=[quiet] * 4 + [Calibration()] * 4,
    )
    moved = left_out.subset(np.ones(8, dtype=bool))
    moved.features_db[:4] = (left_out.features_db[:4].astype(np.float32) + 20.0).astype(np.float16)
    assert (
        report.room_passages == judge_left_out(classifier, "steinway-b", moved, others).calibrated
    )
    assert report.room_passages_refused == 0
    # Passages a calibration refused: those clips read at the level convention, and counted.
    refused = judge_left_out(classifier, "steinway-b", left_out, others, room_passages=[None] * 8)
    assert refused.room_passages == refused.calibrated and refused.room_passages_refused == 8
    assert "refused the passages in 8 of its clips' rooms" in "\n".join(left_out_lines([refused]))


def test_each_clip_is_calibrated_by_its_pianos_passages_heard_in_its_own_room():
    spec = replace(left_out_spec("steinway-b"), pool_clips=2)
    plans = plan_clips(spec)
    heard = []

    def calibrate(soft: np.ndarray, medium: np.ndarray, loud: np.ndarray) -> Calibration:
        heard.append((soft, medium, loud))
        if len(heard) == 2:
            raise ValueError("the passages read too close together")
        return Calibration(offset_db=float(len(heard)))

    calibrations = room_passage_calibrations(spec, calibrate)
    assert calibrations == [Calibration(offset_db=1.0), None]
    reference, *dry = render_at_convention(
        SampledPiano(STEINWAY), [calibration_phrase(), *passage_phrases()]
    )
    for plan, passages in zip(plans, heard, strict=True):
        for played, passage in zip(passages, dry, strict=True):
            np.testing.assert_array_equal(
                played, in_clip_acoustics(plan, spec.clip_s, spec.augment, passage, reference)
            )
    assert not np.allclose(heard[0][1], heard[1][1])  # two clips, two rooms


def test_with_the_windows_audio_another_piano_is_judged_by_its_notes():
    """A model that takes every window for another piano: its intensity is judged from the
    notes struck in each window, and its form from its head and the notes together, as the
    product reads them, not from its (untrained) heads alone."""
    torch.manual_seed(0)
    network = PianoscopeNet().eval()
    with torch.no_grad():
        for head, bias in ((network.instrument_head, 8.0), (network.known_head, -8.0)):
            head.weight.zero_()
            head.bias.fill_(bias)
    classifier = Classifier.from_network(network, 0.5)
    soft, medium, loud = render_at_convention(SampledPiano(STEINWAY), passage_phrases())
    calibration = calibrate_passages_with_notes(soft, medium, loud)
    clips = [soft, np.roll(soft, 22_050), loud, np.roll(loud, 22_050)]
    left_out, audio = _steinway_clips(clips, [1, 1, 3, 3])  # p, p, f, f
    report = judge_left_out(
        classifier,
        "steinway-b",
        left_out,
        _dataset(["speech"], ["speech"]),
        passages={STEINWAY: calibration},
        window_audio=audio,
        read_notes=with_note_reading,
    )
    by_notes = [INTENSITY_LABELS.index(window_note_intensity(a, calibration).label) for a in audio]
    assert report.passages.exact == np.mean(np.array(by_notes) == left_out.intensity)
    assert report.passages.within_one == 1.0
    assert report.passages.spearman > 0.8
    read_forms = [
        FORM_LABELS.index(with_note_reading(p, a, classifier.calibration).form.label)
        for p, a in zip(
            classifier.predict_feature_batch(centred_windows(left_out)), audio, strict=True
        )
    ]
    assert report.form_accuracy == np.mean(np.array(read_forms) == left_out.form)


@pytest.mark.fluidsynth
def test_windows_the_gate_does_not_give_are_still_judged_by_their_notes():
    """A model that hears no piano anywhere gives nothing, yet form and intensity are judged as
    the product reads them when it gives them (from the notes), not from its heads alone."""
    torch.manual_seed(0)
    network = PianoscopeNet().eval()
    with torch.no_grad():
        network.instrument_head.weight.zero_()
        network.instrument_head.bias.fill_(-8.0)  # says "no piano" to everything
    classifier = Classifier.from_network(network, 0.5)
    soft, _, loud = render_at_convention(SampledPiano(STEINWAY), passage_phrases())
    left_out, audio = _steinway_clips([soft, loud], [1, 3])
    report = judge_left_out(
        classifier,
        "steinway-b",
        left_out,
        _dataset(["speech"], ["speech"]),
        window_audio=audio,
        read_notes=with_note_reading,
    )
    assert report.piano_windows_given == 0.0
    heads = classifier.predict_feature_batch(centred_windows(left_out))
    assert not any(p.plays_piano for p in heads)
    by_notes = [
        with_note_reading(replace(p, is_other=False), a, classifier.calibration)
        for p, a in zip(heads, audio, strict=True)
    ]
    assert [p.intensity.label for p in by_notes] != [p.intensity.label for p in heads]
    read = np.array([INTENSITY_LABELS.index(p.intensity.label) for p in by_notes])
    assert report.calibrated.exact == np.mean(read == left_out.intensity)


@pytest.mark.fluidsynth
def test_every_left_out_piano_has_a_three_passage_calibration_of_rising_levels():
    calibrations = passage_calibrations("timgm-grand")
    assert set(calibrations) == set(family_sources("timgm-grand"))
    for calibration in calibrations.values():
        soft, medium, loud = calibration.passages.levels_db
        assert soft < medium < loud
        assert abs(calibration.offset_db) < 1.0  # mf played at the level convention
