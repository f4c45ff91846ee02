"""Training's gain treatment of the timbre-bearing piano (see pianoscope.model.training.train)."""

from __future__ import annotations

import numpy as np
import torch

from pianoscope.model.labels import IGNORE_INDEX, PIANO_LABELS
from pianoscope.model.training import train
from pianoscope.model.training.sources import TIMBRE_BEARING_PIANOS
from pianoscope.model.training.synth import UNKNOWN_INDEX, Dataset
from pianoscope.model.training.train import TrainConfig

TIMBRE = PIANO_LABELS.index(TIMBRE_BEARING_PIANOS[0])
LEVEL_ONLY = PIANO_LABELS.index("grand-fluidr3")


def _batch() -> tuple[torch.Tensor, dict[str, torch.Tensor]]:
    piano = torch.tensor([TIMBRE, LEVEL_ONLY, TIMBRE, IGNORE_INDEX])
    targets = {
        "piano": piano,
        "form": torch.tensor([0, 1, 2, IGNORE_INDEX]),
        "intensity": torch.tensor([4, 3, 0, IGNORE_INDEX]),
        "known": torch.tensor([1.0, 1.0, 1.0, 0.0]),
    }
    return torch.full((4, 20, 8), -40.0) + torch.randn(4, 20, 8), targets


def test_timbre_bearing_windows_get_random_gains_and_a_copy_at_another_gain():
    inputs, targets = _batch()
    original = inputs.clone()
    config = TrainConfig(timbre_gain_db=15.0, gain_consistency_weight=1.0)
    rows = np.array([0, 2])
    out, out_targets, pairs = train._timbre_gain_pairs(
        inputs, targets, rows, config, np.random.default_rng(3)
    )
    assert pairs is not None
    first, copies = pairs
    assert first.tolist() == [0, 2] and copies.tolist() == [4, 5]
    assert out.shape[0] == 6
    for name in targets:
        torch.testing.assert_close(out_targets[name][copies], out_targets[name][first])
    torch.testing.assert_close(out[[1, 3]], original[[1, 3]])  # other windows untouched
    for row, copy in zip(first.tolist(), copies.tolist(), strict=True):
        gain_a = out[row] - original[row]
        gain_b = out[copy] - original[row]
        # A gain adds the same dB to every band and frame, within the configured range.
        assert float(gain_a.std()) < 1e-4 and float(gain_b.std()) < 1e-4
        assert abs(float(gain_a.mean())) <= 15.0 and abs(float(gain_b.mean())) <= 15.0
        assert abs(float(gain_a.mean() - gain_b.mean())) > 1e-3


def test_without_consistency_only_the_gain_is_applied():
    inputs, targets = _batch()
    config = TrainConfig(timbre_gain_db=15.0, gain_consistency_weight=0.0)
    rows = np.array([0, 2])
    out, _, pairs = train._timbre_gain_pairs(
        inputs, targets, rows, config, np.random.default_rng(0)
    )
    assert pairs is None and out.shape[0] == 4


def test_timbre_bearing_rows_are_the_timbre_pianos_known_or_from_the_pool():
    count = 6
    dataset = Dataset(
        np.full((count, 30, 8), -40.0, np.float16),
        np.array([TIMBRE, LEVEL_ONLY, UNKNOWN_INDEX, UNKNOWN_INDEX, UNKNOWN_INDEX, UNKNOWN_INDEX]),
        np.zeros(count, np.int64),
        np.zeros(count, np.int64),
        np.array(["known", "known", "pool-piano", "pool-piano", "pool-piano", "revoiced"]),
        np.array(
            [
                "MuseScore_General_Lite:0",
                "FluidR3_GM:0",
                "steinway-b",
                "FluidR3_GM:1",
                "modelled",
                "MuseScore_General_Lite:0",
            ]
        ),
    )
    _, targets, rows = train._batch(dataset, np.arange(count), 20, np.random.default_rng(0))
    assert rows.tolist() == [0, 2, 4]  # not the level-only pianos, not a re-voiced clip
    assert targets["instrument"].tolist() == [1.0] * count


