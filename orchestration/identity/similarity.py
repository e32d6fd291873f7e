"""String similarity (Jaro-Winkler, from rapidfuzz) and name compatibility rules.

Jaro-Winkler is rapidfuzz's implementation: the standard definition (half the out-of-order
matched characters count as transpositions, a common prefix of up to four characters boosts
by 0.1 each), the same figures jellyfish and DuckDB's `jaro_winkler_similarity` give, so a
threshold tuned here means the same thing anywhere else the score is computed.
"""

from __future__ import annotations

from functools import lru_cache
from itertools import permutations

from rapidfuzz.distance import JaroWinkler, Levenshtein

from .normalise import first_name_forms


def jaro_winkler(a: str, b: str, prefix_scale: float = 0.1) -> float:
    """Jaro-Winkler similarity in [0, 1] (1 = identical); 0 when either side is empty."""
    if not a or not b:
        return 0.0
    return JaroWinkler.similarity(a, b, prefix_weight=prefix_scale)


# A one-typo spelling of a name of five letters or more scores above 0.9 (abigail/abgail
# 0.918, martha/marhta 0.961) and different names mostly below it (dwayne/duane 0.84). Measured
# on 3,000-contact markets (seeds 3, 5, 7): 0.85, 0.88 and 0.90 give the same precision and
# recall on linkable pairs (0.977 / 0.983 / 0.977); 0.92 loses 0.0005 of recall.
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


def _words_match(a: str, b: str) -> bool:
    """One word of a name against one of another: the same, a nickname of it, or one typo."""
    if a == b:
        return True
    if set(first_name_forms(a)) & set(first_name_forms(b)):
        return True
    return min(len(a), len(b)) >= 4 and jaro_winkler(a, b) >= TYPO_JW


def _edits(joined: str) -> int:
    """Edits allowed between two whole names run together: a romanisation differs by a letter
    or two (Jo/Cho, Pak/Bak), more than that is another name."""
    return 2 if len(joined) >= 9 else 1 if len(joined) >= 6 else 0


def _joined_orders(words: tuple[str, ...]) -> set[str]:
    """The name's words run together in every order (up to four words)."""
    return {"".join(p) for p in permutations(words)} if len(words) <= 4 else {"".join(words)}


def name_words_compatible(a: tuple[str, ...] | None, b: tuple[str, ...] | None) -> bool:
    """Could two names as written be one person's, whatever their split into given and family
    name? True when every word of the shorter name (two words at least, initials not counted)
    matches its own word of the longer one, in any order.

    Real records split and order names differently: a middle name typed into the first-name
    field ("Andrew Joseph" / "Rogers" against "Andrew Rogers"), one of two Spanish surnames
    ("Laura Ruiz" against "Laura Ruiz Alonso"), family name first ("He Min" against "Min He"),
    a hyphenated given name split on the hyphen. Syllables written together or apart
    (Korean "Seo-yeon Pak" against 박서연 = "bak seo yeon", "Jo Jihoon" against "Ji-hoon Cho")
    compare as the whole name run together in some order, within one or two edits. Two different
    people at one address keep different words (Anna and Maria Kowalska; Alex and Marie
    Moreau), so this stays a name test.
    """
    if not a or not b:
        return False
    joined_b = _joined_orders(b)
    for x in _joined_orders(a):
        if x in joined_b or any(Levenshtein.distance(x, y) <= _edits(x) for y in joined_b):
            return True
    short, long = sorted((a, b), key=len)
    short = tuple(w for w in short if len(w) > 1)
    if len(short) < 2:
        return False
    free = list(long)
    for word in short:
        hit = next((i for i, w in enumerate(free) if _words_match(word, w)), None)
        if hit is None:
            return False
        free.pop(hit)
    return True


