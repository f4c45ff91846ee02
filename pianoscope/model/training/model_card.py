"""The model card (resources/MODEL_CARD.md): what the shipped classifier is, how good, its limits.

Written by `pianoscope evaluate` from the measured report, so its numbers are never typed by hand.
"""

from __future__ import annotations

from dataclasses import dataclass

from pianoscope.model.training.augment import AugmentConfig
from pianoscope.model.training.evaluate import (
    EvaluationReport,
    HeadReport,
    voicings_of_known_pianos,
)
from pianoscope.model.training.leave_one_out import LeftOutReport, left_out_lines
from pianoscope.model.training.recipe import HELDOUT_SPEC, TRAIN_CONFIG, TRAIN_SPEC, VALIDATION_SPEC
from pianoscope.model.training.render import Instrument
from pianoscope.model.training.sources import (
    HELD_OUT_PIANOS,
    KNOWN_PIANOS,
    PIANO_FAMILIES,
    PIANO_SOURCES,
    TIMBRE_BEARING_PIANOS,
    TRAINING_NEGATIVES,
    instrument_name,
)
from pianoscope.model.training.synth import REVOICE_SEMITONES

AUGMENT = TRAIN_SPEC.augment or AugmentConfig()
_OTHER_PROGRAMS = tuple(n for n in TRAINING_NEGATIVES if n not in PIANO_SOURCES)


def _pool_summary() -> str:
    """The pool's families, e.g. `timgm-grand` (4 programs)."""
    return ", ".join(
        f"`{family}`" + (f" ({len(sources)} programs)" if len(sources) > 1 else "")
        for family, sources in PIANO_FAMILIES.items()
        if family != "modelled"
    )


TARGETS = (
    ("piano accuracy (unknown counts as wrong)", "piano", ">= 97 %"),
    ("form accuracy", "form", ">= 92 %"),
    ("intensity accuracy (exact class)", "intensity", ">= 85 %"),
)


def _without_rooms_lines(report: EvaluationReport | None) -> list[str]:
    """The four pianos' targets on the held-out set without rooms, where the weights shipped
    before the piano pool were measured."""
    if report is None:
        return []
    return [
        "The four pianos on the held-out set without rooms (the small noise reverb only: the "
        "set the weights before the piano pool were measured on):",
        "",
        "| measure | measured | target |",
        "|---|---|---|",
        *(
            f"| {name} | {100 * getattr(report, attr).accuracy:.1f} % | {target} |"
            for name, attr, target in TARGETS
        ),
        "",
    ]


def _what_it_does(report: EvaluationReport, pool_recipe: bool) -> str:
    if pool_recipe:
        return (
            "From the newest 2 s of audio (64-band log-mel features, 86 frames/s) a LeNet-5-style "
            "CNN and an LSTM answer two questions. Is a piano playing? (the `instrument` head: "
            "P(a piano plays), other instruments, speech and noise get no form or intensity; "
            "silent when the playing level is more than 40 dB under the calibrated mf level.) "
            "Which piano, how, how loud? (three softmax heads: piano, form, intensity, and an "
            "out-of-set score: the piano is `unknown`, another piano, when P(one of the four "
            f"pianos) is below {report.unknown_threshold:.2f}; form and intensity are given for "
            "every piano, known or not.)"
        )
    return (
        "From the newest 2 s of audio (64-band log-mel features, 86 frames/s) a LeNet-5-style "
        "CNN and an LSTM give three softmax heads (piano, form, intensity) and an out-of-set "
        "score: the input is called `unknown` when P(one of the four pianos) is below "
        f"{report.unknown_threshold:.2f}, and silent when its playing level is more than 40 dB "
        "under the calibrated mf level. These weights have no instrument head (is a piano "
        "playing?): whatever is not one of the four pianos, another piano too, gets no form or "
        "intensity from them."
    )


