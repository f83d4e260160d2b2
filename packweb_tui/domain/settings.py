"""The portal settings of an establishment (the guide's "Configurer mon espace numérique"
screen): what each value may be, read from what people type; their defaults, which the store
takes for a new row. Its dated closures are in closures.py. Pure: no I/O.

Every function that reads typed text gives back a valid value or an InputError whose message
says, in French, what is expected; none lets another exception out."""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, fields, replace
from typing import Any
from urllib.parse import urlsplit

from packweb_tui.domain.emails import normalize_email
from packweb_tui.domain.errors import InputError, InputErrors
from packweb_tui.domain.money import format_euros, parse_euros
from packweb_tui.domain.names import clean_text

SettingValue = str | bool | int | None


class Kind(enum.Enum):
    EMAIL = "email"
    SWITCH = "switch"
    COUNT = "count"
    EUROS = "euros"
    WEB = "web"
    LEAD = "lead"  # J+N


@dataclass(frozen=True, slots=True)
class SettingField:
    """One field of the screen: its key (docs/domain.md), its French label (the guide's), what
    it holds, its bounds and the switch it depends on."""

    key: str
    label: str
    kind: Kind
    required: bool = False
    low: int = 0  # bounds of counts, J+N and amounts (in cents), both included
    high: int = 0
    depends_on: str | None = None  # the switch that turns this field on
    attribute: str = ""  # PortalSettingsValues' attribute (the key unless said)
    hint: str = ""  # shown beside the field when it is valid

    @property
    def name(self) -> str:
        return self.attribute or self.key


EMAIL_MAX = 254
WEB_MAX = 300
MAX_CENTS = 100_000  # 1 000,00 €: a bigger minimum is a typing slip

# In the guide's order (its left column, then "Fermeture continue").
FIELDS: tuple[SettingField, ...] = (
    SettingField("school_email", "Email de l'établissement", Kind.EMAIL),
    SettingField(
        "requests_email",
        "Email pour réceptionner les demandes de création de compte",
        Kind.EMAIL,
        required=True,
    ),
    SettingField("show_meal_count", "Afficher le nombre de repas", Kind.SWITCH),
    SettingField(
        "min_meals",
        "Nombre de repas mini",
        Kind.COUNT,
        low=1,
        high=100,
        depends_on="show_meal_count",
    ),
    SettingField(
        "show_credit_amount", "Afficher le montant à créditer sur le compte Self", Kind.SWITCH
    ),
    SettingField(
        "min_credit_amount",
        "Montant à créditer mini sur le compte Self (Euros)",
        Kind.EUROS,
        low=1,
        high=MAX_CENTS,
        depends_on="show_credit_amount",
        attribute="min_credit_amount_cents",
    ),
    SettingField(
        "min_forfait_amount",
        "Montant mini pour la recharge du forfait (Euros)",
        Kind.EUROS,
        required=True,
        low=0,
        high=MAX_CENTS,
        attribute="min_forfait_amount_cents",
        hint="0,00 : pas de minimum",
    ),
    SettingField("school_website", "Adresse web de l'établissement", Kind.WEB),
    SettingField(
        "reservation_weeks",
        "Nombre de semaines de réservation à afficher",
        Kind.COUNT,
        low=1,
        high=52,
    ),
    SettingField(
        "reservation_lead_days",
        "Réservation du repas",
        Kind.LEAD,
        low=0,
        high=30,
        hint="J+0 : le jour même, J+1 : à partir du lendemain…",
    ),
    SettingField("block_online_payment", "Bloquer le paiement en ligne", Kind.SWITCH),
    SettingField("block_online_reservation", "Bloquer la réservation en ligne", Kind.SWITCH),
)
FIELD_BY_KEY: dict[str, SettingField] = {f.key: f for f in FIELDS}
SETTING_KEYS: tuple[str, ...] = tuple(f.key for f in FIELDS)


@dataclass(frozen=True, slots=True)
class PortalSettingsValues:
    """The values of the screen, each valid; the defaults are the guide's."""

    school_email: str | None = None
    requests_email: str | None = None
    show_meal_count: bool = True
    min_meals: int = 1
    show_credit_amount: bool = True
    min_credit_amount_cents: int = 100
    min_forfait_amount_cents: int = 0
    school_website: str | None = None
    reservation_weeks: int = 8
    reservation_lead_days: int = 0
    block_online_payment: bool = False
    block_online_reservation: bool = False

    def get(self, key: str) -> SettingValue:
        """The value of the setting named `key` (docs/domain.md)."""
        value: SettingValue = getattr(self, FIELD_BY_KEY[key].name)
        return value

    def with_values(self, values: Mapping[str, SettingValue]) -> PortalSettingsValues:
        """A copy with the settings named by key in `values` replaced."""
        changes: dict[str, Any] = {FIELD_BY_KEY[k].name: v for k, v in values.items()}
        return replace(self, **changes)

    def as_dict(self) -> dict[str, SettingValue]:
        """Every setting by key, in the guide's order."""
        return {key: self.get(key) for key in SETTING_KEYS}

    def to_json(self) -> dict[str, object]:
        """Every key; amounts in euros (a number) and in cents (exact)."""
        data: dict[str, object] = {}
        for field in FIELDS:
            value = self.get(field.key)
            if field.kind is Kind.EUROS:
                assert isinstance(value, int)
                data[field.key] = value / 100
                data[field.attribute] = value
            else:
                data[field.key] = value
        return data


