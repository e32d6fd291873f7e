"""Name, place and mail-provider pools of the independent market, one `Locale` per country.

Written apart from the first generator on purpose (its own pools, its own idea of how people
write their names): a quality figure measured on data the engine was tuned on says little.

Pool notation, compact so a country fits in a few lines:
- Latin-script given names and surnames are plain words; a surname with a feminine form is
  written `masculine/feminine` (Kowalski/Kowalska, Novák/Nováková, Smirnov/Smirnova).
- Names in another script are `native=latin1|latin2`: the native spelling, then the
  romanisations people and recruiters actually use for it (Дмитрий=Dmitry|Dmitriy|Dmitrii).
- A family name made of two surnames (Spanish, Portuguese) is drawn as two pool entries.
"""

from __future__ import annotations

from dataclasses import dataclass

# How a locale's people write their family name.
DOUBLE_SURNAME = "double"  # two surnames: García López (Spain, Mexico, Brazil)
SINGLE_SURNAME = "single"


@dataclass(frozen=True, slots=True)
class NameForm:
    """One name: as its owner writes it, and the romanisations seen for it (first = usual)."""

    native: str
    latin: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class City:
    native: str
    english: str  # the exonym an English-language form or recruiter writes (Warsaw)
    region: str


@dataclass(frozen=True, slots=True)
class PhonePlan:
    """A country's numbering as people write it (national significant number = NSN)."""

    calling_code: str
    trunk: str  # national prefix dialled before the NSN at home ("0", "8", "1" or "")
    mobile_prefixes: tuple[str, ...]
    nsn_length: int
    groups: tuple[int, ...]  # how the NSN is usually grouped when written nationally


@dataclass(frozen=True, slots=True)
class Locale:
    country: str  # ISO-2
    country_name: str
    script: str  # latin, cyrillic, greek, arabic, han, japanese, hangul
    weight: float  # share of the market's people
    male: tuple[NameForm, ...]
    female: tuple[NameForm, ...]
    surnames_male: tuple[NameForm, ...]
    surnames_female: tuple[NameForm, ...]
    cities: tuple[City, ...]
    providers: tuple[tuple[str, int], ...]  # personal mail domains with weights
    phone: PhonePlan
    family_first: bool = False  # native order is family name first (CJK, Hungarian)
    surname_style: str = SINGLE_SURNAME
    native_script_share: float = 0.0  # records typed in the native script
    middle_name_share: float = 0.0  # people who carry a middle name
    takes_spouse_name: float = 0.0  # share of married women who change their surname
    fold_style: str = "strip"  # how ASCII keyboards write its letters: strip or digraph
    schools: tuple[str, ...] = ()


def _forms(text: str) -> tuple[NameForm, ...]:
    out = []
    for word in text.split():
        if "=" in word:
            native, latin = word.split("=", 1)
            out.append(
                NameForm(native.replace("_", " "), tuple(latin.replace("_", " ").split("|")))
            )
        else:
            w = word.replace("_", " ")
            out.append(NameForm(w, (w,)))
    return tuple(out)


def _surnames(text: str) -> tuple[tuple[NameForm, ...], tuple[NameForm, ...]]:
    male, female = [], []
    for word in text.split():
        if "/" in word:
            m, f = word.split("/", 1)
        else:
            m = f = word
        male.extend(_forms(m))
        female.extend(_forms(f))
    return tuple(male), tuple(female)


def _cities(text: str) -> tuple[City, ...]:
    out = []
    for entry in text.split(";"):
        native, english, region = (p.strip() for p in entry.split(","))
        out.append(City(native, english or native, region))
    return tuple(out)


def _locale(
    country: str,
    name: str,
    weight: float,
    male: str,
    female: str,
    surnames: str,
    cities: str,
    providers: str,
    phone: PhonePlan,
    **kw: object,
) -> Locale:
    sm, sf = _surnames(surnames)
    prov = []
    for p in providers.split():
        domain, w = p.split(":")
        prov.append((domain, int(w)))
    return Locale(
        country=country,
        country_name=name,
        weight=weight,
        male=_forms(male),
        female=_forms(female),
        surnames_male=sm,
        surnames_female=sf,
        cities=_cities(cities),
        providers=tuple(prov),
        phone=phone,
        **kw,  # type: ignore[arg-type]
    )