def _pool_recipe_lines() -> list[str]:
    return [
        f"- Known pianos: {_names(KNOWN_PIANOS)}; "
        f"{TRAIN_SPEC.clips_per_class} clips of {TRAIN_SPEC.clip_s:.0f} s per (piano, form, "
        f"intensity), {TRAIN_SPEC.revoiced_clips} clips of them re-voiced (played "
        f"{REVOICE_SEMITONES[0]}-{REVOICE_SEMITONES[1]} semitones away and bent back by the "
        "pitch wheel: the written pitch with another register's samples; label `unknown`).",
        f"- The piano pool (a piano plays; form and intensity learnt, piano label `unknown`): "
        f"{TRAIN_SPEC.pool_clips} clips spread over {_pool_summary()}, and "
        f"{TRAIN_SPEC.modelled_clips} clips of the physically modelled piano (a new piano per "
        "clip: inharmonic partials, velocity-dependent hammer hardness and noise, per-note "
        "decay, beating unisons). The Steinway B has one dynamic layer: softer playing is "
        "derived physically (level by velocity squared and a velocity-dependent low-pass).",
        f"- Not a piano: {TRAIN_SPEC.negative_clips} clips of {len(_OTHER_PROGRAMS)} other "
        "programs of the same SoundFonts (electric pianos, harpsichord, clavinet, organs, "
        "mallets, guitars, strings, winds; two piano programs among them are pool pianos), "
        f"{TRAIN_SPEC.speech_clips} clips of speech (espeak-ng), "
        f"{TRAIN_SPEC.noise_clips} silence/noise/hum clips.",
        f"- Validation: {VALIDATION_SPEC.clips_per_class} clips per class and the same kinds "
        f"at a tenth. Held-out: {_held_out_summary()}",
    ]


def _four_piano_recipe_lines() -> list[str]:
    return [
        f"- These weights were trained by the four-piano recipe of commit {FOUR_PIANO_COMMIT} "
        "(`pianoscope train` of that version; re-run on 2026-12-02 it rendered the same 7300 "
        "training clips and trained other weights of the same quality: the shipped run read "
        "its data from an earlier cache, now gone, so why they differ was not found); today's "
        '`pianoscope train` trains on the piano pool (README, "Training for pianos it never '
        'heard").',
        f"- Known pianos: {_names(KNOWN_PIANOS)}; 60 clips of 3 s per (piano, form, "
        "intensity), 1400 negative clips from 42 other programs of the same SoundFonts "
        "(electric pianos, harpsichord, clavinet, organs, mallets, guitars, strings, winds), "
        "800 clips of the known pianos re-voiced (played 4-9 semitones away and bent back by "
        "the pitch wheel: the written pitch with another register's samples; label "
        "`unknown`), 300 silence/noise/hum clips. Validation: 5 clips per class.",
        f"- Judged on today's held-out set: {_held_out_summary()}",
    ]


def _held_out_summary() -> str:
    return (
        f"{HELDOUT_SPEC.clips_per_class} clips per class, "
        f"{HELDOUT_SPEC.pool_clips} pool and {HELDOUT_SPEC.modelled_clips} modelled clips, "
        f"{HELDOUT_SPEC.speech_clips} of speech, plus {HELDOUT_SPEC.held_out_piano_clips} "
        f"clips of programs never trained on ({_names(HELD_OUT_PIANOS)}), in rooms as in "
        "training."
    )