ATTRIBUTES: tuple[str, ...] = tuple(f.name for f in fields(PortalSettingsValues))
DEFAULTS = PortalSettingsValues()


# --- reading typed values -----------------------------------------------------------------------
_TRUE = {"oui", "o", "true", "vrai", "1", "yes", "y", "on"}
_FALSE = {"non", "n", "false", "faux", "0", "no", "off"}
_COUNT = re.compile(r"[0-9]{1,9}")
_LEAD = re.compile(r"(?:[jJ]\s*\+?\s*)?([0-9]{1,9})")
_HOST_LABEL = re.compile(r"(?!-)[a-z0-9-]{1,63}(?<!-)")
_TLD = re.compile(r"(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})")
_WEB_CHARS = re.compile(r"[\x21-\x7e\u00a0-\uffff]+")  # no space, no control character


def parse_setting(key: str, text: str) -> SettingValue:
    """The value of setting `key` read from `text` as typed (in the console or on the command
    line); InputError located at the key when it is not a valid one."""
    field = FIELD_BY_KEY.get(key)
    if field is None:
        raise InputError(
            f"réglage « {clean_text(key)[:40]} » inconnu ; réglages : {', '.join(SETTING_KEYS)}"
        )
    try:
        return _parse(field, text)
    except InputError as error:
        raise error.located(key) from None


def setting_problem(key: str, text: str) -> str | None:
    """What is wrong with `text` for setting `key`, None when it is valid."""
    try:
        parse_setting(key, text)
    except InputError as error:
        return error.message
    return None


def _parse(field: SettingField, text: str) -> SettingValue:
    value = text.strip()
    if field.kind is Kind.SWITCH:
        word = value.lower()
        if word in _TRUE:
            return True
        if word in _FALSE:
            return False
        raise InputError("oui ou non attendu")
    if not value:
        if field.required or field.kind not in (Kind.EMAIL, Kind.WEB):
            raise InputError("obligatoire")
        return None
    match field.kind:
        case Kind.EMAIL:
            return _parse_email(value)
        case Kind.WEB:
            return parse_web_address(value)
        case Kind.COUNT:
            return _bounded(field, _COUNT.fullmatch(value), "nombre entier")
        case Kind.LEAD:
            return _bounded(field, _LEAD.fullmatch(value), "J+N")
        case Kind.EUROS:
            return _parse_amount(field, value)
    raise AssertionError(field.kind)  # pragma: no cover


def _parse_email(value: str) -> str:
    try:
        email = normalize_email(value)
    except InputError:
        raise InputError("adresse email invalide (par ex. intendance@lycee.fr)") from None
    if len(email) > EMAIL_MAX:  # pragma: no cover (normalize_email checks it too)
        raise InputError(f"adresse email trop longue ({EMAIL_MAX} caractères au plus)")
    return email


def _bounded(field: SettingField, match: re.Match[str] | None, what: str) -> int:
    if field.kind is Kind.LEAD:
        expected = f"J+{field.low} à J+{field.high} attendu"
    else:
        expected = f"{what} de {field.low} à {field.high} attendu"
    if match is None:
        raise InputError(expected)
    number = int(match[1] if field.kind is Kind.LEAD else match[0])
    if not field.low <= number <= field.high:
        raise InputError(expected)
    return number


def _parse_amount(field: SettingField, value: str) -> int:
    expected = (
        f"montant en euros de {format_euros(field.low)} à {format_euros(field.high)}, "
        "deux décimales au plus (par ex. 1,00)"
    )
    try:
        cents = parse_euros(value)
    except (InputError, ValueError):
        raise InputError(expected) from None
    if not field.low <= cents <= field.high:
        raise InputError(expected)
    return cents


