"""Reading the spreadsheets that canteen software exports: header row, `;`, `,` or tab,
UTF-8 (with or without BOM) or Windows-1252, CRLF or LF."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass

from packweb_tui.domain.errors import InputError
from packweb_tui.domain.names import fold_name
from packweb_tui.domain.wording import agree

_SEPARATORS = (";", "\t", ",")


def decode_text(data: bytes) -> str:
    """UTF-8 when it is valid UTF-8 (a BOM is dropped), else Windows-1252, which is what
    French office software writes when it does not write UTF-8."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def header_key(name: str) -> str:
    """Column names compare without case, accents or spaces: "Prénom" is `prenom`."""
    return fold_name(name).replace(" ", "_")


@dataclass(frozen=True, slots=True)
class Row:
    line: int
    values: dict[str, str]  # cells already stripped of surrounding spaces

    def get(self, key: str) -> str:
        return self.values.get(key, "")


@dataclass(frozen=True, slots=True)
class Table:
    columns: tuple[str, ...]
    rows: list[Row]


def read_table(data: bytes, source: str, required: Sequence[str], known: Sequence[str]) -> Table:
    """Parse `data` into rows keyed by folded column name. `source` names the file in
    messages; a missing required column or an unknown one is an InputError on line 1."""
    text = decode_text(data)
    first_line = text.split("\n", 1)[0]
    separator = max(_SEPARATORS, key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator)
    try:
        header = next(reader)
    except StopIteration:
        raise InputError("fichier vide : une ligne d'en-tête est attendue", source) from None
    columns = tuple(header_key(h) for h in header)
    where = f"{source}, ligne 1"
    unknown = [h for h, key in zip(header, columns, strict=True) if key and key not in known]
    if unknown:
        raise InputError(
            f"{agree(len(unknown), 'colonne inconnue', 'colonnes inconnues')} : "
            f"{', '.join(unknown)} (attendues : {', '.join(known)})",
            where,
        )
    missing = [c for c in required if c not in columns]
    if missing:
        raise InputError(
            f"{agree(len(missing), 'colonne manquante', 'colonnes manquantes')} : "
            f"{', '.join(missing)}",
            where,
        )
    rows = []
    for cells in reader:
        if not "".join(cells).strip():
            continue  # blank lines (often at the end of an export) are not rows
        if len(cells) > len(columns) and "".join(cells[len(columns) :]).strip():
            raise InputError(
                f"{len(cells)} valeurs pour {len(columns)} colonnes (séparateur « {separator} »)",
                f"{source}, ligne {reader.line_num}",
            )
        rows.append(Row(reader.line_num, dict(zip(columns, map(str.strip, cells), strict=False))))
    return Table(columns, rows)