def _pool_augmentation_lines() -> list[str]:
    return [
        "- Rendering: FluidSynth 2.3 (SoundFonts) or the sampler (sampled pianos), dry, "
        "44.1 kHz, stretch-tuned; each piano scaled so that mf single notes read -30 dB (the "
        "level convention); detuned up to ±15 cents.",
        f"- Augmentation (a teacher's room and microphone): a synthetic room in "
        f"{100 * AUGMENT.room_probability:.0f} % of the clips (early reflections, RT60 "
        f"{AUGMENT.rt60_s[0]:g}-{AUGMENT.rt60_s[1]:g} s with a faster treble decay, microphone "
        f"at {AUGMENT.distance_m[0]:g}-{AUGMENT.distance_m[1]:g} m), a microphone tilt of up to "
        f"±{AUGMENT.tilt_db:g} dB with a low cut in {100 * AUGMENT.tilt_probability:.0f} %, "
        f"sympathetic string ringing in {100 * AUGMENT.resonance_probability:.0f} % of "
        f"pedalled clips, gain ±{AUGMENT.gain_db:g} dB (what is left of the level after "
        f"calibration), white / pink / brown noise at {AUGMENT.snr_db[0]:g}-"
        f"{AUGMENT.snr_db[1]:g} dB SNR in {100 * AUGMENT.noise_probability:.0f} %, mains hum "
        f"in {100 * AUGMENT.hum_probability:.0f} %"
        + (
            f"; unisons out of tune in {100 * AUGMENT.unison_detune_probability:.0f} % of the "
            "training and validation clips (the clip mixed with itself played "
            f"{AUGMENT.unison_detune_cents[0]:g}-{AUGMENT.unison_detune_cents[1]:g} cents sharp "
            f"or flat, {100 * AUGMENT.unison_detune_share[0]:.0f}-"
            f"{100 * AUGMENT.unison_detune_share[1]:.0f} % of the sound; the held-out set is in "
            "tune)"
            if AUGMENT.unison_detune_probability > 0
            else ""
        )
        + (
            "; every clip at the level a calibration in its own room gives (its piano's mf "
            "calibration phrase, heard through the same room and microphone, reads its dry "
            "level)"
            if AUGMENT.calibrated_level
            else ""
        )
        + ". While training, "
        f"{100 * TRAIN_CONFIG.identity_gain_share:.0f} % of every batch is played again at up "
        f"to ±{TRAIN_CONFIG.identity_gain_db:g} dB and must keep its piano, form and "
        "instrument answers; windows of the pianos whose timbre follows velocity are played "
        f"at up to ±{TRAIN_CONFIG.timbre_gain_db:g} dB, twice, and both copies must get the "
        "same intensity (see below).",
    ]


# The commit whose `pianoscope train` made the weights without the instrument head.
FOUR_PIANO_COMMIT = "010a756"
FOUR_PIANO_AUGMENTATION = (
    "- Rendering: FluidSynth 2.3, dry, 44.1 kHz; each program scaled so that mf single notes "
    "read -30 dB (the level convention); detuned up to ±15 cents by pitch bend.",
    "- Augmentation: gain ±1 dB (what is left of the level after calibration), room reverb "
    "(RT60 0.2-0.8 s) in 50 % of the clips, white / pink / brown noise at 15-50 dB SNR in "
    "60 %, mains hum in 25 %. While training, windows of `grand-musescore` are played at a "
    "random gain of up to ±15 dB, twice, and both copies must get the same intensity (see "
    "below).",
)
POOL_LIMIT = (
    "- Trained on sampled and synthesised pianos in synthetic rooms: a real piano in a real "
    "room is a new piano to it, so it says `unknown` (another piano) for it and gives form and "
    "intensity; how well is measured on pianos left out of training (above)."
)
FOUR_PIANO_LIMIT = (
    "- Trained on four synthesised pianos with little room: a real piano in a real room is a "
    "new piano to it, which it mostly calls `unknown` and then gives no form or intensity "
    "(the share of piano windows given them is above)."
)


@dataclass(frozen=True)
class Alternative:
    """Another trained variant judged on the same held-out set, e.g. with GAN augmentation."""

    name: str
    report: EvaluationReport
    training_notes: str


