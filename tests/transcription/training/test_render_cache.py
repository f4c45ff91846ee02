"""The note training's render cache: a call rendered once is read back as it was rendered,
another call is rendered, and a cache it cannot read or write only costs the rendering."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from pianoscope.model.training.midi_gen import Note, Phrase
from pianoscope.transcription.training.data import render_dry
from pianoscope.transcription.training.render_cache import RenderCache, render_key


class CountingRenderer:
    """Renders a phrase as noise drawn from its first pitch, and counts its calls."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, piano: str, phrases: Sequence[Phrase]) -> list[np.ndarray]:
        self.calls += 1
        return [
            np.random.default_rng(p.notes[0].pitch).standard_normal(441).astype(np.float32)
            for p in phrases
        ]


def phrase(pitch: int) -> Phrase:
    return Phrase("legato", "mf", (Note(0.0, 0.5, pitch, 64),), (), 120.0, 1.0)


def test_a_call_rendered_once_is_read_back_as_it_was_rendered(tmp_path: Path) -> None:
    cache, render = RenderCache(tmp_path), CountingRenderer()
    first = cache.rendered("FluidR3_GM.sf2", [phrase(60), phrase(64)], render)
    again = cache.rendered("FluidR3_GM.sf2", [phrase(60), phrase(64)], render)
    assert render.calls == 1
    for rendered, read in zip(first, again, strict=True):
        np.testing.assert_array_equal(read, rendered)
        assert read.dtype == np.float32


def test_other_phrases_their_order_or_another_piano_are_rendered(tmp_path: Path) -> None:
    cache, render = RenderCache(tmp_path), CountingRenderer()
    cache.rendered("FluidR3_GM.sf2", [phrase(60), phrase(64)], render)
    cache.rendered("FluidR3_GM.sf2", [phrase(64), phrase(60)], render)
    cache.rendered("FluidR3_GM.sf2", [phrase(60)], render)
    cache.rendered("TimGM6mb.sf2", [phrase(60), phrase(64)], render)
    assert render.calls == 4
    assert render_key("FluidR3_GM.sf2", [phrase(60)]) != render_key("TimGM6mb.sf2", [phrase(60)])


def test_an_unreadable_entry_is_rendered_again_and_replaced(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    cache, render = RenderCache(tmp_path), CountingRenderer()
    cache.rendered("FluidR3_GM.sf2", [phrase(60)], render)
    (entry,) = tmp_path.iterdir()
    entry.write_bytes(b"not an archive")
    with caplog.at_level(logging.WARNING):
        (clip,) = cache.rendered("FluidR3_GM.sf2", [phrase(60)], render)
    assert render.calls == 2 and "unreadable" in caplog.text
    (read,) = cache.rendered("FluidR3_GM.sf2", [phrase(60)], render)
    assert render.calls == 2
    np.testing.assert_array_equal(read, clip)


def test_a_folder_it_cannot_write_costs_only_the_rendering(tmp_path: Path) -> None:
    blocked = tmp_path / "a file, not a folder"
    blocked.write_text("")
    render = CountingRenderer()
    (clip,) = RenderCache(blocked / "cache").rendered("FluidR3_GM.sf2", [phrase(60)], render)
    assert clip.shape == (441,) and render.calls == 1


@pytest.mark.fluidsynth
def test_a_real_rendering_from_the_cache_is_the_rendering(tmp_path: Path) -> None:
    phrases = [phrase(48), phrase(72)]
    rendered = render_dry("TimGM6mb.sf2", phrases, RenderCache(tmp_path))
    assert len(list(tmp_path.iterdir())) == 1
    for clip, read, again in zip(
        render_dry("TimGM6mb.sf2", phrases),
        render_dry("TimGM6mb.sf2", phrases, RenderCache(tmp_path)),
        rendered,
        strict=True,
    ):
        np.testing.assert_array_equal(read, clip)
        np.testing.assert_array_equal(again, clip)
        assert np.abs(clip).max() > 0.01


def test_what_a_killed_run_left_half_written_is_removed_by_the_next_write(tmp_path: Path) -> None:
    left = tmp_path / "FluidR3_GM.sf2-0123.npz.5e1f.partial"
    left.write_bytes(b"half an archive")
    RenderCache(tmp_path).rendered("FluidR3_GM.sf2", [phrase(60)], CountingRenderer())
    assert not left.exists()
    assert [entry.suffix for entry in tmp_path.iterdir()] == [".npz"]
