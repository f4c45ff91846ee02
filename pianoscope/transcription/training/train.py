"""Train the note network from FluidSynth renderings:
`python -m pianoscope.transcription.training.train`.

One command rebuilds `resources/note_model.npz` from scratch: it renders CLIPS_PER_PIANO clips
of generated content on each training piano (seeds 0 ... CLIPS_PER_PIANO - 1; the measuring
sets use seeds from 10 000 up) and EMPHASIS_CLIPS_PER_PIANO more whose content leans to the bass,
soft notes, notes under louder ones and octaves (`content.EMPHASIS_PASSAGES`, seeds from
EMPHASIS_FIRST_SEED: a network trained without them missed 42 % of the validation notes below C3
and 46 % below velocity 60), augments them, and trains for STEPS steps on random 5 s crops with
torch on TORCH_THREADS threads under a fixed seed (the thread count is part of the recipe: other
counts give other weights), then CONTINUE_STEPS more on the same clips
in a second learning-rate cycle peaking at CONTINUE_LEARNING_RATE: the first phase is still
learning when its cycle ends (stopped at 2800 steps it scored validation onset F1 0.840 against
0.887 at 5000; continued for 3000 more, the finished network scores 0.901 against 0.894, and
0.642 against 0.592 with offsets). It then fine-tunes the network for
FINE_TUNE_STEPS steps at a lower learning rate on the same clips plus FINE_TUNE_CLIPS_PER_PIANO
clips per piano of chords that double notes in octaves (`content.FINE_TUNE_PASSAGES`): after
the first phase the network lost the played octave of held chords. The shipped weights took
100 minutes for the first phase (5000 steps, 1.1-1.3 s a step beside other work), 37 minutes for
its continuation and 19 for the fine-tuning (0.6-0.9 s a step on a faster machine, beside other
work), plus 2-4 and 1-5 minutes of rendering. Last it trains WIDEN_STEPS more steps with the
Steinway B recordings' clips added (WIDENING_PIANOS; 17 minutes); `--start-from WEIGHTS
--start-phase 3` runs that phase alone from finished weights, `--widen-steps 0` leaves it out
(a network that never heard the Steinway: the leave-one-out judge's for that piano).

The decoding thresholds and the velocity reference are then chosen on validation clips
(`pianoscope.transcription.training.tuning`) and stored with the weights, and last the peak
judge that decides which onset peaks are notes is fitted on the finished network's
activations (`pianoscope.transcription.training.peak_judge_fit`, about 3 minutes; on the
pianos the network learnt, so without the Steinway B under `--widen-steps 0`), then the
velocity reader on the notes they find (`pianoscope.transcription.training.velocity_fit`,
about a minute). The shipped weights' judge and reader were fitted by those modules' commands
on the shipped network (stops 59 and 60), the same steps.

The command runs itself again in a child process with pinned numerics, as `pianoscope train`
does (`pianoscope.pinned_numerics`), and Adam takes correctly rounded square roots
(`pianoscope.model.training.exact_adamw`), so the same seeds give the same weights on any x86-64
CPU with AVX2 (tests/test_pinned_numerics.py checks a step, held to AVX2 and on an emulated AMD
CPU). The convolutions are matrix products on numpy's pinned BLAS (`blas_convolution`): torch's
own, pinned, took 1.9 s a step of the 48-56 wide network on two threads, these 0.96 s (stop
47, quiet machine). The shipped weights' first three phases are what this command trained
before that change (at 1affd09), and not these bit for bit; their widening phase is this
command's (`--start-from` those weights `--start-phase 3`, the same file every run).

With `--checkpoint FILE` the training's state is saved as it goes (`checkpoint`) and
the same command run again goes on from it, to the same weights; `--max-steps N` stops a run
after N steps, so the training can be done in sittings of any length; with `--render-cache DIR`
each sitting reads the clips the one before rendered (`render_cache`).

Losses: binary cross-entropy for onsets (positives weighted ONSET_POSITIVE_WEIGHT, as one frame
in hundreds is an onset) and frames, squared error for velocity at onset frames only.
"""

from __future__ import annotations

