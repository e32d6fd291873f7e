"""Invented employers, the way their staff write them, and how each builds work addresses.

Multinationals hire in every country (they are where namesakes meet: two Wei Zhangs at one
firm get `wei.zhang@` and `wei.zhang2@`); local firms hire at home. Names and domains are
made up; a company's written forms differ between records (legal suffix, local entity,
abbreviation) the way people fill in "current company".
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Employer:
    name: str
    forms: tuple[str, ...]  # other ways its staff write it
    domain: str
    pattern: str  # first.last, flast, first, f.last, first_last, firstl
    countries: tuple[str, ...] | None  # None: hires everywhere
    weight: int


def _e(name: str, forms: str, domain: str, pattern: str, countries: str, weight: int) -> Employer:
    return Employer(
        name,
        tuple(f.strip() for f in forms.split(";") if f.strip()),
        domain,
        pattern,
        tuple(countries.split()) if countries else None,
        weight,
    )


EMPLOYERS: tuple[Employer, ...] = (
    # Multinationals: large, everywhere, first.last addresses (so namesakes collide).
    _e("Quorvant", "Quorvant Inc.; Quorvant Group; QUORVANT", "quorvant.com", "first.last", "", 30),
    _e(
        "Meridale Consulting",
        "Meridale; Meridale Consulting LLP",
        "meridale.com",
        "first.last",
        "",
        28,
    ),
    _e("Telvique", "Telvique SE; Telvique Networks", "telvique.com", "first.last", "", 22),
    _e(
        "Ostrander Bank", "Ostrander; Ostrander Bank plc", "ostranderbank.com", "first.last", "", 18
    ),
    _e("Hallorann Systems", "Hallorann; Hallorann Systems GmbH", "hallorann.io", "flast", "", 14),
    _e("Brightmoor Labs", "Brightmoor", "brightmoor.dev", "first", "", 8),
    _e(
        "Caldera Mobility",
        "Caldera; Caldera Mobility AB",
        "calderamobility.com",
        "first.last",
        "",
        10,
    ),
    _e("Nimbrel", "Nimbrel Cloud; nimbrel", "nimbrel.com", "f.last", "", 12),
    # Local firms.
    _e("Wisłopol Software", "Wislopol; Wisłopol Sp. z o.o.", "wislopol.pl", "first.last", "PL", 6),
    _e("Kodeks Analytics", "Kodeks", "kodeks-analytics.pl", "flast", "PL", 4),
    _e("Vltava Data", "Vltava Data s.r.o.", "vltavadata.cz", "first.last", "CZ", 5),
    _e("Dunav Tech", "Dunav Tech d.o.o.", "dunavtech.rs", "first.last", "RS", 4),
    _e(
        "Rheinwerk Digital",
        "Rheinwerk Digital GmbH; Rheinwerk",
        "rheinwerk-digital.de",
        "first.last",
        "DE AT",
        7,
    ),
    _e("Elbstrom Energie", "Elbstrom; Elbstrom Energie AG", "elbstrom.de", "f.last", "DE", 5),
    _e("Fjordlys", "Fjordlys AS", "fjordlys.no", "first.last", "NO", 4),
    _e("Norrsken Betalningar", "Norrsken", "norrsken.se", "first.last", "SE", 4),
    _e("Havnegade Apps", "Havnegade", "havnegade.dk", "first", "DK", 3),
    _e(
        "Boğaz Yazılım",
        "Bogaz Yazilim; Boğaz Yazılım A.Ş.",
        "bogazyazilim.com.tr",
        "first.last",
        "TR",
        5,
    ),
    _e("Aegean Fintech", "Aegean Fintech S.A.", "aegeanfintech.gr", "first.last", "GR", 4),
    _e("Sever Soft", "Северсофт; SeverSoft", "seversoft.ru", "first.last", "RU", 4),
    _e("Dnipro Code", "DniproCode", "dniprocode.ua", "first.last", "UA", 4),
    _e("Khaleej Logistics", "Khaleej Logistics LLC", "khaleejlog.ae", "first.last", "AE", 4),
    _e("Nile Payments", "Nile Payments S.A.E.", "nilepay.eg", "first_last", "EG", 3),
    _e("Hualong Intelligence", "华龙智能; Hualong AI", "hualong-ai.cn", "firstl", "CN", 6),
    _e(
        "Sakura Robotics",
        "サクラロボティクス; Sakura Robotics K.K.",
        "sakura-robotics.jp",
        "first.last",
        "JP",
        4,
    ),
    _e("Hanbit Games", "한빛게임즈; Hanbit", "hanbitgames.kr", "first.last", "KR", 4),
    _e(
        "Kaveri Infotech",
        "Kaveri; Kaveri Infotech Pvt Ltd",
        "kaveri-infotech.in",
        "first.last",
        "IN",
        9,
    ),
    _e("Deccan Cloudworks", "Deccan Cloud", "deccancloud.in", "flast", "IN", 6),
    _e("Tajo Ingeniería", "Tajo Ingenieria; Tajo", "tajoing.es", "first.last", "ES", 4),
    _e("Norteño Retail", "Norteño; Norteno Retail", "nortenoretail.mx", "first.last", "MX", 3),
    _e(
        "Paraná Pagamentos",
        "Parana Pagamentos; Paraná Pay",
        "paranapay.com.br",
        "first.last",
        "BR",
        5,
    ),
    _e("Lagunare", "Lagunare S.p.A.", "lagunare.it", "f.last", "IT", 4),
    _e("Ardoise Technologies", "Ardoise; Ardoise SAS", "ardoise.fr", "first.last", "FR", 5),
    _e("Grachtwerk", "Grachtwerk B.V.", "grachtwerk.nl", "first", "NL", 4),
    _e("Liffey Analytics", "Liffey", "liffey-analytics.ie", "first.last", "IE GB", 3),
    _e("Pennine Health", "Pennine Health Ltd", "penninehealth.co.uk", "first.last", "GB", 5),
    _e("Thameslink Capital", "Thameslink Capital LLP", "thamescap.co.uk", "flast", "GB", 4),
    _e(
        "Cascade Outfitters",
        "Cascade; Cascade Outfitters Inc",
        "cascadeoutfitters.com",
        "first.last",
        "US",
        6,
    ),
    _e("Lone Star Semiconductor", "LSS; Lone Star Semi", "lonestarsemi.com", "flast", "US", 5),
    _e("Harbor & Pine", "Harbor and Pine; Harbor & Pine Co.", "harborpine.com", "first", "US", 4),
    _e("Eko Ledger", "EkoLedger", "ekoledger.ng", "first.last", "NG", 3),
    _e("Mekong Digital", "Mekong Digital JSC", "mekongdigital.vn", "first.last", "VN", 3),
)

TITLES = (
    ("Software Engineer", "Senior Software Engineer", "Staff Software Engineer"),
    ("Backend Developer", "Senior Backend Developer", "Lead Backend Developer"),
    ("Frontend Engineer", "Senior Frontend Engineer", "Frontend Lead"),
    ("Data Analyst", "Senior Data Analyst", "Analytics Manager"),
    ("Data Scientist", "Senior Data Scientist", "Principal Data Scientist"),
    ("Product Manager", "Senior Product Manager", "Group Product Manager"),
    ("Product Designer", "Senior Product Designer", "Design Lead"),
    ("DevOps Engineer", "Site Reliability Engineer", "Platform Engineering Manager"),
    ("QA Engineer", "Senior QA Engineer", "QA Lead"),
    ("Account Executive", "Senior Account Executive", "Sales Director"),
    ("Financial Analyst", "Senior Financial Analyst", "Finance Manager"),
    ("HR Business Partner", "Senior HR Business Partner", "Head of People"),
    ("Marketing Specialist", "Marketing Manager", "Head of Marketing"),
    ("Customer Success Manager", "Senior Customer Success Manager", "Head of Customer Success"),
    ("Mechanical Engineer", "Senior Mechanical Engineer", "Engineering Manager"),
)

# Recruiting agencies that submit candidates under their own submissions mailbox.
AGENCIES = (
    ("Northbridge Search", "cv@northbridge-search.co.uk", "44", "2079460018"),
    ("Talentwerk Personalberatung", "bewerbung@talentwerk-pb.de", "49", "3098765432"),
    ("Pacific Rim Staffing", "submissions@pacrimstaffing.com", "1", "4155550199"),
)
