"""Emails as they go on the wire: MIME messages (RFC 5322, 2045-2047) in French, built from
the outbox.

A credentials letter is `multipart/mixed`: a `multipart/alternative` with the letter as text
and as HTML, then the letter as a PDF attachment (`identifiants-<login>.pdf`). Other messages
(a rejection, the digest of new requests) are one `text/plain` part: their stored body.

The standard library's `email` package builds the same messages, but in about 5 ms each
(header objects parsed and folded in Python, the 75 KB of base64 of the PDF written line by
line): half the time a letter may take all told. The parts here are encoded by `binascii`
(quoted-printable for the text, base64 for the PDF) and the few headers with `email.header`
and `email.utils`; tests parse every message back with `email` (policy `default`) and find
no defect."""

from __future__ import annotations

import binascii
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from email.header import Header
from email.utils import format_datetime, formataddr, parseaddr
from functools import lru_cache

from packweb_tui.domain.dates import PARIS
from packweb_tui.domain.letters import LetterContent, letter_html, letter_subject, letter_text

CRLF = b"\r\n"


class AddressError(ValueError):
    """An address that cannot be written in a message (the message cannot go)."""


@dataclass(frozen=True, slots=True)
class Sender:
    """The configured sender (`[smtp] sender`): `Intendance <intendance@lycee.fr>` or a bare
    address. The address goes in the envelope (MAIL FROM), the whole in `From`."""

    name: str
    address: str

    @property
    def domain(self) -> str:
        return self.address.rsplit("@", 1)[1]

    @classmethod
    def parse(cls, value: str) -> Sender:
        """AddressError when `value` holds no usable address."""
        name, address = parseaddr(value.strip())
        if "@" not in address:
            raise AddressError(f"adresse d'expéditeur illisible : « {value} »")
        return cls(name, ascii_address(address))


@dataclass(frozen=True, slots=True)
class Attachment:
    filename: str  # ASCII: `identifiants-<login>.pdf`
    content_type: str  # "application/pdf"
    data: bytes


@dataclass(frozen=True, slots=True)
class OutgoingMail:
    """One message for one recipient, ready for SMTP."""

    sender: str  # envelope address (MAIL FROM)
    recipient: str  # envelope address (RCPT TO)
    message_id: str  # "<...>", as in the header
    data: bytes  # the whole message, CRLF line ends


def ascii_address(address: str) -> str:
    """`address` as SMTP takes it without SMTPUTF8: a non-ASCII domain in its IDNA form
    (`xn--`); AddressError for an unusable address or a non-ASCII local part."""
    address = address.strip()
    # An apostrophe is common (o'neil@...) and fine in an atom: only what SMTP cannot carry.
    if any(c in address for c in '\r\n\t <>,;"()[]\\') or address.count("@") != 1:
        raise AddressError(f"adresse « {address} » invalide")
    local, domain = address.split("@")
    if not local or not domain or domain.startswith(".") or ".." in address:
        raise AddressError(f"adresse « {address} » invalide")
    if not local.isascii():
        raise AddressError(f"adresse « {address} » : caractères non ASCII avant l'@")
    if not domain.isascii():
        try:
            domain = domain.encode("idna").decode("ascii")
        except UnicodeError:
            raise AddressError(f"adresse « {address} » : domaine invalide") from None
    return f"{local}@{domain.lower()}"


def message_id_for(outbox_id: int, created_at: datetime, domain: str) -> str:
    """The Message-ID of outbox message `outbox_id`: the same at every attempt, so that a
    message the server took but whose reply was lost (sent again later) can be recognised as
    the same one."""
    return f"<packweb.outbox.{outbox_id}.{int(created_at.timestamp())}@{domain}>"


def attachment_name(login: str) -> str:
    """`identifiants-marie-helene.dupont.pdf` (logins are ASCII: a-z, 0-9, `.`, `-`)."""
    safe = "".join(c if c.isascii() and (c.isalnum() or c in ".-_") else "_" for c in login)
    return f"identifiants-{safe}.pdf"


def letter_mail(
    content: LetterContent,
    pdf: bytes,
    sender: Sender,
    to: str,
    message_id: str,
    date: datetime | None = None,
) -> OutgoingMail:
    """The email of a credentials letter: its text, its HTML, its PDF; Reply-To the
    establishment's email when it has one."""
    return compose(
        sender=sender,
        to=to,
        subject=letter_subject(content),
        text=letter_text(content),
        html=letter_html(content),
        attachments=[Attachment(attachment_name(content.login), "application/pdf", pdf)],
        message_id=message_id,
        reply_to=content.school_email,
        date=date,
    )


