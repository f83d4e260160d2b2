"""Counts read as counts in the decisions' dialogs and reports: « 1 compte sera créé ; il… »,
« 1 demande : l'hôte a déjà un compte », never « 1 : … » nor « chacun » after one."""

from __future__ import annotations

from packweb_tui.domain.decisions import SkipReason
from packweb_tui.services.decisions.approve import ApprovalItem, ApprovalPlan, ApprovalReport
from packweb_tui.services.decisions.reject import RejectionReport
from packweb_tui.services.decisions.selection import Skipped
from packweb_tui.tui.screens.decisions import approval_question


def plan(created: int, skipped: list[SkipReason]) -> ApprovalPlan:
    items = [ApprovalItem(i, 1, 1, i, "DUPONT", "Marie", "p@exemple.fr") for i in range(created)]
    return ApprovalPlan(items, [Skipped(100 + i, r) for i, r in enumerate(skipped)], {1})


def test_the_confirmation_counts_in_words() -> None:
    _, body, can = approval_question(plan(1, [SkipReason.HAS_ACCOUNT]))
    text = body.plain
    assert can and text.startswith("1 compte sera créé ; il aura sa lettre d'identifiants.")
    assert "chacun" not in text
    assert "1 ligne ignorée :" in text
    assert "  • 1 demande : l'hôte a déjà un compte" in text and "• 1 :" not in text
    text = approval_question(plan(3, [SkipReason.HAS_ACCOUNT] * 2))[1].plain
    assert text.startswith("3 comptes seront créés, chacun avec sa lettre d'identifiants.")
    assert "  • 2 demandes : l'hôte a déjà un compte" in text
    _, body, can = approval_question(plan(0, [SkipReason.DECIDED]))
    assert not can and body.plain.startswith("Aucun compte ne sera créé.")


def test_reports_count_requests_not_reasons() -> None:
    assert plan(3, [SkipReason.NOT_CONFIRMED] * 4).summary() == (
        "3 comptes à créer ; 4 lignes ignorées "
        "(4 demandes : rapprochement ni exact ni confirmé à la main)."
    )
    report = ApprovalReport(2, skipped=[Skipped(7, SkipReason.HAS_ACCOUNT)])
    assert report.summary_lines()[1:] == [
        "1 ligne ignorée :",
        "  1 demande : l'hôte a déjà un compte (proposer « mot de passe oublié ») — n° 7",
    ]
    decided = [Skipped(8, SkipReason.DECIDED), Skipped(9, SkipReason.DECIDED)]
    rejection = RejectionReport(2, [1], decided)
    assert rejection.summary_lines()[-1] == "  2 demandes : déjà acceptée ou refusée — n° 8, n° 9"


def test_unsaved_settings_count_the_others() -> None:
    from types import SimpleNamespace

    from packweb_tui.domain.settings import FIELD_BY_KEY
    from packweb_tui.tui.panes.settings import SettingsPane

    pane = SettingsPane()
    pane.view = SimpleNamespace(name="Lycée", uai="0750655E")  # type: ignore[assignment]
    keys = list(FIELD_BY_KEY)
    for changed, tail in ((5, " et 1 autre."), (6, " et 2 autres.")):
        pane.changed_keys = lambda n=changed: keys[:n]  # type: ignore[method-assign]
        assert tail in pane._question("de partir").plain.split("\n")[0]
