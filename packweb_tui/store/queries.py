"""Reads written once in plain SQL, because two ways into the store run them: SQLAlchemy
(`text()`, on SQLite and PostgreSQL alike) and, while the console starts, the standard
library's sqlite3 (store/snapshot.py), before SQLAlchemy is even imported.

Parameters are named (`:name`), a style both understand. Instants come back as the driver
gives them: a `datetime` from asyncpg, text from SQLite; services/pending.py reads both."""

# The pending requests of one establishment with their attached host, oldest first (the
# 48-hour promise runs from submission). Params: eid, pending.
PENDING_ROWS = """
SELECT r.id, r.submitted_at, r.card_digits, r.last_name, r.first_name, r.email,
       r.match_kind, r.match_note, r.host_id, h.card AS host_card,
       h.last_name AS host_last_name, h.first_name AS host_first_name, r.attached_by
FROM account_requests AS r
LEFT OUTER JOIN hosts AS h ON h.id = r.host_id
WHERE r.establishment_id = :eid AND r.status = :pending
ORDER BY r.submitted_at, r.id
"""

# The cards of the candidate hosts of those requests. Params: eid, pending.
PENDING_CANDIDATES = """
SELECT c.request_id, h.card
FROM request_candidates AS c
JOIN account_requests AS r ON r.id = c.request_id
JOIN hosts AS h ON h.id = c.host_id
WHERE r.establishment_id = :eid AND r.status = :pending
ORDER BY c.request_id, h.card
"""

# Every establishment, by UAI (the console opens on the first when none was used before).
ESTABLISHMENTS = "SELECT id, uai, name FROM establishments ORDER BY uai"
