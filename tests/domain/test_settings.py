"""The rules of the portal settings and of the dated closures (domain/settings.py): any text
typed into any field gives a valid value or a clear French message, never another error."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from packweb_tui.domain.closures import (
    ClosurePeriod,
    check_closure,
    closure_problems,
    portal_today,
    read_closure,
)
from packweb_tui.domain.dates import parse_day
from packweb_tui.domain.errors import InputError, InputErrors
from packweb_tui.domain.settings import (
    DEFAULTS,
    FIELD_BY_KEY,
    FIELDS,
    SETTING_KEYS,
    Kind,
    PortalSettingsValues,
    format_setting,
    parse_assignments,
    parse_setting,
    read_form,
    setting_problem,
    value_problems,
)

TODAY = date(2026, 9, 5)
NOEL = ClosurePeriod(date(2026, 12, 19), date(2027, 1, 4), "Noël")
HIVER = ClosurePeriod(date(2027, 2, 6), date(2027, 2, 21), "Hiver", True, False)

# What people type: anything, and things close to what each field wants.
near_values = st.sampled_from(
    [
        "", " ", "0", "1", "01", "-1", "1,00", "1.00", "1,5", "1,555", "1 000,00", "1000,01",
        "0,00", "0,01", "12€", "J+0", "j+3", "J+31", "J-1", "oui", "Non", "TRUE", "vrai", "2",
        "a@b.fr", "A@B.FR", "a@b", "@b.fr", "a..b@c.fr", "www.lycee.fr", "http://x",
        "https://lycée-hugo.fr/accueil?a=1#b", "ftp://a.fr", "http://a.fr:99999", "a b.fr",
        "https://user:pw@a.fr", "１２", "٣", "9" * 5000, "\x00", "\u202e", "J+" + "9" * 400,
    ]
)  # fmt: skip
typed = st.one_of(st.text(), near_values, st.text(alphabet="0123456789,.J+ -€", max_size=12))
keys = st.sampled_from(SETTING_KEYS)


def is_clear(message: str) -> bool:
    return bool(message.strip()) and "Traceback" not in message and len(message) < 300


@settings(max_examples=600)
@given(keys, typed)
@example("min_meals", "9" * 5000)
@example("reservation_lead_days", "J+" + "9" * 5000)
def test_any_text_in_any_field_gives_a_valid_value_or_a_clear_message(key: str, text: str) -> None:
    try:
        value = parse_setting(key, text)
    except InputError as error:
        assert error.where == key
        assert is_clear(error.message)
        assert setting_problem(key, text) == error.message
        return
    # A valid value: it reads back from its own text, and the services accept it.
    assert setting_problem(key, text) is None
    assert parse_setting(key, format_setting(key, value)) == value
    assert parse_setting(key, format_setting(key, value, for_form=True)) == value
    assert value_problems(DEFAULTS.with_values({key: value}), [key]) == {}


@settings(max_examples=200)
@given(st.dictionaries(keys, typed), st.booleans(), st.booleans())
def test_the_whole_form_reads_without_error(
    texts: dict[str, str], meals: bool, credit: bool
) -> None:
    entries: dict[str, str | bool] = dict(texts)
    for field in FIELDS:
        if field.kind is Kind.SWITCH and field.key in texts:
            entries[field.key] = texts[field.key].strip().lower() in ("oui", "1", "true")
    entries.update(show_meal_count=meals, show_credit_amount=credit)
    reading = read_form(entries, DEFAULTS)
    assert all(is_clear(m) for m in reading.problems.values())
    if reading.valid:
        assert (
            value_problems(reading.values, [k for k in SETTING_KEYS if k != "requests_email"]) == {}
        )
    # A field turned off by its switch is never the reason a save fails.
    if not meals:
        assert "min_meals" not in reading.problems
    if not credit:
        assert "min_credit_amount" not in reading.problems


@settings(max_examples=300)
@given(typed)
def test_any_text_as_a_day_gives_a_day_or_a_clear_message(text: str) -> None:
    try:
        day = parse_day(text)
    except InputError as error:
        assert is_clear(error.message)
        return
    assert 2000 <= day.year <= 2099
    assert parse_day(day.strftime("%d/%m/%Y")) == day


@settings(max_examples=200)
@given(typed, typed, st.text(max_size=120))
def test_any_closure_typed_is_a_period_or_clear_messages(start: str, end: str, label: str) -> None:
    try:
        period = read_closure(start, end, label)
    except InputErrors as errors:
        assert len(errors.errors) >= 2
        assert all(is_clear(e.message) and e.where for e in errors.errors)
        return
    except InputError as error:
        assert is_clear(error.message) and error.where in ("du", "au", "libellé")
        return
    assert len(period.label) <= 100
    assert all(is_clear(m) for m in closure_problems(period, [NOEL, HIVER], TODAY).values())


def test_the_fields_are_the_guides_in_its_order() -> None:
    assert [f.label for f in FIELDS] == [
        "Email de l'établissement",
        "Email pour réceptionner les demandes de création de compte",
        "Afficher le nombre de repas",
        "Nombre de repas mini",
        "Afficher le montant à créditer sur le compte Self",
        "Montant à créditer mini sur le compte Self (Euros)",
        "Montant mini pour la recharge du forfait (Euros)",
        "Adresse web de l'établissement",
        "Nombre de semaines de réservation à afficher",
        "Réservation du repas",
        "Bloquer le paiement en ligne",
        "Bloquer la réservation en ligne",
    ]
    assert SETTING_KEYS == (
        "school_email", "requests_email", "show_meal_count", "min_meals", "show_credit_amount",
        "min_credit_amount", "min_forfait_amount", "school_website", "reservation_weeks",
        "reservation_lead_days", "block_online_payment", "block_online_reservation",
    )  # fmt: skip
    assert FIELD_BY_KEY["min_meals"].depends_on == "show_meal_count"
    assert FIELD_BY_KEY["min_credit_amount"].depends_on == "show_credit_amount"


@pytest.mark.parametrize(
    ("key", "text", "value"),
    [
        ("min_credit_amount", "1,00", 100),
        ("min_credit_amount", "1.5", 150),
        ("min_credit_amount", " 1 000,00 € ", 100_000),
        ("min_forfait_amount", "0,00", 0),
        ("min_meals", " 3 ", 3),
        ("reservation_weeks", "52", 52),
        ("reservation_lead_days", "J+0", 0),
        ("reservation_lead_days", "j+2", 2),
        ("reservation_lead_days", "1", 1),
        ("show_meal_count", "Oui", True),
        ("block_online_payment", "0", False),
        ("block_online_payment", "true", True),
        ("requests_email", " Intendance@Lycee.FR ", "Intendance@lycee.fr"),
        ("school_email", "", None),
        ("school_website", "www.Lycee-Hugo.fr", "https://www.lycee-hugo.fr"),
        ("school_website", "http://lycee.fr/cantine?x=1", "http://lycee.fr/cantine?x=1"),
        ("school_website", "", None),
    ],
)
def test_values_as_people_type_them(key: str, text: str, value: object) -> None:
    assert parse_setting(key, text) == value


@pytest.mark.parametrize(
    ("key", "text", "message"),
    [
        ("requests_email", "", "obligatoire"),
        ("requests_email", "intendance", "adresse email invalide"),
        ("min_credit_amount", "1,555", "deux décimales au plus"),
        ("min_credit_amount", "0", "de 0,01 à 1 000,00"),
        ("min_forfait_amount", "-1", "de 0,00 à 1 000,00"),
        ("min_forfait_amount", "", "obligatoire"),
        ("min_meals", "0", "nombre entier de 1 à 100"),
        ("min_meals", "1,5", "nombre entier"),
        ("reservation_weeks", "53", "de 1 à 52"),
        ("reservation_lead_days", "J+31", "J+0 à J+30"),
        ("school_website", "lycee", "adresse web invalide"),
        ("school_website", "ftp://lycee.fr", "adresse web invalide"),
        ("show_meal_count", "peut-être", "oui ou non"),
    ],
)
def test_wrong_values_say_what_is_expected(key: str, text: str, message: str) -> None:
    with pytest.raises(InputError) as error:
        parse_setting(key, text)
    assert message in error.value.message


def test_unknown_key_lists_the_keys() -> None:
    with pytest.raises(InputError, match="réglage « colour » inconnu ; réglages : school_email"):
        parse_setting("colour", "red")


def test_a_dependent_field_switched_off_keeps_its_value_and_is_not_checked() -> None:
    entries: dict[str, str | bool] = {"show_meal_count": False, "min_meals": "zéro"}
    reading = read_form(entries, DEFAULTS.with_values({"min_meals": 4}))
    assert reading.valid and reading.values.min_meals == 4
    entries["show_meal_count"] = True
    assert read_form(entries, DEFAULTS).problems == {
        "min_meals": "nombre entier de 1 à 100 attendu"
    }


def test_command_line_assignments() -> None:
    assert parse_assignments(["min_meals=2", "show_meal_count=non"]) == {
        "min_meals": 2,
        "show_meal_count": False,
    }
    with pytest.raises(InputError, match="min_meals : nombre entier"):
        parse_assignments(["min_meals=deux"])
    with pytest.raises(InputErrors) as errors:
        parse_assignments(["min_meals=deux", "oops"])
    assert [str(e) for e in errors.value.errors] == [
        "min_meals : nombre entier de 1 à 100 attendu",
        "« oops » : KEY=VALEUR attendu",
    ]


def test_json_gives_every_key() -> None:
    data = PortalSettingsValues(min_credit_amount_cents=250).to_json()
    assert set(SETTING_KEYS) <= set(data)
    assert data["min_credit_amount"] == 2.5 and data["min_credit_amount_cents"] == 250


# --- closures ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("19/12/2026", date(2026, 12, 19)),
        ("1/2/2027", date(2027, 2, 1)),
        ("2026-12-19", date(2026, 12, 19)),
        (" 19.12.2026 ", date(2026, 12, 19)),
    ],
)
def test_days(text: str, day: date) -> None:
    assert parse_day(text) == day


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("31/02/2027", "le 31 février 2027 n'existe pas"),
        ("12/13/2026", "mois de 01 à 12"),
        ("19/12/1999", "année de 2000 à 2099"),
        ("demain", "date JJ/MM/AAAA attendue"),
        ("", "date obligatoire"),
    ],
)
def test_wrong_days(text: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        parse_day(text)


def test_closure_rules() -> None:
    others = [NOEL, HIVER]

    def problems(start: date, end: date, **kw: bool) -> dict[str, str]:
        return closure_problems(ClosurePeriod(start, end, "", **kw), others, TODAY)

    assert problems(date(2026, 10, 17), date(2026, 11, 2)) == {}
    assert problems(date(2026, 11, 2), date(2026, 10, 17)) == {
        "ends_on": "la fin est avant le début"
    }
    assert problems(date(2026, 9, 1), date(2026, 9, 4)) == {
        "ends_on": "période déjà terminée : elle ne peut être créée"
    }
    assert problems(date(2026, 9, 1), date(2026, 9, 5)) == {}  # ends today: still to come
    assert problems(date(2027, 1, 4), date(2027, 1, 8)) == {
        "period": "chevauche la période « Noël » du 19/12/2026 au 04/01/2027"
    }
    assert problems(date(2026, 12, 1), date(2027, 3, 1))["period"].startswith(
        "chevauche la période « Noël »"  # the first by date is named
    )
    assert problems(
        date(2026, 10, 17), date(2026, 10, 18), block_payment=False, block_reservation=False
    ) == {"blocks": "cochez au moins un blocage : paiement ou réservation"}
    past = ClosurePeriod(date(2026, 7, 1), date(2026, 8, 31), "Été")
    assert closure_problems(past, [], TODAY, previous=past) == {
        "period": "période terminée : elle ne se modifie plus"
    }
    with pytest.raises(InputError) as error:
        check_closure(ClosurePeriod(date(2027, 1, 1), date(2027, 1, 2)), others, TODAY)
    assert str(error.value) == (
        "fermeture du 01/01/2027 au 02/01/2027 : chevauche la période « Noël » du 19/12/2026 "
        "au 04/01/2027"
    )


def test_what_the_portal_shows() -> None:
    follows = ClosurePeriod(date(2027, 1, 5), date(2027, 1, 10), "", True, False)
    periods = [HIVER, NOEL, follows]
    before = portal_today(DEFAULTS, periods, TODAY)
    assert before.open and before.next_closure == NOEL
    assert before.lines() == [
        "Paiement en ligne : ouvert",
        "Réservation en ligne : ouverte",
        "Prochaine fermeture : « Noël » du 19/12/2026 au 04/01/2027 (paiement et réservation)",
    ]
    during = portal_today(DEFAULTS, periods, date(2026, 12, 25))
    assert during.lines()[:2] == [
        "Paiement en ligne : fermé jusqu'au 10/01/2027 inclus (« Noël », puis 1 autre à la suite)",
        "Réservation en ligne : fermée jusqu'au 04/01/2027 inclus (« Noël »)",
    ]
    continuous = portal_today(DEFAULTS.with_values({"block_online_payment": True}), periods, TODAY)
    assert continuous.lines()[0] == (
        "Paiement en ligne : fermé (fermeture continue, jusqu'à décocher la case)"
    )
    assert continuous.reservation is None
    last_day = portal_today(DEFAULTS, periods, date(2027, 2, 21))
    assert last_day.payment is not None and last_day.payment.until == date(2027, 2, 21)
    assert last_day.reservation is None  # Hiver blocks payment only
    assert portal_today(DEFAULTS, periods, date(2027, 2, 22)).open
    assert portal_today(DEFAULTS, [], TODAY + timedelta(days=1)).next_closure is None
