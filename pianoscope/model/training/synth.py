"""The seeded, cached training / held-out dataset: rendered clips reduced to log-mel features.

A `DatasetSpec` fixes everything: the split's seed, how many clips of each (piano, form,
intensity), how many negatives. The plan of clips (source, labels, per-clip seed) is drawn first
from the spec alone; each clip's phrase, detuning and augmentation then come from its own seed,
so the same spec always yields identical features, and the `train`, `validation` and `heldout`
splits (different seeds) never share content. Rendering many phrases per FluidSynth run keeps it
fast; the result is cached as one .npz per spec.

Besides other programs, `unknown` learns from re-voiced known pianos: a phrase played k semitones
(4 to 9, up or down) away from where it is written and bent back by the pitch wheel sounds at the
written pitch with the samples, formants and decays of another register, the way a piano of a
different scale design would. They make the model learn each known piano's own timbre instead of
"anything piano-like".

Level convention: each program is scaled so the fixed mf calibration phrase reads
`REFERENCE_LEVEL_DB` (see `pianoscope.model.calibration`), before augmentation. With
`AugmentConfig.calibrated_level` that phrase is also the reference by which a clip heard in a
room is brought back to the convention, as a teacher's calibration in that room would.

Besides the four known pianos, the pool (`sources.PIANO_FAMILIES`) gives form and intensity
many more pianos: other SoundFont pianos, the sampled Steinway B and freepats pianos, and the
modelled piano, one new instrument per clip. Every piano clip (known, pool, re-voiced) carries
its form and intensity and `instrument` 1 (a piano plays); other instruments, speech and noise
carry `instrument` 0 and no form or intensity.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

import numpy as np

from pianoscope.dsp.features import N_MELS, SAMPLE_RATE_HZ, frame_count, log_mel
from pianoscope.model.calibration import REFERENCE_LEVEL_DB, playing_level_db
from pianoscope.model.labels import FORM_LABELS, IGNORE_INDEX, INTENSITY_LABELS, PIANO_LABELS
from pianoscope.model.training.augment import AugmentConfig, augment, coloured_noise, mains_hum
from pianoscope.model.training.midi_gen import Note, Phrase, generate_phrase
from pianoscope.model.training.pianos import physical, sampler
from pianoscope.model.training.pianos.sample_sets import sample_set
from pianoscope.model.training.render import Instrument, MidiSlot, render_phrases
from pianoscope.model.training.sources import (
    HELD_OUT_PIANOS,
    KNOWN_PIANOS,
    PIANO_FAMILIES,
    PIANO_SOURCES,
    TRAINING_NEGATIVES,
    ModelledPiano,
    SampledPiano,
    Source,
    Speech,
    instrument_name,
    pool_pianos,
)
from pianoscope.model.training.speech import speech_clip
from pianoscope.pinned_numerics import pinned_kind
from pianoscope.progress import CancelToken, ProgressCallback

log = logging.getLogger(__name__)

DATASET_VERSION = 5  # bump when rendering, augmentation or features change
UNKNOWN_INDEX = len(PIANO_LABELS)
SLOTS_PER_RENDER = 150
MAX_DETUNE_CENTS = 15.0
CALIBRATION_PITCHES = (48, 52, 55, 60, 64, 67, 72, 76)
CALIBRATION_VELOCITY = 72

KIND_KNOWN = "known"
KIND_NEGATIVE = "negative"
KIND_HELD_OUT_PIANO = "held-out-piano"
KIND_NOISE = "noise"
KIND_REVOICED = "revoiced"
KIND_POOL = "pool-piano"
KIND_SPEECH = "speech"
# Kinds in which a piano plays: they carry form and intensity labels and `instrument` 1.
PIANO_KINDS = (KIND_KNOWN, KIND_HELD_OUT_PIANO, KIND_REVOICED, KIND_POOL)
REVOICE_SEMITONES = (4, 9)  # |transposition| range of a re-voiced known piano


@dataclass(frozen=True)
class DatasetSpec:
    """Everything that determines a dataset; its hash names the cache file."""

    split: str
    seed: int
    clips_per_class: int  # per (known piano, form, intensity)
    negative_clips: int  # other programs of the SoundFonts, label `unknown`
    noise_clips: int  # silence, noise and hum, label `unknown`
    held_out_piano_clips: int = 0  # pianos never trained on (evaluation only)
    revoiced_clips: int = 0  # known pianos played from another register, label `unknown`
    pool_clips: int = 0  # pool pianos (not the four), spread evenly over them, label `unknown`
    modelled_clips: int = 0  # the modelled piano, a new one per clip, label `unknown`
    speech_clips: int = 0  # people talking, not a piano
    # Pool clips from these families only (all their programs, the known ones too): the
    # evaluation set of pianos left out of training. Empty: every pool piano but the four.
    pool_families: tuple[str, ...] = ()
    clip_s: float = 3.0
    augment: AugmentConfig | None = field(default_factory=AugmentConfig)
    pianos: tuple[str, ...] = PIANO_LABELS

    def cache_key(self) -> str:
        fields = asdict(self)
        if fields["augment"] is not None:
            for name, default in _LATER_AUGMENT_DEFAULTS.items():
                if fields["augment"][name] == default:
                    del fields["augment"][name]
        text = repr((DATASET_VERSION, fields))
        return hashlib.sha256(text.encode()).hexdigest()[:16]


def cached_dataset_path(spec: DatasetSpec, cache_dir: Path, pinned: str | None) -> Path:
    """Where `build_dataset` caches `spec`'s clips rendered with numerics pinned as `pinned`
    (`pinned_numerics.pinned_kind`; None: natively): the two are kept apart."""
    return cache_dir / f"{spec.split}-{spec.cache_key()}{f'-{pinned}' if pinned else ''}.npz"


# Augmentation settings added after datasets were cached: left out of the cache key while they
# hold their default, so the datasets made before them keep their keys and cached renderings.
_LATER_AUGMENT_DEFAULTS = {
    "calibrated_level": False,
    "unison_detune_probability": 0.0,
    "unison_detune_cents": (3.0, 25.0),
    "unison_detune_share": (0.3, 0.5),
}


@dataclass(frozen=True)
class Dataset:
    """Features (clips, frames, bands) in dB as float16 and per-clip labels (IGNORE_INDEX: none)."""

    features_db: np.ndarray
    piano: np.ndarray  # 0..3 known piano, UNKNOWN_INDEX otherwise
    form: np.ndarray
    intensity: np.ndarray
    kind: np.ndarray  # KIND_* strings
    source: np.ndarray  # instrument names, "noise" for generated noise
    instrument: np.ndarray | None = None  # 1: a piano plays; None: from `kind`

    def __post_init__(self) -> None:
        if self.instrument is None:
            object.__setattr__(self, "instrument", np.isin(self.kind, PIANO_KINDS).astype(np.int64))

    def __len__(self) -> int:
        return int(self.piano.shape[0])

    def subset(self, mask: np.ndarray) -> Dataset:
        return Dataset(**{name: getattr(self, name)[mask] for name in _FIELDS})

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(".partial.npz")
        np.savez(partial, **{name: getattr(self, name) for name in _FIELDS})
        partial.replace(path)

    @classmethod
    def load(cls, path: Path) -> Dataset:
        with np.load(path, allow_pickle=False) as data:
            return cls(**{name: data[name] for name in _FIELDS if name in data})


_FIELDS = ("features_db", "piano", "form", "intensity", "kind", "source", "instrument")


@dataclass(frozen=True)
class ClipPlan:
    """One clip to make: its kind, source program, labels and the seed of everything random."""

    kind: str
    instrument: Source | None
    piano: int
    form: int
    intensity: int
    seed: int
    transpose: int = 0  # semitones between the keys played and the pitch heard (re-voicing)


def build_dataset(
    spec: DatasetSpec,
    cache_dir: Path,
    *,
    progress: ProgressCallback | None = None,
    cancel: CancelToken | None = None,
) -> Dataset:
    """The dataset of `spec`, from `cache_dir` if it was built before, else rendered and cached.

    `progress(fraction)` is called as clips are finished; cancelling `cancel` stops the build
    between renders with `Cancelled` (nothing is cached then).
    """
    path = cached_dataset_path(spec, cache_dir, pinned_kind())
    if path.is_file():
        log.info("dataset %s from cache %s", spec.split, path)
        cached = Dataset.load(path)
        return _labelled(cached.features_db, plan_clips(spec))
    dataset = _render_dataset(spec, progress, cancel)
    dataset.save(path)
    log.info("dataset %s: %d clips cached in %s", spec.split, len(dataset), path)
    return dataset


def plan_clips(spec: DatasetSpec) -> list[ClipPlan]:
    """The clips of a spec with their labels and per-clip seeds, in a fixed order."""
    root = np.random.SeedSequence([spec.seed, *spec.split.encode()])
    rng = np.random.default_rng(root)
    plans: list[ClipPlan] = []
    for label in spec.pianos:
        piano = PIANO_LABELS.index(label)
        for form in range(len(FORM_LABELS)):
            for intensity in range(len(INTENSITY_LABELS)):
                plans += [
                    ClipPlan(KIND_KNOWN, KNOWN_PIANOS[piano], piano, form, intensity, 0)
                    for _ in range(spec.clips_per_class)
                ]
    plans += [
        _as_pool_piano(p)
        for p in _random_source_plans(rng, KIND_NEGATIVE, TRAINING_NEGATIVES, spec.negative_clips)
    ]
    plans += _random_source_plans(
        rng, KIND_HELD_OUT_PIANO, HELD_OUT_PIANOS, spec.held_out_piano_clips
    )
    plans += [
        ClipPlan(KIND_NOISE, None, UNKNOWN_INDEX, IGNORE_INDEX, IGNORE_INDEX, 0)
        for _ in range(spec.noise_clips)
    ]
    plans += _revoiced_plans(rng, spec.revoiced_clips)
    plans += _pool_plans(rng, spec)
    plans += _random_source_plans(rng, KIND_SPEECH, (Speech(),), spec.speech_clips)
    seeds = rng.integers(0, 2**63 - 1, size=len(plans))
    return [replace(p, seed=int(s)) for p, s in zip(plans, seeds, strict=True)]


def _as_pool_piano(plan: ClipPlan) -> ClipPlan:
    """A negative drawn from a piano program is a pool piano's clip: it plays the form and
    intensity drawn for it. (`TRAINING_NEGATIVES` predates the pool and keeps its order, so the
    draws, and the cached audio, stay as they were; two of its programs are pianos.)"""
    if plan.instrument in PIANO_SOURCES:
        return replace(plan, kind=KIND_POOL)
    return plan


def _pool_plans(rng: np.random.Generator, spec: DatasetSpec) -> list[ClipPlan]:
    """The pool's clips (nothing drawn when there are none, so older specs keep their seeds);
    a known piano's program in `pool_families` keeps its own piano label."""
    if spec.pool_clips == 0 and spec.modelled_clips == 0:
        return []
    if spec.pool_families:
        sources = tuple(s for f in spec.pool_families for s in PIANO_FAMILIES[f])
    else:
        sources = tuple(s for s in pool_pianos() if not isinstance(s, ModelledPiano))
    plans = _random_source_plans(rng, KIND_POOL, sources, spec.pool_clips)
    plans += _random_source_plans(rng, KIND_POOL, (ModelledPiano(),), spec.modelled_clips)
    known = {source: index for index, source in enumerate(KNOWN_PIANOS)}
    return [replace(p, piano=known.get(p.instrument, UNKNOWN_INDEX)) for p in plans]


