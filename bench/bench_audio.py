"""Audio engine figures: the PortAudio callback's cost per block, the recorder's throughput, and
how much of a take a crash loses.

Prints median and p99 of the callback (mono and stereo mix, 512-frame blocks) next to the
sounddevice documentation's usual pattern (`queue.put(indata.copy())`), the recorder's
throughput as multiples of real time next to one `soundfile.write` of the same audio, and the
seconds missing from a `pianoscope record` journal after `kill -9` against what the source had
produced by the wall clock (the README's "at most about one second"; the unit test
tests/audio/test_recorder.py only checks that nothing the journal showed is lost).
Run: python bench/bench_audio.py
"""

from __future__ import annotations

import math
import queue
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import soundfile as sf

from pianoscope.audio.live_input import LiveInput
from pianoscope.audio.recorder import Recorder, journal_path
from pianoscope.audio.ringbuffer import RingBuffer
from pianoscope.resources_path import demo_recording_path

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


def _journal_frames(path: Path) -> int:
    try:
        return sf.info(str(path)).frames
    except (sf.LibsndfileError, RuntimeError):
        return 0


def bench_kill_9(runs: int = 3, record_s: float = 3.0) -> None:
    """`pianoscope record` of the demo at real-time pace, killed after `record_s` seconds."""
    with tempfile.TemporaryDirectory() as tmp:
        for run in range(runs):
            out = Path(tmp) / f"killed{run}.flac"
            command = [sys.executable, "-m", "pianoscope", "record", str(out), "--seconds", "30"]
            command += ["--from-file", str(demo_recording_path())]
            process = subprocess.Popen(
                command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
            )
            journal = journal_path(out)
            deadline = time.monotonic() + 30
            while (first_frames := _journal_frames(journal)) == 0:
                if time.monotonic() > deadline:
                    process.kill()
                    raise SystemExit("the recorder never wrote anything")
                time.sleep(0.005)
            first_s = time.monotonic()
            time.sleep(record_s)  # the figure is taken after this long of recording
            produced = first_frames + (time.monotonic() - first_s) * RATE
            process.send_signal(signal.SIGKILL)
            process.wait()
            kept = _journal_frames(journal)
            print(
                f"kill -9 after {produced / RATE:.2f} s: journal keeps {kept / RATE:.2f} s, "
                f"missing {(produced - kept) / RATE:.2f} s (target <= 1 s)"
            )


if __name__ == "__main__":
    bench_callback()
    bench_recorder()
    bench_kill_9()
