"""The note network's forward pass in numpy, so `analyse` transcribes without torch.

Architecture (trained in `pianoscope.transcription.training.train`, same weights, same arithmetic):

1. Max over the three bands of each key (band 3k-1 ... 3k+1): the band filters are a third of
   a semitone wide, so a partial between two keys still lands in one of them, and the layers
   below run on keys instead of bands (three times cheaper to train and to run).
2. Harmonic stack: for each interval of HARMONIC_SEMITONES (two octaves, a twelfth and an
   octave below, so a key can tell its own note from an upper partial of a lower one; then
   harmonics 1-10 and 12) the key levels shifted by that interval, so channel h at key k holds
   the level of harmonic h of key k. A piano note is then one vertical pattern, the same at
   every key, and every layer below shares its weights across pitch (Bittner et al. 2022 stack
   harmonics the same way in basic-pitch). The same stack again of each key's rise in dB over
   RISE_FRAMES frames (0 where it falls): a rise in dB is the same for a soft note as for a
   loud one, and soft notes were the ones the network missed (recall 0.28 below velocity 60
   against 0.76 above, on validation clips, without these channels).
3. The stack of the long-frame spectrogram's key levels (MIDI 21-84) for LONG_HARMONIC_SEMITONES
   (the octave below, harmonics 1-4): 2.7 Hz bins part the bass's fundamentals and low
   partials, which the short frames blur into one another; -1 above its range.
4. Two register channels (the key's place on the keyboard, -1 ... 1, and its square): the
   bass's fundamentals are narrower than an FFT bin and the treble has few partials, so the
   same pattern means different things in each (recall in the bass was 0.42 against 0.85 in
   the treble). They are constant in time: a per-key bias of the first layer, nothing else.
5. conv 3x3 (time x key), ReLU; conv 3x3, ReLU; conv 5x1 over time (dilation 2: +-4 frames,
   80 ms either side), ReLU; conv 5x1 over time (dilation 4: +-8 frames more, 160 ms), ReLU,
   so a key's onset is judged against what sounded 280 ms before and after it.
6. 1x1 conv to three heads per key, plus a learnt bias per key and head: onset and frame
   (sigmoid probabilities) and velocity (sigmoid, x 127).

Inference runs over pieces of at most CHUNK_FRAMES with RECEPTIVE_FRAMES of context on each
side, so memory stays bounded for an hour-long recording and the result equals a single pass.
The pieces are independent, so `forward(..., workers=n)` runs them on n threads (numpy's
products release the GIL): a recording is cut into equal pieces, as many as a multiple of
the workers where none is then shorter than MIN_PIECE_FRAMES (the context a small share).
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from pianoscope.progress import CancelToken, ProgressCallback, no_progress
from pianoscope.transcription.spectrogram import (
    BAND_COUNT,
    BANDS_PER_SEMITONE,
    KEY_COUNT,
    SCALE_DB,
)

HARMONIC_SEMITONES = (-24, -19, -12, 0, 12, 19, 24, 28, 31, 34, 36, 38, 40, 43)
LONG_HARMONIC_SEMITONES = (-12, 0, 12, 19, 24)
TEMPORAL_DILATION = 2
CONTEXT_DILATION = 4
RISE_FRAMES = 2
REGISTER_CHANNELS = 2
INPUT_CHANNELS = 2 * len(HARMONIC_SEMITONES) + len(LONG_HARMONIC_SEMITONES) + REGISTER_CHANNELS
RECEPTIVE_FRAMES = RISE_FRAMES + 1 + 1 + 2 * TEMPORAL_DILATION + 2 * CONTEXT_DILATION
CHUNK_FRAMES = 1000
MIN_PIECE_FRAMES = 250  # 5 s: the context either side adds at most 13 % to a piece
# Output columns a convolution adds its taps over at a time: 4096 x 56 channels stay in the
# cache (bench/bench_note_forward.py: fastest of 1024-16384).
CONV_BLOCK = 4096
PARAMETER_NAMES = (
    "conv1.weight", "conv1.bias", "conv2.weight", "conv2.bias",
    "temporal.weight", "temporal.bias", "context.weight", "context.bias",
    "heads.weight", "heads.bias", "key_bias",
)  # fmt: skip


# The arrays of the trees stored with the weights: the peak judge's and the velocity reader's.
TREE_ARRAY_PREFIXES = ("judge_", "velocity_reader_")
DECODING_NAMES = (
    "onset_threshold",
    "frame_threshold",
    "velocity_reference_db",
    "calibrated_velocity_reference_db",
)


@dataclass(frozen=True)
class NoteActivations:
    """Per frame (50 Hz) and key (MIDI 21-108): onset and frame probability, velocity 0-127,
    and the level the network read at the key (`key_levels_db`: the loudest of its three
    short-frame bands, dB under the take's loudest band, floored at FLOOR_DB below it), which
    the peak judge weighs beside the probabilities; `fine_key_levels_db` is the same level
    read in the long frames (2.7 Hz bins) up to MIDI 84 and in the short ones above, where a
    key's own partial stands apart from its neighbour's a semitone away."""

    onset: np.ndarray
    frame: np.ndarray
    velocity: np.ndarray
    key_levels_db: np.ndarray
    fine_key_levels_db: np.ndarray


def input_channels(features: np.ndarray) -> np.ndarray:
    """(frames, FEATURE_COUNT) -> (INPUT_CHANNELS, frames, KEY_COUNT): the harmonic stacks of
    the key levels and of their rises, the long frames' stack, then the register channels."""
    levels = key_levels(features[:, :BAND_COUNT])
    frames = levels.shape[0]
    earlier = np.concatenate([np.repeat(levels[:1], RISE_FRAMES, axis=0), levels[:-RISE_FRAMES]])
    rises = np.maximum(levels - earlier[:frames], 0.0)
    register = register_positions()
    return np.concatenate(
        [
            harmonic_stack(levels, -1.0),
            harmonic_stack(rises, 0.0),
            harmonic_stack(key_levels(features[:, BAND_COUNT:]), -1.0, LONG_HARMONIC_SEMITONES),
            np.broadcast_to(register, (1, frames, KEY_COUNT)),
            np.broadcast_to(register**2, (1, frames, KEY_COUNT)),
        ]
    )


def register_positions() -> np.ndarray:
    """Each key's place on the keyboard, -1 ... 1, float32, rounded as torch.linspace rounds it
    (one multiply-add from the nearer end; np.linspace differs in the last bit at some keys):
    the training built its inputs with torch until stop 47, and these are those numbers."""
    index = np.arange(KEY_COUNT)
    step = np.float64(np.float32(2.0) / np.float32(KEY_COUNT - 1))
    from_nearer_end = np.where(
        index < KEY_COUNT // 2, -1.0 + step * index, 1.0 - step * (KEY_COUNT - 1 - index)
    )
    return from_nearer_end.astype(np.float32)


def key_levels(bands: np.ndarray) -> np.ndarray:
    """(frames, 3n) -> (frames, n): the loudest of bands 3k - 1 ... 3k + 1 for each semitone k
    from MIDI 21 (the band below the first is silence, -1)."""
    frames, band_count = bands.shape
    edge = np.full((frames, 1), -1.0, dtype=np.float32)
    padded = np.concatenate([edge, bands[:, : band_count - 1]], axis=1)
    return padded.reshape(frames, band_count // BANDS_PER_SEMITONE, BANDS_PER_SEMITONE).max(axis=2)


def harmonic_stack(
    keys: np.ndarray, outside: float, shifts: tuple[int, ...] = HARMONIC_SEMITONES
) -> np.ndarray:
    """(frames, semitones) -> (len(shifts), frames, KEY_COUNT).

    Channel h at key k holds semitone k + s_h, s_h the harmonic's interval; `outside` beyond
    the spectrogram. Shifting by whole semitones commutes with the max over each key's bands,
    so the spectrogram is reduced to keys once and then shifted.
    """
    frames, key_count = keys.shape
    stacked = np.full((len(shifts), frames, KEY_COUNT), outside, dtype=np.float32)
    for channel, shift in enumerate(shifts):
        first = max(0, -shift)
        last = min(KEY_COUNT, key_count - shift)
        stacked[channel, :, first:last] = keys[:, first + shift : last + shift]
    return stacked


def load_weights(path: Path) -> dict[str, np.ndarray]:
    """The network's parameters and decoding thresholds from an .npz file (arrays only, no
    pickle), and the peak judge's and the velocity reader's trees (`peak_judge`,
    `velocity_reader`) as stored, when it has them."""
    with np.load(path, allow_pickle=False) as archive:
        missing = set(PARAMETER_NAMES + DECODING_NAMES) - set(archive.files)
        if missing:
            raise ValueError(f"{path.name} lacks {sorted(missing)}")
        weights = {
            name: archive[name].astype(np.float32) for name in PARAMETER_NAMES + DECODING_NAMES
        }
        trees = {
            name: archive[name] for name in archive.files if name.startswith(TREE_ARRAY_PREFIXES)
        }
        return weights | trees


def forward(
    features: np.ndarray,
    weights: dict[str, np.ndarray],
    *,
    workers: int = 1,
    progress: ProgressCallback = no_progress,
    cancel: CancelToken | None = None,
) -> NoteActivations:
    """Run the network over normalised features (frames, FEATURE_COUNT), piece by piece on
    `workers` threads, reporting the fraction done as pieces finish; `cancel` is checked
    before each piece (at most 20 s of audio) starts."""
    frames = features.shape[0]
    pieces = piece_bounds(frames, workers)

    def run(piece: tuple[int, int]) -> np.ndarray:
        if cancel is not None:
            cancel.check("The transcription")
        start, end = piece
        first = max(0, start - RECEPTIVE_FRAMES)
        logits = _forward_chunk(features[first : min(frames, end + RECEPTIVE_FRAMES)], weights)
        return logits[:, start - first : end - first]

    progress(0.0)
    parts = []
    if len(pieces) < 2 or workers < 2:  # no pool: a live window is one piece, every 250 ms
        for piece in pieces:
            parts.append(run(piece))
            progress(piece[1] / frames)
    else:
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="notes") as pool:
            for future in [pool.submit(run, piece) for piece in pieces]:
                parts.append(future.result())
                progress(len(parts) / len(pieces))
    logits = np.concatenate(parts, axis=1) if parts else np.zeros((3, 0, KEY_COUNT), np.float32)
    probabilities = 1.0 / (1.0 + np.exp(-logits))
    levels_db = key_levels(features[:, :BAND_COUNT])[:, :KEY_COUNT] * np.float32(SCALE_DB)
    long_levels_db = key_levels(features[:, BAND_COUNT:]) * np.float32(SCALE_DB)
    fine_levels_db = np.concatenate(
        [long_levels_db, levels_db[:, long_levels_db.shape[1] :]], axis=1
    )
    return NoteActivations(
        probabilities[0], probabilities[1], 127.0 * probabilities[2], levels_db, fine_levels_db
    )


def piece_bounds(frames: int, workers: int = 1) -> list[tuple[int, int]]:
    """(start, end) frames of the pieces `forward` runs: equal pieces of at most CHUNK_FRAMES,
    as many as a multiple of `workers` where each can still be MIN_PIECE_FRAMES long."""
    count = -(-frames // CHUNK_FRAMES)
    parallel = max(1, min(workers, frames // MIN_PIECE_FRAMES))
    count = -(-count // parallel) * parallel
    if count == 0:
        return []
    size = -(-frames // count)
    return [(start, min(frames, start + size)) for start in range(0, frames, size)]


def _forward_chunk(features: np.ndarray, weights: dict[str, np.ndarray]) -> np.ndarray:
    """Head logits (3, frames, KEY_COUNT) of one chunk; zero padding at its edges, as in torch."""
    hidden = _conv2d_relu(input_channels(features), *_layer(weights, "conv1"))
    hidden = _conv2d_relu(hidden, *_layer(weights, "conv2"))
    hidden = _conv2d_relu(hidden, *_layer(weights, "temporal"), TEMPORAL_DILATION)
    hidden = _conv2d_relu(hidden, *_layer(weights, "context"), CONTEXT_DILATION)
    channels, frames, keys = hidden.shape
    heads = (weights["heads.weight"][:, :, 0, 0] @ hidden.reshape(channels, -1)).reshape(
        3, frames, keys
    )
    return heads + weights["heads.bias"][:, None, None] + weights["key_bias"][:, None, :]


def _layer(weights: dict[str, np.ndarray], name: str) -> tuple[np.ndarray, np.ndarray]:
    return weights[f"{name}.weight"], weights[f"{name}.bias"]


def flat_padded(
    inputs: np.ndarray, kernel_t: int, kernel_f: int, time_dilation: int = 1
) -> tuple[np.ndarray, int]:
    """(C, T, F) zero-padded for a 'same' kt x kf kernel, flattened per channel: (C, n), and
    the padded row's width. Tap (i, j) of output (t, f) reads flat column
    (t + i * dilation) * width + f + j; one spare row keeps the last tap's run inside."""
    in_channels, frames, bands = inputs.shape
    pad_t = time_dilation * (kernel_t // 2)
    pad_f = kernel_f // 2
    width = bands + 2 * pad_f
    padded = np.zeros((in_channels, frames + 2 * pad_t + 1, width), dtype=np.float32)
    padded[:, pad_t : pad_t + frames, pad_f : pad_f + bands] = inputs
    return padded.reshape(in_channels, -1), width


def _conv2d_relu(
    inputs: np.ndarray, weight: np.ndarray, bias: np.ndarray, time_dilation: int = 1
) -> np.ndarray:
    """ReLU of the 'same' 2-D convolution of (C, T, F) with weight (O, C, kt, kf), as torch's
    Conv2d then ReLU.

    The input is zero-padded and flattened per channel, so that each kernel tap reads one
    contiguous run of it: the convolution is kt * kf matrix products over views of the one
    padded array, with no (C * kt * kf, T * F) patch matrix copied out first (the output rows
    carry 2 * (kf // 2) columns of the padding, dropped at the end). The products run over
    CONV_BLOCK columns at a time, so the taps, the bias and the ReLU all apply in the cache
    instead of in memory.
    """
    out_channels, _, kernel_t, kernel_f = weight.shape
    frames, bands = inputs.shape[1], inputs.shape[2]
    flat, width = flat_padded(inputs, kernel_t, kernel_f, time_dilation)
    span = frames * width
    taps = tap_matrices(weight)
    starts = tap_offsets(kernel_t, kernel_f, time_dilation, width)
    out = np.empty((out_channels, span), dtype=np.float32)
    product = np.empty((out_channels, CONV_BLOCK), dtype=np.float32)
    for begin in range(0, span, CONV_BLOCK):
        end = min(span, begin + CONV_BLOCK)
        block = out[:, begin:end]
        add_shifted_products(block, taps, flat, starts, begin, product)
        block += bias[:, None]
        np.maximum(block, 0.0, out=block)
    return out.reshape(out_channels, frames, width)[:, :, :bands]


def tap_matrices(weight: np.ndarray, transposed: bool = False) -> list[np.ndarray]:
    """The (O, C) matrix of each tap of an (O, C, kt, kf) kernel, row by row of the kernel, the
    order of `tap_offsets` ((C, O) transposed)."""
    _, _, kernel_t, kernel_f = weight.shape
    return [
        np.ascontiguousarray(weight[:, :, i, j].T if transposed else weight[:, :, i, j])
        for i in range(kernel_t)
        for j in range(kernel_f)
    ]


def tap_offsets(kernel_t: int, kernel_f: int, time_dilation: int, width: int) -> list[int]:
    """Where each tap reads in a flat padded array whose rows are `width` long, relative to the
    output's column (`flat_padded`), in the order of `tap_matrices`."""
    return [i * time_dilation * width + j for i in range(kernel_t) for j in range(kernel_f)]


def add_shifted_products(
    block: np.ndarray,
    taps: list[np.ndarray],
    source: np.ndarray,
    offsets: list[int],
    begin: int,
    scratch: np.ndarray,
) -> None:
    """block (O, n) = sum over k of taps[k] @ source[:, begin + offsets[k] :][:, :n], in the
    order of the taps; `scratch` (O, >= n) holds each product before it is added. One block of
    a convolution's columns, here and in the training's (`blas_convolution`)."""
    width = block.shape[1]
    product = scratch[:, :width]
    start = begin + offsets[0]
    np.matmul(taps[0], source[:, start : start + width], out=block)
    for tap, offset in zip(taps[1:], offsets[1:], strict=True):
        start = begin + offset
        np.matmul(tap, source[:, start : start + width], out=product)
        block += product
