"""Names and relative paths inside the library: known answers."""

from __future__ import annotations

import pytest

from pianoscope.errors import LibraryError
from pianoscope.library.paths import check_relative, relative_inside, safe_name


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Ada Lovelace", "Ada Lovelace"),
        ("Für Elise, WoO 59", "Für Elise, WoO 59"),
        ("../../etc/passwd", "etc_passwd"),
        ("C:\\Windows", "C__Windows"),
        ("...", "fallback"),
        (None, "fallback"),
        ("con", "con_"),
        ("LPT1.txt", "LPT1_txt"),
    ],
)
def test_free_text_becomes_one_plain_name(text, expected):
    assert safe_name(text, "fallback") == expected


@pytest.mark.parametrize(
    "text", ["", "/abs", "a/../b", "./a", "a//b", "a\\b", "C:x", "a\x00b", "x" * 1025]
)
def test_paths_that_are_not_plain_relative_ones_are_refused(text):
    with pytest.raises(LibraryError):
        check_relative(text)


def test_a_path_outside_the_root_has_no_relative_form(tmp_path):
    (tmp_path / "root").mkdir()
    assert relative_inside(tmp_path / "root", tmp_path / "root" / "a" / "b.wav") == "a/b.wav"
    with pytest.raises(LibraryError, match="not inside"):
        relative_inside(tmp_path / "root", tmp_path / "other.wav")
