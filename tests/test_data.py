"""The data step: verified copies only, nothing partial or wrong left behind, clear errors."""

import hashlib
import os

import pytest

from helpers import data


def _sha(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


@pytest.fixture
def source(tmp_path):
    """A small stand-in dataset and its checksum."""
    path = tmp_path / "src" / "words.txt"
    path.parent.mkdir()
    content = b"emma\nolivia\nava\n"
    path.write_bytes(content)
    return path, _sha(content)


def _leftovers(folder):
    return sorted(p.name for p in folder.iterdir())


def test_copies_a_verified_file_readable_by_all(tmp_path, source):
    src, sha = source
    dest = tmp_path / "data" / "names.txt"
    assert data.ensure_names(dest, str(src), sha) == dest
    assert dest.read_bytes() == src.read_bytes()
    assert dest.stat().st_mode & 0o777 == 0o644
    assert _leftovers(dest.parent) == ["names.txt"]


def test_checksum_mismatch_leaves_nothing_behind(tmp_path, source):
    src, _ = source
    dest = tmp_path / "data" / "names.txt"
    with pytest.raises(data.DataStepError, match="sha256") as err:
        data.ensure_names(dest, str(src), "0" * 64)
    assert str(src) in str(err.value) and "MAKEMORE_NAMES" in str(err.value)
    assert not dest.exists()
    assert _leftovers(dest.parent) == []


def test_missing_source_gives_the_clear_error(tmp_path):
    dest = tmp_path / "data" / "names.txt"
    with pytest.raises(data.DataStepError, match="MAKEMORE_NAMES") as err:
        data.ensure_names(dest, str(tmp_path / "nowhere.txt"))
    assert "nowhere.txt" in str(err.value)
    assert _leftovers(dest.parent) == []


def test_unreachable_download_says_to_set_the_variable(tmp_path):
    # Port 9 on loopback: nothing listens, the connection is refused at once.
    dest = tmp_path / "data" / "names.txt"
    with pytest.raises(data.DataStepError, match="MAKEMORE_NAMES=") as err:
        data.ensure_names(dest, "http://127.0.0.1:9/names.txt")
    assert "could not download" in str(err.value)
    assert _leftovers(dest.parent) == []


def test_environment_variable_names_the_source(tmp_path, source, monkeypatch):
    src, sha = source
    monkeypatch.setenv("MAKEMORE_NAMES", str(src))
    dest = tmp_path / "names.txt"
    data.ensure_names(dest, sha256=sha)
    assert dest.read_bytes() == src.read_bytes()


def test_an_existing_verified_file_is_not_copied_again(tmp_path, source):
    src, sha = source
    dest = tmp_path / "names.txt"
    data.ensure_names(dest, str(src), sha)
    os.utime(dest, (1_000_000, 1_000_000))
    src.unlink()  # a second copy would now fail
    assert data.ensure_names(dest, str(src), sha) == dest
    assert dest.stat().st_mtime == 1_000_000


def test_an_existing_wrong_file_is_reported_and_kept(tmp_path, source):
    src, sha = source
    dest = tmp_path / "names.txt"
    dest.write_bytes(b"my edited names\n")
    with pytest.raises(data.DataStepError, match="move it aside"):
        data.ensure_names(dest, str(src), sha)
    assert dest.read_bytes() == b"my edited names\n"


def test_make_data_entry_point_prints_one_line_not_a_traceback(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(data, "DATA_DIR", tmp_path)
    monkeypatch.setenv("MAKEMORE_NAMES", str(tmp_path / "missing.txt"))
    assert data.main() == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert err.startswith("make data: ") and "missing.txt" in err


def test_the_project_dataset_is_the_canonical_file():
    path = data.ensure_names()
    assert data.sha256_of(path) == data.NAMES_SHA256
    # The issue states 32,033 lines; the file has no newline after the last one.
    assert len(path.read_text(encoding="utf-8").splitlines()) == 32_033