def compose(
    *,
    sender: Sender,
    to: str,
    subject: str,
    text: str,
    message_id: str,
    html: str | None = None,
    attachments: Sequence[Attachment] = (),
    reply_to: str | None = None,
    date: datetime | None = None,
) -> OutgoingMail:
    """One message to `to`. AddressError for an address that cannot be written."""
    recipient = ascii_address(to)
    reply = ascii_address(reply_to) if reply_to else None
    moment = (date or datetime.now(PARIS)).astimezone(PARIS)
    head = [
        _header("Date", format_datetime(moment)),
        _from_header(sender),
        _header("To", recipient),
    ]
    if reply:
        head.append(_header("Reply-To", reply))
    head += [
        _subject_header(subject),
        _header("Message-ID", message_id),
        b"MIME-Version: 1.0\r\n",
        b"Content-Language: fr\r\n",
        b"Auto-Submitted: auto-generated\r\n",  # RFC 3834: no vacation replies to us
    ]
    body = _text_part(text, "plain")
    if html is not None:
        body = _multipart("alternative", [body, _text_part(html, "html")])
    if attachments:
        body = _multipart("mixed", [body, *(_attachment_part(a) for a in attachments)])
    return OutgoingMail(sender.address, recipient, message_id, b"".join(head) + body)


# --- encoding ---------------------------------------------------------------------------------
@lru_cache(maxsize=256)
def _from_header(sender: Sender) -> bytes:
    if sender.name and not sender.name.isascii():
        # As encoded words of 75 characters at most (RFC 2047), folded; formataddr would
        # make one word of any length of a long name.
        words = Header(sender.name, "utf-8", header_name="From").encode(linesep="\r\n")
        return f"From: {words}\r\n <{sender.address}>\r\n".encode("ascii")
    return _header("From", formataddr((sender.name, sender.address)))


@lru_cache(maxsize=256)
def _subject_header(subject: str) -> bytes:
    """(The same few subjects, message after message: encoded once.)"""
    return _header("Subject", subject)


def _header(name: str, value: str) -> bytes:
    """`Name: value` folded at 78 characters, non-ASCII text as RFC 2047 encoded words."""
    value = " ".join(value.split())  # no line break can come in from the data
    if not value.isascii():
        encoded = Header(value, "utf-8", header_name=name).encode(linesep="\r\n")
        return f"{name}: {encoded}\r\n".encode("ascii")
    line, lines = f"{name}:", []
    for word in value.split(" "):
        if len(line) + 1 + len(word) > 78 and line != f"{name}:":
            lines.append(line)
            line = ""  # the next line starts with the folding space
        line += " " + word
    return "\r\n".join([*lines, line]).encode("ascii") + CRLF


def _text_part(text: str, subtype: str) -> bytes:
    """A text part, UTF-8, quoted-printable: readable in the raw message, lines of at most
    76 characters whatever the text."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n")
    if not lines.endswith("\n"):
        lines += "\n"
    encoded = binascii.b2a_qp(lines.encode("utf-8"), quotetabs=False, istext=True)
    return (
        f'Content-Type: text/{subtype}; charset="utf-8"\r\n'
        "Content-Transfer-Encoding: quoted-printable\r\n\r\n".encode("ascii")
        + encoded.replace(b"\n", CRLF)
    )


def _attachment_part(attachment: Attachment) -> bytes:
    name = attachment.filename
    return (
        f'Content-Type: {attachment.content_type};\r\n name="{name}"\r\n'
        f'Content-Disposition: attachment;\r\n filename="{name}"\r\n'
        "Content-Transfer-Encoding: base64\r\n\r\n".encode("ascii")
        + _base64_lines(attachment.data)
    )


def _base64_lines(data: bytes) -> bytes:
    """`data` in base64, lines of 76 characters (RFC 2045), each ending with CRLF."""
    encoded = binascii.b2a_base64(data, newline=False)
    lines = [encoded[i : i + 76] for i in range(0, len(encoded), 76)]
    lines.append(b"")
    return CRLF.join(lines)


def _multipart(subtype: str, parts: Sequence[bytes]) -> bytes:
    """A multipart entity: its Content-Type header, then its parts, each ending with its
    own line end (the line end before a boundary belongs to the boundary, RFC 2046)."""
    # "=_" never occurs in quoted-printable nor in base64: the boundary cannot clash.
    boundary = f"=_packweb_{secrets.token_hex(12)}".encode("ascii")
    out = [b"Content-Type: multipart/", subtype.encode("ascii"), b';\r\n boundary="']
    out += [boundary, b'"\r\n\r\n']
    for part in parts:
        out += [b"--", boundary, CRLF, part, CRLF]
    out += [b"--", boundary, b"--", CRLF]
    return b"".join(out)