LOCALES: tuple[Locale, ...] = (
    _locale(
        "PL",
        "Poland",
        0.08,
        "Łukasz Paweł Wojciech Grzegorz Michał Tomasz Krzysztof Jakub Mateusz Przemysław "
        "Bartłomiej Maciej Rafał Aleksander Szymon Dawid Kamil Marek Marcin Zbigniew",
        "Małgorzata Agnieszka Katarzyna Joanna Magdalena Aleksandra Żaneta Urszula Justyna "
        "Beata Dorota Ewelina Monika Zofia Weronika Paulina Marta Iwona Anna Natalia",
        "Kowalski/Kowalska Wiśniewski/Wiśniewska Wójcik Kamiński/Kamińska Lewandowski/Lewandowska "
        "Zieliński/Zielińska Szymański/Szymańska Woźniak Dąbrowski/Dąbrowska Kozłowski/Kozłowska "
        "Jankowski/Jankowska Mazur Kwiatkowski/Kwiatkowska Krawczyk Piotrowski/Piotrowska "
        "Grabowski/Grabowska Nowak Pawłowski/Pawłowska Michalski/Michalska Król Wieczorek "
        "Jabłoński/Jabłońska Wróbel Nowakowski/Nowakowska Majewski/Majewska Olszewski/Olszewska "
        "Stępień Jaworski/Jaworska Malinowski/Malinowska Górecki/Górecka Sikora Baran Łuczak",
        "Kraków,Cracow,Małopolskie; Warszawa,Warsaw,Mazowieckie; Wrocław,Wroclaw,Dolnośląskie; "
        "Gdańsk,Gdansk,Pomorskie; Łódź,Lodz,Łódzkie; Poznań,Poznan,Wielkopolskie",
        "gmail.com:50 wp.pl:18 o2.pl:12 onet.pl:8 interia.pl:8 outlook.com:4",
        PhonePlan(
            "48", "", ("50", "51", "53", "60", "66", "69", "72", "78", "79", "88"), 9, (3, 3, 3)
        ),
        script="latin",
        takes_spouse_name=0.8,
        schools=(
            "Jagiellonian University",
            "Warsaw University of Technology",
            "AGH",
            "Politechnika Wrocławska",
        ),
    ),
    _locale(
        "CZ",
        "Czechia",
        0.04,
        "Jiří Jan Petr Tomáš Pavel Martin Jaroslav Miroslav Zdeněk Václav Ondřej Lukáš Vojtěch "
        "Radek",
        "Jana Marie Eva Hana Lenka Kateřina Lucie Věra Alena Petra Tereza Zuzana Markéta Šárka",
        "Novák/Nováková Svoboda/Svobodová Novotný/Novotná Dvořák/Dvořáková Černý/Černá "
        "Procházka/Procházková Kučera/Kučerová Veselý/Veselá Horák/Horáková Němec/Němcová "
        "Pokorný/Pokorná Marek/Marková Růžička/Růžičková Beneš/Benešová Fiala/Fialová "
        "Sedláček/Sedláčková Doležal/Doležalová Zeman/Zemanová Kolář/Kolářová Krejčí",
        "Praha,Prague,Hlavní město Praha; Brno,Brno,Jihomoravský; Ostrava,Ostrava,Moravskoslezský; "
        "Plzeň,Pilsen,Plzeňský",
        "seznam.cz:40 gmail.com:35 email.cz:12 centrum.cz:8 post.cz:5",
        PhonePlan("420", "", ("60", "72", "73", "77", "79"), 9, (3, 3, 3)),
        script="latin",
        takes_spouse_name=0.85,
        schools=("Charles University", "ČVUT", "Masaryk University", "VUT Brno"),
    ),
    _locale(
        "RS",
        "Serbia",
        0.03,
        "Đorđe=Đorđe|Djordje|Dorde Miloš=Miloš|Milos Nikola=Nikola Stefan=Stefan Marko=Marko "
        "Dušan=Dušan|Dusan Nemanja=Nemanja Aleksandar=Aleksandar Vuk=Vuk Luka=Luka "
        "Đurađ=Đurađ|Djuradj",
        "Jelena=Jelena Milica=Milica Ana=Ana Ivana=Ivana Jovana=Jovana Dragana=Dragana "
        "Tijana=Tijana "
        "Snežana=Snežana|Snezana Maja=Maja Teodora=Teodora",
        "Đorđević=Đorđević|Djordjevic|Dordevic Jovanović=Jovanović|Jovanovic "
        "Petrović=Petrović|Petrovic "
        "Nikolić=Nikolić|Nikolic Marković=Marković|Markovic Ilić=Ilić|Ilic "
        "Stojanović=Stojanović|Stojanovic "
        "Pavlović=Pavlović|Pavlovic Milošević=Milošević|Milosevic Stanković=Stanković|Stankovic "
        "Živković=Živković|Zivkovic Đukić=Đukić|Djukic|Dukic Todorović=Todorović|Todorovic",
        "Beograd,Belgrade,Beograd; Novi Sad,Novi Sad,Vojvodina; Niš,Nis,Nišavski",
        "gmail.com:60 yahoo.com:15 eunet.rs:10 hotmail.com:15",
        PhonePlan("381", "0", ("60", "61", "62", "63", "64", "65", "66"), 9, (2, 3, 4)),
        script="latin",
        takes_spouse_name=0.7,
        fold_style="digraph",
        schools=("University of Belgrade", "ETF Beograd", "University of Novi Sad"),
    ),
    _locale(
        "DE",
        "Germany",
        0.10,
        "Jürgen Sebastian Maximilian Lukas Tobias Florian Matthias Björn Jörg Stefan Andreas "
        "Christoph Felix Jonas Niklas Moritz Günther Tim Dominik Johannes",
        "Julia Sabine Katharina Lena Anja Claudia Birgit Franziska Jessica Sophie Hannah Lea "
        "Bärbel Stefanie Miriam Jana Christiane Annika Charlotte Theresa",
        "Müller Schmidt Schneider Fischer Weiß Meyer Wagner Becker Schulz Hoffmann Schäfer Koch "
        "Bauer Richter Klein Wolf Schröder Neumann Schwarz Zimmermann Braun Krüger Hofmann "
        "Hartmann Lange Schmitt Werner Krause Köhler Groß Jäger Weißmann Böhm Vogel Fuchs Günther",
        "München,Munich,Bayern; Berlin,Berlin,Berlin; Hamburg,Hamburg,Hamburg; Köln,Cologne,NRW; "
        "Frankfurt am Main,Frankfurt,Hessen; Stuttgart,Stuttgart,Baden-Württemberg",
        "gmail.com:30 googlemail.com:10 web.de:25 gmx.de:20 t-online.de:10 posteo.de:5",
        PhonePlan(
            "49", "0", ("151", "152", "157", "160", "162", "170", "171", "176", "177"), 11, (3, 8)
        ),
        script="latin",
        middle_name_share=0.25,
        takes_spouse_name=0.7,
        fold_style="digraph",
        schools=("TU München", "RWTH Aachen", "KIT", "Humboldt-Universität zu Berlin"),
    ),
    _locale(
        "NO",
        "Norway",
        0.02,
        "Øyvind Ole Bjørn Håkon Lars Knut Sindre Eirik Magnus Jørgen Torbjørn Espen",
        "Åse Ingrid Kari Solveig Siri Marit Hege Tone Ragnhild Sølvi Ingvild Bodil",
        "Hansen Johansen Olsen Larsen Andersen Pedersen Nilsen Kristiansen Jensen Karlsen "
        "Johnsen Pettersen Eriksen Berg Haugen Hagen Bjørnstad Løvås Sæther Strøm Dahl Lie",
        "Oslo,Oslo,Oslo; Bergen,Bergen,Vestland; Trondheim,Trondheim,Trøndelag; "
        "Tromsø,Tromso,Troms",
        "gmail.com:55 online.no:20 hotmail.com:15 outlook.com:10",
        PhonePlan("47", "", ("4", "9"), 8, (3, 2, 3)),
        script="latin",
        middle_name_share=0.3,
        takes_spouse_name=0.5,
        fold_style="digraph",
        schools=("NTNU", "University of Oslo", "BI Norwegian Business School"),
    ),
    _locale(
        "SE",
        "Sweden",
        0.03,
        "Björn Lars Anders Johan Mikael Per Erik Karl Olof Gustav Linus Oskar Måns",
        "Åsa Karin Maria Eva Linnéa Ingrid Sofia Elin Malin Märta Ebba Maja",
        "Andersson Johansson Karlsson Nilsson Eriksson Larsson Olsson Persson Svensson Gustafsson "
        "Pettersson Jonsson Lindström Lindqvist Bergström Åberg Söderberg Sjöberg Ekström Wallin",
        "Stockholm,Stockholm,Stockholms län; Göteborg,Gothenburg,Västra Götaland; "
        "Malmö,Malmo,Skåne; "
        "Uppsala,Uppsala,Uppsala län",
        "gmail.com:50 hotmail.se:20 telia.com:10 outlook.com:20",
        PhonePlan("46", "0", ("70", "72", "73", "76", "79"), 9, (2, 3, 2, 2)),
        script="latin",
        middle_name_share=0.35,
        takes_spouse_name=0.5,
        fold_style="digraph",
        schools=("KTH", "Chalmers", "Lund University", "Uppsala University"),
    ),
    _locale(
        "DK",
        "Denmark",
        0.02,
        "Søren Jens Mads Rasmus Anders Kasper Jesper Frederik Mikkel Niels",
        "Mette Søs Line Camilla Louise Sofie Trine Gitte Signe Ida",
        "Jensen Nielsen Hansen Pedersen Andersen Christensen Larsen Sørensen Rasmussen Jørgensen "
        "Madsen Kristensen Mortensen Østergaard Krogh",
        "København,Copenhagen,Hovedstaden; Aarhus,Aarhus,Midtjylland; Odense,Odense,Syddanmark",
        "gmail.com:55 hotmail.com:20 outlook.dk:10 mail.dk:15",
        PhonePlan("45", "", ("2", "3", "4", "5", "6"), 8, (2, 2, 2, 2)),
        script="latin",
        middle_name_share=0.3,
        takes_spouse_name=0.4,
        fold_style="digraph",
        schools=("DTU", "University of Copenhagen", "Aarhus University"),
    ),
    _locale(
        "TR",
        "Turkey",
        0.04,
        "Mehmet Mustafa Ahmet Emre Burak Oğuz Çağrı Serkan Barış Kaan Yiğit İbrahim Uğur Tolga",
        "Ayşe Fatma Zeynep Elif Büşra Özlem Gülşen Şeyma Merve Ebru Dilek Işıl Nur Cansu",
        "Yılmaz Kaya Demir Şahin Çelik Yıldız Yıldırım Öztürk Aydın Özdemir Arslan Doğan "
        "Kılıç Aslan Çetin Kara Koç Kurt Özkan Şimşek Erdoğan Güneş Aktaş Polat",
        "İstanbul,Istanbul,İstanbul; Ankara,Ankara,Ankara; İzmir,Izmir,İzmir; Bursa,Bursa,Bursa",
        "gmail.com:55 hotmail.com:25 yandex.com.tr:10 outlook.com:10",
        PhonePlan(
            "90", "0", ("530", "532", "533", "535", "505", "541", "542", "555"), 10, (3, 3, 2, 2)
        ),
        script="latin",
        takes_spouse_name=0.8,
        schools=("Boğaziçi University", "ODTÜ", "İTÜ", "Bilkent University"),
    ),
    _locale(
        "GR",
        "Greece",
        0.03,
        "Γιώργος=Giorgos|Georgios|George Δημήτρης=Dimitris|Dimitrios Νίκος=Nikos|Nikolaos "
        "Κωνσταντίνος=Konstantinos|Kostas Γιάννης=Giannis|Ioannis|Yannis "
        "Παναγιώτης=Panagiotis|Panos "
        "Χρήστος=Christos|Chris Αλέξανδρος=Alexandros|Alexander Βασίλης=Vasilis|Vasileios",
        "Μαρία=Maria Ελένη=Eleni|Helen Κατερίνα=Katerina|Aikaterini Σοφία=Sofia|Sophia "
        "Γεωργία=Georgia Δήμητρα=Dimitra Αναστασία=Anastasia Χριστίνα=Christina "
        "Βασιλική=Vasiliki|Vicky",
        "Παπαδόπουλος=Papadopoulos/Παπαδοπούλου=Papadopoulou Παπαδάκης=Papadakis/Παπαδάκη=Papadaki "
        "Γεωργίου=Georgiou Νικολάου=Nikolaou Οικονόμου=Oikonomou|Economou "
        "Καραγιάννης=Karagiannis|Karayannis/Καραγιάννη=Karagianni|Karayanni "
        "Βλάχος=Vlachos/Βλάχου=Vlachou Αντωνίου=Antoniou Δημητρίου=Dimitriou "
        "Μαυρίδης=Mavridis/Μαυρίδου=Mavridou",
        "Αθήνα,Athens,Attica; Θεσσαλονίκη,Thessaloniki,Central Macedonia; Πάτρα,Patras,Western "
        "Greece",
        "gmail.com:60 yahoo.gr:15 hotmail.com:15 otenet.gr:10",
        PhonePlan("30", "", ("690", "693", "694", "695", "697", "698", "699"), 10, (3, 3, 4)),
        script="greek",
        native_script_share=0.25,
        takes_spouse_name=0.6,
        schools=("NTUA", "Aristotle University of Thessaloniki", "Athens University of Economics"),
    ),
    _locale(
        "RU",
        "Russia",
        0.03,
        "Дмитрий=Dmitry|Dmitriy|Dmitrii Алексей=Alexey|Aleksei|Alexei Сергей=Sergey|Sergei "
        "Андрей=Andrey|Andrei Михаил=Mikhail Иван=Ivan Николай=Nikolay|Nikolai "
        "Александр=Alexander|Aleksandr Евгений=Evgeny|Yevgeny|Evgenii Максим=Maxim|Maksim "
        "Юрий=Yury|Yuri|Iurii Павел=Pavel",
        "Екатерина=Ekaterina|Yekaterina Анна=Anna Мария=Maria Елена=Elena|Yelena Ольга=Olga "
        "Наталья=Natalia|Natalya Татьяна=Tatiana|Tatyana Юлия=Yulia|Julia|Iuliia "
        "Анастасия=Anastasia "
        "Ксения=Ksenia|Kseniya Дарья=Daria|Darya",
        "Смирнов=Smirnov/Смирнова=Smirnova Иванов=Ivanov/Иванова=Ivanova "
        "Кузнецов=Kuznetsov/Кузнецова=Kuznetsova "
        "Попов=Popov/Попова=Popova Соколов=Sokolov/Соколова=Sokolova "
        "Лебедев=Lebedev/Лебедева=Lebedeva "
        "Козлов=Kozlov/Козлова=Kozlova Новиков=Novikov/Новикова=Novikova "
        "Морозов=Morozov/Морозова=Morozova "
        "Волков=Volkov/Волкова=Volkova Фёдоров=Fedorov|Fyodorov/Фёдорова=Fedorova|Fyodorova "
        "Соловьёв=Solovyov|Soloviev/Соловьёва=Solovyova|Solovieva",
        "Москва,Moscow,Moscow; Санкт-Петербург,Saint Petersburg,Saint Petersburg; "
        "Казань,Kazan,Tatarstan; "
        "Новосибирск,Novosibirsk,Novosibirsk Oblast",
        "gmail.com:35 yandex.ru:35 mail.ru:25 rambler.ru:5",
        PhonePlan(
            "7", "8", ("903", "905", "915", "916", "925", "926", "985", "999"), 10, (3, 3, 2, 2)
        ),
        script="cyrillic",
        native_script_share=0.3,
        takes_spouse_name=0.85,
        schools=("MIPT", "Moscow State University", "ITMO University", "HSE University"),
    ),
    _locale(
        "UA",
        "Ukraine",
        0.03,
        "Олександр=Oleksandr|Alexander Андрій=Andrii|Andriy|Andrey Дмитро=Dmytro|Dmitro "
        "Сергій=Serhii|Serhiy|Sergey Тарас=Taras Богдан=Bohdan|Bogdan Олег=Oleh|Oleg "
        "Юрій=Yurii|Yuriy Віталій=Vitalii|Vitaliy Максим=Maksym|Maxim",
        "Олена=Olena|Elena Оксана=Oksana Ірина=Iryna|Irina Наталія=Nataliia|Natalia "
        "Тетяна=Tetiana|Tatiana Юлія=Yuliia|Yulia Катерина=Kateryna|Katerina Марія=Mariia|Maria "
        "Анастасія=Anastasiia|Anastasia Вікторія=Viktoriia|Victoria",
        "Шевченко=Shevchenko Коваленко=Kovalenko Бондаренко=Bondarenko Ткаченко=Tkachenko "
        "Кравченко=Kravchenko Мельник=Melnyk|Melnik Бойко=Boiko|Boyko Поліщук=Polishchuk "
        "Коваль=Koval Савченко=Savchenko Лисенко=Lysenko|Lisenko Марченко=Marchenko",
        "Київ,Kyiv,Kyiv; Львів,Lviv,Lviv Oblast; Харків,Kharkiv,Kharkiv Oblast; Одеса,Odesa,Odesa "
        "Oblast",
        "gmail.com:60 ukr.net:30 i.ua:10",
        PhonePlan("380", "0", ("50", "63", "66", "67", "68", "73", "93", "95", "97"), 9, (2, 3, 4)),
        script="cyrillic",
        native_script_share=0.2,
        takes_spouse_name=0.8,
        schools=("KPI", "Lviv Polytechnic", "Taras Shevchenko National University"),
    ),
    _locale(
        "AE",
        "United Arab Emirates",
        0.02,
        "محمد=Mohammed|Muhammad|Mohamed أحمد=Ahmed|Ahmad عبدالله=Abdullah|Abdulla "
        "خالد=Khalid|Khaled "
        "عمر=Omar|Umar يوسف=Youssef|Yousef|Yusuf سعيد=Saeed|Said راشد=Rashid|Rashed",
        "فاطمة=Fatima|Fatma مريم=Maryam|Mariam عائشة=Aisha|Ayesha نورة=Noura|Nora سارة=Sara|Sarah "
        "ليلى=Layla|Laila هند=Hind شيماء=Shaima|Shaimaa",
        "المنصوري=Al_Mansouri|Al-Mansouri|Almansouri الهاشمي=Al_Hashimi|Al-Hashemi|Alhashmi "
        "الشامسي=Al_Shamsi|Alshamsi|Al-Shamsi الكعبي=Al_Kaabi|Alkaabi|Al-Kaabi "
        "حسن=Hassan|Hasan الزعابي=Al_Zaabi|Alzaabi النعيمي=Al_Nuaimi|Alnuaimi|Al-Nuaimi",
        "دبي,Dubai,Dubai; أبوظبي,Abu Dhabi,Abu Dhabi; الشارقة,Sharjah,Sharjah",
        "gmail.com:55 hotmail.com:25 yahoo.com:10 outlook.com:10",
        PhonePlan("971", "0", ("50", "52", "54", "55", "56", "58"), 9, (2, 3, 4)),
        script="arabic",
        native_script_share=0.15,
        takes_spouse_name=0.0,
        schools=("Khalifa University", "American University of Sharjah", "UAE University"),
    ),
    _locale(
        "EG",
        "Egypt",
        0.02,
        "محمد=Mohamed|Mohammed|Muhammad أحمد=Ahmed|Ahmad مصطفى=Mostafa|Mustafa "
        "محمود=Mahmoud|Mahmud "
        "كريم=Karim|Kareem عمرو=Amr طارق=Tarek|Tariq",
        "نورهان=Nourhan|Nurhan ياسمين=Yasmin|Yasmine منى=Mona|Muna دينا=Dina رانيا=Rania|Ranya "
        "هبة=Heba|Hiba سلمى=Salma",
        "إبراهيم=Ibrahim|Ebrahim عبدالرحمن=Abdelrahman|Abdel_Rahman|Abdulrahman "
        "السيد=El-Sayed|Elsayed|El_Sayed مصطفى=Mostafa|Moustafa عثمان=Osman|Othman "
        "فهمي=Fahmy|Fahmi الشريف=El-Sherif|Elsherif",
        "القاهرة,Cairo,Cairo; الإسكندرية,Alexandria,Alexandria; الجيزة,Giza,Giza",
        "gmail.com:60 yahoo.com:20 hotmail.com:20",
        PhonePlan("20", "0", ("10", "11", "12", "15"), 10, (2, 4, 4)),
        script="arabic",
        native_script_share=0.1,
        takes_spouse_name=0.0,
        schools=("Cairo University", "Ain Shams University", "American University in Cairo"),
    ),
    _locale(
        "CN",
        "China",
        0.05,
        "伟=Wei 磊=Lei 强=Qiang 军=Jun 洋=Yang 勇=Yong 杰=Jie 浩然=Haoran 子轩=Zixuan 俊杰=Junjie "
        "志明=Zhiming 建国=Jianguo",
        "芳=Fang 娜=Na 敏=Min 静=Jing 丽=Li 秀英=Xiuying 婷=Ting 雪=Xue 欣怡=Xinyi 梓涵=Zihan "
        "晓燕=Xiaoyan 佳怡=Jiayi",
        "王=Wang 李=Li 张=Zhang 刘=Liu 陈=Chen 杨=Yang 黄=Huang 赵=Zhao 吴=Wu 周=Zhou 徐=Xu "
        "孙=Sun 马=Ma 朱=Zhu 胡=Hu 郭=Guo 何=He 林=Lin",
        "上海,Shanghai,Shanghai; 北京,Beijing,Beijing; "
        "深圳,Shenzhen,Guangdong; 杭州,Hangzhou,Zhejiang; "
        "成都,Chengdu,Sichuan",
        "qq.com:35 163.com:25 gmail.com:25 126.com:10 outlook.com:5",
        PhonePlan(
            "86", "", ("130", "135", "136", "138", "139", "150", "158", "186", "188"), 11, (3, 4, 4)
        ),
        script="han",
        family_first=True,
        native_script_share=0.3,
        takes_spouse_name=0.0,
        schools=(
            "Tsinghua University",
            "Peking University",
            "Zhejiang University",
            "Fudan University",
        ),
    ),
    _locale(
        "JP",
        "Japan",
        0.03,
        "健太=Kenta 翔太=Shota|Shouta 大輔=Daisuke 拓也=Takuya 直樹=Naoki 雄一=Yuichi|Yuuichi "
        "浩二=Koji|Kouji 亮=Ryo|Ryou",
        "陽子=Yoko|Youko 美咲=Misaki 由美=Yumi 恵=Megumi 彩=Aya "
        "真由美=Mayumi 優子=Yuko|Yuuko 愛=Ai",
        "佐藤=Sato|Satou|Satō 鈴木=Suzuki 高橋=Takahashi 田中=Tanaka "
        "伊藤=Ito|Itou|Itō 渡辺=Watanabe "
        "山本=Yamamoto 中村=Nakamura 小林=Kobayashi 加藤=Kato|Katou|Katō 吉田=Yoshida 山田=Yamada "
        "佐々木=Sasaki 斎藤=Saito|Saitou 大野=Ono|Ohno|Oono",
        "東京,Tokyo,Tokyo; 大阪,Osaka,Osaka; 福岡,Fukuoka,Fukuoka; 横浜,Yokohama,Kanagawa",
        "gmail.com:45 yahoo.co.jp:35 icloud.com:10 outlook.jp:10",
        PhonePlan("81", "0", ("70", "80", "90"), 10, (2, 4, 4)),
        script="japanese",
        family_first=True,
        native_script_share=0.35,
        takes_spouse_name=0.95,
        schools=("University of Tokyo", "Kyoto University", "Keio University", "Waseda University"),
    ),
    _locale(
        "KR",
        "South Korea",
        0.03,
        "민준=Minjun|Min-jun|Min_Jun 서준=Seojun|Seo-jun "
        "지훈=Jihoon|Ji-hoon|Jihun 현우=Hyunwoo|Hyun-woo "
        "성민=Sungmin|Seongmin|Sung-min 동현=Donghyun|Dong-hyun 준호=Junho|Jun-ho",
        "서연=Seoyeon|Seo-yeon 지민=Jimin|Ji-min 수빈=Subin|Su-bin "
        "민지=Minji|Min-ji 하은=Haeun|Ha-eun "
        "지은=Jieun|Ji-eun|Ji_Eun 예진=Yejin|Ye-jin",
        "김=Kim 이=Lee|Yi|Rhee 박=Park|Pak 최=Choi|Choe 정=Jung|Jeong|Chung 강=Kang 조=Cho|Jo "
        "윤=Yoon|Yun 장=Jang|Chang 임=Lim|Im",
        "서울,Seoul,Seoul; 부산,Busan,Busan; 인천,Incheon,Incheon; 성남,Seongnam,Gyeonggi",
        "naver.com:45 gmail.com:40 daum.net:15",
        PhonePlan("82", "0", ("10",), 10, (2, 4, 4)),
        script="hangul",
        family_first=True,
        native_script_share=0.3,
        takes_spouse_name=0.0,
        schools=("Seoul National University", "KAIST", "Yonsei University", "Korea University"),
    ),
    _locale(
        "IN",
        "India",
        0.09,
        "Rahul Amit Arjun Vikram Sanjay Rohan Karthik Pradeep Venkatesh Suresh Rajesh Aditya "
        "Siddharth Naveen Harish Anil Manoj Srinivas Gaurav Abhishek",
        "Priya Ananya Deepika Kavya Sneha Lakshmi Divya Pooja Swati Meera Aishwarya Nandini "
        "Shruti Neha Revathi Shalini Anjali Sowmya Bhavana Ritika",
        "Sharma Patel Reddy Iyer Nair Gupta Kumar Singh Rao Menon Krishnan Agarwal Joshi Mehta "
        "Desai Pillai Chatterjee Banerjee Mukherjee Subramanian Venkataraman Kulkarni Bhat Shetty "
        "Naidu Chopra Malhotra Srinivasan Ramachandran Das",
        "Bengaluru,Bangalore,Karnataka; Hyderabad,Hyderabad,Telangana; Pune,Pune,Maharashtra; "
        "Chennai,Chennai,Tamil Nadu; Mumbai,Mumbai,Maharashtra; Gurugram,Gurgaon,Haryana",
        "gmail.com:70 yahoo.co.in:10 rediffmail.com:5 outlook.com:10 hotmail.com:5",
        PhonePlan(
            "91",
            "0",
            ("98", "99", "97", "96", "95", "94", "93", "90", "88", "87", "70"),
            10,
            (5, 5),
        ),
        script="latin",
        middle_name_share=0.2,
        takes_spouse_name=0.6,
        schools=("IIT Bombay", "IIT Madras", "BITS Pilani", "NIT Trichy", "VIT Vellore"),
    ),
    _locale(
        "ES",
        "Spain",
        0.04,
        "José Antonio Manuel Francisco Javier Alejandro Sergio Pablo Álvaro Íñigo Jorge Rubén Raúl",
        "María Lucía Carmen Laura Marta Cristina Sofía Paula Nuria Begoña Inés Ainhoa Raquel",
        "García López Martínez Sánchez Pérez Gómez Martín Jiménez Ruiz Hernández Díaz Moreno "
        "Muñoz Álvarez Romero Alonso Gutiérrez Navarro Torres Domínguez Vázquez Ramos Gil Ibáñez",
        "Madrid,Madrid,Comunidad de Madrid; Barcelona,Barcelona,Cataluña; "
        "Valencia,Valencia,Comunitat Valenciana; "
        "Sevilla,Seville,Andalucía; Bilbao,Bilbao,País Vasco",
        "gmail.com:60 hotmail.es:15 yahoo.es:10 outlook.es:15",
        PhonePlan("34", "", ("6", "7"), 9, (3, 2, 2, 2)),
        script="latin",
        surname_style=DOUBLE_SURNAME,
        takes_spouse_name=0.0,
        schools=("Universidad Politécnica de Madrid", "Universitat de Barcelona", "IE University"),
    ),
    _locale(
        "MX",
        "Mexico",
        0.03,
        "José Luis Juan Carlos Jesús Miguel Ángel Fernando Ricardo Eduardo Héctor Arturo",
        "Guadalupe María Fernanda Daniela Alejandra Verónica Adriana Gabriela Ximena Mariana Itzel",
        "Hernández García Martínez López González Rodríguez Pérez Sánchez Ramírez Cruz Flores "
        "Gómez Morales Vázquez Reyes Jiménez Torres Díaz Gutiérrez Ruiz Mendoza Aguilar",
        "Ciudad de México,Mexico City,CDMX; Guadalajara,Guadalajara,Jalisco; "
        "Monterrey,Monterrey,Nuevo León",
        "gmail.com:60 hotmail.com:25 outlook.com:10 yahoo.com.mx:5",
        PhonePlan("52", "", ("55", "33", "81"), 10, (2, 4, 4)),
        script="latin",
        surname_style=DOUBLE_SURNAME,
        middle_name_share=0.3,
        takes_spouse_name=0.1,
        schools=("UNAM", "Tec de Monterrey", "ITAM"),
    ),
    _locale(
        "BR",
        "Brazil",
        0.04,
        "João Pedro Lucas Gabriel Rafael Thiago Felipe Gustavo Matheus Vinícius Rodrigo Leandro",
        "Ana Júlia Beatriz Larissa Camila Fernanda Letícia Gabriela Mariana Bruna Patrícia Luíza",
        "Silva Santos Oliveira Souza Rodrigues Ferreira Alves Pereira Lima Gomes Ribeiro Carvalho "
        "Almeida Lopes Soares Fernandes Vieira Barbosa Rocha Dias Nascimento Araújo Conceição",
        "São Paulo,Sao Paulo,SP; Rio de Janeiro,Rio de Janeiro,RJ; Belo Horizonte,Belo "
        "Horizonte,MG; "
        "Florianópolis,Florianopolis,SC; Curitiba,Curitiba,PR",
        "gmail.com:65 hotmail.com:15 uol.com.br:8 bol.com.br:5 outlook.com:7",
        PhonePlan("55", "0", ("119", "219", "319", "419", "489"), 11, (2, 5, 4)),
        script="latin",
        surname_style=DOUBLE_SURNAME,
        middle_name_share=0.3,
        takes_spouse_name=0.5,
        schools=("USP", "Unicamp", "UFRJ", "UFMG"),
    ),
    _locale(
        "IT",
        "Italy",
        0.04,
        "Giuseppe Francesco Alessandro Lorenzo Matteo Davide Niccolò Andrea Federico Riccardo "
        "Stefano Luca Marco Giovanni",
        "Giulia Francesca Chiara Martina Sara Alessia Federica Valentina Elisa Silvia Beatrice "
        "Ilaria Roberta Noemi",
        "Rossi Russo Ferrari Esposito Bianchi Romano Colombo Ricci Marino Greco Bruno Gallo "
        "Conti De_Luca Mancini Costa Giordano Rizzo Lombardi Moretti D'Angelo Fontana Caruso "
        "Santoro",
        "Milano,Milan,Lombardia; Roma,Rome,Lazio; Torino,Turin,Piemonte; "
        "Bologna,Bologna,Emilia-Romagna; "
        "Napoli,Naples,Campania",
        "gmail.com:55 libero.it:20 hotmail.it:10 virgilio.it:10 outlook.it:5",
        PhonePlan(
            "39",
            "",
            ("320", "328", "333", "335", "338", "340", "347", "348", "349", "366"),
            10,
            (3, 3, 4),
        ),
        script="latin",
        takes_spouse_name=0.0,
        schools=("Politecnico di Milano", "Università di Bologna", "Bocconi", "Sapienza"),
    ),
    _locale(
        "FR",
        "France",
        0.05,
        "Jean-Pierre Jean-Baptiste François Benoît Jérôme Théo Mathéo Clément Loïc Hervé Nicolas "
        "Julien Antoine Guillaume Thibault Sébastien",
        "Marie-Claire Anne-Sophie Élodie Hélène Céline Chloé Léa Inès Maëlle Amélie Nathalie "
        "Sandrine Camille Manon Agathe Noémie",
        "Martin Bernard Dubois Thomas Robert Richard Petit Durand Leroy Moreau Simon Laurent "
        "Lefèvre Michel Garcia David Bertrand Roux Vincent Fournier Morel Girard André Mercier "
        "Faure Blanc Guérin Boyer Chevalier Lefebvre",
        "Paris,Paris,Île-de-France; Lyon,Lyon,Auvergne-Rhône-Alpes; Toulouse,Toulouse,Occitanie; "
        "Nantes,Nantes,Pays de la Loire; Lille,Lille,Hauts-de-France",
        "gmail.com:50 orange.fr:15 free.fr:10 hotmail.fr:10 laposte.net:8 outlook.fr:7",
        PhonePlan("33", "0", ("6", "7"), 9, (1, 2, 2, 2, 2)),
        script="latin",
        middle_name_share=0.15,
        takes_spouse_name=0.6,
        schools=(
            "École Polytechnique",
            "CentraleSupélec",
            "Sorbonne Université",
            "INSA Lyon",
            "HEC Paris",
        ),
    ),
    _locale(
        "NL",
        "Netherlands",
        0.04,
        "Jan Pieter Daan Bram Sander Joost Thijs Ruben Jeroen Maarten Wouter Sven Niels Koen",
        "Anouk Fleur Lotte Sanne Femke Eva Iris Noor Marieke Esther Ilse Roos Willemijn Lieke",
        "de_Jong Jansen de_Vries van_den_Berg van_Dijk Bakker Janssen Visser Smit Meijer de_Boer "
        "Mulder de_Groot Bos Vos Peters Hendriks van_Leeuwen Dekker Brouwer de_Wit Dijkstra "
        "van_der_Meer van_der_Linden Kok Verhoeven",
        "Amsterdam,Amsterdam,Noord-Holland; Rotterdam,Rotterdam,Zuid-Holland; "
        "Utrecht,Utrecht,Utrecht; "
        "Eindhoven,Eindhoven,Noord-Brabant; Den Haag,The Hague,Zuid-Holland",
        "gmail.com:50 hotmail.com:15 ziggo.nl:10 outlook.com:10 kpnmail.nl:10 xs4all.nl:5",
        PhonePlan("31", "0", ("6",), 9, (1, 8)),
        script="latin",
        middle_name_share=0.2,
        takes_spouse_name=0.2,
        schools=("TU Delft", "University of Amsterdam", "TU Eindhoven", "Erasmus University"),
    ),
    _locale(
        "IE",
        "Ireland",
        0.02,
        "Seán Ciarán Cillian Pádraig Darragh Eoin Niall Conor Oisín Colm",
        "Siobhán Aoife Niamh Róisín Saoirse Caoimhe Sinéad Orla Aisling Gráinne",
        "Murphy Kelly O'Sullivan Walsh O'Brien Byrne Ryan O'Connor O'Neill McCarthy Doyle "
        "Gallagher Ó_Súilleabháin Kavanagh Fitzgerald Ní_Bhriain",
        "Baile Átha Cliath,Dublin,Leinster; Corcaigh,Cork,Munster; Gaillimh,Galway,Connacht",
        "gmail.com:55 hotmail.com:15 eircom.net:10 outlook.com:15 icloud.com:5",
        PhonePlan("353", "0", ("83", "85", "86", "87", "89"), 9, (2, 3, 4)),
        script="latin",
        middle_name_share=0.3,
        takes_spouse_name=0.6,
        schools=("Trinity College Dublin", "UCD", "University of Galway", "UCC"),
    ),
    _locale(
        "GB",
        "United Kingdom",
        0.07,
        "Oliver Harry George James William Thomas Christopher Robert Matthew Daniel Benjamin "
        "Edward Alexander Richard Samuel Jonathan Nicholas Joseph",
        "Charlotte Emily Sophie Olivia Elizabeth Katherine Rebecca Victoria Eleanor Hannah "
        "Margaret Jennifer Abigail Samantha Alexandra Rachel Philippa Harriet",
        "Smith Jones Taylor Brown Williams Wilson Johnson Davies Robinson Wright Thompson Evans "
        "Walker White Roberts Green Hall Wood Jackson Clarke Patel Hughes Edwards Turner "
        "Hill Cooper Ward Morris Whitfield Ashworth Pemberton",
        "London,London,Greater London; Manchester,Manchester,Greater Manchester; "
        "Edinburgh,Edinburgh,Scotland; "
        "Bristol,Bristol,England; Leeds,Leeds,West Yorkshire; Cambridge,Cambridge,Cambridgeshire",
        "gmail.com:45 hotmail.co.uk:15 outlook.com:12 btinternet.com:8 yahoo.co.uk:10 "
        "icloud.com:10",
        PhonePlan("44", "0", ("7700", "7701", "7702", "7703", "7704", "7705"), 10, (4, 6)),
        script="latin",
        middle_name_share=0.45,
        takes_spouse_name=0.75,
        schools=(
            "University of Manchester",
            "Imperial College London",
            "University of Edinburgh",
            "UCL",
        ),
    ),
    _locale(
        "US",
        "United States",
        0.10,
        "Michael Christopher Matthew Joshua David Daniel Andrew Robert William Joseph Anthony "
        "Steven Kevin Brian Timothy Jeffrey Nathaniel Zachary Gregory Patrick",
        "Jennifer Jessica Ashley Elizabeth Stephanie Nicole Katherine Rebecca Amanda Melissa "
        "Christina Michelle Samantha Kimberly Alexandra Margaret Patricia Victoria Madison Rachel",
        "Johnson Williams Miller Davis Rodriguez Martinez Anderson Thomas Jackson Harris Clark "
        "Lewis Walker Young Allen King Scott Nguyen Hill Adams Baker Nelson Carter Mitchell Perez "
        "Roberts Turner Phillips Campbell Parker Collins Stewart Morris Murphy Cook Rogers "
        "Sullivan Bennett Brooks",
        "San Francisco,San Francisco,CA; New York,New York,NY; Austin,Austin,TX; "
        "Seattle,Seattle,WA; "
        "Boston,Boston,MA; Chicago,Chicago,IL; Denver,Denver,CO",
        "gmail.com:55 yahoo.com:10 outlook.com:8 hotmail.com:7 icloud.com:12 aol.com:3 proton.me:5",
        PhonePlan(
            "1", "1", ("415", "212", "512", "206", "617", "312", "720", "646", "929"), 10, (3, 3, 4)
        ),
        script="latin",
        middle_name_share=0.5,
        takes_spouse_name=0.8,
        schools=("UC Berkeley", "University of Michigan", "Georgia Tech", "UT Austin", "NYU"),
    ),
    _locale(
        "NG",
        "Nigeria",
        0.02,
        "Chukwuemeka Oluwaseun Adebayo Babatunde Obinna Ikechukwu Olumide Tochukwu Femi Emeka",
        "Chiamaka Ngozi Oluwakemi Adaeze Funmilayo Chidinma Folake Yewande Ifeoma Temitope",
        "Okafor Adeyemi Okonkwo Oyelaran Nwosu Eze Ogunleye Balogun Nnamdi Adebayo Obi Chukwu",
        "Lagos,Lagos,Lagos; Abuja,Abuja,FCT; Port Harcourt,Port Harcourt,Rivers",
        "gmail.com:70 yahoo.com:25 outlook.com:5",
        PhonePlan(
            "234", "0", ("803", "806", "813", "816", "703", "706", "809", "817"), 10, (3, 3, 4)
        ),
        script="latin",
        middle_name_share=0.4,
        takes_spouse_name=0.8,
        schools=("University of Lagos", "Obafemi Awolowo University", "Covenant University"),
    ),
    _locale(
        "VN",
        "Vietnam",
        0.01,
        "Minh Tuấn Hùng Dũng Quang Đức Thành Phúc Long",
        "Lan Hương Linh Thảo Ngọc Trang Mai Hà Phương",
        "Nguyễn Trần Lê Phạm Hoàng Huỳnh Phan Vũ Võ Đặng Bùi Đỗ",
        "Thành phố Hồ Chí Minh,Ho Chi Minh City,Hồ Chí Minh; Hà Nội,Hanoi,Hà Nội; Đà Nẵng,Da "
        "Nang,Đà Nẵng",
        "gmail.com:80 yahoo.com:15 outlook.com:5",
        PhonePlan("84", "0", ("90", "91", "93", "97", "98", "86"), 9, (2, 3, 4)),
        script="latin",
        family_first=True,
        takes_spouse_name=0.0,
        schools=("Hanoi University of Science and Technology", "VNU", "RMIT Vietnam"),
    ),
)

