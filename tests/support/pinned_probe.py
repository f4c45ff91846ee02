"""Render a few training clips of every kind, train one short epoch on them, print digests.

Run as a script by tests/test_pinned_numerics.py in processes with different kernel choices
(`pinned_probe.py [CLIPS_PER_KIND]`): one line `audio features weights note-features
note-weights levels`, each a SHA-256 prefix, so two runs compare exactly. Batches of 16 windows, as
torch takes another convolution path (NNPACK) from 16 on, the one the recipe's batches of 64
take. The note network (`pianoscope.transcription.training.train`) then takes one training step,
as its command does (on its threads), on one clip of its own training content, its convolutions
as matrix products on numpy's BLAS (`blas_convolution`): on one crop of 2 s instead of the
command's eight of 5 s, because emulated those products run about 2000 times slower than
natively (stop 47: two crops of 2 s took 208 s under qemu), and the crop still spans several of
their blocks. Last, the log10 the network takes of four million frames' power: a short epoch
takes too few of them to meet the rare values a CPU's log10 rounds its own way (stop 55, torch's
float32 log10: 3 of these 4 million differ between an AMD EPYC with AVX-512 and the same machine
emulating an EPYC Rome), which a whole training takes by the tens of millions.
"""

from __future__ import annotations

import hashlib
import sys

import numpy as np
import torch

from pianoscope.dsp.features import log_mel
from pianoscope.model.network import portable_log10
from pianoscope.model.training.recipe import TRAIN_SPEC
from pianoscope.model.training.synth import _labelled, iter_plan_audio, plan_clips
from pianoscope.model.training.train import TrainConfig, train_network
from pianoscope.pinned_numerics import use_pinned_torch
from pianoscope.transcription.spectrogram import normalise_db, spectrogram
from pianoscope.transcription.training import train as note_training
from pianoscope.transcription.training.data import frame_targets, render_clips

CLIPS_PER_KIND = 3
BATCH_SIZE = 16
NOTE_PIANO = "FluidR3_GM.sf2"
NOTE_BATCH = 1
NOTE_CROP_FRAMES = 100
LEVEL_FRAMES = 1 << 22


def main() -> None:
    use_pinned_torch()
    clips_per_kind = int(sys.argv[1]) if len(sys.argv) > 1 else CLIPS_PER_KIND
    plans = plan_clips(TRAIN_SPEC)
    by_kind: dict[tuple[str, str], list[int]] = {}
    for index, plan in enumerate(plans):
        by_kind.setdefault((plan.kind, type(plan.instrument).__name__), []).append(index)
    chosen = [plans[i] for i in sorted(i for v in by_kind.values() for i in v[:clips_per_kind])]
    audio = dict(iter_plan_audio(chosen, TRAIN_SPEC.clip_s, TRAIN_SPEC.augment))
    features = np.stack([log_mel(audio[i]) for i in range(len(chosen))]).astype(np.float16)
    config = TrainConfig(epochs=1, batch_size=BATCH_SIZE, identity_gain_share=0.25)
    network = train_network(_labelled(features, chosen), config).network
    digests = [
        _digest(audio[i].tobytes() for i in range(len(chosen))),
        _digest([features.tobytes()]),
        _digest(v.numpy().tobytes() for v in network.state_dict().values()),
        *_note_network_digests(),
        _level_digest(),
    ]
    print(" ".join(digests))


def _note_network_digests() -> list[str]:
    """Digests of one note-training clip's spectrogram and of the note network after a step."""
    clip = render_clips(NOTE_PIANO, [0])[0]
    levels = normalise_db(spectrogram(clip.samples))
    note_training.BATCH, note_training.CROP_FRAMES = NOTE_BATCH, NOTE_CROP_FRAMES
    torch.manual_seed(note_training.SEED)
    torch.set_num_threads(note_training.TORCH_THREADS)
    network = note_training.NoteNetwork()
    targets = [frame_targets(clip.notes, levels.shape[0])]
    rng = np.random.default_rng(note_training.SEED)
    note_training._fit(network, [levels], targets, 1, note_training.LEARNING_RATE, rng)
    return [
        _digest([levels.tobytes()]),
        _digest(array.tobytes() for array in network.arrays().values()),
    ]


def _level_digest() -> str:
    """Digest of the log10 the network takes of each frame's and window's power
    (`portable_log10`), on the powers of LEVEL_FRAMES frames from far under to far over mf."""
    rng = np.random.default_rng(0)
    levels_db = torch.from_numpy(rng.normal(-40.0, 30.0, LEVEL_FRAMES).astype(np.float32))
    return _digest([portable_log10(10.0 ** (levels_db / 10.0)).numpy().tobytes()])


def _digest(chunks) -> str:  # type: ignore[no-untyped-def]
    digest = hashlib.sha256()
    for chunk in chunks:
        digest.update(chunk)
    return digest.hexdigest()[:16]


if __name__ == "__main__":
    main()
