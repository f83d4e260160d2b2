#!/usr/bin/env python3
"""Realistic French school data from a seed: the same seed always gives the same files.

Establishments (valid UAI), hosts (French names with accents, compound and particle names,
apostrophes, and names from elsewhere), pending account requests covering every match kind of
the domain (exact, probable, ambiguous, mismatch, none, duplicate, has_account), payments of
every method, créances with and without a validated avis détaillé, and portal accounts.

    python bench/datagen.py demo OUTDIR      # the set shipped in data/demo/
    python bench/datagen.py scale OUTDIR [--hosts 100000 --requests 10000 --payments 50000
                                          --establishments 20] [--seed N]

Also a module: `demo_dataset()`, `scale_dataset(...)`, then `Dataset.write(outdir)`.
Every kind of request is checked against the project's own matching rules as it is made, so
the set says what it claims."""

from __future__ import annotations

import argparse
import csv
import io
import json
import random
import sys
import time
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from packweb_tui.domain.dates import PARIS
from packweb_tui.domain.hosts import card_suffix
from packweb_tui.domain.matching import HostFacts, MatchKind, match_request
from packweb_tui.domain.money import format_euros
from packweb_tui.domain.names import fold_name
from packweb_tui.domain.uai import uai_check_letter

DEMO_SEED = 20261016
# The demo is written as of this instant; `packweb demo` shifts it to "now" when loading.
DEMO_REFERENCE = datetime(2026, 10, 16, 17, 30, tzinfo=PARIS)
SCALE_SEED = 1_000_003


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


