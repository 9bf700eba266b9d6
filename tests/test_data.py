"""helpers.data: reading word files as makemore does, the table guard, and the data step.

The data step keeps verified copies only, leaves nothing partial or wrong behind, and says in
one paragraph what went wrong. Expected words come from the file's content as written here.
"""

import hashlib
import http.server
import os
import threading
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers import data
from helpers.data import DataError, check_table, load_words, read_words

# --- reading word files --------------------------------------------------------------------

# Every character str.splitlines() splits on: none may be inside a generated word.
LINE_BREAKS = "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"


@pytest.fixture(scope="module")
def scratch(tmp_path_factory):
    """A folder for hypothesis tests (function-scoped tmp_path is not reset between examples)."""
    return tmp_path_factory.mktemp("scratch")


def test_line_endings_bom_blank_lines_and_non_ascii(write_file):
    content = (
        b"\xef\xbb\xbf"  # a UTF-8 byte order mark, as Windows editors write it
        + "anna\r\n\r\n   \n\t\r\nbob\nJosé María\r\nZoë\n\nΣοφία\nлена".encode()
    )
    assert load_words(write_file("w.txt", content)) == [
        "anna", "bob", "José María", "Zoë", "Σοφία", "лена"
    ]  # fmt: skip


@settings(max_examples=30, deadline=None, database=None, derandomize=True)
@given(
    words=st.lists(
        st.text(
            st.characters(codec="utf-8", exclude_characters=LINE_BREAKS + ".\ufeff"), min_size=1
        ).filter(lambda w: w.strip() == w),
        min_size=1,
        max_size=8,
    ),
    bom=st.booleans(),
    endings=st.lists(st.sampled_from(["\n", "\r\n", "\r"]), min_size=8, max_size=8),
    pads=st.lists(st.sampled_from(["", " ", "\t", " \t "]), min_size=8, max_size=8),
    blanks=st.lists(st.sampled_from(["", " ", "\t", "  "]), min_size=8, max_size=8),
)
def test_returns_exactly_the_written_words(scratch, words, bom, endings, pads, blanks):
    text = "\ufeff" if bom else ""
    for w, end, pad, blank in zip(words, endings, pads, blanks, strict=False):
        text += pad + w + pad + end + blank + end
    path = scratch / "w.txt"  # rewritten for every example
    path.write_bytes(text.encode("utf-8"))
    found = read_words(path)
    assert found.words == words
    assert found.stripped == sum(1 for p in pads[: len(words)] if p)
    assert found.skipped == len(words)  # one blank (or whitespace-only) line after each word


def test_a_cr_only_file_is_many_words_not_one(write_file, names_plain):
    # Old Mac line endings: 2,000 names separated by CR alone (makemore's splitlines()).
    path = write_file("cr.txt", "\r".join(names_plain[:2000]))
    assert load_words(path) == names_plain[:2000]


def test_surrounding_whitespace_is_stripped_and_counted(write_file):
    found = read_words(write_file("w.txt", "anna \n\tbob\n\n  \ncarl\ndo ra\n"))
    # A trailing space or tab never becomes a vocabulary symbol; one inside a word stays.
    assert found == (["anna", "bob", "carl", "do ra"], 2, 2)


BAD_FILES = [
    # (content, line the message must name or None, words the message must contain)
    (b"", None, "empty"),
    (b"\n   \n\t\r\n\r\n", None, "only blank lines"),
    (b"\xef\xbb\xbf\n", None, "only blank lines"),
    (b"anna\r\n\r\nbob\ncaf\xe9\nzo\xe9\n", 4, "not UTF-8"),  # Latin-1 e-acute, first on line 4
    (b"anna\rbob\rzo\xe9\r", 3, "not UTF-8"),  # CR-only lines count as lines
    (b"\xff\xfeanna\n", 1, "not UTF-8"),  # UTF-16 byte order mark
    (b"anna\n\nb.b\nc.c\n", 3, "sentinel"),  # the first line holding the sentinel
]


@pytest.mark.parametrize("content,line,what", BAD_FILES)
def test_bad_files_name_the_file_and_line(write_file, content, line, what):
    path = write_file("bad.txt", content)
    with pytest.raises(DataError) as err:
        load_words(path)
    message = str(err.value)
    prefix = f"{path}:{line}: " if line else f"{path}: "
    assert message.startswith(prefix), message
    assert what in message and "\n" not in message and "--sentinel" not in message


def test_missing_path_and_directory(tmp_path):
    missing = tmp_path / "nowhere.txt"
    with pytest.raises(DataError, match="no such file") as err:
        load_words(missing)
    assert str(err.value).startswith(f"{missing}: ")
    with pytest.raises(DataError, match="directory") as err:
        load_words(tmp_path)
    assert str(err.value).startswith(f"{tmp_path}: ")


def test_an_endless_input_stops_at_the_size_limit():
    with pytest.raises(DataError, match="larger than 64 MiB") as err:
        load_words("/dev/zero")
    assert str(err.value).startswith("/dev/zero: ")


def test_custom_sentinel(write_file):
    path = write_file("dots.txt", "a.b\nc\n")
    with pytest.raises(DataError, match=r"dots\.txt:1: "):
        load_words(path)
    assert load_words(path, sentinel="#") == ["a.b", "c"]
    with pytest.raises(DataError, match=r"dots\.txt:2: "):
        load_words(write_file("dots.txt", "ab\nc#d\n"), sentinel="#")


