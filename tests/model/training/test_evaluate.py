from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import torch

from pianoscope.model.inference import Classifier
from pianoscope.model.network import PianoscopeNet
from pianoscope.model.training.evaluate import evaluate, write_report
from pianoscope.model.training.model_card import Alternative, model_card
from pianoscope.model.training.synth import Dataset


def test_report_counts_every_window_and_writes_json_pngs_and_card(
    small_dataset: Dataset, tmp_path: Path
) -> None:
    torch.manual_seed(0)
    classifier = Classifier.from_network(PianoscopeNet(), unknown_threshold=0.5)
    report = evaluate(classifier, small_dataset)
    assert sum(report.windows.values()) == len(small_dataset)
    assert sum(map(sum, report.piano.confusion)) == report.windows["known"]
    assert len(report.piano.confusion[0]) == 5  # four pianos and `unknown`
    assert 0.0 <= report.intensity.accuracy <= 1.0
    written = write_report(report, tmp_path)
    assert json.loads((tmp_path / "report.json").read_text())["windows"] == report.windows
    for png in (p for p in written if p.suffix == ".png"):
        assert png.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    card = model_card(report, "test run", (Alternative("with GAN", report, "gan notes"),))
    assert "| form accuracy |" in card
    assert "test run" in card
    assert "| with GAN |" in card
    assert "gan notes" in card
    assert "without rooms" not in card
    dry = replace(report, form=replace(report.form, accuracy=0.125))
    with_dry = model_card(report, "test run", without_rooms=dry)
    assert "held-out set without rooms" in with_dry
    assert "| form accuracy | 12.5 % | >= 92 % |" in with_dry


def test_the_card_of_weights_without_the_instrument_head_describes_their_own_recipe(
    small_dataset: Dataset,
) -> None:
    """The shipped weights predate the piano pool: their card must not claim the pool's data,
    rooms or instrument head, and must say that another piano gets no form or intensity."""
    torch.manual_seed(0)
    report = evaluate(
        Classifier.from_network(PianoscopeNet(), unknown_threshold=0.5), small_dataset
    )
    pool = model_card(report, "test run")
    four = model_card(report, "test run", pool_recipe=False)
    assert "The piano pool" in pool and "instrument` head" in pool
    assert "The piano pool" not in four and "instrument` head" not in four
    assert "no instrument head" in four and "gives no form or intensity" in four
    assert "four-piano recipe of commit" in four and "RT60 0.2-0.8 s" in four
    assert "Judged on today's held-out set" in four
