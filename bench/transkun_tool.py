"""transkun 2.0.1 (PyPI, its weights inside the wheel), the state of the art the note benchmark
prints beside Pianoscope on a subset of its files (0.2x real time here on one thread, 0.05-0.1x
beside a training).

    pip install --no-deps transkun==2.0.1   # plus the `bench` extra (ncls, moduleconf, ...);
                                            # scripts/dev.sh installs both

transkun builds its mel filterbank with `torchaudio.functional.melscale_fbanks`, its one use of
torchaudio, for which no build matches this machine's torch. When torchaudio is missing, that
one function is provided here, a transcription of torchaudio's (HTK mel scale, no norm, the
defaults transkun calls it with); transkun's figures on our renderings (onset F1 0.97 on a
FluidR3 clip in a room) show its front end works.
"""

from __future__ import annotations

import importlib.resources
import importlib.util
import sys
import types
from collections.abc import Callable

import numpy as np
import torch

Note = tuple[float, float, int, int]  # onset_s, offset_s, midi, velocity
LOWEST_KEY, HIGHEST_KEY = 21, 108  # transkun's other "pitches" are the pedals


def load_transkun() -> Callable[[np.ndarray], list[Note]]:
    """transkun's pretrained model: 44.1 kHz mono samples in, notes out."""
    if importlib.util.find_spec("torchaudio") is None:
        sys.modules["torchaudio"] = _torchaudio_with_melscale_fbanks()
    import moduleconf

    pretrained = importlib.resources.files("transkun") / "pretrained"
    model_conf = moduleconf.parseFromFile(str(pretrained / "2.0.conf"))["Model"]
    model = model_conf.module.TransKun(conf=model_conf.config)
    checkpoint = torch.load(str(pretrained / "2.0.pt"), map_location="cpu", weights_only=False)
    model.load_state_dict(checkpoint.get("best_state_dict", checkpoint.get("state_dict")))
    model.eval()

    def transcribe(samples: np.ndarray) -> list[Note]:
        with torch.no_grad():
            events = model.transcribe(torch.from_numpy(samples.astype(np.float32)[:, None]))
        return [
            (float(e.start), float(e.end), int(e.pitch), int(e.velocity))
            for e in events
            if LOWEST_KEY <= e.pitch <= HIGHEST_KEY
        ]

    return transcribe


def _torchaudio_with_melscale_fbanks() -> types.ModuleType:
    module = types.ModuleType("torchaudio")
    module.functional = types.SimpleNamespace(melscale_fbanks=_melscale_fbanks)  # type: ignore[attr-defined]
    return module


def _melscale_fbanks(
    n_freqs: int,
    f_min: float,
    f_max: float,
    n_mels: int,
    sample_rate: int,
    norm: str | None = None,
    mel_scale: str = "htk",
) -> torch.Tensor:
    """Triangular mel filters (n_freqs, n_mels), as torchaudio makes them by default."""
    if norm is not None or mel_scale != "htk":
        raise NotImplementedError("only the HTK mel scale without norm (transkun's use)")
    all_freqs = torch.linspace(0, sample_rate // 2, n_freqs)
    mel_points = torch.linspace(_hz_to_mel(f_min), _hz_to_mel(f_max), n_mels + 2)
    hz_points = 700.0 * (10.0 ** (mel_points / 2595.0) - 1.0)
    widths = hz_points[1:] - hz_points[:-1]
    slopes = hz_points.unsqueeze(0) - all_freqs.unsqueeze(1)
    rising = -slopes[:, :-2] / widths[:-1]
    falling = slopes[:, 2:] / widths[1:]
    return torch.clamp(torch.minimum(rising, falling), min=0.0)


def _hz_to_mel(hz: float) -> float:
    return 2595.0 * float(np.log10(1.0 + hz / 700.0))
