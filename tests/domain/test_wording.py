"""French counts: the word agrees with its number, 0 and 1 in the singular."""

from packweb_tui.domain.wording import agree, plural
from packweb_tui.services.outbox.report import DeliveryReport


def test_words_agree_with_their_count() -> None:
    assert [plural(n, "demande") for n in (0, 1, 2)] == ["0 demande", "1 demande", "2 demandes"]
    assert plural(3, "compte créé", "comptes créés") == "3 comptes créés"
    assert agree(1, "le demandeur", "chaque demandeur") == "le demandeur"
    assert plural(2, "nouveau", "nouveaux") == "2 nouveaux"


def test_reports_say_no_word_with_parentheses() -> None:
    report = DeliveryReport(total=1)
    assert report.summary() == "0 courriel envoyé sur 1, 1 non tenté."
