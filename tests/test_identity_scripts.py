"""Names in every script: transliterated before folding, never matched on name alone."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import polars as pl
import pytest

from orchestration.identity.engine import resolve_identities
from orchestration.identity.normalise import fold_text, normalise_name
from orchestration.identity.schema import PERSON_RECORD_SCHEMA
from orchestration.identity.similarity import names_compatible


@pytest.mark.parametrize(
    ("raw", "folded"),
    [
        # Polish: the capital Ł is a letter of its own, not an accented L.
        ("Łukasz Żółkiewski", "lukasz zolkiewski"),
        ("ŁUKASZ", "lukasz"),
        # Czech
        ("Dvořák Šťastný", "dvorak stastny"),
        # Serbian, in its Latin and its Cyrillic alphabet
        ("Đorđević", "dordevic"),
        ("Ђорђевић", "djordjevic"),  # Serbian Cyrillic Ђ is romanised Dj
        # German
        ("Weiß Müller", "weiss muller"),
        # Nordic
        ("Søren Ærø Åsa", "soren aero asa"),
        # Turkish (dotless and dotted i)
        ("Çağrı Yılmaz İpek", "cagri yilmaz ipek"),
        # Russian
        ("Иван Петров", "ivan petrov"),
        # Greek
        ("Γιώργος Παπαδόπουλος", "giorgos papadopoylos"),
        # Arabic
        ("محمد علي", "mhmd ly"),
        # Chinese, Japanese, Korean: a Han character or a Hangul block is one syllable
        ("王伟", "wang wei"),
        ("山田", "shan tian"),
        ("김민준", "gim min jun"),
        # Full-width letters, emoji and symbols
        ("Ｊｏｈｎ 😀", "john"),
        ("O'Brien-Smith", "obrien smith"),
    ],
)
def test_every_script_folds_to_latin(raw: str, folded: str) -> None:
    assert fold_text(raw) == folded


def test_spellings_across_scripts_are_one_name() -> None:
    assert normalise_name("Łukasz", "Nowak") == normalise_name("Lukasz", "NOWAK")
    assert normalise_name(None, None, "Иван Петров") == ("ivan", "petrov")
    assert names_compatible(*normalise_name("Đorđe", "Đorđević"), "dorde", "dordevic")
    # Ђорђевић romanises to Djordjević, the usual passport spelling of Đorđević.
    assert names_compatible(*normalise_name("Ђорђе", "Ђорђевић"), "djordje", "djordjevic")
    assert names_compatible(*normalise_name("Đorđe", "Đorđević"), "djordje", "djordjevic")


def test_names_in_different_scripts_are_not_alike() -> None:
    # Before transliteration both folded to the empty string and looked identical.
    ivan = normalise_name("Иван", "Петров")
    giorgos = normalise_name("Γιώργος", "Παπαδόπουλος")
    assert ivan != giorgos
    assert not names_compatible(*ivan, *giorgos)


def test_a_name_of_symbols_only_folds_to_nothing() -> None:
    assert normalise_name("😀", "★") == ("", "")


def _rec(key: str, **kw: Any) -> dict[str, Any]:
    source, entity, rid = key.split(":", 2)
    row: dict[str, Any] = {c: None for c in PERSON_RECORD_SCHEMA}
    row.update(
        record_key=key,
        source=source,
        entity=entity,
        source_record_id=rid,
        emails=[],
        phones=[],
        profile_urls=[],
        record_updated_at=datetime(2026, 1, 1),
        is_buyer_profile_copy=False,
    )
    row.update(kw)
    return row


def _clusters(rows: list[dict[str, Any]]) -> dict[str, str]:
    res = resolve_identities(pl.DataFrame(rows, schema=PERSON_RECORD_SCHEMA))
    return dict(res.clusters.iter_rows())


def test_two_people_whose_names_fold_alike_do_not_merge_on_name() -> None:
    # 王伟 and 汪伟 are different family names that both transliterate to "wang wei"; the
    # two people share no identifier, employer or city: the name alone is no evidence.
    c = _clusters(
        [
            _rec(
                "greenhouse:candidates:1",
                first_name="伟",
                last_name="王",
                company="Huawei",
                location="Shenzhen, China",
                emails=["wang.wei@huawei.com"],
            ),
            _rec(
                "lever:opportunities:2",
                first_name="伟",
                last_name="汪",
                company="Alibaba",
                location="Hangzhou, China",
                emails=["wangwei88@gmail.com"],
            ),
            _rec("ashby:candidates:3", first_name="Wei", last_name="Wang"),
        ]
    )
    assert len(set(c.values())) == 3


def test_one_person_spelled_in_two_scripts_merges_on_a_shared_address() -> None:
    c = _clusters(
        [
            _rec(
                "greenhouse:candidates:1",
                first_name="Łukasz",
                last_name="Wróbel",
                emails=["lukasz.wrobel@gmail.com"],
            ),
            _rec(
                "lever:opportunities:2",
                full_name="Lukasz Wrobel",
                emails=["Lukasz.Wrobel@gmail.com"],
            ),
            _rec(
                "ashby:candidates:3",
                first_name="Ђорђе",
                last_name="Ђорђевић",
                phones=["+381 11 3234567"],
            ),
            _rec(
                "sourcing:profiles:s.csv:4",
                first_name="Đorđe",
                last_name="Đorđević",
                phones=["+381113234567"],
            ),
        ]
    )
    assert c["greenhouse:candidates:1"] == c["lever:opportunities:2"]
    assert c["ashby:candidates:3"] == c["sourcing:profiles:s.csv:4"]
    assert c["greenhouse:candidates:1"] != c["ashby:candidates:3"]


def test_a_shared_mailbox_does_not_merge_people_with_names_in_other_scripts() -> None:
    # Two candidates submitted through one recruiter's address: their names differ, so the
    # address is not one person's. Folded to nothing, the names used to look identical and
    # the address merged them.
    c = _clusters(
        [
            _rec(
                "greenhouse:candidates:1",
                first_name="Иван",
                last_name="Петров",
                emails=["submissions@talentbridge.example"],
            ),
            _rec(
                "lever:opportunities:2",
                first_name="Γιώργος",
                last_name="Παπαδόπουλος",
                emails=["submissions@talentbridge.example"],
            ),
        ]
    )
    assert c["greenhouse:candidates:1"] != c["lever:opportunities:2"]
