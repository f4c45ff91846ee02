"""Fuzzing what comes from files: stored paths and backup zips never lead out of the library."""

from __future__ import annotations

import io
import json
import os
import stat
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pianoscope.errors import LibraryError
from pianoscope.library.backup import MANIFEST_NAME, restore
from pianoscope.library.paths import check_relative, resolve_inside, safe_name
from pianoscope.library.store import DATABASE_NAME, Library

TRIED = {"paths": 0, "paths_accepted": 0, "zips": 0, "zips_restored": 0, "names": 0}
FUZZ = settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
MANIFEST = {"format": 1, "app": "pianoscope", "schema_version": 2, "created_at": "2026-11-26"}

path_parts = st.one_of(
    st.sampled_from(["..", ".", "", "recordings", "Ada", "trash", "link", "C:", "~", "a.wav"]),
    st.text(alphabet="./\\:~aé\x00 ", min_size=1, max_size=6),
    st.text(min_size=1, max_size=12),
)
paths = st.one_of(
    st.lists(path_parts, min_size=1, max_size=6).map("/".join),
    st.lists(path_parts, min_size=1, max_size=6).map(lambda parts: "/" + "/".join(parts)),
    st.text(max_size=40),
)


@pytest.fixture(scope="module")
def fenced_root(tmp_path_factory) -> Path:
    """A library root holding links that point out of it (and one that points back in)."""
    base = tmp_path_factory.mktemp("fence")
    root = base / "lib"
    (root / "recordings" / "Ada").mkdir(parents=True)
    (root / "recordings" / "Ada" / "a.wav").write_bytes(b"x")
    (base / "outside").mkdir()
    (base / "outside" / "a.wav").write_bytes(b"secret")
    os.symlink(base / "outside", root / "recordings" / "link")
    os.symlink(base / "outside" / "a.wav", root / "recordings" / "Ada" / "link")
    os.symlink(root / "recordings", root / "trash")
    return root


@FUZZ
@given(relative=paths)
def test_stored_paths_resolve_inside_the_library_or_raise(fenced_root, relative):
    TRIED["paths"] += 1
    try:
        resolved = resolve_inside(fenced_root, relative)
    except LibraryError:
        return
    TRIED["paths_accepted"] += 1
    root = fenced_root.resolve()
    assert resolved.resolve().is_relative_to(root)
    assert resolved.is_relative_to(root)
    assert not any(
        parent.is_symlink() for parent in [resolved, *resolved.parents] if parent != root
    )


@pytest.fixture(scope="module")
def plain_root(tmp_path_factory) -> Path:
    """A library root without links, as the library itself makes them."""
    root = tmp_path_factory.mktemp("plain") / "lib"
    (root / "recordings").mkdir(parents=True)
    return root


@FUZZ
@given(student=st.text(max_size=90) | st.none(), piece=paths, stem=paths)
def test_names_from_imported_files_make_one_plain_folder_or_file_name(
    plain_root, student, piece, stem
):
    TRIED["names"] += 1
    for text in (student, piece, stem):
        name = safe_name(text, "fallback")
        assert name and "/" not in name and "\\" not in name and "\x00" not in name
        assert name not in (".", "..") and len(name) <= 80
        check_relative(name)
    relative = (
        f"recordings/{safe_name(student, 'a')}/{safe_name(piece, 'b')}/{safe_name(stem, 'c')}"
    )
    assert resolve_inside(plain_root, relative).is_relative_to(plain_root.resolve())


def test_known_escapes_are_refused(fenced_root):
    for relative in ("recordings/link/a.wav", "recordings/Ada/link", "trash/Ada/a.wav", "../x"):
        with pytest.raises(LibraryError):
            resolve_inside(fenced_root, relative)
    assert resolve_inside(fenced_root, "recordings/Ada/a.wav").read_bytes() == b"x"


@pytest.fixture(scope="module")
def database_bytes(tmp_path_factory) -> bytes:
    root = tmp_path_factory.mktemp("db") / "lib"
    Library.open(root).close()
    return (root / DATABASE_NAME).read_bytes()


member_names = st.one_of(
    paths,
    st.builds(lambda p: f"recordings/{p}", paths),
    st.sampled_from(["recordings/Ada/a.wav", "trash/1/b.wav", "recordings/", DATABASE_NAME]),
)
members = st.lists(st.tuples(member_names, st.binary(max_size=64), st.booleans()), max_size=5)
manifests = st.one_of(
    st.just(MANIFEST),
    st.dictionaries(st.sampled_from(sorted(MANIFEST)), st.none() | st.integers() | st.text()),
    st.builds(
        lambda k, v: {**MANIFEST, k: v},
        st.sampled_from(sorted(MANIFEST)),
        st.none() | st.integers(-3, 5) | st.text(max_size=5) | st.booleans(),
    ),
)


def zip_bytes(entries, manifest, database: bytes | None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        if manifest is not None:
            archive.writestr(MANIFEST_NAME, json.dumps(manifest))
        if database is not None:
            archive.writestr(DATABASE_NAME, database)
        for name, data, as_link in entries:
            info = zipfile.ZipInfo(name)
            if as_link:
                info.external_attr = (stat.S_IFLNK | 0o777) << 16
            archive.writestr(info, data)
    return buffer.getvalue()


def files_outside(base: Path, library: str) -> set[Path]:
    return {p for p in base.rglob("*") if not p.relative_to(base).parts[0].startswith(library)}


def check_restore(tmp_path: Path, data: bytes) -> None:
    """Restore either works, with every file inside the new library, or changes nothing."""
    case = tmp_path / f"case{TRIED['zips']}"
    case.mkdir()
    (case / "zip").mkdir()
    (case / "zip" / "in.zip").write_bytes(data)
    before = files_outside(case, "lib")
    TRIED["zips"] += 1
    try:
        restore(case / "zip" / "in.zip", case / "lib")
    except LibraryError:
        assert not (case / "lib").exists()
        assert files_outside(case, "lib") == before
        return
    TRIED["zips_restored"] += 1
    assert files_outside(case, "lib") == before
    for path in (case / "lib").rglob("*"):
        assert not path.is_symlink()
        assert path.resolve().is_relative_to((case / "lib").resolve())
    Library.open(case / "lib").close()


@pytest.mark.filterwarnings("ignore:Duplicate name")
@FUZZ
@given(entries=members, manifest=st.none() | manifests, with_database=st.booleans())
def test_generated_backups_restore_inside_the_library_or_raise(
    tmp_path, database_bytes, entries, manifest, with_database
):
    check_restore(tmp_path, zip_bytes(entries, manifest, database_bytes if with_database else None))


@FUZZ
@given(position=st.integers(0, 10**6), replacement=st.binary(min_size=1, max_size=8))
def test_damaged_backup_bytes_restore_or_raise(tmp_path, database_bytes, position, replacement):
    data = bytearray(
        zip_bytes([("recordings/Ada/a.wav", b"audio" * 20, False)], MANIFEST, database_bytes)
    )
    position %= len(data)
    data[position : position + len(replacement)] = replacement
    check_restore(tmp_path, bytes(data))


def test_fuzzing_tried_enough_inputs():
    print(
        f"\nlibrary fuzz: {TRIED['paths']} stored paths ({TRIED['paths_accepted']} accepted), "
        f"{TRIED['names']} student/piece/file names, "
        f"{TRIED['zips']} backup zips ({TRIED['zips_restored']} restored)"
    )
    assert TRIED["paths"] >= 300 and TRIED["zips"] >= 600 and TRIED["names"] >= 300
    assert TRIED["paths_accepted"] > 0 and TRIED["zips_restored"] > 0