def test_consistency_term_is_zero_for_equal_predictions_and_grows_with_disagreement():
    logits = torch.randn(5, 5)
    assert float(train._symmetric_kl(logits, logits)) < 1e-6
    slightly = float(train._symmetric_kl(logits, logits + torch.randn(5, 5) * 0.1))
    very = float(train._symmetric_kl(logits, logits + torch.randn(5, 5) * 3.0))
    assert 0.0 < slightly < very


def test_unknown_threshold_keeps_the_required_share_of_known_windows():
    rng = np.random.default_rng(1)
    known = np.concatenate([rng.uniform(0.3, 1.0, 950), rng.uniform(0.0, 0.3, 50)])
    negatives = rng.uniform(0.0, 0.6, 1000)
    probability = np.concatenate([known, negatives])
    is_known = np.arange(2000) < 1000
    free = train.threshold_keeping_known(probability, is_known, min_known_kept=0.0)
    strict = train.threshold_keeping_known(probability, is_known, min_known_kept=0.98)
    assert strict < free  # the floor costs some rejection of negatives
    assert np.mean(known >= strict) >= 0.98
    assert np.mean(known >= free) < 0.98
    # No threshold can keep everything: the lowest candidate is used.
    assert train.threshold_keeping_known(probability, is_known, 1.01) == 0.01


def test_identity_copies_are_gained_keep_piano_and_form_and_drop_intensity():
    inputs, targets = _batch()
    targets["instrument"] = torch.tensor([1.0, 1.0, 1.0, 0.0])
    original = inputs.clone()
    config = TrainConfig(identity_gain_db=12.0, identity_gain_share=0.5)
    out, out_targets, copies = train._identity_gain_copies(
        inputs, targets, config, np.random.default_rng(1)
    )
    assert copies is not None
    rows, added = copies
    assert added.tolist() == [4, 5] and out.shape[0] == 6
    for name in ("piano", "form", "known", "instrument"):
        torch.testing.assert_close(out_targets[name][added], targets[name][rows])
    assert out_targets["intensity"][added].tolist() == [IGNORE_INDEX] * 2
    for row, copy in zip(rows.tolist(), added.tolist(), strict=True):
        gain = out[copy] - original[row]
        assert float(gain.std()) < 1e-4 and abs(float(gain.mean())) <= 12.0
    logits = train.HeadLogits(
        torch.randn(6, 4), torch.randn(6, 4), torch.randn(6, 5), torch.randn(6), torch.randn(6)
    )
    same = train.HeadLogits(*(t.clone() for t in logits))
    same.piano[added] = same.piano[rows]
    same.form[added] = same.form[rows]
    same.known[added] = same.known[rows]
    same.instrument[added] = same.instrument[rows]
    assert float(train._identity_consistency(same, rows, added)) < 1e-6
    assert float(train._identity_consistency(logits, rows, added)) > 0.0


def test_other_instruments_weigh_more_in_the_a_piano_plays_loss():
    kinds = np.array(["negative", "pool-piano", "speech", "noise"])
    dataset = Dataset(
        np.full((4, 30, 8), -40.0, np.float16),
        np.full(4, UNKNOWN_INDEX),
        np.full(4, IGNORE_INDEX),
        np.full(4, IGNORE_INDEX),
        kinds,
        np.array(["FluidR3_GM:24", "steinway-b", "speech", "noise"]),
        instrument=np.array([0, 1, 0, 0]),
    )
    _, targets, _ = train._batch(dataset, np.arange(4), 20, np.random.default_rng(0), 4.0)
    assert targets["instrument_weight"].tolist() == [4.0, 1.0, 1.0, 1.0]
    logits = train.HeadLogits(
        torch.zeros(4, 4), torch.zeros(4, 4), torch.zeros(4, 5), torch.zeros(4), torch.ones(4)
    )
    plain = {**targets, "instrument_weight": torch.ones(4)}
    # A wrong "a piano plays" on the guitar costs three more times its plain share of the mean.
    guitar_loss = float(torch.nn.functional.softplus(torch.tensor(1.0)))
    added = float(train._loss(logits, targets) - train._loss(logits, plain))
    assert abs(added - 3.0 * guitar_loss / 4) < 1e-5