# --- the table guard -----------------------------------------------------------------------


def test_table_guard_fits_and_refuses_with_advice_that_can_be_followed():
    assert check_table(27, 4) == 27**4  # the largest names.txt table
    assert check_table(3001, 2) == 3001**2  # the 3,000-symbol alphabet: 9,006,001 cells
    with pytest.raises(DataError) as err:
        check_table(300, 3, "w.txt", "--n")
    assert str(err.value).startswith("w.txt: a 3-gram table over 300 symbols")
    assert "set --n to 2 (90,000 cells)" in str(err.value)
    with pytest.raises(DataError) as err:
        check_table(4001, 2, "w.txt", "N_GRAM")
    # At n=2 "lower n" is impossible: the advice is fewer characters. 3,162^2 = 9,998,244 fits
    # the limit of 10,000,000 and 3,163^2 does not: 3,162 symbols, 3,161 and the sentinel.
    assert "N_GRAM" not in str(err.value)
    assert "at most 3,161 distinct characters (this one has 4,000)" in str(err.value)


# --- the data step -------------------------------------------------------------------------


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
    with pytest.raises(DataError, match="sha256") as err:
        data.ensure_names(dest, str(src), "0" * 64)
    assert str(src) in str(err.value) and "MAKEMORE_NAMES" in str(err.value)
    assert not dest.exists()
    assert _leftovers(dest.parent) == []


def test_missing_source_gives_the_clear_error(tmp_path):
    dest = tmp_path / "data" / "names.txt"
    with pytest.raises(DataError, match="MAKEMORE_NAMES") as err:
        data.ensure_names(dest, str(tmp_path / "nowhere.txt"))
    assert "nowhere.txt" in str(err.value)
    assert _leftovers(dest.parent) == []


def test_unreachable_download_says_to_set_the_variable(tmp_path):
    # Port 9 on loopback: nothing listens, the connection is refused at once.
    dest = tmp_path / "data" / "names.txt"
    with pytest.raises(DataError, match="MAKEMORE_NAMES=") as err:
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
    with pytest.raises(DataError, match="move it aside"):
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


def test_a_folder_where_names_txt_should_be(tmp_path, source):
    dest = tmp_path / "data" / "names.txt"
    dest.mkdir(parents=True)
    with pytest.raises(DataError, match="is a folder, where the dataset file should be"):
        data.ensure_names(dest, str(source[0]), source[1])
    assert dest.is_dir() and _leftovers(dest) == []


def test_a_file_where_the_data_folder_should_be(tmp_path, source):
    (tmp_path / "data").write_bytes(b"my notes\n")
    with pytest.raises(DataError, match="is a file, but the dataset goes into a folder"):
        data.ensure_names(tmp_path / "data" / "names.txt", str(source[0]), source[1])
    assert (tmp_path / "data").read_bytes() == b"my notes\n"


def test_a_read_only_data_folder(tmp_path, source, monkeypatch):
    # We run as root, for whom chmod does not make a folder read-only: the refusal is simulated
    # where the data step first writes, with the error the operating system would give.
    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(data.tempfile, "mkstemp", refuse)
    dest = tmp_path / "data" / "names.txt"
    with pytest.raises(DataError, match="cannot write into .*Permission denied.*writable"):
        data.ensure_names(dest, str(source[0]), source[1])
    assert not dest.exists()


def test_an_unreadable_source(tmp_path):
    # /proc/self/mem is a file that cannot be read from its start, even by root (EIO).
    dest = tmp_path / "data" / "names.txt"
    with pytest.raises(DataError, match="cannot read /proc/self/mem") as err:
        data.ensure_names(dest, "/proc/self/mem")
    assert "MAKEMORE_NAMES" in str(err.value) and "\n" not in str(err.value)
    assert _leftovers(dest.parent) == []


def test_a_part_file_of_an_interrupted_run_is_removed_next_time(tmp_path, source):
    dest = tmp_path / "data" / "names.txt"
    dest.parent.mkdir()
    (dest.parent / ".names-killed.part").write_bytes(b"emma\noli")  # a run killed mid-copy
    data.ensure_names(dest, str(source[0]), source[1])
    assert _leftovers(dest.parent) == ["names.txt"]


class _Server(http.server.BaseHTTPRequestHandler):
    """/big sends 1 MB; /slow sends a byte every 0.1 s for 10 s."""

    def do_GET(self):  # noqa: N802 (the name http.server calls)
        self.send_response(200)
        self.end_headers()
        if self.path == "/big":
            self.wfile.write(b"a\n" * 500_000)
            return
        for _ in range(100):
            try:
                self.wfile.write(b"a")
                self.wfile.flush()
            except OSError:  # the client gave up, as it should
                return
            time.sleep(0.1)

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Server)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_a_download_stops_past_the_known_size(tmp_path, server):
    dest = tmp_path / "data" / "names.txt"
    with pytest.raises(DataError, match="sends more than 228,145 bytes"):
        data.ensure_names(dest, f"{server}/big")
    assert _leftovers(dest.parent) == []


def test_a_download_has_an_overall_deadline(tmp_path, server):
    dest = tmp_path / "data" / "names.txt"
    with pytest.raises(DataError, match="took longer than 0.5 s"):
        data.ensure_names(dest, f"{server}/slow", seconds=0.5)
    assert _leftovers(dest.parent) == []