def _revoiced_plans(rng: np.random.Generator, count: int) -> list[ClipPlan]:
    """`count` re-voiced clips spread evenly over the known pianos, random sign and distance."""
    if count == 0:  # draw nothing: the other clips' seeds stay as they were
        return []
    low, high = REVOICE_SEMITONES
    plans = _random_source_plans(rng, KIND_REVOICED, KNOWN_PIANOS, count)
    shifts = rng.integers(low, high + 1, size=count) * rng.choice([-1, 1], size=count)
    return [replace(p, transpose=int(k)) for p, k in zip(plans, shifts, strict=True)]


def every_class_plans(source: Source, per_class: int, seed: int) -> list[ClipPlan]:
    """`per_class` pool clips of `source` for every form and intensity, in that order, their
    seeds drawn from `seed` and the source's name (the benches' fixed sets of a piano)."""
    seeds = np.random.default_rng([seed, len(str(source))])
    return [
        ClipPlan(KIND_POOL, source, UNKNOWN_INDEX, form, intensity, int(seeds.integers(2**62)))
        for form in range(len(FORM_LABELS))
        for intensity in range(len(INTENSITY_LABELS))
        for _ in range(per_class)
    ]


def _random_source_plans(
    rng: np.random.Generator, kind: str, sources: Sequence[Source], count: int
) -> list[ClipPlan]:
    """`count` clips spread evenly over `sources` (round robin from a random start)."""
    offset = int(rng.integers(len(sources)))
    return [
        ClipPlan(
            kind,
            sources[(offset + i) % len(sources)],
            UNKNOWN_INDEX,
            int(rng.integers(len(FORM_LABELS))),
            int(rng.integers(len(INTENSITY_LABELS))),
            0,
        )
        for i in range(count)
    ]