import argparse
import functools
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np
import torch
from torch import nn
from torch.nn import functional

from pianoscope.errors import PianoscopeError
from pianoscope.model.training.exact_adamw import ExactSqrtAdamW
from pianoscope.pinned_numerics import go_on_pinned, pinned_kind
from pianoscope.transcription.network import (
    CONTEXT_DILATION,
    INPUT_CHANNELS,
    PARAMETER_NAMES,
    TEMPORAL_DILATION,
    input_channels,
)
from pianoscope.transcription.spectrogram import (
    KEY_COUNT,
    normalise_db,
    spectrogram,
)
from pianoscope.transcription.training import fit_command
from pianoscope.transcription.training.blas_convolution import blas_conv2d, use_threads
from pianoscope.transcription.training.checkpoint import (
    Checkpoint,
    PhaseState,
    Recipe,
    load_checkpoint,
    save_checkpoint,
)
from pianoscope.transcription.training.content import EMPHASIS_PASSAGES, FINE_TUNE_PASSAGES
from pianoscope.transcription.training.data import (
    STEINWAY,
    TRAINING_PIANOS,
    Clip,
    frame_targets,
    render_clips,
)
from pianoscope.transcription.training.peak_judge_fit import (
    CLIPS_PER_PIANO as JUDGE_CLIPS_PER_PIANO,
)
from pianoscope.transcription.training.peak_judge_fit import HELD_CHORDS as JUDGE_HELD_CHORDS
from pianoscope.transcription.training.peak_judge_fit import fit_peak_judge
from pianoscope.transcription.training.render_cache import RenderCache
from pianoscope.transcription.training.tuning import VALIDATION_CLIPS_PER_PIANO, tune_decoding
from pianoscope.transcription.training.velocity_fit import (
    CLIPS_PER_PIANO as VELOCITY_CLIPS_PER_PIANO,
)
from pianoscope.transcription.training.velocity_fit import fit_velocity_reader
from pianoscope.transcription.velocity_reader import ARRAY_PREFIX as VELOCITY_ARRAY_PREFIX

log = logging.getLogger(__name__)

CLIPS_PER_PIANO = 64
EMPHASIS_CLIPS_PER_PIANO = 96
EMPHASIS_FIRST_SEED = 1000
STEPS = 5000
CONTINUE_STEPS = 3000
CONTINUE_LEARNING_RATE = 1e-3
CONTINUE_SEED = 31
FINE_TUNE_STEPS = 1500
FINE_TUNE_LEARNING_RATE = 5e-4
FINE_TUNE_CLIPS_PER_PIANO = 48
FINE_TUNE_FIRST_SEED = 2000
FINE_TUNE_SEED = 25
# A last phase adds the Steinway B recordings (`steinway`), a real grand, to the clips: the
# same training, emphasis and fine-tuning content on it, at the fine-tuning's rate. Shipped since
# stop 51: the Salamander grand, a recorded piano never trained on, read better, the bench's
# means rose (docs/transcription.md, "The Steinway-widened network shipped (stop 51)").
WIDEN_STEPS = 1500
WIDEN_LEARNING_RATE = 5e-4
WIDEN_SEED = 37
WIDENING_PIANOS = (STEINWAY,)
BATCH = 8
CROP_FRAMES = 250
LEARNING_RATE = 2e-3
ONSET_POSITIVE_WEIGHT = 8.0
TORCH_THREADS = 2
SEED = 13
WEIGHTS_NAME = "note_model.npz"
# With a checkpoint, the training state is saved this often (and at the end of every phase).
CHECKPOINT_STEPS = 200
# The four hidden layers' channels (conv1, conv2, temporal, context) of the shipped network.
CHANNELS = (32, 40, 40, 40)


