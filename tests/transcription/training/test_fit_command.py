"""What the tree-fitting commands share: their arguments, pianos and writing into weights."""

from __future__ import annotations

import numpy as np

from pianoscope.transcription.training.data import TRAINING_PIANOS
from pianoscope.transcription.training.fit_command import fit_parser, fitted_pianos, write_into
from pianoscope.transcription.training.train import WIDENING_PIANOS
from pianoscope.transcription.transcriber import WEIGHTS_NAME


def test_the_shipped_weights_and_every_piano_the_network_learnt_by_default() -> None:
    parser = fit_parser("fit", "the trees")
    arguments = parser.parse_args([])
    assert arguments.weights.name == WEIGHTS_NAME and arguments.weights.exists()
    assert fitted_pianos(arguments) == TRAINING_PIANOS + WIDENING_PIANOS
    assert fitted_pianos(parser.parse_args(["--without-widening"])) == TRAINING_PIANOS


def test_fitted_arrays_join_the_weights_and_replace_their_old_ones(tmp_path) -> None:
    weights = tmp_path / "notes.npz"
    np.savez(weights, conv=np.ones(3), judge_value=np.zeros(2))
    write_into(weights, {"judge_value": np.full(2, 7.0), "velocity_reader_value": np.ones(1)})
    with np.load(weights) as archive:
        assert sorted(archive.files) == ["conv", "judge_value", "velocity_reader_value"]
        np.testing.assert_array_equal(archive["conv"], np.ones(3))
        np.testing.assert_array_equal(archive["judge_value"], np.full(2, 7.0))
