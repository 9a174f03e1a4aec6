"""Users' files in, results out: safe reading and early output checks, each failure one line.

Two kinds of failure, two exit codes on the command line:

* **bad input** (:class:`~simulation.params.ParameterError`, exit code 2): a
  missing file, a directory where a file is expected (or the reverse), a path
  under a file, a name too long, text that is not UTF-8, a file larger than
  its limit or nested too deeply;
* **environment fault** (:class:`EnvironmentFault`, exit code 1): the machine
  refuses (permission denied, read-only or full disk, input/output error).

Every message names the file and says what is allowed. Output directories
are checked (created, and written to once) *before* any simulation starts,
so a bad ``--out`` never costs a finished run.
"""

from __future__ import annotations

import errno
import os
import re
import stat
import tempfile
import tomllib
from pathlib import Path
from typing import Any

from simulation.params import ParameterError

MAX_TEXT_BYTES = 1_000_000
"""Largest scenario or experiment file (the shipped ones are under 1 kB)."""
MAX_DEPTH = 16
"""Deepest nesting of tables and arrays in a scenario or experiment file (the shipped ones use 2)."""
MAX_NAME_BYTES = 255
"""Longest file or folder name (the usual file-system limit)."""
MAX_PATH_BYTES = 4095
"""Longest path (the usual Linux limit)."""
INPUT_ERRNOS = frozenset({errno.ENOENT, errno.ENOTDIR, errno.EISDIR, errno.EEXIST, errno.ENAMETOOLONG,
                          errno.ELOOP, errno.EINVAL, errno.ENOTEMPTY})
"""Errors that mean the path given is wrong (bad input); every other ``OSError`` is an environment fault."""
FOLDER_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")
FOLDER_RULE = "letters, digits, '_', '-' and '.', at most 64 characters, starting with a letter or digit"


class EnvironmentFault(RuntimeError):
    """The machine, not the input, stopped the work: permissions, a read-only or full disk, a lost service."""


def os_error(err: OSError, path: Path | str, doing: str, what: str = "") -> ParameterError | EnvironmentFault:
    """A one-line error for ``err`` met while ``doing`` (e.g. "read") ``path``: bad input or environment fault."""
    reason = os.strerror(err.errno).lower() if err.errno else str(err) or type(err).__name__
    kind = ParameterError if err.errno in INPUT_ERRNOS else EnvironmentFault
    return kind(f"{what}: " * bool(what) + f"cannot {doing} '{path}': {reason}")


def user_path(value: Any, what: str) -> Path:
    """``value`` as a path, or a one-line error if it is not text, empty, holds a NUL byte or is too long."""
    if not isinstance(value, (str, os.PathLike)) or isinstance(os.fspath(value), bytes):
        raise ParameterError(f"{what}={value!r}: expected a file path (text)")
    text = os.fspath(value)
    if not text.strip():
        raise ParameterError(f"{what}: the path is empty; give a file or folder name")
    if "\0" in text:
        raise ParameterError(f"{what} {text!r}: a path cannot contain a NUL byte")
    if len(os.fsencode(text)) > MAX_PATH_BYTES:
        raise ParameterError(f"{what}: the path is {len(os.fsencode(text)):,} bytes long; "
                             f"the limit is {MAX_PATH_BYTES:,}")
    for part in Path(text).parts:
        if len(os.fsencode(part)) > MAX_NAME_BYTES:
            raise ParameterError(f"{what}: the name {part[:40]!r}... is {len(os.fsencode(part)):,} bytes long; "
                                 f"the limit for one file or folder name is {MAX_NAME_BYTES}")
    return Path(text)


def read_bytes(value: Any, what: str, limit: int) -> bytes:
    """The bytes of a user's regular file of at most ``limit`` bytes."""
    path = user_path(value, what)
    try:
        info = path.stat()
    except OSError as err:
        if err.errno in (errno.ENOENT, errno.ENOTDIR):
            raise ParameterError(f"{what}: no such file '{path}'") from None
        raise os_error(err, path, "read", what) from None
    if stat.S_ISDIR(info.st_mode):
        raise ParameterError(f"{what} '{path}' is a directory; expected a file")
    if not stat.S_ISREG(info.st_mode):
        raise ParameterError(f"{what} '{path}' is not a regular file (a device or pipe?); expected a file")
    if info.st_size > limit:
        raise ParameterError(f"{what} '{path}' is {info.st_size:,} bytes; the limit is {limit:,}")
    try:
        with path.open("rb") as file:
            data = file.read(limit + 1)
    except OSError as err:
        raise os_error(err, path, "read", what) from None
    if len(data) > limit:
        raise ParameterError(f"{what} '{path}' is over {limit:,} bytes; the limit is {limit:,}")
    return data


