"""Weights and enrolment files are never unpickled: a file carrying code is refused unrun;
saving them leaves no partial file, even after a kill."""

from __future__ import annotations

import os
import pickle
import subprocess
import sys

import pytest
import torch

from pianoscope.crash_points import ENVIRONMENT_VARIABLE
from pianoscope.errors import PianoscopeError
from pianoscope.model.enrolled import load_enrolment
from pianoscope.model.network import PianoscopeNet
from pianoscope.model.weights import load_weights, save_weights, weights_digest


class _RunsCode:
    """Unpickling this would create a file: the proof that code ran."""

    def __init__(self, marker: str) -> None:
        self.marker = marker

    def __reduce__(self):
        return (os.system, (f"touch {self.marker}",))


@pytest.mark.parametrize("loader", [load_weights, load_enrolment])
def test_a_weights_file_with_code_in_it_is_refused_and_not_run(tmp_path, loader):
    marker = tmp_path / "code-ran"
    path = tmp_path / "evil.pt"
    with open(path, "wb") as handle:
        pickle.dump({"state": _RunsCode(str(marker))}, handle)
    with pytest.raises(PianoscopeError):
        loader(path)
    assert not marker.exists()


def test_a_failed_weights_save_leaves_no_partial_file(tmp_path):
    """Saving over a folder of that name fails at the rename: the partial file went with it
    (it used to stay, as `classifier.pt.partial`)."""
    (tmp_path / "classifier.pt").mkdir()
    with pytest.raises(OSError):
        save_weights(tmp_path / "classifier.pt", PianoscopeNet(), unknown_threshold=0.5)
    assert sorted(tmp_path.glob("*.partial")) == []


SAVE_WEIGHTS = """
import sys
from pathlib import Path
from pianoscope.model.network import PianoscopeNet
from pianoscope.model.weights import save_weights
save_weights(Path(sys.argv[1]), PianoscopeNet(), unknown_threshold=0.5)
"""


def test_a_killed_weights_save_keeps_the_old_file_and_the_next_save_clears_its_partial(
    tmp_path,
):
    path = tmp_path / "classifier.pt"
    save_weights(path, PianoscopeNet(), unknown_threshold=0.25)
    environment = {**os.environ, ENVIRONMENT_VARIABLE: "partial-written"}
    done = subprocess.run(
        [sys.executable, "-c", SAVE_WEIGHTS, str(path)], env=environment, timeout=300
    )
    assert done.returncode == -9
    assert len(list(tmp_path.glob("*.partial"))) == 1
    assert load_weights(path).unknown_threshold == 0.25
    save_weights(path, PianoscopeNet(), unknown_threshold=0.5)
    assert sorted(tmp_path.glob("*.partial")) == []
    assert load_weights(path).unknown_threshold == 0.5


def test_the_weights_digest_follows_the_tensors_and_thresholds_not_the_metadata(tmp_path):
    torch.manual_seed(0)
    network = PianoscopeNet()
    save_weights(tmp_path / "a.pt", network, unknown_threshold=0.2, metadata={"minutes": 30})
    save_weights(tmp_path / "b.pt", network, unknown_threshold=0.2, metadata={"minutes": 41})
    save_weights(tmp_path / "c.pt", network, unknown_threshold=0.3)
    with torch.no_grad():
        next(network.parameters()).view(-1)[0] += 1e-6
    save_weights(tmp_path / "d.pt", network, unknown_threshold=0.2, metadata={"minutes": 30})
    digests = [weights_digest(tmp_path / f"{name}.pt") for name in "abcd"]
    assert digests[0] == digests[1]
    assert len(set(digests)) == 3 and len(digests[0]) == 16
    with pytest.raises(PianoscopeError, match="missing"):
        weights_digest(tmp_path / "nowhere.pt")
