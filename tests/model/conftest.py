from __future__ import annotations

from pathlib import Path

import pytest

from pianoscope.model.training.synth import Dataset, DatasetSpec, build_dataset

TEST_CACHE = Path.home() / ".cache" / "pianoscope-tests"

SMALL_SPEC = DatasetSpec(
    "test-small",
    seed=3,
    clips_per_class=1,
    negative_clips=8,
    noise_clips=4,
    held_out_piano_clips=4,
)


@pytest.fixture(scope="session")
def test_cache_dir() -> Path:
    TEST_CACHE.mkdir(parents=True, exist_ok=True)
    return TEST_CACHE


@pytest.fixture(scope="session")
def small_dataset(test_cache_dir: Path) -> Dataset:
    """One clip of every (piano, form, intensity) plus a few negatives, cached between runs."""
    return build_dataset(SMALL_SPEC, test_cache_dir / "datasets")
