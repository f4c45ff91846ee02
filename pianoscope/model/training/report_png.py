"""Confusion matrices as small PNG images, with numpy and zlib only (no plotting library).

Cells are shaded by row-normalised share (white 0 → dark blue 1) and show the percentage; the
rows are the true classes, numbered; the columns are the predicted classes, headed by the same
numbers (an extra predicted class such as `unknown` gets the next number, listed in the title
line). Text uses a built-in 3×5 pixel font scaled up.
"""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

import numpy as np

_GLYPHS = {
    "0": "111101101101111",
    "1": "010110010010111",
    "2": "111001111100111",
    "3": "111001111001111",
    "4": "101101111001001",
    "5": "111100111001111",
    "6": "111100111101111",
    "7": "111001001001001",
    "8": "111101111101111",
    "9": "111101111001111",
    "a": "010101111101101",
    "b": "110101110101110",
    "c": "011100100100011",
    "d": "110101101101110",
    "e": "111100110100111",
    "f": "111100110100100",
    "g": "011100101101011",
    "h": "101101111101101",
    "i": "111010010010111",
    "j": "001001001101010",
    "k": "101101110101101",
    "l": "100100100100111",
    "m": "101111111101101",
    "n": "110101101101101",
    "o": "010101101101010",
    "p": "110101110100100",
    "q": "010101101110011",
    "r": "110101110101101",
    "s": "011100010001110",
    "t": "111010010010010",
    "u": "101101101101111",
    "v": "101101101101010",
    "w": "101101111111101",
    "x": "101101010101101",
    "y": "101101010010010",
    "z": "111001010100111",
    "-": "000000111000000",
    "%": "101001010100101",
    ".": "000000000000010",
    " ": "000000000000000",
    ":": "000010000010000",
    "(": "010100100100010",
    ")": "010001001001010",
    "/": "001001010100100",
    "_": "000000000000111",
}
_SCALE = 2
_CELL = 44
_LABEL_WIDTH = 170
_HEADER = 40


def write_confusion_png(
    path: Path, title: str, labels: list[str], predicted_labels: list[str], counts: np.ndarray
) -> None:
    """Draw a (true × predicted) count matrix with row percentages and save it as PNG."""
    rows, columns = counts.shape
    width = _LABEL_WIDTH + columns * _CELL + 10
    height = _HEADER + 20 + rows * _CELL + 10
    image = np.full((height, width, 3), 255, dtype=np.uint8)
    _text(image, title, 6, 6)
    extra = [f"{i + 1} {label}" for i, label in enumerate(predicted_labels) if i >= rows]
    _text(image, "  ".join(extra), 6, 20)
    shares = counts / np.maximum(counts.sum(axis=1, keepdims=True), 1)
    for column in range(columns):
        _text(image, str(column + 1), _LABEL_WIDTH + column * _CELL + _CELL // 2 - 2, _HEADER)
    for row in range(rows):
        top = _HEADER + 20 + row * _CELL
        _text(image, f"{row + 1} {labels[row]}", 6, top + _CELL // 2 - 5)
        for column in range(columns):
            left = _LABEL_WIDTH + column * _CELL
            share = float(shares[row, column])
            colour = np.array([255, 255, 255]) * (1 - share) + np.array([20, 60, 150]) * share
            image[top + 1 : top + _CELL, left + 1 : left + _CELL] = colour.astype(np.uint8)
            ink = (255, 255, 255) if share > 0.5 else (0, 0, 0)
            _text(image, f"{100 * share:.0f}", left + 8, top + _CELL // 2 - 5, ink)
    _write_png(path, image)


def _text(
    image: np.ndarray, text: str, x: int, y: int, ink: tuple[int, int, int] = (0, 0, 0)
) -> None:
    for character in text.lower():
        glyph = _GLYPHS.get(character, _GLYPHS[" "])
        bits = np.array([int(b) for b in glyph], dtype=bool).reshape(5, 3)
        block = np.kron(bits, np.ones((_SCALE, _SCALE), dtype=bool))
        region = image[y : y + block.shape[0], x : x + block.shape[1]]
        region[block[: region.shape[0], : region.shape[1]]] = ink
        x += 4 * _SCALE


def _write_png(path: Path, image: np.ndarray) -> None:
    height, width, _ = image.shape
    raw = b"".join(b"\x00" + image[row].tobytes() for row in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw, 9))
        + chunk(b"IEND", b"")
    )
