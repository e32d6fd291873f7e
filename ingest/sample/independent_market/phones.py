"""Phone numbers as people write them: one number, many spellings.

A number is kept as (country, national significant number); `written` renders it the way a
candidate types it into a form or a recruiter copies it from a CV: E.164, international with
spaces, with the national trunk prefix, `00` instead of `+`, the British/German `+44 (0)`
habit, or the local punctuation (US `(415) 555-0134`, Russian `8 (916) 123-45-67`).
"""

from __future__ import annotations

import random

from .names import PhonePlan

FORMATS = ("e164", "international", "national", "double_zero", "trunk_in_parens", "bare_national")
# What people mostly type: their national habit at home, E.164 when a form insists.
_WEIGHTS = (25, 25, 30, 6, 4, 10)


def new_number(rng: random.Random, plan: PhonePlan) -> str:
    """A mobile NSN in the plan's ranges (US/GB in the ranges kept for fiction)."""
    prefix = rng.choice(plan.mobile_prefixes)
    if plan.calling_code == "1":
        return prefix + "555" + "01" + f"{rng.randrange(100):02d}"
    if plan.calling_code == "44":
        return prefix + "900" + f"{rng.randrange(1000):03d}"
    rest = plan.nsn_length - len(prefix)
    return prefix + "".join(str(rng.randrange(10)) for _ in range(rest))


def e164(plan: PhonePlan, nsn: str) -> str:
    return f"+{plan.calling_code}{nsn}"


def _grouped(nsn: str, groups: tuple[int, ...], sep: str) -> str:
    parts, i = [], 0
    for size in groups:
        if i >= len(nsn):
            break
        parts.append(nsn[i : i + size])
        i += size
    if i < len(nsn):
        parts[-1] += nsn[i:]
    return sep.join(parts)


def written(rng: random.Random, plan: PhonePlan, nsn: str) -> tuple[str, str]:
    """(text, format name) for one record."""
    fmt = rng.choices(FORMATS, _WEIGHTS)[0]
    cc, trunk = plan.calling_code, plan.trunk
    if cc == "1":
        area, exch, line = nsn[:3], nsn[3:6], nsn[6:]
        if fmt == "e164":
            return f"+1{nsn}", fmt
        if fmt == "international":
            return rng.choice((f"+1 {area}-{exch}-{line}", f"+1 ({area}) {exch}-{line}")), fmt
        if fmt in ("national", "trunk_in_parens"):
            return rng.choice(
                (f"({area}) {exch}-{line}", f"{area}-{exch}-{line}", f"{area}.{exch}.{line}")
            ), "national"
        if fmt == "double_zero":
            return f"1-{area}-{exch}-{line}", "national_with_trunk"
        return nsn, "bare_national"
    if cc == "7" and fmt in ("national", "trunk_in_parens"):
        return f"8 ({nsn[:3]}) {nsn[3:6]}-{nsn[6:8]}-{nsn[8:]}", "national"
    if cc == "55" and fmt in ("national", "trunk_in_parens"):
        return f"({nsn[:2]}) {nsn[2:7]}-{nsn[7:]}", "national"
    spaced = _grouped(nsn, plan.groups, " ")
    if fmt == "e164":
        return f"+{cc}{nsn}", fmt
    if fmt == "international":
        return f"+{cc} {spaced}", fmt
    if fmt == "national":
        sep = rng.choice((" ", " ", "-", ""))
        return trunk + _grouped(nsn, plan.groups, sep), fmt
    if fmt == "double_zero":
        return f"00{cc} {spaced}", fmt
    if fmt == "trunk_in_parens" and trunk == "0":
        return f"+{cc} (0){spaced}", fmt
    if fmt == "trunk_in_parens":
        return f"+{cc} {spaced}", "international"
    return trunk + nsn, "bare_national"
