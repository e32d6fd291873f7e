"""String similarity (Jaro-Winkler) and name compatibility rules, in plain Python.

rapidfuzz is not a dependency of this project, and the matcher only ever scores *distinct*
name pairs (a few hundred thousand at a million records), so a cached pure-Python
Jaro-Winkler is fast enough and keeps the dependency list short.
"""

from __future__ import annotations

from functools import lru_cache

from .normalise import first_name_forms


@lru_cache(maxsize=500_000)
def jaro_winkler(a: str, b: str, prefix_scale: float = 0.1) -> float:
    """Jaro-Winkler similarity in [0, 1] (1 = identical)."""
    if a == b:
        return 1.0
    la, lb = len(a), len(b)
    if not la or not lb:
        return 0.0
    window = max(la, lb) // 2 - 1
    a_hit = [False] * la
    b_hit = [False] * lb
    matches = 0
    for i, ch in enumerate(a):
        lo, hi = max(0, i - window), min(lb, i + window + 1)
        for j in range(lo, hi):
            if not b_hit[j] and b[j] == ch:
                a_hit[i] = b_hit[j] = True
                matches += 1
                break
    if not matches:
        return 0.0
    transpositions = 0
    j = 0
    for i in range(la):
        if a_hit[i]:
            while not b_hit[j]:
                j += 1
            if a[i] != b[j]:
                transpositions += 1
            j += 1
    m = float(matches)
    jaro = (m / la + m / lb + (m - transpositions / 2) / m) / 3
    prefix = 0
    for x, y in zip(a[:4], b[:4], strict=False):
        if x != y:
            break
        prefix += 1
    return jaro + prefix * prefix_scale * (1 - jaro)


TYPO_JW = 0.9


@lru_cache(maxsize=200_000)
def first_names_compatible(a: str, b: str) -> float:
    """1.0 same/nickname, JW if a likely typo (>= 0.9), 0.95 for an initial, else 0."""
    if not a or not b or a == b:
        return 1.0
    if len(a) == 1 or len(b) == 1:
        return 0.95 if a[0] == b[0] else 0.0
    if set(first_name_forms(a)) & set(first_name_forms(b)):
        return 1.0
    jw = jaro_winkler(a, b)
    return jw if jw >= TYPO_JW else 0.0


@lru_cache(maxsize=200_000)
def last_names_compatible(a: str, b: str) -> float:
    """1.0 same, JW if a likely typo or transliteration (>= 0.9), else 0."""
    if not a or not b or a == b:
        return 1.0
    jw = jaro_winkler(a, b)
    if jw >= TYPO_JW:
        return jw
    # Müller/Mueller: German transliteration, which ascii folding alone does not undo.
    ga = a.replace("ae", "a").replace("oe", "o").replace("ue", "u")
    gb = b.replace("ae", "a").replace("oe", "o").replace("ue", "u")
    return 0.97 if ga == gb else 0.0


def names_compatible(f1: str | None, l1: str | None, f2: str | None, l2: str | None) -> bool:
    """Could these two (given, family) keys be spellings of one person's name?"""
    return (
        first_names_compatible(f1 or "", f2 or "") > 0
        and last_names_compatible(l1 or "", l2 or "") > 0
    )
