"""Name pools for the synthetic market: given names by culture, nicknames, surnames.

Pools are small on purpose: real talent markets are full of people who share a common name, and
a dedup engine must not merge them just because "Michael Müller" appears twice.
Every name is encodable in Windows-1252 because some event CSVs are written in that encoding
(a name Excel cannot store would turn into "?", which is a different problem than we test).
"""

from __future__ import annotations

import unicodedata

# Formal given name -> nicknames people use in some systems but not others.
NICKNAMES: dict[str, tuple[str, ...]] = {
    "Robert": ("Bob", "Rob"),
    "William": ("Bill", "Will"),
    "Katherine": ("Kate", "Katie"),
    "Alexander": ("Alex",),
    "Elizabeth": ("Liz", "Beth"),
    "Jonathan": ("Jon",),
    "Margaret": ("Peggy", "Maggie"),
    "Michael": ("Mike",),
    "Christopher": ("Chris",),
    "Daniel": ("Dan", "Danny"),
    "Matthew": ("Matt",),
    "Nicholas": ("Nick",),
    "Jennifer": ("Jen", "Jenny"),
    "Rebecca": ("Becky",),
    "Thomas": ("Tom",),
    "James": ("Jim", "Jamie"),
    "Richard": ("Rick", "Dick"),
    "Joseph": ("Joe",),
    "Samuel": ("Sam",),
    "Benjamin": ("Ben",),
    "Patricia": ("Pat", "Trish"),
    "Stephanie": ("Steph",),
    "Alexandra": ("Sasha", "Alex"),
    "Johannes": ("Hannes",),
    "Maximilian": ("Max",),
    "Friedrich": ("Fritz",),
    "Franziska": ("Franzi",),
    "Katharina": ("Kathi",),
    "Christina": ("Tina",),
    "Susanne": ("Susi",),
    "Andrew": ("Andy", "Drew"),
    "Anthony": ("Tony",),
    "Edward": ("Ed", "Ted"),
    "Victoria": ("Vicky", "Tori"),
    "Jacqueline": ("Jackie",),
    "Frederik": ("Freek",),
    "Guillaume": ("Guigui",),
    "Venkatesh": ("Venky",),
    "Subramanian": ("Subbu",),
    "Francisco": ("Paco",),
    "Alejandro": ("Alex",),
}

# Given names by culture. Formal names with nicknames are listed several times so the nickname
# problem is frequent enough to matter.
GIVEN_NAMES: dict[str, tuple[str, ...]] = {
    "anglo": (
        "Robert", "William", "Katherine", "Alexander", "Elizabeth", "Jonathan", "Margaret",
        "Michael", "Christopher", "Daniel", "Matthew", "Nicholas", "Jennifer", "Rebecca",
        "Thomas", "James", "Richard", "Joseph", "Samuel", "Benjamin", "Patricia", "Stephanie",
        "Andrew", "Anthony", "Edward", "Victoria", "Jacqueline", "Emily", "Sarah", "Laura",
        "Hannah", "Olivia", "Emma", "Grace", "Jessica", "Amy", "David", "John", "Mark", "Paul",
        "Ryan", "Kevin", "Brian", "Megan", "Rachel", "Lucy", "Zoë", "Renée", "Chloe", "Noah",
        "Liam", "Ethan", "Sophie", "Charlotte", "Oliver", "Harry", "Jack", "George", "Amelia",
    ),
    "german": (
        "Johannes", "Maximilian", "Friedrich", "Franziska", "Katharina", "Christina", "Susanne",
        "Michael", "Thomas", "Alexander", "Stefan", "Andreas", "Jürgen", "Jörg", "Uwe", "Lukas",
        "Jonas", "Leon", "Felix", "Tobias", "Florian", "Sebastian", "Anna", "Lena", "Julia",
        "Sarah", "Laura", "Lea", "Hannah", "Marie", "Sophie", "Jana", "Sabine", "Claudia",
        "Björn", "Sören", "Matthias", "Niklas", "Timo", "Kai", "Annika", "Merle", "Frauke",
    ),
    "french": (
        "Guillaume", "François", "Jean", "Pierre", "Nicolas", "Julien", "Antoine", "Mathieu",
        "Hélène", "Inès", "Léa", "Chloé", "Camille", "Manon", "Élodie", "Céline", "Amélie",
        "Noël", "Gaël", "Thibault", "Benoît", "Margaux", "Clémence", "Aurélie", "Sébastien",
        "Maxime", "Lucas", "Émilie", "Théo",
    ),
    "dutch": (
        "Frederik", "Jan", "Pieter", "Daan", "Bram", "Sander", "Joost", "Ruben", "Thijs",
        "Sanne", "Anouk", "Fleur", "Lotte", "Femke", "Eva", "Iris", "Maarten", "Wouter",
        "Niels", "Anke",
    ),
    "indian": (
        "Venkatesh", "Subramanian", "Rahul", "Priya", "Ananya", "Arjun", "Rohan", "Aditya",
        "Sneha", "Pooja", "Deepak", "Vikram", "Kavya", "Neha", "Ravi", "Sanjay", "Aishwarya",
        "Karthik", "Divya", "Amit", "Nikhil", "Shreya", "Anil", "Lakshmi", "Suresh",
    ),
    "spanish": (
        "José", "María", "Francisco", "Alejandro", "Andrés", "Sebastián", "Lucía", "Sofía",
        "Carlos", "Javier", "Diego", "Pablo", "Elena", "Carmen", "Marta", "Raúl", "Ramón",
        "Inés", "Ángel", "Óscar",
    ),
    "nordic": (
        "Søren", "Björn", "Åsa", "Linnéa", "Mikael", "Henrik", "Lars", "Ingrid", "Sigrid",
        "Erik", "Nils", "Astrid", "Freja", "Magnus", "Oskar",
    ),
}