class NoteNetwork(nn.Module):
    """The torch twin of `pianoscope.transcription.network` (same parameters, same maths);
    the numpy forward reads the layers' widths from the weights, so any `channels` runs there."""

    def __init__(self, channels: tuple[int, int, int, int] = CHANNELS) -> None:
        super().__init__()
        first, second, third, fourth = channels
        self.conv1 = nn.Conv2d(INPUT_CHANNELS, first, 3, padding=1)
        self.conv2 = nn.Conv2d(first, second, 3, padding=1)
        self.temporal = _over_time(second, third, TEMPORAL_DILATION)
        self.context = _over_time(third, fourth, CONTEXT_DILATION)
        self.heads = nn.Conv2d(fourth, 3, 1)
        self.key_bias = nn.Parameter(torch.zeros(3, KEY_COUNT))

    def forward(self, features: torch.Tensor) -> torch.Tensor:
        """(batch, frames, FEATURE_COUNT) normalised levels -> logits (batch, 3, frames, keys)."""
        # The inputs need no gradient: numpy builds them, as `analyse` does.
        crops = features.numpy()
        stacked = torch.from_numpy(np.stack([input_channels(crop) for crop in crops]))
        hidden = functional.relu(_convolved(self.conv1, stacked))
        hidden = functional.relu(_convolved(self.conv2, hidden))
        hidden = functional.relu(_convolved(self.temporal, hidden))
        hidden = functional.relu(_convolved(self.context, hidden))
        return _convolved(self.heads, hidden) + self.key_bias[None, :, None, :]

    def arrays(self) -> dict[str, np.ndarray]:
        """The parameters by the names `network.load_weights` expects."""
        state = self.state_dict()
        return {name: state[name].detach().cpu().numpy() for name in PARAMETER_NAMES}


def _convolved(layer: nn.Conv2d, inputs: torch.Tensor) -> torch.Tensor:
    """`layer` applied by `blas_conv2d`: the layers hold the parameters, numpy's BLAS computes
    (several times faster than torch's convolutions pinned, the same on every CPU)."""
    return blas_conv2d(inputs, layer.weight, layer.bias, layer.dilation[0])


def _over_time(inputs: int, outputs: int, dilation: int) -> nn.Conv2d:
    """A dilated 5x1 convolution over time that keeps the number of frames."""
    return nn.Conv2d(inputs, outputs, (5, 1), padding=(2 * dilation, 0), dilation=(dilation, 1))


def build_training_set(
    clips_per_piano: int = CLIPS_PER_PIANO,
    emphasis_clips_per_piano: int = EMPHASIS_CLIPS_PER_PIANO,
    pianos: tuple[str, ...] = TRAINING_PIANOS,
    cache: RenderCache | None = None,
) -> tuple[list[np.ndarray], list[tuple[np.ndarray, np.ndarray, np.ndarray]]]:
    """Normalised spectrograms and their targets, one pair per rendered clip."""
    emphasis_seeds = range(EMPHASIS_FIRST_SEED, EMPHASIS_FIRST_SEED + emphasis_clips_per_piano)
    return _rendered(
        lambda piano: (
            render_clips(piano, range(clips_per_piano), cache=cache)
            + render_clips(piano, emphasis_seeds, passages=EMPHASIS_PASSAGES, cache=cache)
        ),
        pianos,
    )


def build_fine_tune_set(
    clips_per_piano: int = FINE_TUNE_CLIPS_PER_PIANO,
    pianos: tuple[str, ...] = TRAINING_PIANOS,
    cache: RenderCache | None = None,
) -> tuple[list[np.ndarray], list[tuple[np.ndarray, np.ndarray, np.ndarray]]]:
    """The fine-tuning phase's own clips (octave chords, held notes, octaves)."""
    seeds = range(FINE_TUNE_FIRST_SEED, FINE_TUNE_FIRST_SEED + clips_per_piano)
    return _rendered(
        lambda piano: render_clips(piano, seeds, passages=FINE_TUNE_PASSAGES, cache=cache),
        pianos,
    )


def _rendered(
    clips_of: Callable[[str], list[Clip]], pianos: tuple[str, ...]
) -> tuple[list[np.ndarray], list[tuple[np.ndarray, np.ndarray, np.ndarray]]]:
    features, targets = [], []
    for piano in pianos:
        started = time.perf_counter()
        for clip in clips_of(piano):
            levels = normalise_db(spectrogram(clip.samples))
            features.append(levels)
            targets.append(frame_targets(clip.notes, levels.shape[0]))
        log.info("rendered %s in %.0f s", piano, time.perf_counter() - started)
    return features, targets


