"""DSP figures side by side: partial estimates (corrected spectrum vs argmax vs parabolic),
STFT throughput vs librosa, and the cost of one live frame.

    nice python bench/bench_dsp.py [--trials 400] [--seconds 60]

Prints figures, asserts nothing: the targets are checked by tests/dsp.
"""

from __future__ import annotations

import argparse
import time

import librosa
import numpy as np

from pianoscope.dsp.corrected_spectrum import estimate_partials
from pianoscope.dsp.frame import analyse_frame
from pianoscope.dsp.peaks import argmax_frequency_hz, parabolic_frequency_hz
from pianoscope.dsp.stft import stft_db

SAMPLE_RATE_HZ = 44_100
FFT_SIZE = 8192
HOP = 1024


def partial_accuracy(trials: int, window_name: str, rng: np.random.Generator) -> None:
    bin_hz = SAMPLE_RATE_HZ / FFT_SIZE
    time_s = np.arange(FFT_SIZE) / SAMPLE_RATE_HZ
    errors: dict[str, list[float]] = {"argmax": [], "parabolic": [], "corrected": []}
    decay_errors, amp_errors = [], []
    for _ in range(trials):
        freq_hz = rng.uniform(60.0, 5000.0)
        decay = rng.uniform(0.5, 20.0)
        amplitude = 10 ** rng.uniform(-2.5, -0.5)
        signal = (
            amplitude
            * np.exp(-decay * (time_s - time_s[FFT_SIZE // 2]))
            * np.cos(2 * np.pi * freq_hz * time_s + rng.uniform(0, 2 * np.pi))
        )
        frame = signal + rng.normal(0, np.sqrt(np.mean(signal**2)) / 100, FFT_SIZE)  # 40 dB
        level_db = stft_db(frame, fft_size=FFT_SIZE, hop=FFT_SIZE, window_name=window_name)[0]
        peak = int(level_db.argmax())
        errors["argmax"].append(argmax_frequency_hz(level_db, peak, bin_hz) - freq_hz)
        errors["parabolic"].append(parabolic_frequency_hz(level_db, peak, bin_hz) - freq_hz)
        partial = max(
            estimate_partials(frame, SAMPLE_RATE_HZ, window_name=window_name),
            key=lambda p: p.amp_db,
        )
        errors["corrected"].append(partial.freq_hz - freq_hz)
        decay_errors.append(abs(partial.decay_rate_per_s - decay) / decay)
        amp_errors.append(abs(partial.amp_db - 20 * np.log10(amplitude)))
    print(f"\n{window_name}, FFT {FFT_SIZE}, damped sinusoids at 40 dB SNR, {trials} trials")
    print("  |frequency error| in bins      median      95th pct    max")
    for name, values in errors.items():
        bins = np.abs(values) / bin_hz
        print(
            f"  {name:<28} {np.median(bins):10.5f} {np.percentile(bins, 95):11.5f} "
            f"{bins.max():8.4f}"
        )
    print(
        f"  corrected: decay (a1) error median {100 * np.median(decay_errors):.2f} %, "
        f"95th pct {100 * np.percentile(decay_errors, 95):.2f} %; amplitude error median "
        f"{np.median(amp_errors):.3f} dB, max {np.max(amp_errors):.3f} dB"
    )


def best_of(function, repeats: int = 3) -> float:
    timings = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        timings.append(time.perf_counter() - start)
    return min(timings)


def stft_throughput(seconds: float, rng: np.random.Generator) -> None:
    audio = (0.1 * rng.standard_normal(round(seconds * SAMPLE_RATE_HZ))).astype(np.float32)
    ours = best_of(lambda: stft_db(audio, fft_size=FFT_SIZE, hop=HOP))
    theirs = best_of(
        lambda: librosa.amplitude_to_db(
            np.abs(librosa.stft(audio, n_fft=FFT_SIZE, hop_length=HOP, window="hann", center=False))
        )
    )
    print(f"\nSTFT in dB, FFT {FFT_SIZE}, hop {HOP}, {seconds:.0f} s of audio (best of 3)")
    print(f"  pianoscope.dsp.stft.stft_db       {seconds / ours:8.0f}x real time")
    print(f"  librosa.stft + amplitude_to_db    {seconds / theirs:8.0f}x real time")


def frame_cost(rng: np.random.Generator) -> None:
    time_s = np.arange(FFT_SIZE) / SAMPLE_RATE_HZ
    frame = sum(
        0.1 / n * np.sin(2 * np.pi * 220 * n * np.sqrt(1 + 4e-4 * n * n) * time_s)
        for n in range(1, 30)
    )
    frame = (frame + rng.normal(0, 1e-4, FFT_SIZE)).astype(np.float32)
    analyse_frame(frame, SAMPLE_RATE_HZ)
    runs = 200
    start = time.perf_counter()
    for _ in range(runs):
        analyse_frame(frame, SAMPLE_RATE_HZ)
    per_frame_ms = (time.perf_counter() - start) / runs * 1e3
    print(
        f"\nanalyse_frame (FFT {FFT_SIZE}: dB spectrum, corrected spectrum, 29 partials, pitch, "
        f"levels): {per_frame_ms:.2f} ms per frame"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--trials", type=int, default=400)
    parser.add_argument("--seconds", type=float, default=60.0)
    args = parser.parse_args()
    rng = np.random.default_rng(2026)
    for window_name in ("hann", "blackman-harris"):
        partial_accuracy(args.trials, window_name, rng)
    stft_throughput(args.seconds, rng)
    frame_cost(rng)


if __name__ == "__main__":
    main()
