"""Tests of the shared error path for users' files and output paths (simulation/files.py)."""

import errno
from pathlib import Path

import pytest

from simulation.files import (MAX_DEPTH, EnvironmentFault, folder_name, inside, os_error, output_dir, output_file,
                              read_toml, user_path)
from simulation.params import ParameterError


def write(tmp_path: Path, content: bytes, name: str = "f.toml") -> Path:
    path = tmp_path / name
    path.write_bytes(content)
    return path


def test_toml_is_read_with_its_bytes_and_a_utf8_bom_is_dropped(tmp_path: Path) -> None:
    raw = '\ufeffname = "café"\n'.encode()
    data, read = read_toml(write(tmp_path, raw), "scenario file")
    assert data == {"name": "café"} and read == raw


@pytest.mark.parametrize(("content", "needle"), [
    ('name = "x"\n'.encode("utf-16"), "UTF-16"),
    ('name = "x"\n'.encode("utf-16-le"), "UTF-16"),
    (b'name = "x"\ndescription = "caf\xe9"\n', "line 2: byte 0xe9 is not UTF-8"),
    (b'name = "x"\n\n\x00', "line 3: contains a NUL byte"),
    (("a = " + "[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1)).encode(), "nested more than 16 levels"),
    (("a = " + "[" * 5000 + "]" * 5000).encode(), "nested too deeply"),
    ((".".join(["k"] * 40) + " = 1").encode(), "nested more than 16 levels"),
    (b'name = "x', "not valid TOML"),
])
def test_bad_toml_files_are_one_line_errors_naming_the_file(tmp_path: Path, content: bytes, needle: str) -> None:
    with pytest.raises(ParameterError, match=needle) as err:
        read_toml(write(tmp_path, content), "scenario file")
    assert "f.toml" in str(err.value) and "\n" not in str(err.value)


def test_size_limit_and_special_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("simulation.files.MAX_TEXT_BYTES", 10)
    with pytest.raises(ParameterError, match="the limit is 10"):
        read_toml(write(tmp_path, b'name = "long enough"'), "scenario file")
    with pytest.raises(ParameterError, match="not a regular file"):
        read_toml("/dev/zero", "scenario file")
    with pytest.raises(ParameterError, match="is a directory"):
        read_toml(tmp_path, "scenario file")
    with pytest.raises(ParameterError, match="no such file"):
        read_toml(tmp_path / "missing.toml", "scenario file")


@pytest.mark.parametrize(("value", "needle"), [(3, "expected a file path"), (b"x", "expected a file path"),
                                               ("", "empty"), ("a\0b", "NUL"), ("x" * 300, "255"),
                                               ("/".join(["d"] * 3000), "4,095")])
def test_user_paths_are_checked(value: object, needle: str) -> None:
    with pytest.raises(ParameterError, match=needle):
        user_path(value, "--out")


def test_os_errors_are_bad_input_or_environment_faults() -> None:
    assert isinstance(os_error(OSError(errno.ENOENT, "x"), "p", "read"), ParameterError)
    assert isinstance(os_error(OSError(errno.ENAMETOOLONG, "x"), "p", "read"), ParameterError)
    for code in (errno.EACCES, errno.EROFS, errno.ENOSPC, errno.EIO):
        err = os_error(OSError(code, "x"), "/data/out", "write to", "--out")
        assert isinstance(err, EnvironmentFault) and str(err).startswith("--out: cannot write to '/data/out': ")


def test_output_dir_is_created_and_written_to_before_work(tmp_path: Path) -> None:
    out = output_dir(tmp_path / "a" / "b")
    assert out.is_dir() and list(out.iterdir()) == []
    (tmp_path / "file").write_text("x")
    with pytest.raises(ParameterError, match="'.*file' is a file; expected a directory"):
        output_dir(tmp_path / "file")
    with pytest.raises(ParameterError, match="is under '.*file', which is a file"):
        output_dir(tmp_path / "file" / "sub")


def test_output_dir_on_a_read_only_directory_is_an_environment_fault(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    def read_only(*args: object, **kwargs: object) -> None:
        raise OSError(errno.EROFS, "Read-only file system")
    monkeypatch.setattr("simulation.files.tempfile.mkstemp", read_only)
    with pytest.raises(EnvironmentFault, match="read-only file system"):
        output_dir(tmp_path / "out")


def test_output_file_checks_suffix_directory_and_parent(tmp_path: Path) -> None:
    assert output_file(tmp_path / "d" / "t.csv", "--out", (".csv",)) == tmp_path / "d" / "t.csv"
    with pytest.raises(ParameterError, match="ending in .csv"):
        output_file(tmp_path / "t.txt", "--out", (".csv",))
    (tmp_path / "dir.csv").mkdir()
    with pytest.raises(ParameterError, match="is a directory"):
        output_file(tmp_path / "dir.csv", "--out", (".csv",))


@pytest.mark.parametrize("name", ["../x", "/tmp/x", "a/b", ".", "..", "", ".hidden", "a b", "x" * 65, "a\nb", 3])
def test_folder_names_cannot_leave_their_folder(tmp_path: Path, name: object) -> None:
    with pytest.raises(ParameterError, match="expected a folder name"):
        inside(tmp_path, name, "name")


def test_a_symlink_out_of_the_results_folder_is_refused(tmp_path: Path) -> None:
    (tmp_path / "results").mkdir()
    (tmp_path / "results" / "link").symlink_to(tmp_path)
    assert inside(tmp_path / "results", "mine", "name") == tmp_path / "results" / "mine"
    assert folder_name("link", "name") == "link"
    with pytest.raises(ParameterError, match="leads outside"):
        inside(tmp_path / "results", "link", "name")
