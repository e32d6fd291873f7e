"""A drop file that mixes UTF-8 and Windows-1252 lines is decoded line by line, not all as
Windows-1252 (which turns "José" into "JosÃ©" without a word)."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.csv_drop import MIXED_ENCODING, FileRejected, decode_bytes, open_text, scan_file

UTF8 = "jose@example.org,José,Müller\n".encode()
CP1252 = "ana@example.org,Ana,Straße\n".encode("cp1252")
HEADER = b"email,first_name,last_name\n"


def test_mixed_file_is_decoded_per_line_and_counted(tmp_path: Path) -> None:
    path = tmp_path / "mixed.csv"
    path.write_bytes(HEADER + UTF8 + CP1252 + UTF8)
    scanned = scan_file(path)
    assert (scanned.encoding, scanned.fallback_lines, scanned.problem) == (MIXED_ENCODING, 1, None)
    with open_text(path, scanned.encoding) as text:
        content = text.read()
    assert "José,Müller" in content and "Ana,Straße" in content and "Ã" not in content
    assert decode_bytes(HEADER + UTF8 + CP1252)[1] == MIXED_ENCODING


def test_a_plain_windows_1252_file_is_still_windows_1252(tmp_path: Path) -> None:
    path = tmp_path / "excel.csv"
    path.write_bytes(HEADER + CP1252 + CP1252)
    scanned = scan_file(path)
    assert (scanned.encoding, scanned.fallback_lines) == ("cp1252", 0)


def test_bytes_neither_encoding_knows_still_reject_the_file(tmp_path: Path) -> None:
    path = tmp_path / "broken.csv"
    path.write_bytes(HEADER + UTF8 + b"x@example.org,\x81,y\n")  # 0x81: undefined in cp1252
    assert scan_file(path).problem is not None
    with pytest.raises(FileRejected):
        decode_bytes(b"\x81\n" + UTF8)
