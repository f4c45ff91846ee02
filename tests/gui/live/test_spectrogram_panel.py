"""The spectrogram panel colours only new columns, yet shows exactly the buffer's image."""

from __future__ import annotations

import numpy as np
import pytest

from pianoscope.app.live.settings import LiveSettings
from pianoscope.app.live.spectrogram_buffer import SpectrogramBuffer
from pianoscope.gui.live.panels.spectrogram import SpectrogramPanel

RATE_HZ = 44_100


def full_colouring(panel: SpectrogramPanel, buffer: SpectrogramBuffer) -> np.ndarray:
    """The whole image coloured at once, as the panel drew it before it went column by column."""
    low, high = panel.db_range
    levels = np.clip((buffer.image().T - low) * (255.0 / (high - low)), 0.0, 255.0)
    rgba = panel._colours[np.ascontiguousarray(levels, np.uint8)]
    return rgba.view(np.uint8).reshape(*rgba.shape, 4)


@pytest.mark.parametrize("steps", [[1] * 7, [3, 1, 250, 2, 600, 1, 1]])
def test_drawn_image_is_the_buffers_after_every_update_and_wrap(qtbot, steps) -> None:
    panel = SpectrogramPanel(db_range=(-100.0, -10.0))
    qtbot.addWidget(panel)
    buffer = SpectrogramBuffer(LiveSettings(spectrogram_s=5.0), RATE_HZ)
    rng = np.random.default_rng(7)
    rows = buffer.rows_hz.size - 1
    for count in steps:  # some draws see one new column, some many, some more than a ring
        for _ in range(count):
            buffer.append_column(rng.uniform(-130.0, 0.0, rows).astype(np.float32))
        panel.show_spectrogram(buffer)
        np.testing.assert_array_equal(panel.image_item.image, full_colouring(panel, buffer))
        np.testing.assert_array_equal(panel.levels_db, buffer.image().T)


def test_new_settings_start_a_new_image(qtbot) -> None:
    panel = SpectrogramPanel()
    qtbot.addWidget(panel)
    first = SpectrogramBuffer(LiveSettings(spectrogram_s=5.0), RATE_HZ)
    first.append_column(np.full(first.rows_hz.size - 1, -20.0, np.float32))
    panel.show_spectrogram(first)
    second = SpectrogramBuffer(LiveSettings(spectrogram_s=2.0, spectrogram_rows=100), RATE_HZ)
    second.append_column(np.full(100, -50.0, np.float32))
    panel.show_spectrogram(second)
    assert panel.image_item.image.shape == (100, second.columns, 4)
    np.testing.assert_array_equal(panel.image_item.image, full_colouring(panel, second))


def drawn_rect(panel: SpectrogramPanel) -> tuple[float, float, float, float]:
    """Where the image lies in the plot's coordinates: left, right, bottom, top."""
    rect = panel.image_item.mapRectToParent(panel.image_item.boundingRect())
    return rect.left(), rect.right(), rect.top(), rect.bottom()


def expected_rect(buffer: SpectrogramBuffer) -> tuple[float, float, float, float]:
    """The last seconds up to now, over the rows' frequencies on the log axis."""
    low, high = np.log10(buffer.rows_hz[[0, -1]])
    return -buffer.columns * buffer.column_s, 0.0, low, high


def test_the_image_spans_the_last_seconds_and_the_rows_frequencies(qtbot) -> None:
    """The image lies on the time and note axes from its first frame on, after more columns,
    and after new settings change its size (placed before the image was set, pyqtgraph scaled
    a 1 x 1 image onto the rectangle: the screenshot showed a time axis of kiloseconds)."""
    panel = SpectrogramPanel()
    qtbot.addWidget(panel)
    first = SpectrogramBuffer(LiveSettings(spectrogram_s=5.0), RATE_HZ)
    first.append_column(np.full(first.rows_hz.size - 1, -20.0, np.float32))
    panel.show_spectrogram(first)
    np.testing.assert_allclose(drawn_rect(panel), expected_rect(first), atol=1e-6)
    first.append_column(np.full(first.rows_hz.size - 1, -30.0, np.float32))
    panel.show_spectrogram(first)
    np.testing.assert_allclose(drawn_rect(panel), expected_rect(first), atol=1e-6)
    second = SpectrogramBuffer(LiveSettings(spectrogram_s=2.0, spectrogram_rows=100), RATE_HZ)
    second.append_column(np.full(100, -50.0, np.float32))
    panel.show_spectrogram(second)
    np.testing.assert_allclose(drawn_rect(panel), expected_rect(second), atol=1e-6)
