"""Reading a file from outside: refused before it is read if it is no regular file or is over its
limit, decoded as UTF-8 naming the line of a bad byte; a YAML file checked in pieces, never held
whole."""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path
from typing import Any

from permittui.errors import InvalidFile, Problem
from permittui.formats.base import MAX_FILE_BYTES

# Characters YAML does not allow raw in a file (its printable set, less tab/LF/CR): C0 and C1
# controls, DEL, surrogates, U+FFFE/U+FFFF. libyaml refuses them too, but names no line.
_NOT_YAML_PRINTABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff]")


def regular_file(path: Path, limit: int) -> None:
    """Refused before anything is read: missing, a folder, not a regular file, over the limit."""
    name = str(path)
    try:
        st = os.stat(path)
    except FileNotFoundError:
        raise InvalidFile([Problem(name, None, "", "no such file")]) from None
    except OSError as e:
        raise InvalidFile([Problem(name, None, "", f"cannot read: {e.strerror or e}")]) from None
    if stat.S_ISDIR(st.st_mode):
        raise InvalidFile([Problem(name, None, "", "is a folder, not a file")])
    if not stat.S_ISREG(st.st_mode):  # a FIFO or a device would block or never end
        raise InvalidFile([Problem(name, None, "", "is not a regular file")])
    if st.st_size > limit:
        raise InvalidFile([Problem(name, None, "", f"file is {st.st_size} bytes, over the {limit} limit")])


def _open(path: Path) -> Any:
    try:
        return open(path, "rb")
    except OSError as e:
        raise InvalidFile([Problem(str(path), None, "", f"cannot read: {e.strerror or e}")]) from None


def read_bytes(path: Path, limit: int = MAX_FILE_BYTES) -> bytes:
    """The file's bytes, refused before reading if it is not a regular file or is over the limit."""
    regular_file(path, limit)
    with _open(path) as f:
        try:
            data = f.read(limit + 1)  # a file that grows while it is read is still held to the limit
        except OSError as e:
            raise InvalidFile([Problem(str(path), None, "", f"cannot read: {e.strerror or e}")]) from None
    if len(data) > limit:
        raise InvalidFile([Problem(str(path), None, "", f"file is over the {limit} bytes limit")])
    return data


def yaml_file(path: Path, limit: int) -> Any:
    """The YAML file open for libyaml to read in pieces, once a pass in pieces has found it valid
    UTF-8 without raw control characters (libyaml refuses them too, but names no line)."""
    import codecs

    name = str(path)
    regular_file(path, limit)
    decoder = codecs.getincrementaldecoder("utf-8")()
    line, offset, size = 1, 0, 0
    with _open(path) as f:
        while True:
            chunk = f.read(1 << 20)
            size += len(chunk)
            if size > limit:
                raise InvalidFile([Problem(name, None, "", f"file is over the {limit} bytes limit")])
            try:
                text = decoder.decode(chunk, final=not chunk)
            except UnicodeDecodeError as e:
                at = max(0, min(e.start, len(chunk)))
                line += chunk.count(b"\n", 0, at)
                raise InvalidFile([Problem(name, line, "", f"not UTF-8 text (byte {offset + at})")]) from None
            bad = _NOT_YAML_PRINTABLE.search(text)
            if bad:
                line += text.count("\n", 0, bad.start())
                raise InvalidFile(
                    [
                        Problem(
                            name,
                            line,
                            "",
                            f"not valid YAML/JSON: control character U+{ord(bad.group()):04X} (write it as an"
                            " escape in double quotes)",
                        )
                    ]
                )
            line += text.count("\n")
            offset += len(chunk)
            if not chunk:
                break
    return _open(path)


def decode(name: str, data: bytes) -> str:
    """UTF-8 text (a leading byte-order mark removed), or a Problem naming the line of the first bad byte."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data.count(b"\n", 0, e.start) + 1
        raise InvalidFile([Problem(name, line, "", f"not UTF-8 text (byte {e.start})")]) from None
    return text.removeprefix("\ufeff")


def read_text(path: Path, limit: int = MAX_FILE_BYTES) -> str:
    return decode(str(path), read_bytes(path, limit))