@dataclass(frozen=True)
class Phase:
    """One learning-rate cycle of the training: its steps, peak rate and crop generator's seed;
    from a `fine_tune` phase on, the fine-tuning clips are trained on as well, and from a phase
    with `more_pianos` on, all the clips of those pianos."""

    steps: int
    learning_rate: float
    seed: int
    fine_tune: bool = False
    more_pianos: tuple[str, ...] = ()


def train(
    out: Path,
    *,
    steps: int = STEPS,
    continue_steps: int = CONTINUE_STEPS,
    fine_tune_steps: int = FINE_TUNE_STEPS,
    widen_steps: int = WIDEN_STEPS,
    clips_per_piano: int = CLIPS_PER_PIANO,
    emphasis_clips_per_piano: int = EMPHASIS_CLIPS_PER_PIANO,
    fine_tune_clips_per_piano: int = FINE_TUNE_CLIPS_PER_PIANO,
    start_from: Path | None = None,
    start_phase: int = 1,
    validation_clips_per_piano: int = VALIDATION_CLIPS_PER_PIANO,
    checkpoint: Path | None = None,
    max_steps: int | None = None,
    channels: tuple[int, int, int, int] = CHANNELS,
    render_cache: RenderCache | None = None,
    judge_clips_per_piano: int = JUDGE_CLIPS_PER_PIANO,
    judge_held_chords: int = JUDGE_HELD_CHORDS,
    judge_single_keys: int = KEY_COUNT,
    velocity_clips_per_piano: int = VELOCITY_CLIPS_PER_PIANO,
) -> bool:
    """Train from scratch under SEED, continue, fine-tune, widen (with `widen_steps`), and write
    the weights to `out` (.npz).

    With `start_from` (weights after the phases before `start_phase`; by default the first
    phase's STEPS steps) the phases from `start_phase` on run: no step draws on torch's random
    state (crops come from each phase's own numpy generator), so it gives the same weights as
    the whole command. With `checkpoint`, the training's state is saved there every
    CHECKPOINT_STEPS steps and at the end of each phase, and a run finding it there goes on
    from it; with `max_steps` too, the run stops after that many steps. `channels` widens or
    narrows the hidden layers (part of the recipe). With `render_cache`, clips rendered by an
    earlier run are read from it: the same weights, without rendering them again. The peak
    judge is fitted last on `judge_clips_per_piano` clips, `judge_held_chords` held chords
    (and as many broken ones) and `judge_single_keys` keys struck alone per piano (0 clips:
    weights without a judge, decoded by the rules), and after it the
    velocity reader on `velocity_clips_per_piano` clips per piano (0: none, a scale
    calibration's velocities are then `key_balance`'s). Returns whether the weights were
    written (the checkpoint is then removed)."""
    torch.manual_seed(SEED)
    torch.set_num_threads(TORCH_THREADS)
    use_threads(TORCH_THREADS)
    recipe: Recipe = {
        "steps": steps,
        "continue_steps": continue_steps,
        "fine_tune_steps": fine_tune_steps,
        "widen_steps": widen_steps,
        "clips_per_piano": clips_per_piano,
        "emphasis_clips_per_piano": emphasis_clips_per_piano,
        "fine_tune_clips_per_piano": fine_tune_clips_per_piano,
        "channels": channels,
    }
    phases = (
        Phase(steps, LEARNING_RATE, SEED),
        Phase(continue_steps, CONTINUE_LEARNING_RATE, CONTINUE_SEED),
        Phase(fine_tune_steps, FINE_TUNE_LEARNING_RATE, FINE_TUNE_SEED, fine_tune=True),
        Phase(
            widen_steps,
            WIDEN_LEARNING_RATE,
            WIDEN_SEED,
            fine_tune=True,
            more_pianos=WIDENING_PIANOS,
        ),
    )
    resumed = None
    if checkpoint is not None and checkpoint.exists():
        resumed = load_checkpoint(checkpoint, recipe)
    first_phase = resumed.phase if resumed else start_phase if start_from is not None else 0
    to_run = [i for i, phase in enumerate(phases) if i >= first_phase and phase.steps]
    features, targets = (
        build_training_set(clips_per_piano, emphasis_clips_per_piano, cache=render_cache)
        if to_run
        else ([], [])
    )
    network = NoteNetwork(channels)
    if resumed is not None:
        network.load_state_dict(resumed.network)
        log.info("going on from %s: phase %d, step %d", checkpoint, resumed.phase,
                 resumed.state.step if resumed.state else 0)  # fmt: skip
    elif start_from is not None:
        with np.load(start_from) as archive:
            network.load_state_dict({n: torch.from_numpy(archive[n]) for n in PARAMETER_NAMES})
    budget = max_steps
    with_fine_tune_set, more_pianos = False, ()
    for index in to_run:
        phase = phases[index]
        if phase.fine_tune and not with_fine_tune_set:
            more_features, more_targets = build_fine_tune_set(
                fine_tune_clips_per_piano, cache=render_cache
            )
            features, targets = features + more_features, targets + more_targets
            with_fine_tune_set = True
        if phase.more_pianos != more_pianos:
            more_pianos = phase.more_pianos
            more_features, more_targets = _more_pianos_set(
                more_pianos,
                clips_per_piano,
                emphasis_clips_per_piano,
                fine_tune_clips_per_piano,
                render_cache,
            )
            features, targets = features + more_features, targets + more_targets
        saving = None
        if checkpoint is not None:
            saving = functools.partial(_save, checkpoint, recipe, index, network)
        state = resumed.state if resumed is not None and resumed.phase == index else None
        done = _fit(
            network, features, targets, phase.steps, phase.learning_rate,
            np.random.default_rng(phase.seed), resume=state, save=saving, budget=budget,
        )  # fmt: skip
        if budget is not None:
            budget -= done - (state.step if state else 0)
        if done < phase.steps:
            log.info("stopped at step %d of phase %d; run the command again to go on", done, index)
            return False
        if checkpoint is not None:
            _save(checkpoint, recipe, index + 1, network, None)
    arrays = network.arrays()
    out.parent.mkdir(parents=True, exist_ok=True)
    settings = tune_decoding(arrays, validation_clips_per_piano, render_cache)
    arrays |= settings.arrays()
    pianos = TRAINING_PIANOS + (WIDENING_PIANOS if widen_steps else ())
    if judge_clips_per_piano:
        arrays |= fit_peak_judge(
            arrays,
            pianos,
            clips_per_piano=judge_clips_per_piano,
            held_chords=judge_held_chords,
            single_keys=judge_single_keys,
            validation_clips_per_piano=validation_clips_per_piano,
            cache=render_cache,
        ).arrays()
    if velocity_clips_per_piano:
        reader = fit_velocity_reader(
            arrays, pianos, clips_per_piano=velocity_clips_per_piano, cache=render_cache
        )
        if reader is not None:
            arrays |= reader.arrays(VELOCITY_ARRAY_PREFIX)
    np.savez(out, **arrays)
    if checkpoint is not None:
        checkpoint.unlink(missing_ok=True)
    return True