def iter_clip_audio(
    spec: DatasetSpec,
    *,
    progress: ProgressCallback | None = None,
    cancel: CancelToken | None = None,
) -> Iterator[tuple[int, np.ndarray]]:
    """(index into `plan_clips(spec)`, augmented float32 audio) of every clip, batch by batch."""
    yield from iter_plan_audio(
        plan_clips(spec), spec.clip_s, spec.augment, progress=progress, cancel=cancel
    )


def iter_plan_audio(
    plans: Sequence[ClipPlan],
    clip_s: float,
    augment_config: AugmentConfig | None,
    *,
    progress: ProgressCallback | None = None,
    cancel: CancelToken | None = None,
) -> Iterator[tuple[int, np.ndarray]]:
    """(index into `plans`, audio augmented by `augment_config`) of every planned clip: also
    for clips of pianos no dataset draws (the benchmarks' pianos reserved for evaluation)."""
    done = 0
    for batch in _rendered_batches(plans, clip_s, cancel):
        for index, audio, pedal, reference in zip(*batch, strict=True):
            if augment_config is not None:
                audio = augment(
                    audio,
                    _acoustics_rng(plans[index]),
                    augment_config,
                    pedalled=pedal,
                    reference=reference,
                )
            yield index, audio
        done += len(batch[0])
        if progress is not None:
            progress(done / len(plans))