# --- names --------------------------------------------------------------------------------
FRENCH_LAST = _words(
    "Martin Bernard Dubois Thomas Robert Richard Petit Durand Leroy Moreau Simon Laurent "
    "Lefèvre Michel Garcia David Bertrand Roux Vincent Fournier Morel Girard André Mercier "
    "Dupont Lambert Bonnet François Martinez Legrand Garnier Faure Rousseau Blanc Guérin "
    "Muller Henry Roussel Nicolas Perrin Morin Mathieu Clément Gauthier Dumont Lopez Fontaine "
    "Chevalier Robin Masson Sanchez Gérard Boyer Denis Lemaire Duval Joly Gautier Roger Roche "
    "Roy Noël Meyer Lucas Meunier Jean Pérez Marchand Dufour Blanchard Barbier Brun Dumas "
    "Brunet Schmitt Leroux Colin Fernandez Renard Arnaud Rolland Caron Aubert Giraud Leclerc "
    "Vidal Bourgeois Renaud Lemoine Picard Gaillard Philippe Leclercq Lacroix Fabre Dupuis "
    "Olivier Hubert Guillot Rivière Guillaume Adam Rey Moulin Berger Lecomte Ménard Fleury "
    "Deschamps Carpentier Julien Benoît Maillard Marchal Aubry Vasseur Renault Jacquet "
    "Collet Prévost Poirier Charpentier Royer Huet Baron Dupuy Pons Carré Breton Rémy "
    "Guyot Barré Marty Cousin Lebrun Hervé Bouvier Millet Chauvin Tessier Besnard Josse "
    "Lemaître Hamon Bihan Pichon Texier Godard Chevallier Bouchet Laborde Delmas Cordier"
)
# Particles, compound and double names, apostrophes: what breaks naive comparisons.
FRENCH_LAST_COMPOUND = (
    "Le Goff",
    "Le Gall",
    "Le Bihan",
    "Le Floch",
    "Le Corre",
    "Le Roux",
    "Le Meur",
    "Dupont-Moretti",
    "Martin-Lavigne",
    "Saint-Martin",
    "Saint-Pierre",
    "de La Fontaine",
    "de Villiers",
    "de Saint-Exupéry",
    "du Pont",
    "Lefèvre-Pontalis",
    "Bernard-Lacroix",
    "La Rochelle",
    "Des Roches",
    "D'Almeida",
    "D'Arcy",
    "L'Hermitte",
    "D'Angelo",
    "Duval-Léger",
)
FRENCH_GIRLS = _words(
    "Emma Jade Louise Alice Chloé Léa Manon Inès Camille Zoé Léna Lina Juliette Margaux "
    "Anaïs Clémence Maëlys Océane Mathilde Éloïse Héloïse Noémie Agathe Capucine Apolline "
    "Salomé Romane Lou Ambre Rose Anna Mila Jeanne Sarah Lucie Pauline Amélie Célia Maëlle "
    "Gaëlle Elsa Clara Nina Eva Lisa Maya Charlotte Victoire Adèle Bérénice Joséphine Zoë"
)
FRENCH_BOYS = _words(
    "Gabriel Léo Raphaël Arthur Louis Jules Adam Lucas Hugo Maël Noé Paul Nathan Ethan "
    "Théo Tom Sacha Timéo Mathéo Enzo Baptiste Clément Maxime Antoine Alexandre Thomas "
    "Nicolas Julien Quentin Valentin Benoît Grégoire Gaël Loïc Noël Anaël Elouan Côme Joël "
    "Aurélien Mathis Évan Axel Robin Victor Martin Oscar Timothée Aloïs Léandre"
)
FRENCH_COMPOUND_FIRST = (
    "Marie-Hélène",
    "Anne-Sophie",
    "Marie-Claire",
    "Marie-Ève",
    "Anne-Laure",
    "Lou-Anne",
    "Marie-Lou",
    "Jean-Baptiste",
    "Pierre-Louis",
    "Jean-Marc",
    "Louis-Marie",
    "Paul-Henri",
    "Marc-Antoine",
    "Jean-François",
    "Marie Anne",
)
ADULT_FIRST = _words(
    "Nathalie Isabelle Sandrine Stéphanie Céline Karine Virginie Aurélie Émilie Valérie "
    "Sophie Hélène Cécile Béatrice Françoise Laurence Delphine Séverine Laurent Stéphane "
    "Christophe Frédéric Sébastien Olivier David Jérôme Grégory Cédric Éric Thierry Pascal "
    "Hervé Denis Benoît François Philippe Jean-Luc Jean-Philippe Anne-Marie Marie-Christine"
)
# Families from elsewhere: (last names, first names). Diacritics that NFKD splits (ễ, ş, ö,
# ç) and letters it does not (ł, ı) both occur.
ELSEWHERE: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...] = (
    (
        ("Nguyễn", "Trần", "Phạm", "Lê", "Hoàng", "Võ"),
        ("Minh", "Thảo", "Linh", "Huy", "Khánh", "Ngọc Anh", "Bảo"),
    ),
    (
        ("Kowalczyk", "Kowalski", "Wiśniewski", "Nowak", "Wójcik", "Zieliński"),
        ("Łukasz", "Wojciech", "Agnieszka", "Małgorzata", "Zofia", "Kacper"),
    ),
    (
        ("Öztürk", "Yılmaz", "Şahin", "Çelik", "Demir", "Aydın"),
        ("Mehmet", "Elif", "Emre", "Aylin", "Zeynep", "Yusuf"),
    ),
    (
        ("Benali", "Benaïssa", "Bouzid", "Haddad", "Mansouri", "El Amrani", "Aït Ouali"),
        ("Yasmine", "Karim", "Aïcha", "Mohamed", "Rayan", "Inès", "Amine", "Nour", "Ilyès"),
    ),
    (
        ("Diallo", "Traoré", "Konaté", "Camara", "N'Diaye", "Sow", "Cissé", "N'Guessan", "M'Baye"),
        ("Fatoumata", "Mamadou", "Moussa", "Aminata", "Awa", "Ibrahima", "Aïssatou"),
    ),
    (
        ("Da Silva", "Dos Santos", "Ferreira", "Gonçalves", "Da Costa", "García", "Fernández"),
        ("João", "Inês", "Gonçalo", "Beatriz", "José", "Lucía", "Sofía"),
    ),
    (("O'Brien", "O'Connor", "Müller", "Schäfer"), ("Seán", "Siobhán", "Liam", "Zoë", "Jürgen")),
    (("Rossi", "Esposito", "D'Angelo", "Ricci"), ("Giulia", "Matteo", "Chiara", "Lorenzo")),
)
# Names the demo always shows: particles, apostrophes, compound first names, other alphabets.
SHOWCASE = (
    ("N'Diaye", "Aminata"),
    ("Le Goff", "Marie-Hélène"),
    ("Dupont-Moretti", "Jean-Baptiste"),
    ("de La Fontaine", "Zoë"),
    ("D'Almeida", "Inês"),
    ("O'Brien", "Siobhán"),
    ("Nguyễn", "Thảo"),
    ("Kowalczyk", "Łukasz"),
    ("Öztürk", "Elif"),
    ("Benali", "Yasmine"),
)
MAIL_DOMAINS = (
    "gmail.com",
    "orange.fr",
    "free.fr",
    "laposte.net",
    "hotmail.fr",
    "sfr.fr",
    "wanadoo.fr",
    "yahoo.fr",
    "outlook.fr",
    "icloud.com",
)
# (name, city, department), the department starting the UAI.
STREETS = (
    "rue de Sévigné", "avenue Jean-Jaurès", "boulevard Gambetta", "rue des Écoles",
    "place de la République", "chemin des Vignes", "rue Pasteur", "allée des Tilleuls",
)  # fmt: skip
SCHOOLS = (
    ("Lycée Victor-Hugo", "Paris", "075"),
    ("Collège Jean-Moulin", "Lyon", "069"),
    ("Collège Louise-Michel", "Saint-Denis", "093"),
    ("Lycée Marie-Curie", "Marseille", "013"),
    ("Collège Jules-Ferry", "Lille", "059"),
    ("Lycée Simone-Veil", "Toulouse", "031"),
    ("Collège Anne-Frank", "Bordeaux", "033"),
    ("Lycée Jean-Jaurès", "Montpellier", "034"),
    ("Collège Pierre-et-Marie-Curie", "Strasbourg", "067"),
    ("Lycée Condorcet", "Nantes", "044"),
    ("Collège Jacques-Prévert", "Rennes", "035"),
    ("Lycée Albert-Camus", "Grenoble", "038"),
    ("Collège Paul-Éluard", "Rouen", "076"),
    ("Lycée Émile-Zola", "Brest", "029"),
    ("Collège Georges-Brassens", "Dijon", "021"),
    ("Lycée Jean-Monnet", "Nancy", "054"),
    ("Collège Antoine-de-Saint-Exupéry", "Clermont-Ferrand", "063"),
    ("Lycée Gustave-Eiffel", "Limoges", "087"),
    ("Collège Aimé-Césaire", "Pointe-à-Pitre", "971"),
    ("Lycée Leconte-de-Lisle", "Saint-Denis de La Réunion", "974"),
)
ACADEMIES = {
    "075": "paris",
    "069": "lyon",
    "093": "creteil",
    "013": "aix-marseille",
    "059": "lille",
    "031": "toulouse",
    "033": "bordeaux",
    "034": "montpellier",
    "067": "strasbourg",
    "044": "nantes",
    "035": "rennes",
    "038": "grenoble",
    "076": "normandie",
    "029": "rennes",
    "021": "dijon",
    "054": "nancy-metz",
    "063": "clermont",
    "087": "limoges",
    "971": "guadeloupe",
    "974": "reunion",
}
# Telephone numbers kept for fiction by the regulator (ARCEP), by zone of the department.
_FICTION_PHONES = {
    "01 99 00": ("075", "093"),
    "02 61 91": ("044", "035", "029", "076"),
    "03 53 01": ("059", "067", "021", "054"),
    "04 65 71": ("069", "013", "034", "038", "063"),
    "05 36 49": ("031", "033", "087", "971", "974"),
}
LYCEE_CLASSES = (
    [f"2nde {c}" for c in "ABCDEFGH"]
    + [f"1re G{n}" for n in range(1, 6)]
    + ["1re STMG", "1re STI2D", "1re ST2S"]
    + [f"Tle G{n}" for n in range(1, 6)]
    + ["Tle STMG", "Tle STI2D", "Tle ST2S"]
)
COLLEGE_CLASSES = [f"{level} {c}" for level in ("6e", "5e", "4e", "3e") for c in "ABCDE"] + [
    "ULIS",
    "SEGPA 6e",
    "SEGPA 3e",
]
# AZERTY neighbours: the typos French keyboards make.
_AZERTY = ("azertyuiop", "qsdfghjklm", "wxcvbn")
_METHODS = ("en_ligne", "especes", "cheque", "carte_bancaire")
_KIND_SHARE = {  # of the pending requests; the remainder goes to exact
    MatchKind.PROBABLE: 0.14,
    MatchKind.AMBIGUOUS: 0.04,
    MatchKind.MISMATCH: 0.06,
    MatchKind.NONE: 0.07,
    MatchKind.DUPLICATE: 0.07,
    MatchKind.HAS_ACCOUNT: 0.07,
}


