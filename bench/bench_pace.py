"""Pace of the live paths against the wall clock: figures the unit tests no longer bound.

On a loaded machine a wall-clock bound in a unit test flakes, so the tests check what happens
(the file is played whole, predictions arrive in order) and this script prints how fast:

- a one-second file played as live input by `FileSource` at 1x and 4x (target: 1/speed s, +-20 %);
- the live engine's classifier on the demo: predictions per second over `--seconds` and the median
  spacing of the windows they cover (target: 4 per second, 0.25 s apart).

(Block-to-spectrum latency is bench/bench_live.py's; one classifier call's latency is
bench/bench_model_inference.py's.)

Run: python bench/bench_pace.py [--seconds 10]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np
import soundfile as sf

from pianoscope.app.live.engine import LiveEngine
from pianoscope.app.live.session import InputChoice, open_source
from pianoscope.audio.file_source import FileSource

RATE = 44_100


def bench_file_source_pace() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "ramp.wav"
        sf.write(path, np.linspace(-0.5, 0.5, RATE, dtype=np.float32), RATE, subtype="FLOAT")
        for speed in (1.0, 4.0):
            source = FileSource(path, speed=speed)
            started = time.monotonic()
            source.start()
            source.finished.wait(60)
            elapsed = time.monotonic() - started
            source.stop()
            print(
                f"FileSource: 1 s of audio at {speed:g}x took {elapsed:.3f} s "
                f"(ideal {1 / speed:.3f} s, {(elapsed * speed - 1) * 100:+.1f} %)"
            )


def bench_classifier_pace(seconds: float) -> None:
    engine = LiveEngine(open_source(InputChoice.demo()))
    engine.start()
    try:
        deadline = time.monotonic() + 60
        while engine.classifier.latest is None and engine.classifier.problem is None:
            if time.monotonic() > deadline:
                raise SystemExit("the classifier never predicted")
            time.sleep(0.01)
        if engine.classifier.problem:
            raise SystemExit(engine.classifier.problem)
        before = len(engine.classifier.history())
        started = time.monotonic()
        time.sleep(seconds)  # the figure is the count over this wall-clock span
        elapsed = time.monotonic() - started
        history = engine.classifier.history()
    finally:
        engine.stop()
    added = len(history) - before
    spacing = np.diff([timed.time_s for timed in history])
    print(
        f"classifier: {added} predictions in {elapsed:.1f} s = {added / elapsed:.2f} per second "
        f"(target 4); windows {np.median(spacing):.3f} s apart (median, target 0.25), "
        f"max gap {spacing.max():.3f} s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0)
    args = parser.parse_args()
    bench_file_source_pace()
    bench_classifier_pace(args.seconds)


if __name__ == "__main__":
    main()
