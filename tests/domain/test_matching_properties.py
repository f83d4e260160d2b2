"""Properties of name folding and matching, over generated names (hypothesis)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from packweb_tui.domain.matching import HostFacts, MatchKind, match_request
from packweb_tui.domain.names import fold_name

# Names as people type them: letters with accents, hyphens, apostrophes, spaces.
letters = st.sampled_from(list("abcdefghijklmnopqrstuvwxyzéèêëàâäîïôöùûüçœæłøñ"))
parts = st.text(letters, min_size=1, max_size=10)
names = st.lists(parts, min_size=1, max_size=3).map(lambda p: "-".join(p))
cards = st.text(st.sampled_from("0123456789"), min_size=6, max_size=10)


@st.composite
def hosts_and_request(draw: st.DrawFn) -> tuple[list[HostFacts], str, str, str]:
    count = draw(st.integers(min_value=0, max_value=5))
    hosts = []
    for index in range(count):
        last, first = draw(names), draw(names)
        hosts.append(
            HostFacts(
                index,
                draw(cards),
                last,
                first,
                fold_name(last),
                fold_name(first),
                draw(st.booleans()),
            )
        )
    if hosts and draw(st.booleans()):  # often a request typed for one of the hosts
        target = draw(st.sampled_from(hosts))
        last, first = target.last_name, target.first_name
        digits = target.card[-5:]
    else:
        last, first = draw(names), draw(names)
        digits = draw(st.text(st.sampled_from("0123456789"), min_size=5, max_size=5))
    return hosts, digits, last, first


@given(names)
def test_folding_is_idempotent_and_ignores_case_accents_and_separators(name: str) -> None:
    folded = fold_name(name)
    assert fold_name(folded) == folded
    assert fold_name(name.upper()) == folded
    assert fold_name(name.replace("-", " ' ")) == folded
    assert folded.isascii()  # every letter of the alphabet above has an ASCII base


@settings(max_examples=400)
@given(hosts_and_request())
def test_exact_is_never_the_wrong_child(case: tuple[list[HostFacts], str, str, str]) -> None:
    hosts, digits, last, first = case
    candidates = [h for h in hosts if h.card.endswith(digits)]
    result = match_request(digits, fold_name(last), fold_name(first), last, candidates)
    if result.attached is not None:
        host = result.attached
        assert result.kind in (MatchKind.EXACT, MatchKind.HAS_ACCOUNT)
        assert host.card.endswith(digits)
        assert (host.last_folded, host.first_folded) == (fold_name(last), fold_name(first))
        same = [
            h
            for h in candidates
            if (h.last_folded, h.first_folded) == (fold_name(last), fold_name(first))
        ]
        assert same == [host]  # the only host it could be
    else:
        assert result.kind not in (MatchKind.EXACT, MatchKind.HAS_ACCOUNT)
    if not candidates:
        assert result.kind is MatchKind.NONE


@given(names, names, cards)
def test_typing_variants_of_the_holder_are_exact(last: str, first: str, card: str) -> None:
    host = HostFacts(1, card, last, first, fold_name(last), fold_name(first))
    typed_last = last.upper().replace("-", " ")
    result = match_request(card[-5:], fold_name(typed_last), fold_name(first), typed_last, [host])
    assert result.kind is MatchKind.EXACT