# --- the data -----------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class School:
    uai: str
    name: str
    lycee: bool
    academie: str
    address: tuple[str, ...] = ()  # its lines, as on the letters
    phone: str = ""  # as on the letters
    email: str = ""  # the establishment's email (a portal setting), as on the letters


@dataclass(slots=True)
class Person:
    """A host as the canteen system exports it, with what the generator knows beside."""

    id: int
    uai: str
    card: str
    last_name: str
    first_name: str
    kind: str  # eleve, commensal, stagiaire
    mode: str  # prepaye, forfait
    class_name: str
    email: str
    family: int  # same number: same parents (who use one email and one account)
    contact: str  # the email the family (or the staff member) uses on the portal


@dataclass(frozen=True, slots=True)
class RequestItem:
    portal_id: str
    uai: str
    card_digits: str
    last_name: str
    first_name: str
    email: str
    submitted_at: datetime  # aware, Paris
    expected: MatchKind

    def to_json(self) -> dict[str, str]:
        return {
            "portal_id": self.portal_id,
            "uai": self.uai,
            "card_digits": self.card_digits,
            "last_name": self.last_name,
            "first_name": self.first_name,
            "email": self.email,
            "submitted_at": self.submitted_at.isoformat(),
        }


@dataclass(frozen=True, slots=True)
class PaymentItem:
    uai: str
    card: str
    paid_at: datetime  # aware, Paris
    amount_cents: int
    method: str
    transaction: str


@dataclass(frozen=True, slots=True)
class ReceivableItem:
    uai: str
    card: str
    label: str
    amount_cents: int
    issued_on: date
    avis: str  # none, draft, validated


@dataclass(frozen=True, slots=True)
class AccountItem:
    login: str
    email: str
    uai: str
    cards: tuple[str, ...]


@dataclass
class Dataset:
    schools: list[School]
    hosts: list[Person]
    requests: list[RequestItem]
    payments: list[PaymentItem]
    receivables: list[ReceivableItem]
    accounts: list[AccountItem]

    def files(self) -> dict[str, bytes]:
        """File name → content, in the formats `packweb` reads."""
        return {
            "establishments.csv": _csv(
                ["uai", "nom", "adresse", "telephone", "courriel"],
                [[s.uai, s.name, " | ".join(s.address), s.phone, s.email] for s in self.schools],
            ),
            "hosts.csv": _csv(
                ["uai", "carte", "nom", "prenom", "type", "mode", "classe", "email"],
                [
                    [
                        h.uai,
                        h.card,
                        h.last_name,
                        h.first_name,
                        h.kind,
                        h.mode,
                        h.class_name,
                        h.email,
                    ]
                    for h in self.hosts
                ],
            ),
            "requests.json": (
                json.dumps([r.to_json() for r in self.requests], ensure_ascii=False, indent=1)
                + "\n"
            ).encode(),
            "payments.csv": _csv(
                ["uai", "carte", "date", "montant", "moyen", "transaction"],
                [
                    [
                        p.uai,
                        p.card,
                        p.paid_at.strftime("%d/%m/%Y %H:%M"),
                        format_euros(p.amount_cents),
                        p.method,
                        p.transaction,
                    ]
                    for p in self.payments
                ],
            ),
            "receivables.csv": _csv(
                ["uai", "carte", "libelle", "montant", "emis_le", "avis"],
                [
                    [
                        r.uai,
                        r.card,
                        r.label,
                        format_euros(r.amount_cents),
                        r.issued_on.strftime("%d/%m/%Y"),
                        r.avis,
                    ]
                    for r in self.receivables
                ],
            ),
            "accounts.csv": _csv(
                ["login", "email", "uai", "cartes"],
                [[a.login, a.email, a.uai, " ".join(a.cards)] for a in self.accounts],
            ),
        }

    def write(self, outdir: Path) -> list[Path]:
        outdir.mkdir(parents=True, exist_ok=True)
        written = []
        for name, content in self.files().items():
            path = outdir / name
            path.write_bytes(content)
            written.append(path)
        return written

    def summary(self) -> str:
        kinds = Counter(r.expected.value for r in self.requests)
        methods = Counter(p.method for p in self.payments)
        avis = Counter(r.avis for r in self.receivables)
        forfait = sum(h.mode == "forfait" for h in self.hosts)
        return (
            f"{len(self.schools)} établissement(s), {len(self.hosts)} hôtes "
            f"({forfait} au forfait), {len(self.requests)} demandes {dict(sorted(kinds.items()))}, "
            f"{len(self.payments)} paiements {dict(sorted(methods.items()))}, "
            f"{len(self.receivables)} créances {dict(sorted(avis.items()))}, "
            f"{len(self.accounts)} comptes"
        )


