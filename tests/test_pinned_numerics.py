"""Pinned numerics: what `pianoscope train` and the note network's training command
(`python -m pianoscope.transcription.training.train`) render and train does not follow the
CPU's kernels.

A machine without AVX-512 is played here in two ways: by holding each library to AVX2 with its
own switch (numpy's disabled SIMD targets, ATen's capability, oneDNN's maximal ISA, MKL's
instructions), and by running the process under qemu-user emulating an AMD EPYC (Rome): every
library then asks the emulated CPU what it has, its maker and its caches included.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import pytest
from support.emulated_cpu import CLIPS_PER_KIND, emulated_run, run_probe

from pianoscope.pinned_numerics import (
    PINNED_MARKER,
    X86_64_AVX2,
    go_on_pinned,
    numpy_cpu_dispatch,
    pinned_environment,
    run_pinned,
)

DISPATCHED, FEATURES = numpy_cpu_dispatch()
HAS_AVX2 = bool(FEATURES.get("AVX2") and FEATURES.get("FMA3"))
HAS_AVX512 = bool(FEATURES.get("AVX512F"))


def held_to_avx2(environment: dict[str, str]) -> dict[str, str]:
    """`environment` as on a CPU without AVX-512 (each library's own switch)."""
    avx512 = [target for target in DISPATCHED if "512" in target or target == "X86_V4"]
    return {
        **environment,
        "NPY_DISABLE_CPU_FEATURES": " ".join(avx512),
        "ATEN_CPU_CAPABILITY": "avx2",
        "ONEDNN_MAX_CPU_ISA": "AVX2",
        "MKL_ENABLE_INSTRUCTIONS": "AVX2",
    }


def test_the_pinned_environment_makes_every_kernel_choice() -> None:
    pinned = pinned_environment({"HOME": "/somewhere", "ATEN_CPU_CAPABILITY": "avx512"})
    assert pinned["HOME"] == "/somewhere"
    assert pinned["NPY_DISABLE_CPU_FEATURES"].split() == [t for t in DISPATCHED if FEATURES[t]]
    if HAS_AVX2:
        assert pinned[PINNED_MARKER] == X86_64_AVX2
        assert pinned["ATEN_CPU_CAPABILITY"] == "avx2"
        assert pinned["MKL_CBWR"] == "COMPATIBLE"
        assert pinned["OPENBLAS_CORETYPE"] == "Haswell"


def test_a_command_runs_again_pinned_and_its_status_comes_back() -> None:
    check = f"import os, sys; sys.exit(3 if os.environ.get('{PINNED_MARKER}') else 1)"
    assert run_pinned(["-c", check]) == 3


def test_in_the_pinned_process_itself_the_command_goes_on(monkeypatch) -> None:
    monkeypatch.setenv(PINNED_MARKER, "numpy-baseline")
    assert run_pinned(["-c", "raise SystemExit(5)"]) is None


def test_a_rebuilding_script_exits_with_its_pinned_run_or_goes_on_in_it(monkeypatch) -> None:
    with pytest.raises(SystemExit) as exited:  # the pinned child's own argument error
        go_on_pinned("pianoscope.transcription.training.form_train", ["--no-such-option"])
    assert exited.value.code == 2
    monkeypatch.setenv(PINNED_MARKER, "numpy-baseline")
    assert (
        go_on_pinned("pianoscope.transcription.training.form_train", ["--no-such-option"]) is None
    )


@pytest.mark.fluidsynth
@pytest.mark.skipif(not HAS_AVX2, reason="pinning to AVX2 kernels needs an AVX2 CPU")
def test_rendering_and_training_come_out_the_same_without_avx512() -> None:
    native = dict(os.environ)
    pinned = run_probe(pinned_environment(native))
    assert run_probe(pinned_environment(held_to_avx2(native))) == pinned
    if HAS_AVX512:
        # The probe notices the kernels: natively, this CPU and one without AVX-512 differ in
        # the audio (numpy) and in the trained weights (numpy, torch, oneDNN, MKL), the note
        # network's spectrogram and its step too.
        here, there = run_probe(native), run_probe(held_to_avx2(native))
        assert here[0] != there[0]
        assert here[2] != there[2]
        assert here[3] != there[3]
        assert here[4] != there[4]


@pytest.mark.fluidsynth
@pytest.mark.timeout(1800)
@pytest.mark.skipif(not HAS_AVX2, reason="pinning to AVX2 kernels needs an AVX2 CPU")
def test_an_emulated_amd_cpu_renders_and_trains_the_same_numbers() -> None:
    """Under qemu-user, an AMD EPYC (Rome) pinned as `run_pinned` pins it there, from what the
    emulated CPU reports (started early, in the background: support/emulated_cpu.py)."""
    emulated = emulated_run()
    assert emulated.features["AVX2"] and not emulated.features["AVX512F"]
    assert emulated.digests == run_probe(pinned_environment(dict(os.environ)), CLIPS_PER_KIND)


def test_an_interrupt_sent_to_the_parent_alone_reaches_the_child() -> None:
    """As when a process manager interrupts `pianoscope train` itself, not its terminal."""
    child = (
        "import signal, sys, time\n"
        "signal.signal(signal.SIGINT, signal.default_int_handler)\n"
        "print('ready', flush=True)\n"
        "try:\n    time.sleep(60)\nexcept KeyboardInterrupt:\n    sys.exit(130)\n"
    )
    parent = (
        "import signal, sys\n"
        "signal.signal(signal.SIGINT, signal.default_int_handler)\n"
        "from pianoscope.pinned_numerics import run_pinned\n"
        f"sys.exit(run_pinned(['-c', {child!r}]))\n"
    )
    environment = {k: v for k, v in os.environ.items() if k != PINNED_MARKER}
    process = subprocess.Popen(
        [sys.executable, "-c", parent], stdout=subprocess.PIPE, text=True, env=environment
    )
    assert process.stdout is not None
    assert process.stdout.readline().strip() == "ready"
    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=30) == 130
