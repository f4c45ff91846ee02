"""Library test set-up: a fresh library folder and short takes written on the fly."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from support.library_takes import write_take

from pianoscope.library.store import Library


@pytest.fixture
def take_factory(tmp_path: Path) -> Callable[..., Path]:
    def make(name: str, **kwargs) -> Path:
        return write_take(tmp_path / "outside" / name, **kwargs)

    return make


@pytest.fixture
def library(tmp_path: Path) -> Iterator[Library]:
    with Library.open(tmp_path / "library") as opened:
        yield opened