def _more_pianos_set(
    pianos: tuple[str, ...],
    clips_per_piano: int,
    emphasis_clips_per_piano: int,
    fine_tune_clips_per_piano: int,
    cache: RenderCache | None,
) -> tuple[list[np.ndarray], list[tuple[np.ndarray, np.ndarray, np.ndarray]]]:
    """Every clip the earlier phases trained on, played on `pianos`."""
    features, targets = build_training_set(clips_per_piano, emphasis_clips_per_piano, pianos, cache)
    more_features, more_targets = build_fine_tune_set(fine_tune_clips_per_piano, pianos, cache)
    return features + more_features, targets + more_targets


def _save(
    path: Path, recipe: Recipe, phase: int, network: NoteNetwork, state: PhaseState | None
) -> None:
    save_checkpoint(path, Checkpoint(recipe, phase, network.state_dict(), state))


def _fit(
    network: NoteNetwork,
    features: list[np.ndarray],
    targets: list[tuple[np.ndarray, np.ndarray, np.ndarray]],
    steps: int,
    learning_rate: float,
    rng: np.random.Generator,
    *,
    resume: PhaseState | None = None,
    save: Callable[[PhaseState], None] | None = None,
    budget: int | None = None,
) -> int:
    """`steps` steps of Adam under a one-cycle schedule peaking at `learning_rate`: AdamW
    without weight decay, with a square root every CPU rounds alike (`exact_adamw`).

    `resume` is the phase's state after its first steps, which are then not taken again;
    `save` receives the state every CHECKPOINT_STEPS steps and when the run stops. With a
    `budget`, at most that many steps are taken. Returns the phase's steps done so far."""
    optimiser = ExactSqrtAdamW(network.parameters(), lr=learning_rate, weight_decay=0.0)
    schedule = torch.optim.lr_scheduler.OneCycleLR(optimiser, learning_rate, total_steps=steps)
    first = 0
    if resume is not None:
        optimiser.load_state_dict(resume.optimiser)
        schedule.load_state_dict(resume.schedule)
        rng.bit_generator.state = resume.rng
        first = resume.step

    def state(step: int) -> PhaseState:
        return PhaseState(
            step, optimiser.state_dict(), schedule.state_dict(), rng.bit_generator.state
        )

    positive = torch.tensor(ONSET_POSITIVE_WEIGHT)
    started = time.perf_counter()
    for step in range(first, steps):
        if budget is not None and step - first >= budget:
            if save is not None:
                save(state(step))
            return step
        batch_x, batch_y = _batch(features, targets, rng)
        logits = network(batch_x)
        onset, frame, velocity = batch_y.unbind(dim=1)
        onset_loss = functional.binary_cross_entropy_with_logits(
            logits[:, 0], onset, pos_weight=positive
        )
        frame_loss = functional.binary_cross_entropy_with_logits(logits[:, 1], frame)
        velocity_error = (torch.sigmoid(logits[:, 2]) - velocity) ** 2 * onset
        velocity_loss = velocity_error.sum() / onset.sum().clamp(min=1.0)
        loss = onset_loss + frame_loss + velocity_loss
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
        schedule.step()
        if step % 200 == 0 or step == steps - 1:
            log.info(
                "step %d: onset %.4f frame %.4f velocity %.4f (%.0f s)",
                step, onset_loss.item(), frame_loss.item(), velocity_loss.item(),
                time.perf_counter() - started,
            )  # fmt: skip
        if save is not None and (step + 1) % CHECKPOINT_STEPS == 0 and step + 1 < steps:
            save(state(step + 1))
    return steps


