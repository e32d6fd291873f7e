"""Identifier factories that look like each vendor's ids and stay deterministic per seed."""

from __future__ import annotations

import random

_BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def uuid4_like(rng: random.Random) -> str:
    """A version-4 shaped UUID drawn from `rng` (uuid.uuid4 would read the OS entropy pool)."""
    bits = rng.getrandbits(128)
    bits = (bits & ~(0xF << 76)) | (0x4 << 76)  # version nibble
    bits = (bits & ~(0x3 << 62)) | (0x2 << 62)  # RFC 4122 variant
    h = f"{bits:032x}"
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def pdl_id(rng: random.Random) -> str:
    """People Data Labs person ids look like 'qEnOZ5Oh0poWnQ1luFBfVw_0000'."""
    return "".join(rng.choices(_BASE62, k=22)) + "_0000"


def short_hex(rng: random.Random, length: int) -> str:
    return f"{rng.getrandbits(4 * length):0{length}x}"


class Sequence:
    """Monotonic integer ids with small random gaps, like a vendor database's id column."""

    __slots__ = ("value", "max_gap")

    def __init__(self, start: int, max_gap: int = 1) -> None:
        self.value = start
        self.max_gap = max_gap

    def next(self, rng: random.Random) -> int:
        self.value += 1 if self.max_gap == 1 else rng.randint(1, self.max_gap)
        return self.value
