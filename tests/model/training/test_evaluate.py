from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import torch

from pianoscope.dsp.features import log_mel
from pianoscope.model.inference import WINDOW_SAMPLES, Classifier
from pianoscope.model.labels import FORM_LABELS, INTENSITY_LABELS
from pianoscope.model.network import PianoscopeNet
from pianoscope.model.training.evaluate import (
    centred_windows,
    evaluate,
    product_reading,
    product_rows,
    write_report,
)
from pianoscope.model.training.model_card import Alternative, model_card
from pianoscope.model.training.passage_reference import passage_phrases
from pianoscope.model.training.sources import STEINWAY, SampledPiano
from pianoscope.model.training.synth import (
    KIND_KNOWN,
    KIND_POOL,
    KIND_SPEECH,
    UNKNOWN_INDEX,
    Dataset,
    render_at_convention,
)
from pianoscope.transcription.note_reading import with_note_reading


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
    negatives = small_dataset.kind == "negative"
    assert set(report.others_given_per_program) == set(small_dataset.source[negatives])
    passing = replace(report, others_given_per_program={"A:1": 0.5, "B:2": 0.0, "C:3": 0.25})
    assert (
        "Other instruments given form and intensity, per program (the rest never): "
        "A:1 50 %, C:3 25 %."
    ) in model_card(passing, "test run")
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


def test_the_product_reading_judges_the_known_and_pool_windows_by_their_notes(
    small_dataset: Dataset,
) -> None:
    """The card's product rows read each known and pool window as the product does (the head
    and the window's notes, also where the gate gives nothing) and leave other sounds out."""
    torch.manual_seed(0)
    classifier = Classifier.from_network(PianoscopeNet().eval(), unknown_threshold=0.5)
    soft, _, loud = render_at_convention(SampledPiano(STEINWAY), passage_phrases())
    clips = [soft, loud, np.roll(loud, 22_050), np.zeros_like(soft)]
    start = 43 * 512  # frames 43 to 211 of 255: the centred window
    dataset = Dataset(
        np.stack([log_mel(clip)[:255] for clip in clips]).astype(np.float16),
        np.array([0, 0, UNKNOWN_INDEX, UNKNOWN_INDEX]),
        np.array([0, 1, 2, 3]),  # legato, staccato, chords, arpeggio
        np.array([1, 3, 3, 0]),  # p, f, f, pp
        np.array([KIND_KNOWN, KIND_KNOWN, KIND_POOL, KIND_SPEECH]),
        np.array([STEINWAY] * 3 + ["speech"]),
    )
    rows = product_rows(dataset)
    assert rows.tolist() == [0, 1, 2]
    audio = np.stack([clips[row][start : start + WINDOW_SAMPLES] for row in rows])
    fractions: list[float] = []
    predictions = classifier.predict_feature_batch(centred_windows(dataset))
    product = product_reading(
        classifier, dataset, predictions, audio, with_note_reading, progress=fractions.append
    )
    assert fractions == [1 / 3, 2 / 3, 1.0]
    heads = classifier.predict_feature_batch(centred_windows(dataset)[rows])
    read = [
        with_note_reading(replace(p, is_other=False), a, classifier.calibration)
        for p, a in zip(heads, audio, strict=True)
    ]
    assert [p.intensity.label for p in read] != [p.intensity.label for p in heads]
    forms = np.array([FORM_LABELS.index(p.form.label) for p in read])
    intensities = np.array([INTENSITY_LABELS.index(p.intensity.label) for p in read])
    assert product.form_accuracy == np.mean(forms[:2] == dataset.form[:2])
    assert product.pool_form_accuracy == float(forms[2] == dataset.form[2])
    assert product.intensity_accuracy == np.mean(intensities[:2] == dataset.intensity[:2])
    assert product.intensity_accuracy_per_piano["grand-fluidr3"] == product.intensity_accuracy
    report = replace(evaluate(classifier, small_dataset), product=product)
    card = model_card(report, "test run")
    assert (
        "| intensity accuracy (exact class) as the product reads it (the head and the window's "
        f"notes) | {100 * product.intensity_accuracy:.1f} % | >= 85 % |"
    ) in card
    assert "intensity accuracy as the product reads it |" in card