def _batch(
    features: list[np.ndarray],
    targets: list[tuple[np.ndarray, np.ndarray, np.ndarray]],
    rng: np.random.Generator,
) -> tuple[torch.Tensor, torch.Tensor]:
    """BATCH random crops of CROP_FRAMES: inputs (B, T, bands), targets (B, 3, T, keys)."""
    inputs, outputs = [], []
    for _ in range(BATCH):
        index = int(rng.integers(len(features)))
        start = int(rng.integers(0, features[index].shape[0] - CROP_FRAMES))
        crop = slice(start, start + CROP_FRAMES)
        inputs.append(features[index][crop])
        outputs.append(np.stack([t[crop] for t in targets[index]]))
    return torch.from_numpy(np.stack(inputs)), torch.from_numpy(np.stack(outputs))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--out",
        type=Path,
        default=Path(str(resources.files("pianoscope.resources"))) / WEIGHTS_NAME,
    )
    parser.add_argument("--steps", type=int, default=STEPS)
    parser.add_argument("--continue-steps", type=int, default=CONTINUE_STEPS)
    parser.add_argument("--fine-tune-steps", type=int, default=FINE_TUNE_STEPS)
    parser.add_argument("--widen-steps", type=int, default=WIDEN_STEPS)
    parser.add_argument(
        "--start-from",
        type=Path,
        help="weights after the first phase's STEPS steps (or after the phases before "
        "--start-phase): the phases from there on only",
    )
    parser.add_argument(
        "--start-phase",
        type=int,
        default=1,
        choices=range(1, 4),
        help="with --start-from: 1 continuation, 2 fine-tuning, 3 widening (default 1)",
    )
    parser.add_argument("--clips-per-piano", type=int, default=CLIPS_PER_PIANO)
    parser.add_argument("--emphasis-clips-per-piano", type=int, default=EMPHASIS_CLIPS_PER_PIANO)
    parser.add_argument("--fine-tune-clips-per-piano", type=int, default=FINE_TUNE_CLIPS_PER_PIANO)
    parser.add_argument(
        "--validation-clips-per-piano",
        type=int,
        default=VALIDATION_CLIPS_PER_PIANO,
        help="clips the decoding thresholds are chosen on (fewer: only to test the command)",
    )
    parser.add_argument(
        "--checkpoint",
        type=Path,
        help="save the training's state here as it goes; run the same command again to go on "
        "from it (removed once the weights are written)",
    )
    parser.add_argument(
        "--max-steps",
        type=int,
        help="stop after this many steps of this run (with --checkpoint): a training longer "
        "than one sitting",
    )
    parser.add_argument(
        "--channels",
        type=parse_channels,
        default=CHANNELS,
        help="the hidden layers' widths, conv1,conv2,temporal,context (default: "
        f"{','.join(map(str, CHANNELS))})",
    )
    parser.add_argument(
        "--render-cache",
        type=Path,
        help="keep the dry renderings in this folder and read them from there when run again "
        "(the next sitting of a --checkpoint training): the same weights, without rendering",
    )
    parser.add_argument(
        "--judge-clips-per-piano",
        type=int,
        default=JUDGE_CLIPS_PER_PIANO,
        help="clips per piano the peak judge learns from (0: no judge, the rules decode)",
    )
    parser.add_argument("--judge-held-chords", type=int, default=JUDGE_HELD_CHORDS)
    parser.add_argument(
        "--judge-single-keys",
        type=int,
        default=KEY_COUNT,
        help="keys spread over the keyboard the judge hears struck alone (all of them by default)",
    )
    parser.add_argument(
        "--velocity-clips-per-piano",
        type=int,
        default=VELOCITY_CLIPS_PER_PIANO,
        help="clips per piano the velocity reader learns from (0: no reader)",
    )
    arguments = parser.parse_args(argv)
    if arguments.max_steps is not None and arguments.checkpoint is None:
        parser.error("--max-steps needs --checkpoint, or the steps it took would be lost")
    go_on_pinned("pianoscope.transcription.training.train", argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    log.info("numerics pinned: %s, %d torch threads", pinned_kind(), TORCH_THREADS)
    try:
        train(
            arguments.out,
            steps=arguments.steps,
            continue_steps=arguments.continue_steps,
            fine_tune_steps=arguments.fine_tune_steps,
            widen_steps=arguments.widen_steps,
            clips_per_piano=arguments.clips_per_piano,
            emphasis_clips_per_piano=arguments.emphasis_clips_per_piano,
            fine_tune_clips_per_piano=arguments.fine_tune_clips_per_piano,
            start_from=arguments.start_from,
            start_phase=arguments.start_phase,
            validation_clips_per_piano=arguments.validation_clips_per_piano,
            checkpoint=arguments.checkpoint,
            max_steps=arguments.max_steps,
            channels=arguments.channels,
            render_cache=fit_command.render_cache(arguments),
            judge_clips_per_piano=arguments.judge_clips_per_piano,
            judge_held_chords=arguments.judge_held_chords,
            judge_single_keys=arguments.judge_single_keys,
            velocity_clips_per_piano=arguments.velocity_clips_per_piano,
        )
    except PianoscopeError as error:
        parser.exit(1, f"{error}\n")


def parse_channels(text: str) -> tuple[int, int, int, int]:
    """'48,56,56,56' -> (48, 56, 56, 56): four positive widths."""
    try:
        widths = tuple(int(part) for part in text.split(","))
    except ValueError:
        widths = ()
    if len(widths) != 4 or min(widths) < 1:
        raise argparse.ArgumentTypeError(f"expected four positive widths like 48,56,56,56: {text}")
    return widths  # type: ignore[return-value]


if __name__ == "__main__":
    main()