def _render_dataset(
    spec: DatasetSpec, progress: ProgressCallback | None, cancel: CancelToken | None
) -> Dataset:
    plans = plan_clips(spec)
    n_frames = _frames_per_clip(spec.clip_s)
    features = np.zeros((len(plans), n_frames, N_MELS), dtype=np.float16)
    for index, audio in iter_clip_audio(spec, progress=progress, cancel=cancel):
        features[index] = log_mel(audio)[:n_frames]
    return _labelled(features, plans)


def _labelled(features: np.ndarray, plans: Sequence[ClipPlan]) -> Dataset:
    """The clips' features with the labels of their plans. Labels are always taken from the
    plans, never from a cache: a cached dataset holds the audio's features, and a corrected
    label needs no new rendering."""
    if features.shape[0] != len(plans):
        raise ValueError(f"{features.shape[0]} cached clips for {len(plans)} planned")
    is_known = np.array([p.kind in PIANO_KINDS for p in plans])
    return Dataset(
        features_db=features,
        piano=np.array([p.piano for p in plans], dtype=np.int64),
        form=np.where(is_known, [p.form for p in plans], IGNORE_INDEX).astype(np.int64),
        intensity=np.where(is_known, [p.intensity for p in plans], IGNORE_INDEX).astype(np.int64),
        kind=np.array([p.kind for p in plans]),
        source=np.array(
            [instrument_name(p.instrument) if p.instrument else "noise" for p in plans]
        ),
        instrument=is_known.astype(np.int64),
    )


def _frames_per_clip(clip_s: float) -> int:
    return frame_count(round(clip_s * SAMPLE_RATE_HZ))


Batch = tuple[list[int], list[np.ndarray], list[bool], list[np.ndarray | None]]


def in_clip_acoustics(
    plan: ClipPlan,
    clip_s: float,
    augment_config: AugmentConfig | None,
    samples: np.ndarray,
    reference: np.ndarray,
) -> np.ndarray:
    """Other audio of the clip's piano (`samples`, dry at the level convention; `reference`, the
    piano's mf calibration phrase likewise) through the clip's own room, microphone, noise and
    gain: the very draws `iter_plan_audio(..., clip_s, augment_config)` augmented the clip's
    own audio with, as if played where it was."""
    if augment_config is None:
        return samples
    phrase, _ = clip_phrase(plan, clip_s)
    return augment(
        samples,
        _acoustics_rng(plan),
        augment_config,
        pedalled=bool(phrase.pedal_changes),
        reference=reference,
    )


def _acoustics_rng(plan: ClipPlan) -> np.random.Generator:
    """The random state of a clip's augmentation (its phrase and detuning use [seed, 0])."""
    return np.random.default_rng([plan.seed, 1])


