"""Audio engine figures: the PortAudio callback's cost per block and the recorder's throughput.

Prints median and p99 of the callback (mono and stereo mix, 512-frame blocks) next to the
sounddevice documentation's usual pattern (`queue.put(indata.copy())`), and the recorder's
throughput as multiples of real time next to one `soundfile.write` of the same audio.
Run: python bench/bench_audio.py
"""

from __future__ import annotations

import math
import queue
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import soundfile as sf

from pianoscope.audio.live_input import LiveInput
from pianoscope.audio.recorder import Recorder
from pianoscope.audio.ringbuffer import RingBuffer

RATE = 44_100
BLOCK = 512
CALLS = 20_000
RECORD_MINUTES = 10


def _percentiles(samples_ns: np.ndarray) -> tuple[float, float]:
    return float(np.median(samples_ns) / 1e3), float(np.percentile(samples_ns, 99) / 1e3)


def _time_calls(function, indata: np.ndarray) -> np.ndarray:
    status = SimpleNamespace(input_overflow=False)
    timings = np.empty(CALLS, dtype=np.int64)
    for i in range(CALLS):
        start = time.perf_counter_ns()
        function(indata, BLOCK, None, status)
        timings[i] = time.perf_counter_ns() - start
    return timings


def bench_callback() -> None:
    print(
        f"PortAudio callback, {BLOCK}-frame blocks ({BLOCK / RATE * 1e3:.1f} ms of audio), "
        f"{CALLS} calls"
    )
    for channels in (1, 2):
        indata = np.random.default_rng(0).uniform(-1, 1, (BLOCK, channels)).astype(np.float32)
        ours = LiveInput()
        ours_med, ours_p99 = _percentiles(_time_calls(ours._callback, indata))
        blocks: queue.Queue[np.ndarray] = queue.Queue()

        def reference(data, _frames, _time, _status, blocks=blocks):
            blocks.put(data.copy())

        ref_med, ref_p99 = _percentiles(_time_calls(reference, indata))
        print(
            f"  {channels} ch  pianoscope: median {ours_med:6.2f} us  p99 {ours_p99:6.2f} us"
            f"   | queue.put(copy): median {ref_med:6.2f} us  p99 {ref_p99:6.2f} us"
            f"   | ratio (median) {ours_med / ref_med:.2f}"
        )
        budget_us = BLOCK / RATE * 1e6
        print(f"        p99 uses {ours_p99 / budget_us * 100:.3f} % of the block's time budget")


def bench_recorder() -> None:
    frames = RECORD_MINUTES * 60 * RATE
    audio = (0.3 * np.sin(2 * np.pi * 220 * np.arange(frames) / RATE)).astype(np.float32)
    with tempfile.TemporaryDirectory() as tmp:
        for suffix in (".flac", ".wav"):
            ring = RingBuffer(RATE * 30)
            path = Path(tmp) / f"take{suffix}"
            recorder = Recorder(ring, path, sample_rate_hz=RATE, chunk_s=0.01, from_start=True)
            started = time.perf_counter()
            recorder.start()
            for offset in range(0, frames, BLOCK * 64):
                while ring.written - _recorded(recorder) > ring.capacity // 2:
                    time.sleep(0.001)
                ring.write(audio[offset : offset + BLOCK * 64])
            result = recorder.stop()
            elapsed = time.perf_counter() - started
            assert result.lost_samples == 0 and math.isclose(result.duration_s, frames / RATE)
            reference_path = Path(tmp) / f"reference{suffix}"
            started = time.perf_counter()
            sf.write(reference_path, audio, RATE, subtype="PCM_24")
            reference_s = time.perf_counter() - started
            print(
                f"recorder {suffix}: {RECORD_MINUTES} min in {elapsed:.2f} s = "
                f"{frames / RATE / elapsed:.0f}x real time   | one sf.write: {reference_s:.2f} s = "
                f"{frames / RATE / reference_s:.0f}x   | ratio {reference_s / elapsed:.2f}"
            )


def _recorded(recorder: Recorder) -> int:
    return round(recorder.elapsed_s * RATE)


if __name__ == "__main__":
    bench_callback()
    bench_recorder()
