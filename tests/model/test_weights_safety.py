"""Weights and enrolment files are never unpickled: a file carrying code is refused unrun."""

from __future__ import annotations

import os
import pickle

import pytest

from pianoscope.errors import PianoscopeError
from pianoscope.model.enrolled import load_enrolment
from pianoscope.model.weights import load_weights


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
