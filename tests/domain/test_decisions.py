"""The rules of the review: which requests it takes, the reason that fits each kind, which
kinds may be rejected together."""

from __future__ import annotations

from packweb_tui.domain.decisions import (
    REJECTION_REASONS,
    REVIEWED_KINDS,
    SETTLED_KINDS,
    reason_for,
)
from packweb_tui.domain.matching import MatchKind


def test_the_review_takes_every_kind_but_exact() -> None:
    assert set(MatchKind) - REVIEWED_KINDS == {MatchKind.EXACT}
    # A person chooses between candidates: never rejected in a batch.
    assert SETTLED_KINDS <= REVIEWED_KINDS
    assert not {MatchKind.PROBABLE, MatchKind.AMBIGUOUS} & SETTLED_KINDS


def test_each_kind_has_the_reason_that_fits_it() -> None:
    assert reason_for(MatchKind.NONE) == "Carte inconnue de l'établissement"
    assert reason_for(MatchKind.MISMATCH) == (
        "Nom ou prénom ne correspondant pas au titulaire de la carte"
    )
    assert reason_for(MatchKind.DUPLICATE) == "Demande en double"
    assert reason_for(MatchKind.HAS_ACCOUNT).startswith("Un compte existe déjà")
    # A host that has an account already says why, whatever the kind.
    assert reason_for(MatchKind.PROBABLE, host_has_account=True).startswith("Un compte existe")
    assert all(reason_for(kind) in REJECTION_REASONS for kind in MatchKind)