# Everyday short forms. Keys are the formal name in the form its owner's records use
# (native Latin spelling, or the usual romanisation for other scripts); the values are what
# the person writes on a form, on a CV or in an e-mail address.
NICKNAMES: dict[str, tuple[str, ...]] = {
    # Polish and Czech diminutives are standard, not pet names: Kasia is how colleagues write.
    "Małgorzata": ("Gosia", "Małgosia"),
    "Katarzyna": ("Kasia",),
    "Aleksandra": ("Ola",),
    "Aleksander": ("Olek",),
    "Wojciech": ("Wojtek",),
    "Przemysław": ("Przemek",),
    "Bartłomiej": ("Bartek",),
    "Grzegorz": ("Grzesiek",),
    "Krzysztof": ("Krzysiek",),
    "Mateusz": ("Mati",),
    "Zbigniew": ("Zbyszek",),
    "Magdalena": ("Magda",),
    "Joanna": ("Asia",),
    "Agnieszka": ("Aga",),
    "Jiří": ("Jirka",),
    "Tomáš": ("Tom",),
    "Kateřina": ("Katka",),
    "Vojtěch": ("Vojta",),
    "Ondřej": ("Ondra",),
    "Aleksandar": ("Aca", "Saša"),
    "Nemanja": ("Neša",),
    "Maximilian": ("Max",),
    "Johannes": ("Hannes", "Jo"),
    "Sebastian": ("Basti",),
    "Matthias": ("Matze",),
    "Christoph": ("Chris",),
    "Katharina": ("Kathi", "Kati"),
    "Franziska": ("Franzi",),
    "Stefanie": ("Steffi",),
    "Christiane": ("Chrissi",),
    "Theresa": ("Resi",),
    "Mustafa": ("Musti",),
    "Ibrahim": ("İbo",),
    "Dmitry": ("Dima",),
    "Alexander": ("Sasha", "Alex"),
    "Mikhail": ("Misha",),
    "Ekaterina": ("Katya", "Kate"),
    "Anastasia": ("Nastya",),
    "Evgeny": ("Zhenya",),
    "Natalia": ("Natasha",),
    "Oleksandr": ("Sasha", "Alex"),
    "Dmytro": ("Dima",),
    "Kateryna": ("Katia",),
    "Giorgos": ("George",),
    "Konstantinos": ("Kostas", "Costas"),
    "Aikaterini": ("Katerina",),
    "Abdullah": ("Abdul",),
    "Mohammed": ("Mo",),
    "Chukwuemeka": ("Emeka",),
    "Oluwaseun": ("Seun",),
    "Babatunde": ("Tunde",),
    "Ikechukwu": ("Ike",),
    "Oluwakemi": ("Kemi",),
    "Funmilayo": ("Funmi",),
    "Venkatesh": ("Venky",),
    "Siddharth": ("Sid",),
    "Srinivas": ("Srini",),
    "Aishwarya": ("Aish",),
    "Francisco": ("Paco", "Fran"),
    "José": ("Pepe",),
    "Alejandro": ("Álex",),
    "Guadalupe": ("Lupe",),
    "Giuseppe": ("Beppe", "Peppe"),
    "Francesco": ("Checco",),
    "Alessandro": ("Ale",),
    "Federico": ("Fede",),
    "Jean-Baptiste": ("JB",),
    "Guillaume": ("Guigui",),
    "Nicolas": ("Nico",),
    "Pádraig": ("Paddy",),
    "Michael": ("Mike",),
    "Christopher": ("Chris",),
    "Matthew": ("Matt",),
    "Joshua": ("Josh",),
    "Daniel": ("Dan", "Danny"),
    "Andrew": ("Andy", "Drew"),
    "Robert": ("Bob", "Rob", "Bobby"),
    "William": ("Bill", "Will", "Liam"),
    "Joseph": ("Joe",),
    "Anthony": ("Tony",),
    "Steven": ("Steve",),
    "Timothy": ("Tim",),
    "Jeffrey": ("Jeff",),
    "Nathaniel": ("Nate", "Nat"),
    "Zachary": ("Zach",),
    "Gregory": ("Greg",),
    "Patrick": ("Pat",),
    "Jennifer": ("Jen", "Jenny"),
    "Jessica": ("Jess",),
    "Elizabeth": ("Liz", "Beth", "Eliza"),
    "Stephanie": ("Steph",),
    "Katherine": ("Kate", "Katie", "Kat"),
    "Rebecca": ("Becky", "Becca"),
    "Amanda": ("Mandy",),
    "Christina": ("Tina",),
    "Samantha": ("Sam",),
    "Kimberly": ("Kim",),
    "Alexandra": ("Alex", "Lexi"),
    "Margaret": ("Maggie", "Peggy", "Meg"),
    "Patricia": ("Trish", "Patty"),
    "Victoria": ("Vicky", "Tori"),
    "Thomas": ("Tom",),
    "Benjamin": ("Ben",),
    "Edward": ("Ed", "Ted"),
    "Richard": ("Rich", "Dick"),
    "Samuel": ("Sam",),
    "Jonathan": ("Jon",),
    "Nicholas": ("Nick",),
    "Harry": ("Hal",),
    "Oliver": ("Ollie",),
    "Philippa": ("Pippa",),
    "Abigail": ("Abby",),
    "Eleanor": ("Ellie",),
}

# English names Chinese-speaking professionals take for work: a nickname with no spelling
# in common with the given name, which only the e-mail address or the profile connects.
ADOPTED_ENGLISH_NAMES = {
    "m": ("Kevin", "Jason", "Eric", "Tony", "Leo", "Frank", "Jack", "Vincent", "Sam"),
    "f": ("Amy", "Grace", "Vivian", "Cindy", "Lily", "Helen", "Cathy", "Iris", "Joyce"),
}