def model_card(
    report: EvaluationReport,
    training_notes: str,
    alternatives: tuple[Alternative, ...] = (),
    left_out: tuple[LeftOutReport, ...] = (),
    *,
    without_rooms: EvaluationReport | None = None,
    pool_recipe: bool = True,
) -> str:
    """Markdown text of the model card; `left_out`: the leave-one-out models' figures;
    `without_rooms`: the same weights on the held-out set without rooms (`DRY_HELDOUT_SPEC`);
    `pool_recipe`: False for weights without the instrument head, which the four-piano recipe
    before the piano pool trained (the card then describes that recipe, not today's)."""
    voicings = {i for i in HELD_OUT_PIANOS if instrument_name(i) in voicings_of_known_pianos()}
    lines = [
        "# Pianoscope classifier: model card",
        "",
        "Generated by `pianoscope evaluate`; every number below was measured on the held-out "
        "set, whose phrases, seeds and augmentations were never seen in training.",
        "",
        "## What it does",
        _what_it_does(report, pool_recipe),
        "",
        "## Results on the held-out set",
        f"Windows: {report.windows}.",
        "",
        "| measure | measured | target |",
        "|---|---|---|",
        *(
            f"| {name} | {100 * getattr(report, attr).accuracy:.1f} % | {target} |"
            for name, attr, target in TARGETS
        ),
        f"| intensity off by more than one class | "
        f"{100 * report.intensity_off_by_more_than_one:.1f} % | < 2 % |",
        *_product_rows(report),
        f"| piano accuracy among the four (unknown decision ignored) | "
        f"{100 * report.piano_accuracy_among_four:.1f} % | |",
        f"| known pianos called unknown or silent | {100 * report.known_called_unknown:.1f} % | |",
        f"| held-out pianos (samples of their own) called unknown | "
        f"{100 * report.held_out_pianos_called_unknown:.1f} % | >= 70 % |",
        f"| held-out voicings of a known piano's samples called unknown | "
        f"{100 * report.held_out_voicings_called_unknown:.1f} % | (see Limits) |",
        f"| training-negative programs (new content) called unknown | "
        f"{100 * report.negatives_called_unknown:.1f} % | |",
        f"| silence / noise / hum called unknown or silent | "
        f"{100 * report.noise_called_unknown_or_silent:.1f} % | |",
        *(
            f"| grand-musescore intensity class changed by {step} gain | {100 * share:.1f} % "
            "| <= 15 % |"
            for step, share in report.gain_changes_intensity.items()
        ),
        *(
            f"| intensity accuracy with the calibration off by {step} | {100 * value:.1f} % | |"
            for step, value in report.intensity_accuracy_miscalibrated.items()
        ),
        *_noise_rows(report),
        *_two_question_rows(report),
        "",
        *_without_rooms_lines(without_rooms),
        "Per piano (calibrated level convention):",
        "",
        *_per_piano_lines(report),
        "",
        "Held-out piano programs called unknown: "
        + ", ".join(
            f"{name} {100 * share:.0f} %"
            for name, share in report.held_out_pianos_called_unknown_per_program.items()
        )
        + ".",
        "",
        *_others_given_lines(report),
        *left_out_lines(list(left_out)),
        "## Confusion matrices (rows: truth, columns: prediction, counts)",
        "",
        _confusion_table("piano", report.piano),
        _confusion_table("form", report.form),
        _confusion_table("intensity", report.intensity),
        "## Training data",
        *(_pool_recipe_lines() if pool_recipe else _four_piano_recipe_lines()),
        "- Content (pianoscope/model/training/midi_gen.py): random keys, registers E2-C6, "
        "tempi 60-160 bpm; legato lines with overlapping notes, staccato lines, block chords, "
        "broken chords; "
        "every note's velocity inside its intensity class; sustain pedal in half the legato and "
        "chord phrases and 60 % of the arpeggios, never in staccato (a held pedal removes the "
        "articulation from the sound).",
        *(_pool_augmentation_lines() if pool_recipe else FOUR_PIANO_AUGMENTATION),
        "",
        "## Which intensity cue it uses",
        "Both reach the heads: the conv blocks see only the gain-invariant spectral shape "
        "(timbre), the LSTM also gets each frame's level relative to the mf reference. Only "
        "MuseScore_General_Lite has velocity layers, so only there does timbre carry intensity. "
        f"On {_labels(TIMBRE_BEARING_PIANOS)} the model reads intensity from timbre alone: in "
        "training its windows come at random input gains with their labels kept, and a loss "
        "term asks two gains of the same window for the same intensity distribution, so the "
        "level says nothing there. On the three level-only pianos the model can only use level, "
        "which is why input must be calibrated (a few mf notes, "
        "`pianoscope.model.calibration.calibrate`). Uncalibrated input is assumed to follow the "
        "training convention (mf notes at -30 dB on the features' scale, about -33 dBFS RMS for "
        "a single mid-range note).",
        "",
        "## Limits",
        POOL_LIMIT if pool_recipe else FOUR_PIANO_LIMIT,
        "- Intensity on the level-only pianos is only as good as the calibration.",
        "- Held-out programs that play a known piano's own samples "
        f"({_names(tuple(sorted(voicings, key=instrument_name)))}) are that piano voiced "
        "differently: MuseScore_General_Lite's bright grand is its grand with the filter "
        "envelope opened by 300 cents (less than its velocity layers differ) and its honky-tonk "
        "adds a second layer detuned by 10 cents; TimGM6mb's play its grand's nine samples with "
        "other settings. Overall "
        f"{100 * report.held_out_voicings_called_unknown:.0f} % of their windows are called "
        "unknown (per program above): MuseScore's are mostly taken for `grand-musescore`, whose "
        "intensity the model must read from exactly this kind of brightness. The `unknown` "
        "target is measured on the held-out pianos with samples of their own "
        f"({_names(tuple(i for i in HELD_OUT_PIANOS if i not in voicings))}); the two groups "
        "are told apart by reading the SoundFonts' preset tables "
        "(`pianoscope.model.training.soundfont_samples`), not by hand.",
        "",
        "## Training run",
        training_notes,
        "",
        *_alternative_lines(report, alternatives),
    ]
    return "\n".join(lines)