SURNAMES: dict[str, tuple[str, ...]] = {
    "anglo": (
        "Smith", "Johnson", "Williams", "Brown", "Jones", "Miller", "Davis", "Wilson",
        "Anderson", "Taylor", "Thomas", "Moore", "Martin", "Jackson", "Thompson", "White",
        "Harris", "Clark", "Lewis", "Robinson", "Walker", "Young", "Allen", "King", "Wright",
        "Scott", "Green", "Baker", "Adams", "Nelson", "Hill", "Campbell", "Mitchell", "Roberts",
        "Carter", "Phillips", "Evans", "Turner", "Parker", "Collins", "Edwards", "Stewart",
        "O'Brien", "O'Connor", "McDonald", "Murphy", "Kelly", "Hughes", "Cooper", "Ward",
    ),
    "german": (
        "Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker",
        "Schulz", "Hoffmann", "Schäfer", "Koch", "Bauer", "Richter", "Klein", "Wolf",
        "Schröder", "Neumann", "Schwarz", "Zimmermann", "Braun", "Krüger", "Hofmann", "Hartmann",
        "Lange", "Weiß", "Köhler", "Jäger", "Groß", "Böhm", "von Stein",
    ),
    "french": (
        "Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand",
        "Leroy", "Moreau", "Simon", "Laurent", "Lefèvre", "Michel", "Garcia", "David",
        "Bertrand", "Roux", "Vincent", "Fournier", "Morel", "Girard", "André", "Mercier",
        "Bonnet", "Lemaître", "Chevalier", "Faure",
    ),
    "dutch": (
        "de Jong", "Jansen", "de Vries", "van den Berg", "van Dijk", "Bakker", "Janssen",
        "Visser", "Smit", "Meijer", "de Boer", "Mulder", "de Groot", "Bos", "Vos", "Peters",
        "Hendriks", "van Leeuwen", "Dekker", "Brouwer",
    ),
    "indian": (
        "Patel", "Sharma", "Singh", "Kumar", "Gupta", "Reddy", "Iyer", "Nair", "Rao", "Menon",
        "Joshi", "Mehta", "Agarwal", "Chatterjee", "Banerjee", "Krishnan", "Pillai", "Desai",
        "Kapoor", "Verma", "Mukherjee", "Subramaniam",
    ),
    "spanish": (
        "García", "Fernández", "González", "Rodríguez", "López", "Martínez", "Sánchez",
        "Pérez", "Gómez", "Núñez", "Ruiz", "Peña", "Jiménez", "Muñoz", "Álvarez", "Romero",
        "Navarro", "Torres",
    ),
    "nordic": (
        "Andersson", "Johansson", "Karlsson", "Nilsson", "Eriksson", "Larsen", "Jensen",
        "Hansen", "Østergaard", "Åberg", "Lindqvist", "Sørensen", "Berg", "Dahl",
    ),
}

# Which cultures live where (weights). Mixed on purpose: Berlin is full of non-Germans.
CULTURES_BY_COUNTRY: dict[str, tuple[tuple[str, int], ...]] = {
    "US": (("anglo", 62), ("indian", 14), ("spanish", 14), ("german", 3), ("french", 3),
           ("nordic", 2), ("dutch", 2)),
    "GB": (("anglo", 66), ("indian", 14), ("french", 6), ("spanish", 6), ("german", 4),
           ("nordic", 2), ("dutch", 2)),
    "DE": (("german", 60), ("anglo", 10), ("spanish", 8), ("french", 6), ("indian", 8),
           ("nordic", 5), ("dutch", 3)),
    "FR": (("french", 70), ("anglo", 8), ("spanish", 10), ("german", 4), ("indian", 4),
           ("dutch", 2), ("nordic", 2)),
    "NL": (("dutch", 55), ("anglo", 12), ("german", 10), ("indian", 9), ("spanish", 6),
           ("french", 4), ("nordic", 4)),
    "IN": (("indian", 92), ("anglo", 6), ("french", 1), ("german", 1)),
}

_SPECIAL_FOLDS = str.maketrans(
    {"ß": "ss", "ø": "o", "Ø": "O", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "'": ""}
)


def ascii_fold(text: str) -> str:
    """José -> Jose, Weiß -> Weiss: what people type into an email address or a URL slug."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_SPECIAL_FOLDS))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def german_fold(text: str) -> str:
    """Müller -> Mueller: the German transliteration some people prefer in email addresses."""
    return ascii_fold(
        text.replace("ä", "ae").replace("ö", "oe").replace("ü", "ue")
        .replace("Ä", "Ae").replace("Ö", "Oe").replace("Ü", "Ue")
    )


def has_accent(text: str) -> bool:
    return ascii_fold(text) != text.replace("'", "")
