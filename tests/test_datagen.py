"""bench/datagen.py: the same seed gives the same files, the shipped demo is what it makes,
and what it makes is read by the project's own parsers."""

from __future__ import annotations

import importlib.util
import json
import sys
from collections import Counter
from pathlib import Path
from types import ModuleType

import pytest

from packweb_tui.domain.hostfile import parse_hosts
from packweb_tui.domain.matching import MatchKind
from packweb_tui.domain.paymentfile import parse_payments
from packweb_tui.domain.requests import parse_request_items
from packweb_tui.domain.uai import normalize_uai
from packweb_tui.resources import demo_dir

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def datagen() -> ModuleType:
    spec = importlib.util.spec_from_file_location("datagen", ROOT / "bench" / "datagen.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["datagen"] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


def test_same_seed_same_files(datagen: ModuleType) -> None:
    assert datagen.demo_dataset().files() == datagen.demo_dataset().files()
    assert datagen.demo_dataset(seed=7).files() != datagen.demo_dataset().files()


def test_shipped_demo_is_the_generated_one(datagen: ModuleType, tmp_path: Path) -> None:
    """data/demo/ is regenerated with `python bench/datagen.py demo data/demo`."""
    assert datagen.main(["demo", str(tmp_path)]) == 0
    for path in sorted(tmp_path.iterdir()):
        shipped = demo_dir() / path.name
        assert shipped.read_bytes() == path.read_bytes(), f"{shipped} differs: regenerate it"
    total = sum((demo_dir() / p.name).stat().st_size for p in tmp_path.iterdir())
    assert total < 512 * 1024


def test_demo_content(datagen: ModuleType) -> None:
    dataset = datagen.demo_dataset()
    files = dataset.files()
    hosts = parse_hosts(files["hosts.csv"], "hosts.csv")
    assert len(hosts) == 1500
    assert {h.uai for h in hosts} == {s.uai for s in dataset.schools}
    assert all(normalize_uai(s.uai) == s.uai for s in dataset.schools)
    assert [s.name for s in dataset.schools] == ["Lycée Victor-Hugo", "Collège Jean-Moulin"]
    assert Counter(h.kind.value for h in hosts).most_common(1)[0][0] == "eleve"
    assert {h.mode.value for h in hosts} == {"prepaye", "forfait"}
    assert all(h.class_name for h in hosts if h.kind.value == "eleve")
    assert any(h.email for h in hosts) and any(not h.email for h in hosts)
    # The names that break naive comparisons are all there.
    names = {h.last_name for h in hosts} | {h.first_name for h in hosts}
    assert any("-" in n and any(c in "éèëêï" for c in n) for n in names)  # Marie-Hélène
    assert any(" " in n for n in names)  # Le Goff, de La Fontaine
    assert any("'" in n for n in names)  # D'Almeida, N'Diaye
    assert any(c in "".join(names) for c in "łŁıễşç")  # letters from elsewhere
    requests = parse_request_items(json.loads(files["requests.json"]), "requests.json")
    assert 140 <= len(requests) <= 160
    kinds = Counter(r.expected for r in dataset.requests)
    assert set(kinds) == set(MatchKind) and kinds[MatchKind.EXACT] > len(requests) / 2
    payments = parse_payments(files["payments.csv"], "payments.csv")
    assert {p.method.value for p in payments} == {
        "en_ligne",
        "especes",
        "cheque",
        "carte_bancaire",
    }
    assert {r.avis for r in dataset.receivables} == {"none", "draft", "validated"}
    assert len(dataset.accounts) == 30
    assert any(len(a.cards) > 1 for a in dataset.accounts)


def test_scale_set_from_the_command_line(datagen: ModuleType, tmp_path: Path) -> None:
    args = ["--hosts", "3000", "--requests", "300", "--payments", "800"]
    assert datagen.main(["scale", str(tmp_path), *args, "--establishments", "3"]) == 0
    hosts = parse_hosts((tmp_path / "hosts.csv").read_bytes(), "hosts.csv")
    assert len(hosts) == 3000 and len({h.uai for h in hosts}) == 3
    assert len({(h.uai, h.card) for h in hosts}) == 3000
    assert all(6 <= len(h.card) <= 10 for h in hosts)
    items = json.loads((tmp_path / "requests.json").read_bytes())
    assert len(parse_request_items(items, "requests.json")) == 300
    assert len(parse_payments((tmp_path / "payments.csv").read_bytes(), "p.csv")) == 800