@dataclass(frozen=True)
class Spec:
    seed: int
    schools: int
    hosts: int
    requests: int
    payments: int
    accounts: int
    reference: datetime  # aware; the newest request and payment are at most this
    request_days: int  # pending requests go back this far
    payment_days: int
    school_sizes: tuple[int, ...] = ()  # hosts per school; else split at random


def demo_dataset(seed: int = DEMO_SEED) -> Dataset:
    """The shipped demo: a lycée and a collège, ~1,500 hosts, ~150 pending requests."""
    spec = Spec(
        seed=seed,
        schools=2,
        hosts=1500,
        requests=150,
        payments=360,
        accounts=30,
        reference=DEMO_REFERENCE,
        request_days=6,
        payment_days=28,
        school_sizes=(880, 620),
    )
    return generate(spec)


def scale_dataset(
    hosts: int = 100_000,
    requests: int = 10_000,
    payments: int = 50_000,
    establishments: int = 20,
    seed: int = SCALE_SEED,
) -> Dataset:
    """The benchmark set: as many rows as asked, spread over `establishments` schools."""
    spec = Spec(
        seed=seed,
        schools=establishments,
        hosts=hosts,
        requests=requests,
        payments=payments,
        accounts=max(hosts // 50, requests // 10),
        reference=DEMO_REFERENCE,
        request_days=10,
        payment_days=120,
    )
    return generate(spec)


def generate(spec: Spec) -> Dataset:
    rng = random.Random(spec.seed)
    gen = _Generator(rng, spec)
    return gen.run()


# --- the generator ------------------------------------------------------------------------
class _Generator:
    def __init__(self, rng: random.Random, spec: Spec) -> None:
        self.rng = rng
        self.spec = spec
        self.schools: list[School] = []
        self.hosts: list[Person] = []
        self.by_school: dict[str, list[Person]] = defaultdict(list)
        self.by_suffix: dict[tuple[str, str], list[Person]] = defaultdict(list)
        self.cards: set[tuple[str, str]] = set()
        self.homonyms: list[tuple[Person, Person]] = []
        self.account_of: dict[int, int] = {}  # host id -> account index
        self.family_members: dict[int, list[Person]] = defaultdict(list)
        self.next_family = 0

    def run(self) -> Dataset:
        self.make_schools()
        sizes = self.school_sizes()
        ambiguous = _shares(self.spec.requests)[MatchKind.AMBIGUOUS]
        pairs = _split(ambiguous, sizes)
        for school, size, n_pairs in zip(self.schools, sizes, pairs, strict=True):
            self.make_hosts(school, size, n_pairs)
        accounts = self.make_accounts()
        requests = self.make_requests()
        receivables = self.make_receivables()
        payments = self.make_payments(receivables)
        hosts = sorted(
            self.hosts, key=lambda h: (h.uai, fold_name(h.last_name), fold_name(h.first_name))
        )
        return Dataset(self.schools, hosts, requests, payments, receivables, accounts)

    # establishments
    def make_schools(self) -> None:
        used: set[str] = set()
        for n in range(self.spec.schools):
            name, city, dept = SCHOOLS[n % len(SCHOOLS)]
            if n >= len(SCHOOLS):
                name = f"{name} {n // len(SCHOOLS) + 1}"
            if n == 0:
                digits = "0750655"  # the example code of the documentation
            else:
                while True:
                    prefix = dept if len(dept) == 3 else f"0{dept}"
                    digits = f"{prefix}{self.rng.randrange(10_000):04d}"
                    if digits not in used:
                        break
            used.add(digits)
            label = name if self.spec.schools <= 2 else f"{name} ({city})"
            street = STREETS[n % len(STREETS)]
            postcode = f"{dept[-2:]}0{n % 9 + 1:02d}" if len(dept) == 3 else f"{dept}000"
            uai = digits + uai_check_letter(digits)
            # From n, not from the random stream: the hosts and requests stay as they were.
            zone = next(p for p, depts in _FICTION_PHONES.items() if dept in depts)
            school = School(
                uai,
                label,
                name.startswith("Lycée"),
                ACADEMIES[dept],
                (f"{3 + 7 * n % 90} {street}", f"{postcode} {city}"),
                f"{zone} {10 + 7 * n % 90:02d} {20 + 13 * n % 80:02d}",
                f"intendance.{uai.lower()}@ac-{ACADEMIES[dept]}.fr",
            )
            self.schools.append(school)

    def school_sizes(self) -> list[int]:
        if self.spec.school_sizes:
            return list(self.spec.school_sizes)
        weights = [self.rng.uniform(0.6, 1.4) for _ in self.schools]
        return _split(self.spec.hosts, weights)

    # hosts
    def make_hosts(self, school: School, size: int, n_pairs: int) -> None:
        rng = self.rng
        card_length = rng.choice((6, 7, 8, 8, 9, 10, 10))  # each canteen system has its own
        forfait_share = 0.3 if school.lycee else 0.45
        classes = LYCEE_CLASSES if school.lycee else COLLEGE_CLASSES
        made = 0
        staff = round(size * 0.08)
        trainees = round(size * 0.02)
        for n in range(staff + trainees):
            kind = "commensal" if n < staff else "stagiaire"
            last, first = self.person_names(adult=True)
            pro = f"{_slug(first)}.{_slug(last)}@ac-{school.academie}.fr"
            email = pro if rng.random() < (0.7 if kind == "commensal" else 0.3) else ""
            contact = email or self.personal_email(first, last)
            mode = "forfait" if kind == "commensal" and rng.random() < 0.1 else "prepaye"
            family = self.new_family()
            self.add_host(school, card_length, last, first, kind, mode, "", email, family, contact)
            made += 1
        # The first school shows each name of SHOWCASE whatever the seed gives.
        showcase = list(SHOWCASE) if school is self.schools[0] else []
        while made < size - 2 * n_pairs:
            last, parent_last, parent_first, origin = self.family_names()
            shown = showcase.pop(0) if showcase else None
            if shown is not None:
                last = parent_last = shown[0]
            family = self.new_family()
            contact = self.personal_email(parent_first, parent_last)
            children = rng.choices((1, 2, 3), (75, 20, 5))[0]
            mode = "forfait" if rng.random() < forfait_share else "prepaye"
            for n in range(min(children, size - 2 * n_pairs - made)):
                first = shown[1] if shown and n == 0 else self.child_first_name(origin)
                email = contact if rng.random() < 0.2 else ""
                self.add_host(
                    school,
                    card_length,
                    last,
                    first,
                    "eleve",
                    mode,
                    rng.choice(classes),
                    email,
                    family,
                    contact,
                )
                made += 1
        # Homonyms whose cards end alike: two records nothing tells apart by the request.
        for _ in range(n_pairs):
            last, parent_last, parent_first, origin = self.family_names()
            first = self.child_first_name(origin)
            twins: list[Person] = []
            for _copy in range(2):
                family = self.new_family()
                contact = self.personal_email(parent_first, parent_last)
                mode = "forfait" if rng.random() < forfait_share else "prepaye"
                twins.append(
                    self.add_host(
                        school,
                        card_length,
                        last,
                        first,
                        "eleve",
                        mode,
                        rng.choice(classes),
                        "",
                        family,
                        contact,
                        same_suffix_as=twins[0].card if twins else None,
                    )
                )
            self.homonyms.append((twins[0], twins[1]))

    def new_family(self) -> int:
        self.next_family += 1
        return self.next_family

    def add_host(
        self,
        school: School,
        card_length: int,
        last: str,
        first: str,
        kind: str,
        mode: str,
        class_name: str,
        email: str,
        family: int,
        contact: str,
        same_suffix_as: str | None = None,
    ) -> Person:
        rng = self.rng
        length = card_length if rng.random() < 0.9 else rng.randint(6, 10)
        while True:
            if same_suffix_as is not None:
                length = max(length, 6)
                prefix = f"{rng.randrange(10 ** (length - 5)):0{length - 5}d}"
                card = prefix + card_suffix(same_suffix_as)
                if (school.uai, card) not in self.cards:
                    break
                continue
            card = f"{rng.randrange(10**length):0{length}d}"
            if (school.uai, card) not in self.cards and not self.by_suffix.get(
                (school.uai, card_suffix(card))
            ):
                break
        person = Person(
            len(self.hosts) + 1,
            school.uai,
            card,
            last,
            first,
            kind,
            mode,
            class_name,
            email,
            family,
            contact,
        )
        self.hosts.append(person)
        self.by_school[school.uai].append(person)
        self.by_suffix[(school.uai, card_suffix(card))].append(person)
        self.cards.add((school.uai, card))
        self.family_members[family].append(person)
        return person

    def family_names(self) -> tuple[str, str, str, int]:
        """(children's last name, a parent's last and first names, origin index or -1)."""
        rng = self.rng
        roll = rng.random()
        origin = -1
        if roll < 0.72:
            last = rng.choice(FRENCH_LAST)
        elif roll < 0.82:
            last = rng.choice(FRENCH_LAST_COMPOUND)
        elif roll < 0.85:  # a double name from both parents, hyphenated
            last = f"{rng.choice(FRENCH_LAST)}-{self.any_last_name()}"
        else:
            origin = rng.randrange(len(ELSEWHERE))
            last = rng.choice(ELSEWHERE[origin][0])
        parent_last = last if rng.random() < 0.8 else self.any_last_name()
        parent_first = rng.choice(ADULT_FIRST)
        if origin >= 0 and rng.random() < 0.6:
            parent_first = rng.choice(ELSEWHERE[origin][1])
        return last, parent_last, parent_first, origin

    def any_last_name(self) -> str:
        if self.rng.random() < 0.8:
            return self.rng.choice(FRENCH_LAST)
        return self.rng.choice(self.rng.choice(ELSEWHERE)[0])

    def child_first_name(self, origin: int) -> str:
        rng = self.rng
        if origin >= 0 and rng.random() < 0.55:
            return rng.choice(ELSEWHERE[origin][1])
        roll = rng.random()
        if roll < 0.1:
            return rng.choice(FRENCH_COMPOUND_FIRST)
        return rng.choice(FRENCH_GIRLS if roll < 0.55 else FRENCH_BOYS)

    def person_names(self, adult: bool) -> tuple[str, str]:
        last, _, parent_first, origin = self.family_names()
        if adult:
            return last, parent_first
        return last, self.child_first_name(origin)

    def personal_email(self, first: str, last: str) -> str:
        rng = self.rng
        f, ln = _slug(first), _slug(last).replace("-", "")
        domain = rng.choice(MAIL_DOMAINS)
        pattern = rng.randrange(5)
        if pattern == 0:
            local = f"{f}.{ln}"
        elif pattern == 1:
            local = f"{f[0]}.{ln}"
        elif pattern == 2:
            local = f"{ln}.{f}{rng.randrange(1, 99)}"
        elif pattern == 3:
            local = f"{f}{ln}{rng.randrange(1960, 1995)}"
        else:
            local = f"famille.{ln}"
        return f"{local}@{domain}"

    # accounts
    def make_accounts(self) -> list[AccountItem]:
        """Families (or staff) who already have a portal account, reaching all their cards
        in that establishment."""
        rng = self.rng
        twins = {h.id for pair in self.homonyms for h in pair}
        candidates = [
            h for h in self.hosts if h.id not in twins and self.family_members[h.family][0] is h
        ]
        chosen = rng.sample(candidates, min(self.spec.accounts, len(candidates)))
        used_logins: set[str] = set()
        accounts = []
        for index, first_host in enumerate(chosen):
            members = self.family_members[first_host.family]
            base = f"{_slug(first_host.first_name)}.{_slug(first_host.last_name)}"
            login, n = base, 1
            while login in used_logins:
                n += 1
                login = f"{base}{n}"
            used_logins.add(login)
            for m in members:
                self.account_of[m.id] = index
            accounts.append(
                AccountItem(
                    login, first_host.contact, first_host.uai, tuple(m.card for m in members)
                )
            )
        return accounts

    # requests
    def make_requests(self) -> list[RequestItem]:
        rng = self.rng
        shares = _shares(self.spec.requests)
        sizes = [len(self.by_school[s.uai]) for s in self.schools]
        made: list[RequestItem] = []
        # Each host is asked for at most once (twice would make a duplicate); those with an
        # account and the homonyms are kept for their own kinds.
        twins = {h.id for pair in self.homonyms for h in pair}
        with_account: dict[str, list[Person]] = defaultdict(list)
        plain: dict[str, list[Person]] = defaultdict(list)
        for h in self.hosts:
            if h.id in self.account_of:
                with_account[h.uai].append(h)
            elif h.id not in twins:
                plain[h.uai].append(h)
        for pool in (*with_account.values(), *plain.values()):
            rng.shuffle(pool)

        def take(pools: dict[str, list[Person]], uai: str) -> Person:
            if not pools[uai]:
                raise RuntimeError(f"no host left for a request in {uai}")
            return pools[uai].pop()

        plan: list[tuple[MatchKind, str]] = []
        for kind, count in shares.items():
            if kind is MatchKind.DUPLICATE:
                continue
            for school, n in zip(self.schools, _split(count, sizes), strict=True):
                plan.extend((kind, school.uai) for _ in range(n))
        homonyms_by_school: dict[str, list[tuple[Person, Person]]] = defaultdict(list)
        for pair in self.homonyms:
            homonyms_by_school[pair[0].uai].append(pair)

        for kind, uai in plan:
            for _attempt in range(200):
                if kind is MatchKind.EXACT:
                    host = take(plain, uai)
                    last, first = self.typed_as_is(host)
                    digits, email = card_suffix(host.card), host.contact
                elif kind is MatchKind.HAS_ACCOUNT:
                    host = take(with_account, uai)
                    last, first = self.typed_as_is(host)
                    digits, email = card_suffix(host.card), host.contact
                elif kind is MatchKind.PROBABLE:
                    host = take(plain, uai)
                    last, first = self.typed_close(host)
                    digits, email = card_suffix(host.card), host.contact
                elif kind is MatchKind.AMBIGUOUS:
                    pair = homonyms_by_school[uai].pop()
                    last, first = self.typed_as_is(pair[0])
                    digits, email = card_suffix(pair[0].card), pair[rng.randrange(2)].contact
                elif kind is MatchKind.MISMATCH:
                    # The card typed is someone else's: a mistake or an attempt.
                    host = take(plain, uai)
                    other = rng.choice(self.by_school[uai])
                    last, first = self.typed_as_is(other)
                    digits, email = card_suffix(host.card), other.contact
                else:  # NONE: one digit mistyped, and no card ends that way
                    host = take(plain, uai)
                    last, first = self.typed_as_is(host)
                    digits, email = self.mistyped_digits(host), host.contact
                item = RequestItem("", uai, digits, last, first, email, _EPOCH, kind)
                if self.classify(item) is kind:
                    made.append(item)
                    break
            else:
                raise RuntimeError(f"could not make a {kind} request in {uai}")

        made = [replace_time(r, self.submission_time()) for r in made]
        # The same person again, later, sometimes typed another way or from another address.
        recent_enough = [
            r
            for r in made
            if r.expected is not MatchKind.AMBIGUOUS
            and r.submitted_at < self.spec.reference - timedelta(hours=3)
        ]
        originals = rng.sample(recent_enough, shares[MatchKind.DUPLICATE])
        for original in originals:
            later = original.submitted_at + timedelta(minutes=rng.randint(20, 3 * 24 * 60))
            later = min(later, self.spec.reference - timedelta(minutes=rng.randint(1, 120)))
            host_like = (original.last_name, original.first_name)
            last, first = self.restyle(*host_like)
            email = original.email
            if rng.random() < 0.3:
                email = self.personal_email(first, last)
            made.append(
                RequestItem(
                    "",
                    original.uai,
                    original.card_digits,
                    last,
                    first,
                    email,
                    later,
                    MatchKind.DUPLICATE,
                )
            )
        made.sort(key=lambda r: (r.submitted_at, r.uai, r.card_digits))
        numbered = []
        per_school: Counter[str] = Counter()
        for r in made:
            per_school[r.uai] += 1
            numbered.append(
                RequestItem(
                    f"{r.uai}-{per_school[r.uai]:06d}",
                    r.uai,
                    r.card_digits,
                    r.last_name,
                    r.first_name,
                    r.email,
                    r.submitted_at,
                    r.expected,
                )
            )
        self.check(numbered)
        return numbered

    def submission_time(self) -> datetime:
        """Mostly the last two days (the queue the operator works on), some older; evenings
        and week-ends are when parents fill in forms."""
        rng = self.rng
        reference = self.spec.reference
        while True:
            back = (
                rng.uniform(0, 2) if rng.random() < 0.7 else rng.uniform(2, self.spec.request_days)
            )
            day = (reference - timedelta(days=back)).date()
            hour = rng.choices(range(24), _EVENING_WEIGHTS)[0]
            moment = datetime(
                day.year,
                day.month,
                day.day,
                hour,
                rng.randrange(60),
                rng.randrange(60),
                tzinfo=PARIS,
            )
            if moment <= reference:
                return moment

    def typed_as_is(self, host: Person) -> tuple[str, str]:
        return self.restyle(host.last_name, host.first_name)

    def restyle(self, last: str, first: str) -> tuple[str, str]:
        """The same names as people type them: capitals, no accents, spaces for hyphens."""
        rng = self.rng
        style = rng.random()
        if style < 0.35:
            last = last.upper()
        elif style < 0.45:
            last, first = last.upper(), first.upper()
        elif style < 0.52:
            last, first = last.lower(), first.lower()
        if rng.random() < 0.25:
            last, first = _strip_accents(last), _strip_accents(first)
        if rng.random() < 0.3:
            first = first.replace("-", " ")
        if rng.random() < 0.3:
            last = last.replace("'", "’")
        return last, first

    def typed_close(self, host: Person) -> tuple[str, str]:
        """Close to the host's names but not equal: a typo, the fields swapped, part of a
        compound name left out, a particle glued on."""
        rng = self.rng
        last, first = host.last_name, host.first_name
        ways = ["typo_last", "typo_first", "swap"]
        if len(first.replace("-", " ").split()) > 1:
            ways += ["short_first"] * 3
        if len(last.replace("-", " ").replace("'", " ").split()) > 1:
            ways += ["short_last", "glued_last"] * 2
        way = rng.choice(ways)
        if way == "typo_last":
            last = self.typo(last)
        elif way == "typo_first":
            first = self.typo(first)
        elif way == "swap":
            last, first = first, last
        elif way == "short_first":
            first = first.replace("-", " ").split()[0]
        elif way == "short_last":
            last = last.replace("-", " ").replace("'", " ").split()[-1]
        else:
            last = last.replace(" ", "").replace("'", "")
        return self.restyle(last, first)

    def typo(self, name: str) -> str:
        rng = self.rng
        spots = [
            i
            for i in range(len(name) - 1)
            if name[i].isascii() and name[i].isalpha() and name[i + 1].isalpha()
        ]
        if not spots:
            return name + name[-1]
        i = rng.choice(spots)
        op = rng.randrange(4)
        if op == 0:
            near = _azerty_neighbours(name[i].lower())
            letter = rng.choice(near) if near else "e"
            return name[:i] + (letter.upper() if name[i].isupper() else letter) + name[i + 1 :]
        if op == 1:
            return name[:i] + name[i + 1 :]
        if op == 2:
            return name[: i + 1] + name[i] + name[i + 1 :]
        return name[:i] + name[i + 1] + name[i] + name[i + 2 :]

    def mistyped_digits(self, host: Person) -> str:
        digits = card_suffix(host.card)
        for _ in range(100):
            i = self.rng.randrange(5)
            new = digits[:i] + str(self.rng.randrange(10)) + digits[i + 1 :]
            if new != digits and not self.by_suffix.get((host.uai, new)):
                return new
        return digits

    def facts(self, host: Person) -> HostFacts:
        return HostFacts(
            host.id,
            host.card,
            host.last_name,
            host.first_name,
            fold_name(host.last_name),
            fold_name(host.first_name),
            host.id in self.account_of,
        )

    def classify(self, item: RequestItem, duplicate_of: str | None = None) -> MatchKind:
        """What the project's matching says of this request (see services/matching.py)."""
        last, first = fold_name(item.last_name), fold_name(item.first_name)
        candidates = [self.facts(h) for h in self.by_suffix.get((item.uai, item.card_digits), ())]
        result = match_request(item.card_digits, last, first, "", candidates, duplicate_of)
        return result.kind

    def check(self, requests: Sequence[RequestItem]) -> None:
        """The whole queue, matched as the store will match it: oldest first, the later
        request of the same person is a duplicate."""
        seen: set[tuple[str, str, str, str]] = set()
        for r in sorted(requests, key=lambda r: (r.submitted_at, r.portal_id)):
            person = (r.uai, r.card_digits, fold_name(r.last_name), fold_name(r.first_name))
            duplicate = "older" if person in seen else None
            seen.add(person)
            kind = self.classify(r, duplicate)
            if kind is not r.expected:
                raise AssertionError(f"{r} is {kind}, not {r.expected}")

    # créances and payments
    def make_receivables(self) -> list[ReceivableItem]:
        """Most forfait hosts owe the term; of those, most have their avis validated (the
        portal then shows it), some still in draft, a few without avis; the rest owe nothing."""
        rng = self.rng
        issued = (self.spec.reference - timedelta(days=30)).date()
        items: list[ReceivableItem] = []
        for h in self.hosts:
            if h.mode != "forfait" or rng.random() > 0.6:
                continue
            days = rng.choices((4, 5), (2, 3))[0]
            price = 1060 if h.kind == "eleve" else 1290  # cents per meal
            amount = days * 12 * price  # about twelve weeks in the first term
            avis = rng.choices(("validated", "draft", "none"), (60, 25, 15))[0]
            label = f"Forfait {days} jours — 1er trimestre"
            items.append(ReceivableItem(h.uai, h.card, label, amount, issued, avis))
        return items

    def make_payments(self, receivables: Sequence[ReceivableItem]) -> list[PaymentItem]:
        """Top-ups of prepaid accounts, and forfait payments (whole or a third) of those who
        owe one. Online references are random; counter receipts are numbered in order."""
        rng = self.rng
        due = {(r.uai, r.card): r for r in receivables}
        drafts: list[tuple[datetime, str, str, str, int]] = []
        while len(drafts) < self.spec.payments:
            host = rng.choice(self.hosts)
            method = rng.choices(_METHODS, (55, 15, 15, 15))[0]
            owed = due.get((host.uai, host.card))
            if owed is None and host.mode == "forfait":
                continue  # nothing invoiced, nothing to pay
            if owed is not None:
                amount = rng.choice((owed.amount_cents, owed.amount_cents // 3))
            else:
                amount = rng.choice((1000, 2000, 2500, 3000, 4000, 5000, 0))
                if amount == 0:
                    amount = rng.randint(5, 20) * 435  # a number of meals at 4,35 €
            drafts.append((self.payment_time(method), host.uai, method, host.card, amount))
        drafts.sort()
        used: set[tuple[str, str, str]] = set()
        counters: Counter[tuple[str, str]] = Counter()
        items: list[PaymentItem] = []
        for paid_at, uai, method, card, amount in drafts:
            while True:
                if method == "en_ligne":
                    txn = f"PF{rng.randrange(10**12):012d}"
                elif method == "cheque":
                    txn = f"{rng.randrange(10**7):07d}"
                else:
                    counters[(uai, method)] += 1
                    seq = counters[(uai, method)]
                    prefix = "ESP" if method == "especes" else "CB"
                    txn = f"{prefix}-{paid_at.year}-{seq:05d}"
                if (uai, method, txn) not in used:
                    break
            used.add((uai, method, txn))
            items.append(PaymentItem(uai, card, paid_at, amount, method, txn))
        return items

    def payment_time(self, method: str) -> datetime:
        """Online at any hour (evenings most); at the counter on weekdays, office hours."""
        rng = self.rng
        reference = self.spec.reference
        while True:
            day = (reference - timedelta(days=rng.randrange(self.spec.payment_days))).date()
            if method == "en_ligne":
                hour = rng.choices(range(24), _EVENING_WEIGHTS)[0]
            else:
                if day.weekday() >= 5 or (day.weekday() == 2 and rng.random() < 0.7):
                    continue  # closed at week-ends, mostly on Wednesday afternoons too
                hour = rng.choice((8, 9, 10, 11, 11, 12, 13, 13, 14, 15, 16))
            moment = datetime(day.year, day.month, day.day, hour, rng.randrange(60), tzinfo=PARIS)
            if moment <= reference:
                return moment


_EPOCH = datetime(2000, 1, 1, tzinfo=PARIS)
_EVENING_WEIGHTS = [1, 1, 0, 0, 0, 0, 1, 3, 4, 4, 4, 4, 5, 6, 5, 4, 4, 5, 7, 9, 10, 9, 6, 3]


def replace_time(item: RequestItem, moment: datetime) -> RequestItem:
    return RequestItem(
        item.portal_id,
        item.uai,
        item.card_digits,
        item.last_name,
        item.first_name,
        item.email,
        moment,
        item.expected,
    )


def _shares(total: int) -> dict[MatchKind, int]:
    """How many requests of each kind; at least one of each whenever there are enough."""
    counts = {kind: max(1, round(total * share)) for kind, share in _KIND_SHARE.items()}
    counts[MatchKind.EXACT] = total - sum(counts.values())
    if counts[MatchKind.EXACT] < 1:
        raise ValueError(f"{total} requests are too few to show every kind")
    return counts


def _split(total: int, weights: Sequence[float]) -> list[int]:
    """`total` in whole parts proportional to `weights` (largest remainders)."""
    scale = sum(weights)
    exact = [total * w / scale for w in weights]
    parts = [int(x) for x in exact]
    order = sorted(range(len(weights)), key=lambda i: exact[i] - parts[i], reverse=True)
    for i in order[: total - sum(parts)]:
        parts[i] += 1
    return parts


def _slug(name: str) -> str:
    """ASCII for logins and addresses: `Marie-Hélène` → `marie-helene`."""
    folded = fold_name(name).replace(" ", "-")
    return "".join(c for c in folded if c.isascii() and (c.isalnum() or c == "-")) or "x"


_NO_NFKD = str.maketrans({"ł": "l", "Ł": "L", "ı": "i", "ø": "o", "Ø": "O", "đ": "d"})


def _strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.translate(_NO_NFKD))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _azerty_neighbours(letter: str) -> str:
    for r, row in enumerate(_AZERTY):
        if letter in row:
            i = row.index(letter)
            near = row[max(i - 1, 0) : i] + row[i + 1 : i + 2]
            for other in (r - 1, r + 1):
                if 0 <= other < len(_AZERTY):
                    near += _AZERTY[other][i : i + 1]
            return near
    return ""


def _csv(header: list[str], rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="set", required=True)
    demo = sub.add_parser("demo", help="le jeu de démonstration (data/demo/)")
    demo.add_argument("outdir", type=Path)
    demo.add_argument("--seed", type=int, default=DEMO_SEED)
    scale = sub.add_parser("scale", help="le jeu des mesures de performance")
    scale.add_argument("outdir", type=Path)
    scale.add_argument("--hosts", type=int, default=100_000)
    scale.add_argument("--requests", type=int, default=10_000)
    scale.add_argument("--payments", type=int, default=50_000)
    scale.add_argument("--establishments", type=int, default=20)
    scale.add_argument("--seed", type=int, default=SCALE_SEED)
    args = parser.parse_args(argv)
    start = time.perf_counter()
    if args.set == "demo":
        dataset = demo_dataset(args.seed)
    else:
        dataset = scale_dataset(
            args.hosts, args.requests, args.payments, args.establishments, args.seed
        )
    paths = dataset.write(args.outdir)
    size = sum(p.stat().st_size for p in paths)
    print(dataset.summary())
    print(
        f"{len(paths)} fichiers dans {args.outdir} ({size / 1024:.0f} Kio) "
        f"en {time.perf_counter() - start:.1f} s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