def parse_web_address(text: str) -> str:
    """A web site's address, `https://` added when no scheme is typed
    (``www.lycee-hugo.fr`` → ``https://www.lycee-hugo.fr``); InputError if it is not one."""
    problem = InputError("adresse web invalide (par ex. https://www.lycee-hugo.fr)")
    value = text.strip()
    if not value or not _WEB_CHARS.fullmatch(value):
        raise problem
    if "://" not in value:
        value = "https://" + value
    try:
        parts = urlsplit(value)
        port = parts.port  # a bad port raises ValueError
        host = (parts.hostname or "").rstrip(".")
        ascii_host = host.encode("idna").decode("ascii") if not host.isascii() else host
    except (ValueError, UnicodeError):
        raise problem from None
    labels = ascii_host.lower().split(".")
    if (
        parts.scheme.lower() not in ("http", "https")
        or parts.username is not None
        or parts.password is not None
        or len(labels) < 2
        or not all(_HOST_LABEL.fullmatch(label) for label in labels)
        or not _TLD.fullmatch(labels[-1])
        or len(ascii_host) > 253
    ):
        raise problem
    netloc = host.lower() + (f":{port}" if port is not None else "")
    address = f"{parts.scheme.lower()}://{netloc}{parts.path}"
    if parts.query:
        address += f"?{parts.query}"
    if parts.fragment:
        address += f"#{parts.fragment}"
    if len(address) > WEB_MAX:
        raise InputError(f"adresse web trop longue ({WEB_MAX} caractères au plus)")
    return address


def format_setting(key: str, value: SettingValue, *, for_form: bool = False) -> str:
    """The text of a value, as `parse_setting` reads it back: ``oui``/``non``, ``1,00`` (no
    thousands separator, so that ``KEY=VALUE`` needs no quoting), ``J+1`` in the form and
    ``1`` on the command line, empty for no address."""
    field = FIELD_BY_KEY[key]
    if value is None:
        return ""
    if field.kind is Kind.SWITCH:
        return "oui" if value else "non"
    if field.kind is Kind.EUROS:
        assert isinstance(value, int)
        return format_euros(value).replace(" ", "")
    if field.kind is Kind.LEAD and for_form:
        return f"J+{value}"
    return str(value)


@dataclass(frozen=True, slots=True)
class FormReading:
    """What the form holds: the values (the previous one where a field is wrong), and a
    message for each wrong field."""

    values: PortalSettingsValues
    problems: dict[str, str]

    @property
    def valid(self) -> bool:
        return not self.problems


def read_form(entries: Mapping[str, str | bool], previous: PortalSettingsValues) -> FormReading:
    """Read the whole form: text fields by key as typed, switches as booleans. A field turned
    off by its switch is not checked (it keeps its previous value when wrong); a required
    field must be filled."""
    values: dict[str, SettingValue] = {}
    problems: dict[str, str] = {}
    for field in FIELDS:
        if field.key not in entries:
            continue
        entry = entries[field.key]
        if isinstance(entry, bool):
            values[field.key] = entry
            continue
        try:
            values[field.key] = parse_setting(field.key, entry)
        except InputError as error:
            if field.depends_on is not None and entries.get(field.depends_on) is False:
                continue  # off: not shown on the portal, not the operator's concern now
            problems[field.key] = error.message
    return FormReading(previous.with_values(values), problems)


def value_problems(
    values: PortalSettingsValues, keys: Iterable[str] = SETTING_KEYS
) -> dict[str, str]:
    """Each of `keys` whose value is not one `parse_setting` could give, with why (the
    services check what they are handed, whoever hands it)."""
    problems = {}
    for key in keys:
        value = values.get(key)
        if not _is_valid(FIELD_BY_KEY[key], value):
            text = format_setting(key, value) if value is not None else ""
            problems[key] = setting_problem(key, text) or "valeur invalide"
    return problems


def _is_valid(field: SettingField, value: SettingValue) -> bool:
    if field.kind is Kind.SWITCH:
        return isinstance(value, bool)
    if field.kind in (Kind.EMAIL, Kind.WEB):
        if value is None:
            return not field.required
        return isinstance(value, str) and _reads_back(field.key, value)
    if isinstance(value, bool) or not isinstance(value, int):
        return False
    return field.low <= value <= field.high


def _reads_back(key: str, value: str) -> bool:
    try:
        return parse_setting(key, value) == value
    except InputError:
        return False


def parse_assignments(items: Sequence[str]) -> dict[str, SettingValue]:
    """``KEY=VALUE`` arguments of the command line, each read as the console reads its field;
    InputErrors listing every wrong one (nothing is then to be written)."""
    values: dict[str, SettingValue] = {}
    errors: list[InputError] = []
    for item in items:
        key, sep, text = item.partition("=")
        key = key.strip()
        if not sep:
            errors.append(InputError(f"« {clean_text(item)[:40]} » : KEY=VALEUR attendu"))
            continue
        try:
            values[key] = parse_setting(key, text)
        except InputError as error:
            errors.append(error)
    if len(errors) == 1:
        raise errors[0]
    if errors:
        raise InputErrors(errors)
    if not values:
        raise InputError("aucun réglage donné : KEY=VALEUR attendu")
    return values
