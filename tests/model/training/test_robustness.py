from __future__ import annotations

import pytest
import torch

from pianoscope.model.inference import Classifier
from pianoscope.model.network import PianoscopeNet
from pianoscope.model.training.robustness import measure_noise_robustness
from pianoscope.model.training.synth import DatasetSpec

TINY_NOISE_SPEC = DatasetSpec(
    "test-noise",
    seed=2,
    clips_per_class=1,
    negative_clips=0,
    noise_clips=0,
    pianos=("grand-timgm",),
)


@pytest.fixture(scope="module")
def classifier() -> Classifier:
    torch.manual_seed(1)
    return Classifier.from_network(PianoscopeNet(), unknown_threshold=0.5)


@pytest.mark.fluidsynth
def test_inaudible_noise_changes_nothing(classifier: Classifier) -> None:
    result = measure_noise_robustness(classifier, snr_db=200.0, spec=TINY_NOISE_SPEC)
    assert result.windows == 20  # 4 forms x 5 intensities
    assert result.clean == result.noisy
    assert result.drop_points() == {"piano": 0.0, "form": 0.0, "intensity": 0.0}


@pytest.mark.fluidsynth
def test_noise_at_0_db_snr_changes_the_predictions(classifier: Classifier) -> None:
    quiet = measure_noise_robustness(classifier, snr_db=200.0, spec=TINY_NOISE_SPEC)
    loud = measure_noise_robustness(classifier, snr_db=0.0, spec=TINY_NOISE_SPEC)
    assert quiet.clean == loud.clean
    assert loud.noisy != loud.clean
