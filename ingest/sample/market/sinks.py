"""Buffered, streaming writers for the feeds and the ground truth.

Records are written as they are generated (never held for a whole feed), so memory stays flat
whatever the market size. JSON is encoded with one pre-built compact encoder: insertion-ordered
dicts plus fixed separators make the bytes depend only on the data.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

_BUFFER = 1 << 20
_encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


class JsonlSink:
    """One JSON object per line, UTF-8, "\\n" line ends."""

    __slots__ = ("path", "count", "_file", "_write")

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.count = 0
        self._file = open(path, "w", encoding="utf-8", newline="\n", buffering=_BUFFER)  # noqa: SIM115
        self._write = self._file.write

    def write(self, record: dict[str, Any]) -> None:
        self._write(_encode(record))
        self._write("\n")
        self.count += 1

    def close(self) -> None:
        self._file.close()


class CsvSink:
    """A CSV export as some tool writes it: its own encoding, delimiter and header vocabulary.

    `write` returns the 1-based data row number, which is the record id in the ground truth.
    """

    __slots__ = ("path", "name", "count", "_file", "_writer")

    def __init__(
        self, path: Path, header: list[str], encoding: str = "utf-8", delimiter: str = ","
    ) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.name = path.name
        self.count = 0
        # Excel-style exports end lines with CRLF; csv's default lineterminator does the same.
        self._file = open(  # noqa: SIM115
            path, "w", encoding=encoding, newline="", buffering=_BUFFER, errors="strict"
        )
        self._writer = csv.writer(self._file, delimiter=delimiter)
        self._writer.writerow(header)

    def write(self, row: list[Any]) -> int:
        self._writer.writerow(row)
        self.count += 1
        return self.count

    def close(self) -> None:
        self._file.close()