def carrier_names_compatible(
    a: tuple[str | None, str | None, tuple[str, ...], str],
    b: tuple[str | None, str | None, tuple[str, ...], str],
    personal: bool,
) -> bool:
    """Could two records sharing an address, phone or profile name one person?

    Each side is (given key, family key, name words, script: `normalise.name_script`).
    Compatible when the given/family comparison says so, when the same words are split or
    ordered differently (`name_words_compatible`), or when one given name is the other cut
    short under the same family name. Across scripts the transliteration decides
    (`_transliterations_compatible`); a Han, Kana or Hangul name cannot contradict a Latin
    spelling at all, so the shared identifier decides. On a `personal` identifier (a free-mail
    address, a LinkedIn profile: one owner each) the same given name under another family
    name also counts: a surname changed at marriage keeps its mailbox and its profile.
    """
    (f1, l1, w1, script1), (f2, l2, w2, script2) = a, b
    if names_compatible(f1, l1, f2, l2) or name_words_compatible(w1, w2):
        return True
    if script1 != script2:
        if personal or "syllabic" in (script1, script2):
            return True
        return _transliterated_given_names_compatible(w1, w2)
    if f1 and f2 and l1 and l2 and last_names_compatible(l1, l2) > 0:
        short, long = sorted((f1, f2), key=len)
        # A given name cut short is the commonest nickname in every language (Aish for
        # Aishwarya, Kat for Katherine, Chris for Christiane); no list holds them all.
        if len(short) >= 3 and long.startswith(short):
            return True
        # A pet form keeps the first syllable and adds its own ending (Mati for Mateusz,
        # Matze for Matthias): short forms only, and only on a personal address or profile,
        # which speaks for one person. A household's phone is shared by relatives whose
        # given names start alike (Phuc and Phuong Tran).
        if personal and len(short) <= 5 and _common_prefix(short, long) >= 3:
            return True
        # Initials of a compound given name (JB for Jean-Baptiste, AJ for Anna Julia).
        if 2 <= len(short) <= 3 and short in (_given_initials(w1), _given_initials(w2)):
            return True
    if not personal:
        return False
    if f1 and f2 and len(f1) > 2 and first_names_compatible(f1, f2) == 1.0:
        return True
    # One owner: a given name written as a diminutive, a transliteration or with a typo that
    # no list holds (Dima for Dmytro, Resi for Theresa, Andrii and Andrey) under the same
    # family name.
    if (
        f1
        and f2
        and l1
        and l2
        and last_names_compatible(l1, l2) > 0
        and _given_names_related(f1, f2)
    ):
        return True
    # Compound given and family names written in part (Fernando Luis Vázquez and Fernando
    # Vázquez Hernández; Camila Mariana Rocha and Camila Silva Rocha): the first given name
    # and another word of the name in common.
    return bool(
        w1
        and w2
        and len(w1) >= 2
        and len(w2) >= 2
        and w1[0] == w2[0]
        and len(w1[0]) > 2
        and {w for w in w1[1:] if len(w) > 2} & {w for w in w2[1:] if len(w) > 2}
    )


def _given_names_related(a: str, b: str) -> bool:
    """Two given names one of which could be the other's diminutive, transliteration or
    misspelling: the shorter's consonants begin or end the longer's (dm/dmtr for Dima and
    Dmytro, rs/thrs for Resi and Theresa), or their consonants agree."""
    if min(len(a), len(b)) < 3:
        return False
    sa, sb = consonant_skeleton(a), consonant_skeleton(b)
    if not sa or not sb or sa[0] != sb[0] and sa[-1] != sb[-1]:
        return False
    short, long = sorted((sa, sb), key=len)
    if len(short) < 2:
        return False
    return short == long or long.startswith(short) or long.endswith(short)


# Letters that transliteration systems and spellings trade for one another (Viktoriya and
# Victoria, Aleksey and Alexey, Oleh and Oleg): compared as consonants, vowels dropped.
_SAME_SOUND = str.maketrans({"c": "k", "q": "k", "w": "v", "j": "y", "g": "h", "x": "ks"})


def consonant_skeleton(word: str) -> str:
    """'viktoriya' -> 'vktr', 'mostafa' -> 'mstf': the consonants, doubled letters once."""
    out: list[str] = []
    for ch in word.replace("ph", "f").translate(_SAME_SOUND):
        if ch in "aeiouy" or (out and out[-1] == ch):
            continue
        out.append(ch)
    return "".join(out)


def _transliterated_given_names_compatible(w1: tuple[str, ...], w2: tuple[str, ...]) -> bool:
    """A name written in Cyrillic, Greek or Arabic against another script's spelling, on a
    phone or work address (which a household or a team can share): the given names' consonants
    must agree. Arabic is written without most vowels (ياسمين transliterates as "ysmyn", Yasmin),
    so vowels never count; two sisters sharing the family phone (ياسمين مصطفى and Dina Mostafa)
    differ in the given name. A personal mailbox or profile has one owner: not checked."""
    if not w1 or not w2:
        return True
    a, b = w1[0], w2[0]
    if first_names_compatible(a, b) > 0:
        return True
    sa, sb = consonant_skeleton(a), consonant_skeleton(b)
    if not sa or not sb or sa == sb:
        return True
    return min(len(sa), len(sb)) >= 3 and jaro_winkler(sa, sb) >= 0.85


def _common_prefix(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


def _given_initials(words: tuple[str, ...]) -> str:
    """Initials of the given names (every word but the last), '' with fewer than two."""
    given = words[:-1]
    return "".join(w[0] for w in given if w) if len(given) >= 2 else ""