def _rendered_batches(
    plans: Sequence[ClipPlan], clip_s: float, cancel: CancelToken | None
) -> Iterator[Batch]:
    """Yield (plan indices, level-normalised dry audio, pedal used?, the instrument's mf
    calibration phrase at the convention or None for noise and speech) batch by batch: noise
    and speech, then one FluidSynth run per SoundFont chunk, then the sampled and modelled
    pianos."""
    for kind, make in ((KIND_NOISE, _noise_clip), (KIND_SPEECH, _speech_clip)):
        chosen = [i for i, p in enumerate(plans) if p.kind == kind]
        for start in range(0, len(chosen), SLOTS_PER_RENDER):
            _check(cancel)
            chunk = chosen[start : start + SLOTS_PER_RENDER]
            clips = [make(plans[i].seed, clip_s) for i in chunk]
            yield chunk, clips, [False] * len(chunk), [None] * len(chunk)
    by_soundfont: dict[str, list[int]] = {}
    by_sampler: dict[str, list[int]] = {}
    modelled: list[int] = []
    for i, plan in enumerate(plans):
        if isinstance(plan.instrument, Instrument):
            by_soundfont.setdefault(plan.instrument.soundfont, []).append(i)
        elif isinstance(plan.instrument, SampledPiano):
            by_sampler.setdefault(plan.instrument.name, []).append(i)
        elif isinstance(plan.instrument, ModelledPiano):
            modelled.append(i)
    for soundfont, indices in sorted(by_soundfont.items()):
        for start in range(0, len(indices), SLOTS_PER_RENDER):
            _check(cancel)
            chunk = indices[start : start + SLOTS_PER_RENDER]
            phrases = [clip_phrase(plans[i], clip_s) for i in chunk]
            clips, references = _render_chunk([plans[i] for i in chunk], phrases, soundfont)
            yield chunk, clips, [bool(p.pedal_changes) for p, _ in phrases], references
    for name, indices in sorted(by_sampler.items()):
        calibration = _sampled(name, calibration_phrase(), 0.0)
        gain = _convention_gain(calibration)
        reference = (calibration * gain).astype(np.float32)
        for start in range(0, len(indices), SLOTS_PER_RENDER):
            _check(cancel)
            chunk = indices[start : start + SLOTS_PER_RENDER]
            phrases = [clip_phrase(plans[i], clip_s) for i in chunk]
            clips = [(_sampled(name, p, d) * gain).astype(np.float32) for p, d in phrases]
            pedalled = [bool(p.pedal_changes) for p, _ in phrases]
            yield chunk, clips, pedalled, [reference] * len(chunk)
    for start in range(0, len(modelled), SLOTS_PER_RENDER // 10):
        _check(cancel)
        chunk = modelled[start : start + SLOTS_PER_RENDER // 10]
        phrases = [clip_phrase(plans[i], clip_s) for i in chunk]
        pairs = [_modelled(plans[i].seed, p, d) for i, (p, d) in zip(chunk, phrases, strict=True)]
        clips, references = [c for c, _ in pairs], [r for _, r in pairs]
        yield chunk, clips, [bool(p.pedal_changes) for p, _ in phrases], references


def clip_phrase(plan: ClipPlan, clip_s: float) -> tuple[Phrase, float]:
    """The clip's phrase (transposed for a re-voiced clip) and its detuning in cents."""
    rng = np.random.default_rng([plan.seed, 0])
    phrase = generate_phrase(rng, FORM_LABELS[plan.form], INTENSITY_LABELS[plan.intensity], clip_s)
    detune = float(rng.uniform(-MAX_DETUNE_CENTS, MAX_DETUNE_CENTS))
    if plan.transpose:
        phrase = transposed(phrase, plan.transpose)
        detune -= 100.0 * plan.transpose
    return phrase, detune


def _sampled(name: str, phrase: Phrase, detune_cents: float) -> np.ndarray:
    """A phrase on a sampled piano, stretch-tuned like a grand and detuned."""
    cents = sampler.stretch_tuning(1.0, detune_cents)
    return sampler.render_phrase(sample_set(name), phrase, cents_for_pitch=cents)


def _modelled(seed: int, phrase: Phrase, detune_cents: float) -> tuple[np.ndarray, np.ndarray]:
    """A phrase on the clip's own modelled piano, and that piano's calibration phrase, both
    brought to the level convention with the latter."""
    piano = physical.PhysicalPiano.from_seed(seed)
    reference = physical.render_phrase(piano, calibration_phrase(), detune_cents=0.0)
    audio = physical.render_phrase(piano, phrase, detune_cents=detune_cents)
    gain = _convention_gain(reference)
    return (audio * gain).astype(np.float32), (reference * gain).astype(np.float32)


def _convention_gain(calibration_audio: np.ndarray) -> float:
    """The gain that brings the calibration phrase to `REFERENCE_LEVEL_DB`."""
    return 10.0 ** ((REFERENCE_LEVEL_DB - playing_level_db(log_mel(calibration_audio))) / 20.0)


def _render_chunk(
    plans: Sequence[ClipPlan], phrases: Sequence[tuple[Phrase, float]], soundfont: str
) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Render one chunk with a calibration phrase per program first, and scale to convention;
    returns the clips and each clip's program's calibration phrase at the convention."""
    programs = sorted({(p.instrument.bank, p.instrument.program) for p in plans})
    slots = [MidiSlot(calibration_phrase(), program, bank=bank) for bank, program in programs]
    for plan, (phrase, detune) in zip(plans, phrases, strict=True):
        instrument = plan.instrument
        slots.append(MidiSlot(phrase, instrument.program, detune, bank=instrument.bank))
    clips = render_phrases(slots, soundfont)
    gains = {
        program: _convention_gain(clip)
        for program, clip in zip(programs, clips[: len(programs)], strict=True)
    }
    references = {
        program: (clip * gains[program]).astype(np.float32)
        for program, clip in zip(programs, clips[: len(programs)], strict=True)
    }
    keys = [(plan.instrument.bank, plan.instrument.program) for plan in plans]
    scaled = [
        (clip * gains[key]).astype(np.float32)
        for key, clip in zip(keys, clips[len(programs) :], strict=True)
    ]
    return scaled, [references[key] for key in keys]


def render_at_convention(
    source: Instrument | SampledPiano, phrases: Sequence[Phrase]
) -> list[np.ndarray]:
    """`phrases` played dry on a SoundFont program or a sampled piano, scaled by the level
    convention exactly as that piano's training clips are (its mf calibration phrase reads
    `REFERENCE_LEVEL_DB`)."""
    if isinstance(source, SampledPiano):
        gain = _convention_gain(_sampled(source.name, calibration_phrase(), 0.0))
        return [(_sampled(source.name, p, 0.0) * gain).astype(np.float32) for p in phrases]
    slots = [
        MidiSlot(phrase, source.program, bank=source.bank)
        for phrase in (calibration_phrase(), *phrases)
    ]
    reference, *clips = render_phrases(slots, source.soundfont)
    gain = _convention_gain(reference)
    return [(clip * gain).astype(np.float32) for clip in clips]


def transposed(phrase: Phrase, semitones: int) -> Phrase:
    """The phrase played `semitones` higher, keys kept on the 88-key keyboard (A0-C8)."""
    notes = tuple(
        replace(note, pitch=min(max(note.pitch + semitones, 21), 108)) for note in phrase.notes
    )
    return replace(phrase, notes=notes)


def calibration_phrase() -> Phrase:
    """Single mf notes from C3 to E5, each held 0.3 s: what the teacher plays to calibrate."""
    notes = tuple(
        Note(0.05 + 0.35 * i, 0.3, pitch, CALIBRATION_VELOCITY)
        for i, pitch in enumerate(CALIBRATION_PITCHES)
    )
    return Phrase("staccato", "mf", notes, (), 171.4, 3.0)


def _noise_clip(seed: int, clip_s: float) -> np.ndarray:
    """Silence, noise or hum (what a microphone hears when no piano plays) at a random level."""
    rng = np.random.default_rng([seed, 2])
    size = round(clip_s * SAMPLE_RATE_HZ)
    kind = str(rng.choice(["silence", "white", "pink", "brown", "hum", "pink+hum"]))
    if kind == "silence":
        return (rng.standard_normal(size) * 10 ** (rng.uniform(-110, -85) / 20)).astype(np.float32)
    level = 10.0 ** (float(rng.uniform(-75.0, -20.0)) / 20.0)
    parts = []
    if kind != "hum":
        parts.append(coloured_noise(rng, size, kind.split("+")[0]))
    if "hum" in kind:
        parts.append(mains_hum(rng, size))
    return (sum(parts) * level).astype(np.float32)


def _speech_clip(seed: int, clip_s: float) -> np.ndarray:
    """Speech whose playing level is 25 dB below to 10 dB above the piano convention's mf."""
    audio = speech_clip(seed, clip_s)
    rng = np.random.default_rng([seed, 4])
    target_db = REFERENCE_LEVEL_DB + float(rng.uniform(-25.0, 10.0))
    gain = 10.0 ** ((target_db - playing_level_db(log_mel(audio))) / 20.0)
    return (audio * gain).astype(np.float32)


def _check(cancel: CancelToken | None) -> None:
    if cancel is not None:
        cancel.check("Building the training data")