def _alternative_lines(
    report: EvaluationReport, alternatives: tuple[Alternative, ...]
) -> list[str]:
    if not alternatives:
        return []
    lines = [
        "## Variants judged on the same held-out set",
        "",
        "| variant | piano | form | intensity | held-out pianos called unknown |",
        "|---|---|---|---|---|",
    ]
    for name, variant in (("shipped", report), *((a.name, a.report) for a in alternatives)):
        lines.append(
            f"| {name} | {100 * variant.piano.accuracy:.1f} % "
            f"| {100 * variant.form.accuracy:.1f} % | {100 * variant.intensity.accuracy:.1f} % "
            f"| {100 * variant.held_out_pianos_called_unknown:.1f} % |"
        )
    lines.append("")
    lines += [f"- {a.name}: {a.training_notes}" for a in alternatives]
    lines.append("")
    return lines


def _product_rows(report: EvaluationReport) -> list[str]:
    """The four pianos' form and intensity as the product shows them (the rows above are the
    network's heads alone; `evaluate.product_reading`)."""
    product = report.product
    if product is None:
        return []
    reads = "as the product reads it (the head and the window's notes)"
    return [
        f"| form accuracy {reads} | {100 * product.form_accuracy:.1f} % | >= 92 % |",
        f"| intensity accuracy (exact class) {reads} | "
        f"{100 * product.intensity_accuracy:.1f} % | >= 85 % |",
        f"| intensity off by more than one class {reads} | "
        f"{100 * product.intensity_off_by_more_than_one:.1f} % | < 2 % |",
        f"| form accuracy on the pool's pianos {reads} | "
        f"{100 * product.pool_form_accuracy:.1f} % | |",
    ]


