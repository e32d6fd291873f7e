"""How one name is spelt differently by different hands: keyboards, forms, recruiters.

Every function takes the record's own `random.Random`, so a spelling depends only on the seed.
"""

from __future__ import annotations

import random
import unicodedata

# Letters NFKD does not decompose: without these an "accent-stripped" Łukasz keeps its Ł.
_STRIP_EXTRA = {
    "ł": "l",
    "Ł": "L",
    "đ": "d",
    "Đ": "D",
    "ø": "o",
    "Ø": "O",
    "æ": "ae",
    "Æ": "Ae",
    "ß": "ss",
    "ı": "i",
    "œ": "oe",
    "Œ": "Oe",
    "þ": "th",
    "ð": "d",
}
# German, Nordic and Serbian writers who cannot type a letter spell it out as a digraph
# (Müller -> Mueller, Bjørn -> Bjoern, Đorđe -> Djordje) rather than dropping the accent.
_DIGRAPHS = {
    "ä": "ae",
    "ö": "oe",
    "ü": "ue",
    "Ä": "Ae",
    "Ö": "Oe",
    "Ü": "Ue",
    "ß": "ss",
    "ø": "oe",
    "Ø": "Oe",
    "å": "aa",
    "Å": "Aa",
    "æ": "ae",
    "Æ": "Ae",
    "đ": "dj",
    "Đ": "Dj",
}
_NEIGHBOURS = {
    "a": "sqz",
    "b": "vn",
    "c": "xv",
    "d": "sf",
    "e": "wr",
    "f": "dg",
    "g": "fh",
    "h": "gj",
    "i": "uo",
    "j": "hk",
    "k": "jl",
    "l": "k",
    "m": "n",
    "n": "bm",
    "o": "ip",
    "p": "o",
    "r": "et",
    "s": "ad",
    "t": "ry",
    "u": "yi",
    "v": "cb",
    "w": "qe",
    "y": "tu",
    "z": "x",
}


def strip_accents(text: str) -> str:
    """Łódź -> Lodz, Müller -> Muller: what an ASCII-only form or import leaves."""
    text = "".join(_STRIP_EXTRA.get(ch, ch) for ch in text)
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def digraph_accents(text: str) -> str:
    """Müller -> Mueller, Bjørn -> Bjoern, Đorđević -> Djordjevic; other marks stripped."""
    return strip_accents("".join(_DIGRAPHS.get(ch, ch) for ch in text))


def ascii_form(text: str, style: str) -> str:
    return digraph_accents(text) if style == "digraph" else strip_accents(text)


def has_marks(text: str) -> bool:
    return strip_accents(text) != text


def one_typo(rng: random.Random, word: str) -> str:
    """One slip of the keyboard: a neighbouring key, a dropped, doubled or swapped letter."""
    if len(word) < 4:
        return word
    i = rng.randrange(1, len(word) - 1)  # first letters are rarely mistyped
    kind = rng.choice(("neighbour", "drop", "double", "swap"))
    ch = word[i]
    if kind == "neighbour" and ch.lower() in _NEIGHBOURS:
        sub = rng.choice(_NEIGHBOURS[ch.lower()])
        return word[:i] + (sub.upper() if ch.isupper() else sub) + word[i + 1 :]
    if kind == "drop":
        return word[:i] + word[i + 1 :]
    if kind == "double":
        return word[:i] + ch + word[i:]
    if word[i] != word[i + 1]:
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    return word[:i] + word[i + 1 :]


def email_word(text: str, style: str) -> str:
    """A name as it appears in a mailbox: ASCII, lower case, no spaces, hyphens or quotes."""
    out = ascii_form(text, style).lower()
    for ch in " '’-_.":
        out = out.replace(ch, "")
    return out
