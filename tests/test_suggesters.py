"""Plugged-in suggesters: a fake model module (by module:callable and by entry point), the
spaCy adapter on a real local pipeline, the never-download adapters' messages, and the
guarantees of ``warraq suggest`` with them: origin = the suggester's name, idempotent,
rejections respected, a failing plugin costs one line and one article."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest

from store.arabic import tokenize
from store.errors import SuggesterError
from store.records import SpanStatus
from store.schema import Schema
from store.store import Store
from store.suggest import SuggestCounts, run_suggester
from store.suggesters import bio_spans, load_suggester
from tui import cli

ARTICLES = {
    "a1": "استقبل بوتين الأسد في موسكو.\nوقال بوتين إن روسيا تدعم سوريا.",
    "a2": "وصل الرئيس السوري إلى موسكو حيث التقى بوتين.",
    "a3": "هذا النص يحتوي كلمة انفجار تجعل النموذج يفشل، مع بوتين.",
}

PLUGIN = '''
"""A fake model: finds a few words, fails on one, returns junk on request."""
WORDS = {"بوتين": "PERSON", "موسكو": "GPE", "روسيا": "GPE", "سوريا": "GPE"}


def _find(text):
    for word, label in WORDS.items():
        start = text.find(word)
        while start != -1:
            yield start, start + len(word), label, 0.75
            start = text.find(word, start + 1)


def predict(text):
    if "انفجار" in text:
        raise RuntimeError("model exploded\\nsecond line of the traceback")
    return [(s, e, "PERS" if lab == "PERSON" else lab, sc) for s, e, lab, sc in _find(text)]


def junk(text):
    return [(0, 3, "PERS"), (5, 10_000, "GPE"), ("a", 2, "GPE"), (3, 1, "GPE"), "nonsense",
            {"start": 0, "end": 2, "label": "ORG", "score": 0.5}]


class Named:
    name = "fake-ner"

    def __call__(self, text):
        return [(s, e, "GPE") for s, e, lab, _ in _find(text) if lab == "GPE"]

    def with_model(self, path):
        model = Named()
        model.path = path
        return model


named = Named()
not_callable = 42
'''

ENTRY_POINTS = """\
[warraq.suggesters]
fakemodel = warraq_fake_plugin:predict
"""


@pytest.fixture
def plugin(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """An importable fake plugin module, also registered as the entry point ``fakemodel``
    by a fake installed distribution (a .dist-info folder on sys.path)."""
    site = tmp_path / "site"
    site.mkdir()
    (site / "warraq_fake_plugin.py").write_text(PLUGIN, encoding="utf-8")
    dist = site / "warraq_fake_plugin-0.1.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: warraq-fake-plugin\n"
                                   "Version: 0.1\n", encoding="utf-8")
    (dist / "entry_points.txt").write_text(ENTRY_POINTS, encoding="utf-8")
    monkeypatch.syspath_prepend(str(site))
    monkeypatch.delitem(sys.modules, "warraq_fake_plugin", raising=False)
    return "warraq_fake_plugin"


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    path = tmp_path / "corpus.jsonl"
    path.write_text("".join(json.dumps({"id": k, "title": k, "text": v}, ensure_ascii=False)
                            + "\n" for k, v in ARTICLES.items()), encoding="utf-8")
    return path


def _entities(root: Path, art: str) -> list:  # type: ignore[type-arg]
    st = Store.open(root, Schema.load(None), annotator="tester")
    try:
        return list(st.annotations(art).entities)
    finally:
        st.close()


def _suggest(corpus: Path, root: Path, *extra: str) -> int:
    return cli.main(["suggest", str(corpus), "--store", str(root), *extra])


# --------------------------------------------------------------------------- loading


def test_load_by_module_callable_and_name_attribute(plugin: str) -> None:
    name, fn = load_suggester(f"{plugin}:predict")
    assert name == f"{plugin}:predict"
    assert list(fn("زار بوتين")) == [(4, 9, "PERS", 0.75)]
    name, fn = load_suggester(f"{plugin}:named")
    assert name == "fake-ner"
    name, fn = load_suggester(f"{plugin}:named", model="/some/where")
    assert name == "fake-ner" and fn.path == "/some/where"  # type: ignore[attr-defined]


def test_load_by_entry_point(plugin: str, capsys: pytest.CaptureFixture[str]) -> None:
    name, fn = load_suggester("fakemodel")
    assert name == "fakemodel"
    assert list(fn("موسكو")) == [(0, 5, "GPE", 0.75)]
    assert cli.main(["suggest", "--list-suggesters"]) == 0
    listed = dict(line.split("\t") for line in capsys.readouterr().out.splitlines())
    assert listed["fakemodel"] == f"{plugin}:predict"
    assert {"gazetteer", "spacy", "stanza", "camel"} <= set(listed)


@pytest.mark.parametrize(("spec", "model", "message"), [
    ("nosuchthing", None, "unknown suggester 'nosuchthing'"),
    ("no_such_module_xyz:f", None, "cannot import 'no_such_module_xyz'"),
    ("warraq_fake_plugin:missing", None, "has no 'missing'"),
    ("warraq_fake_plugin:not_callable", None, "is not callable"),
    ("warraq_fake_plugin:predict", "/m", "takes no --model"),
    ("warraq_fake_plugin:", None, "expected module:callable"),
])
def test_load_errors_are_one_line(plugin: str, spec: str, model: str | None,
                                  message: str) -> None:
    with pytest.raises(SuggesterError) as info:
        load_suggester(spec, model=model)
    assert message in str(info.value) and "\n" not in str(info.value)


# --------------------------------------------------------------------------- running


def test_run_suggester_keeps_good_spans_and_summarises_bad_ones(plugin: str) -> None:
    _, fn = load_suggester(f"{plugin}:junk")
    counts = SuggestCounts()
    cands = run_suggester("junk", fn, "استقبل بوتين", "x", counts)
    assert [(c.start, c.end, c.label, c.score) for c in cands] == [
        (0, 3, "PERS", None), (0, 2, "ORG", 0.5)]
    assert counts.invalid == 4
    assert len(counts.warnings) == 1 and "'junk' on article 'x'" in counts.warnings[0]
    assert "and 3 more" in counts.warnings[0]


def test_run_suggester_exception_is_one_line(plugin: str) -> None:
    _, fn = load_suggester(f"{plugin}:predict")
    with pytest.raises(SuggesterError) as info:
        run_suggester("m", fn, "انفجار", "a3")
    text = str(info.value)
    assert text == "suggester 'm' failed on article 'a3': RuntimeError: model exploded"


def test_cli_plugin_spans_pending_with_origin_idempotent(
        plugin: str, corpus: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "store"
    code = _suggest(corpus, root, "--suggester", f"{plugin}:predict")
    out, err = capsys.readouterr()
    assert code == 1  # a3 failed, the others went on
    assert err.count("\n") == 1 and "failed on article 'a3'" in err
    a1 = _entities(root, "a1")
    assert {(e.text, e.label) for e in a1} == {
        ("بوتين", "PERS"), ("موسكو", "GPE"), ("روسيا", "GPE"), ("سوريا", "GPE")}
    assert len(a1) == 5  # بوتين twice
    assert all(e.status == SpanStatus.PENDING and e.origin == f"{plugin}:predict"
               and e.score == 0.75 and e.text == ARTICLES["a1"][e.start:e.end] for e in a1)
    assert len(_entities(root, "a2")) == 2
    assert _entities(root, "a3") == []
    assert out.startswith("7 suggestions added in 2 articles") and "1 articles failed" in out
    # reject one, run again: nothing new, the rejection stands
    st = Store.open(root, Schema.load(None), annotator="tester", require_write=True)
    victim = next(e for e in st.annotations("a1").entities if e.text == "روسيا")
    st.update_entity("a1", victim.id, status=SpanStatus.REJECTED)
    st.close()
    assert _suggest(corpus, root, "--suggester", f"{plugin}:predict") == 1
    out = capsys.readouterr().out
    assert out.startswith("0 suggestions added") and "7 already" in out
    again = _entities(root, "a1")
    assert len(again) == 5
    assert [e.status for e in again if e.id == victim.id] == [SpanStatus.REJECTED]


def test_cli_source_and_entry_point_and_several_suggesters(
        plugin: str, corpus: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "store"
    assert _suggest(corpus, root, "--suggester", "fakemodel", "--source", "my-ner") == 1
    assert {e.origin for e in _entities(root, "a2")} == {"my-ner"}
    capsys.readouterr()
    # gazetteer and the named plugin together: each origin once per span key
    root2 = tmp_path / "store2"
    assert _suggest(corpus, root2, "--suggester", f"{plugin}:named",
                    "--suggester", "gazetteer") == 0
    ents = _entities(root2, "a2")
    keys = [(e.start, e.end, e.label) for e in ents]
    assert len(keys) == len(set(keys))
    origins = {e.text: e.origin for e in ents}
    assert origins["موسكو"] == "fake-ner"  # first source wins the shared span
    assert origins["بوتين"] == "gazetteer"
    assert _suggest(corpus, root2, "--suggester", "a", "--suggester", "b",
                    "--source", "x") == 2
    assert "single --suggester" in capsys.readouterr().err


def test_cli_unknown_suggester_fails_before_opening_store(tmp_path: Path, corpus: Path,
                                                          capsys: pytest.CaptureFixture[str]
                                                          ) -> None:
    root = tmp_path / "store"
    assert _suggest(corpus, root, "--suggester", "nope") == 2
    err = capsys.readouterr().err
    assert err.startswith("warraq: unknown suggester 'nope'") and err.count("\n") == 1
    assert not root.exists()


def test_gazetteer_suggester_equals_default_run(corpus: Path, tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    assert _suggest(corpus, a) == 0
    assert _suggest(corpus, b, "--suggester", "gazetteer") == 0
    for art in ARTICLES:
        ea = sorted((e.start, e.end, e.label, e.score, e.extra.get("entry"), e.origin)
                    for e in _entities(a, art))
        eb = sorted((e.start, e.end, e.label, e.score, e.extra.get("entry"), e.origin)
                    for e in _entities(b, art))
        assert ea == eb and ea
    capsys.readouterr()


# --------------------------------------------------------------------------- adapters


def test_bio_spans() -> None:
    text = "قال بشار الأسد في دمشق إن"
    toks = tokenize(text)
    tags = ["O", "B-PERS", "I-PERS", "O", "B-LOC", "I-ORG"]
    assert bio_spans(toks, tags, {"LOC": "GPE"}) == [
        (4, 14, "PERS"), (18, 22, "GPE"), (23, 25, "ORG")]


@pytest.mark.skipif(importlib.util.find_spec("spacy") is None, reason="spaCy not installed")
def test_spacy_adapter_on_a_local_pipeline(corpus: Path, tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    import spacy

    nlp = spacy.blank("ar")
    ruler = nlp.add_pipe("entity_ruler")
    ruler.add_patterns([{"label": "PERSON", "pattern": "بوتين"},
                        {"label": "GPE", "pattern": "موسكو"}])
    model = tmp_path / "model"
    nlp.to_disk(model)
    root = tmp_path / "store"
    assert _suggest(corpus, root, "--suggester", "spacy", "--model", str(model)) == 0
    ents = _entities(root, "a2")
    assert {(e.text, e.label, e.origin) for e in ents} == {
        ("بوتين", "PERS", "spacy"), ("موسكو", "GPE", "spacy")}
    capsys.readouterr()
    assert _suggest(corpus, root, "--suggester", "spacy", "--model",
                    str(tmp_path / "absent")) == 2
    assert "no spaCy model folder here" in capsys.readouterr().err


def test_spacy_adapter_needs_a_model(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("WARRAQ_SPACY_MODEL", raising=False)
    with pytest.raises(SuggesterError, match="needs a local model"):
        load_suggester("spacy")


@pytest.mark.parametrize(("name", "module", "env"), [
    ("stanza", "stanza", "WARRAQ_STANZA_DIR"), ("camel", "camel_tools", "WARRAQ_CAMEL_NER_MODEL")])
def test_missing_library_or_data_is_one_clear_line(
        name: str, module: str, env: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(env, str(tmp_path / "nothing-here"))
    with pytest.raises(SuggesterError) as info:
        load_suggester(name)
    text = str(info.value)
    assert "\n" not in text
    if importlib.util.find_spec(module) is None:
        assert "is not installed" in text
    else:  # installed but no local data: still no download, an error instead
        assert "nothing-here" in text or "not available on disk" in text


def test_adapters_never_download() -> None:
    """The adapters' source names no download entry point of their libraries."""
    source = Path(importlib.util.find_spec("store.suggesters").origin).read_text(  # type: ignore[arg-type, union-attr]
        encoding="utf-8")
    code = "\n".join(line for line in source.splitlines()
                     if not line.lstrip().startswith(("#", '"', "'")))
    for banned in ("stanza.download(", "spacy.cli", "download(", "snapshot_download",
                   "from_pretrained("):
        assert banned not in code, banned
    assert "download_method=None" in code