def decode_text(data: bytes, source: str) -> str:
    """UTF-8 ``data`` as text with ``\n`` line ends (a byte-order mark is dropped); errors give the line number."""
    zeros = sorted((data[:64:2].count(0), data[1:64:2].count(0)))
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or (zeros[0] == 0 and zeros[1] > 8):
        raise ParameterError(f"{source}: the file is UTF-16 text; save it as UTF-8")
    if b"\0" in data:
        line = data[:data.index(b"\0")].count(b"\n") + 1
        raise ParameterError(f"{source}: line {line}: contains a NUL byte (a binary file?); expected UTF-8 text")
    try:
        return data.decode("utf-8-sig").replace("\r\n", "\n").replace("\r", "\n")
    except UnicodeDecodeError as err:
        line = data[:err.start].count(b"\n") + 1
        raise ParameterError(f"{source}: line {line}: byte 0x{data[err.start]:02x} is not UTF-8 "
                             "(Latin-1 or binary?); save the file as UTF-8") from None


def read_toml(value: Any, what: str) -> tuple[dict[str, Any], bytes]:
    """A user's TOML file (at most :data:`MAX_TEXT_BYTES`, nested at most :data:`MAX_DEPTH` deep) and its bytes."""
    raw = read_bytes(value, what, MAX_TEXT_BYTES)
    source = str(value)
    text = decode_text(raw, source)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise ParameterError(f"{source}: not valid TOML: {err}") from None
    except RecursionError:
        raise ParameterError(f"{source}: nested too deeply; the limit is {MAX_DEPTH} levels") from None
    check_depth(data, source)
    return data, raw


def check_depth(data: Any, source: str, limit: int = MAX_DEPTH) -> None:
    """Raise if tables or arrays in ``data`` nest more than ``limit`` levels (checked without recursion)."""
    stack: list[tuple[Any, int, str]] = [(data, 0, "")]
    while stack:
        value, depth, key = stack.pop()
        if depth > limit:
            raise ParameterError(f"{source}: '{key}' is nested more than {limit} levels deep; the limit is {limit}")
        if isinstance(value, dict):
            stack.extend((v, depth + 1, k if not key else f"{key}.{k}") for k, v in value.items())
        elif isinstance(value, list):
            stack.extend((v, depth + 1, key) for v in value)


def output_dir(value: Any, option: str = "--out") -> Path:
    """Create the directory ``value`` if needed and write to it once; call before any work starts."""
    path = user_path(value, option)
    for parent in (path, *path.parents):
        try:
            if not parent.exists():
                continue
            if not parent.is_dir():
                what = "is a file" if parent == path else f"is under '{parent}', which is a file"
                raise ParameterError(f"{option} '{path}' {what}; expected a directory")
        except OSError as err:
            raise os_error(err, parent, "use", option) from None
        break
    try:
        path.mkdir(parents=True, exist_ok=True)
        fd, probe = tempfile.mkstemp(prefix=".write-test-", dir=path)
        os.close(fd)
        os.remove(probe)
    except OSError as err:
        raise os_error(err, path, "write to", option) from None
    return path


def output_file(value: Any, option: str = "--out", suffixes: tuple[str, ...] = ()) -> Path:
    """Check an output file's name and make sure its directory is writable; call before any work starts."""
    path = user_path(value, option)
    if suffixes and path.suffix.lower() not in suffixes:
        raise ParameterError(f"{option} '{path}': expected a file name ending in {' or '.join(suffixes)}")
    if path.is_dir():
        raise ParameterError(f"{option} '{path}' is a directory; expected a file name")
    output_dir(path.parent if str(path.parent) else Path("."), option)
    return path


def folder_name(value: Any, what: str) -> str:
    """``value`` if it is a safe single folder name (:data:`FOLDER_RULE`), else a one-line error."""
    if not isinstance(value, str) or not FOLDER_NAME.fullmatch(value):
        raise ParameterError(f"{what}={value!r}: expected a folder name: {FOLDER_RULE}")
    return value


def inside(root: Path, name: str, what: str) -> Path:
    """``root / name``, refusing any name that would leave ``root`` (``..``, absolute paths, symlinks)."""
    path = root / folder_name(name, what)
    if not path.resolve().is_relative_to(root.resolve()):
        raise ParameterError(f"{what}={name!r}: '{path}' leads outside '{root}'")
    return path
