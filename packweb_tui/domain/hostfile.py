"""The hosts file exported by the canteen system, validated row by row."""

from __future__ import annotations

from packweb_tui.domain.emails import normalize_email
from packweb_tui.domain.errors import InputError, InputErrors
from packweb_tui.domain.hosts import (
    HostRecord,
    normalize_card,
    parse_kind,
    parse_mode,
)
from packweb_tui.domain.names import clean_text
from packweb_tui.domain.tabular import Row, read_table
from packweb_tui.domain.uai import normalize_uai

HOST_COLUMNS = ("uai", "carte", "nom", "prenom", "type", "mode", "classe", "email")
_MAX_NAME = 100


def parse_hosts(data: bytes, source: str, default_uai: str | None = None) -> list[HostRecord]:
    """Every host of the file, or InputErrors listing every bad row with its line number.
    `default_uai` (the `--uai` option) fills rows without a `uai` column or value."""
    required = ["carte", "nom", "prenom", "type", "mode"]
    if default_uai is None:
        required.insert(0, "uai")
    try:
        table = read_table(data, source, required, HOST_COLUMNS)
    except InputError as error:
        raise InputErrors([error]) from None
    hosts: list[HostRecord] = []
    errors: list[InputError] = []
    seen: dict[tuple[str, str], int] = {}
    for row in table.rows:
        where = f"{source}, ligne {row.line}"
        try:
            host = _host(row, default_uai)
        except InputError as error:
            errors.append(error.located(where))
            continue
        first = seen.setdefault((host.uai, host.card), row.line)
        if first != row.line:
            errors.append(InputError(f"carte {host.card} déjà présente ligne {first}", where))
            continue
        hosts.append(host)
    if errors:
        raise InputErrors(errors)
    if not hosts:
        raise InputErrors([InputError("aucun hôte dans le fichier", source)])
    return hosts


def _host(row: Row, default_uai: str | None) -> HostRecord:
    uai_text = row.get("uai")
    uai = normalize_uai(uai_text) if uai_text else None
    if default_uai is not None:
        if uai is not None and uai != default_uai:
            raise InputError(f"UAI {uai} différent de celui demandé ({default_uai})")
        uai = default_uai
    if uai is None:
        raise InputError("UAI vide")
    email = row.get("email")
    class_name = clean_text(row.get("classe"))
    return HostRecord(
        uai=uai,
        card=normalize_card(row.get("carte")),
        last_name=_name(row.get("nom"), "nom"),
        first_name=_name(row.get("prenom"), "prénom"),
        kind=parse_kind(row.get("type")),
        mode=parse_mode(row.get("mode")),
        class_name=class_name[:20] or None,
        email=normalize_email(email) if email else None,
    )


def _name(value: str, what: str) -> str:
    name = clean_text(value)
    if not name:
        raise InputError(f"{what} vide")
    if len(name) > _MAX_NAME:
        raise InputError(f"{what} trop long ({len(name)} caractères, {_MAX_NAME} au plus)")
    return name