def _per_piano_lines(report: EvaluationReport) -> list[str]:
    product = report.product
    return [
        "| piano | intensity accuracy | Spearman true vs predicted class (target >= 0.9) |"
        + (" intensity accuracy as the product reads it |" if product else ""),
        "|---|---|---|" + ("---|" if product else ""),
        *(
            f"| {piano} | {100 * report.intensity_accuracy_per_piano[piano]:.1f} % | "
            f"{_number(report.intensity_spearman_per_piano[piano])} |"
            + (f" {100 * product.intensity_accuracy_per_piano[piano]:.1f} % |" if product else "")
            for piano in report.intensity_accuracy_per_piano
        ),
    ]


def _others_given_lines(report: EvaluationReport) -> list[str]:
    """Which other instruments pass as a piano: the programs the gate gives form and intensity
    to, most first (those it never does left out)."""
    given = {
        name: share for name, share in (report.others_given_per_program or {}).items() if share
    }
    if not given:
        return []
    ordered = sorted(given.items(), key=lambda item: (-item[1], item[0]))
    return [
        "Other instruments given form and intensity, per program (the rest never): "
        + ", ".join(f"{name} {100 * share:.0f} %" for name, share in ordered)
        + ".",
        "",
    ]


def _two_question_rows(report: EvaluationReport) -> list[str]:
    """Is a piano playing, and do pianos keep their answers under gain (weights with the
    instrument head judged on a held-out set with pool pianos and speech)."""
    rows = []
    if report.piano_windows_given == report.piano_windows_given:  # not NaN
        rows.append(
            f"| piano windows (known and pool pianos) given form and intensity | "
            f"{100 * report.piano_windows_given:.1f} % | >= 98 % |"
        )
    rows += [
        f"| {name} windows given form and intensity | {100 * share:.1f} % | <= 3 % |"
        for name, share in (report.others_given or {}).items()
    ]
    if report.pool_form_accuracy == report.pool_form_accuracy:
        rows.append(
            f"| form accuracy on the pool's pianos | {100 * report.pool_form_accuracy:.1f} % | |"
        )
    rows += [
        f"| known windows whose piano or form changes with {step} gain (the network alone: "
        f"its features shifted, without the take placement the product applies first) | "
        f"{100 * share:.1f} % | <= 5 % |"
        for step, share in (report.gain_changes_piano_or_form or {}).items()
    ]
    return rows


def _noise_rows(report: EvaluationReport) -> list[str]:
    noise = report.noise_robustness
    if noise is None:
        return ["| white noise at 20 dB SNR | not measured | drop <= 5 points |"]
    return [
        f"| {head} accuracy, clean → white noise at {noise.snr_db:.0f} dB SNR "
        f"({noise.windows} rendered windows) | {100 * noise.clean[head]:.1f} % → "
        f"{100 * noise.noisy[head]:.1f} % (drop {drop:.1f} points) | drop <= 5 points |"
        for head, drop in noise.drop_points().items()
    ]


def _number(value: float | None) -> str:
    return "undefined (constant prediction)" if value is None else f"{value:.3f}"


def _labels(labels: tuple[str, ...]) -> str:
    return ", ".join(f"`{label}`" for label in labels)


def _names(instruments: tuple[Instrument, ...]) -> str:
    return ", ".join(instrument_name(i) for i in instruments)


def _confusion_table(name: str, head: HeadReport) -> str:
    rows = [
        f"**{name}** ({100 * head.accuracy:.1f} %)",
        "",
        "| true \\ predicted | " + " | ".join(head.predicted_labels) + " |",
        "|---" * (len(head.predicted_labels) + 1) + "|",
    ]
    rows += [
        f"| {label} | " + " | ".join(str(c) for c in counts) + " |"
        for label, counts in zip(head.true_labels, head.confusion, strict=True)
    ]
    return "\n".join(rows) + "\n"
