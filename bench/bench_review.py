"""Review window figures: time to open a 60-minute recording and draw its overview.

Prints, for a synthesised 60-minute mono take (WAV and FLAC, 44.1 kHz, cached under
~/.cache/pianoscope-tests): the min/max pyramid build, the window's open-to-overview-drawn time,
the same from the waveform cache (a second opening), and the naive alternative (soundfile reads
the whole file, numpy takes min/max per bucket), with the ratio. `OVERVIEW_BOUND_S` is the
issue's bound for the WAV take (the unit test only checks that the whole overview is drawn: a
wall-clock bound flakes on a loaded machine).
Run: QT_QPA_PLATFORM=offscreen python bench/bench_review.py
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import soundfile as sf

OVERVIEW_BOUND_S = 2.0
TAKE_MINUTES = 60
RATE = 44_100
CACHE = Path(os.environ.get("PIANOSCOPE_TEST_CACHE", Path.home() / ".cache" / "pianoscope-tests"))


def long_take(suffix: str = ".wav", minutes: int = TAKE_MINUTES) -> Path:
    """A `minutes`-long take: a 10 s phrase of decaying tones, repeated; written once."""
    path = CACHE / f"review-{minutes}min{suffix}"
    if path.is_file():
        return path
    CACHE.mkdir(parents=True, exist_ok=True)
    t = np.arange(10 * RATE) / RATE
    phrase = np.zeros(t.size, np.float32)
    for k, freq_hz in enumerate((262.0, 330.0, 392.0, 523.0)):
        start = k * 2.5
        local = np.clip(t - start, 0, None)
        phrase += (
            0.2 * np.sin(2 * np.pi * freq_hz * local) * np.exp(-local / 1.5) * (t >= start)
        ).astype(np.float32)
    partial = path.with_name(path.name + ".partial" + suffix)
    with sf.SoundFile(str(partial), "w", RATE, 1, subtype="PCM_16") as handle:
        for _ in range(minutes * 6):
            handle.write(phrase)
    partial.rename(path)
    return path


def naive_overview_s(path: Path) -> float:
    start = time.perf_counter()
    samples = sf.read(str(path), dtype="float32")[0]
    usable = samples[: samples.size // 64 * 64].reshape(-1, 64)
    usable.min(axis=1), usable.max(axis=1)
    return time.perf_counter() - start


def window_overview_s(path: Path, waveform_cache: Path | None) -> float:
    """Open the review window on `path` and wait until the overview is drawn."""
    from pianoscope.gui.qt import QtCore, QtWidgets
    from pianoscope.gui.review.window import ReviewWindow

    app = QtWidgets.QApplication.instance() or QtWidgets.QApplication(sys.argv[:1])
    settings = QtCore.QSettings(str(CACHE / "bench-review.ini"), QtCore.QSettings.Format.IniFormat)
    window = ReviewWindow(
        qsettings=settings, labeller_factory=lambda: None, waveform_cache=waveform_cache
    )
    window.show()
    window.open_recording(path)
    deadline = time.monotonic() + 60
    while window.overview_ready_s is None and time.monotonic() < deadline:
        app.processEvents()
        time.sleep(0.002)
    result = window.overview_ready_s
    window.close()
    return float("nan") if result is None else result


def main() -> None:
    from pianoscope.app.review.waveform_cache import cached_pyramid
    from pianoscope.app.review.waveform_pyramid import build_pyramid

    for suffix in (".wav", ".flac"):
        path = long_take(suffix)
        start = time.perf_counter()
        build_pyramid(path)
        pyramid_s = time.perf_counter() - start
        cold_s = window_overview_s(path, None)
        with tempfile.TemporaryDirectory() as cache:
            cached_pyramid(path, Path(cache))
            warm_s = window_overview_s(path, Path(cache))
        naive_s = naive_overview_s(path)
        print(
            f"{TAKE_MINUTES}-minute {suffix[1:].upper()}: pyramid {pyramid_s:.2f} s; window open "
            f"-> overview drawn {cold_s:.2f} s first time, {warm_s:.2f} s from the waveform "
            f"cache (bound {OVERVIEW_BOUND_S:.1f} s); naive read-all + min/max {naive_s:.2f} s "
            f"({naive_s / cold_s:.1f}x the first open)"
        )


if __name__ == "__main__":
    main()
