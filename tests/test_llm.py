"""The llm engine on the shipped project, through the official openai client and a real OpenAI-compatible
server on 127.0.0.1 (tests/llmserver.py) that misbehaves the way language models do."""

from __future__ import annotations

import json
import math
import re
import signal
import subprocess
import sys

import pytest

from helpers import ONE_TERM_GLOSSARY, copy_project, transflow, wait_until
from llmserver import LLMServer
from test_translate import add_settings, live
from transflow.domain.glossary import Glossary
from transflow.domain.protect import mask
from transflow.errors import TransflowError
from transflow.formats.pofile import read_po
from transflow.stages import settings as config_module
from transflow.stages.engines.llm import LlmEngine
from transflow.stages.settings import EngineSettings, LlmSettings, settings_from_config

pytest.importorskip("openai")

ARTICLE = "11-tekenen-van-een-magnesiumtekort"
TITLE = "11 tekenen van een magnesiumtekort"
STAMP = re.compile(r"machine translation: llm test-model http://127\.0\.0\.1:\d+/v1, \d{4}-\d\d-\d\d")
NO_TERMS = Glossary.empty()


@pytest.fixture
def server():
    with LLMServer() as running:
        yield running


@pytest.fixture
def project(tmp_path):
    project = copy_project(tmp_path, with_translations=True, untranslated=("de", "fr"))
    (project / "glossary.yml").write_text(ONE_TERM_GLOSSARY, encoding="utf-8")
    return project


def configure(project, server, extra: str = "", concurrency: int = 4, batch_size: int = 6) -> None:
    add_settings(
        project,
        f"mt:\n  engine: llm\n  base_url: {server.url}\n  model: test-model\n  batch_size: {batch_size}\n"
        f"  context: 1\n  concurrency: {concurrency}\n  retries: 3\n  backoff: 0.01\n{extra}",
    )


def translate(project, *more: str):
    return transflow(project, "translate", "--lang", "de", *more, ARTICLE)


def catalog(project):
    return read_po(project / "translations" / "de" / f"{ARTICLE}.po")


def asked(request: dict) -> dict:
    """What transflow sent: the JSON of the request's user message."""
    return json.loads(request["messages"][1]["content"])


def first_rounds(server) -> list[dict]:
    return [request for request in server.received if "violations" not in request["messages"][-1]["content"]]


def repair_rounds(server) -> list[dict]:
    return [request for request in server.received if "violations" in request["messages"][-1]["content"]]


def distinct_waiting(project) -> list[str]:
    """The markup-masked texts the model must see, once each, in catalog order (a text that is all
    glossary terms is filled from the glossary, not sent)."""
    return list(
        dict.fromkeys(
            mask(entry.msgid, NO_TERMS, "de").text
            for entry in live(catalog(project))
            if not entry.msgstr and mask(entry.msgid, glossary(project), "de").needs_engine
        )
    )


def glossary(project) -> Glossary:
    return Glossary.load(project / "glossary.yml", ("de",))


def with_term(text: str) -> bool:
    return "magnesiumtekort" in text.lower()


def test_batches_carry_the_article_context_glossary_and_style_and_fill_fuzzy(project, server):
    style = "  style:\n    register: formal, Sie\n    quotes: {de: „…“, fr: « … »}\n"
    configure(project, server, style)
    entries = live(catalog(project))
    texts = distinct_waiting(project)
    result = translate(project)
    assert result.exit_code == 0, result.output
    requests = first_rounds(server)
    assert len(requests) == math.ceil(len(texts) / 6)  # every distinct segment once, six per request
    # Requests run concurrently: in order of their first segment, they carry the segments in catalog order.
    requests.sort(key=lambda request: texts.index(asked(request)["segments"][0]["text"]))
    assert [segment["text"] for request in requests for segment in asked(request)["segments"]] == texts
    first_index = {}
    for index, entry in enumerate(entries):
        first_index.setdefault(mask(entry.msgid, NO_TERMS, "de").text, index)
    kinds = set()
    for request in requests:
        assert request["model"] == "test-model" and request["temperature"] == 0
        assert request["response_format"]["type"] == "json_schema"
        system = request["messages"][0]["content"]
        assert "from Dutch (nl) into German (de)" in system
        assert "- register: formal, Sie" in system and "- quotes: „…“" in system and "« … »" not in system
        sent = asked(request)
        assert sent["article"] == TITLE
        inside = {first_index[segment["text"]] for segment in sent["segments"]}
        for segment in sent["segments"]:
            kinds.add(segment["kind"])
            at = first_index[segment["text"]]
            # The neighbours on each side (context: 1), unless they are in the request themselves.
            before = [entries[at - 1].msgid] if at and at - 1 not in inside else []
            after = [entries[at + 1].msgid] if at + 1 < len(entries) and at + 1 not in inside else []
            assert (segment.get("before", []), segment.get("after", [])) == (before, after)
        expected_terms = [{"term": "magnesiumtekort", "rendering": "Magnesiummangel"}]
        assert sent.get("glossary", []) == (
            expected_terms if any(with_term(s["text"]) for s in sent["segments"]) else []
        )
    assert {"heading 2", "paragraph", "list item", "front matter: description"} <= kinds
    for entry in live(catalog(project)):
        assert entry.msgstr and "fuzzy" in entry.flags, entry.msgid
        assert STAMP.search(entry.tcomment) or "fixed text" in entry.tcomment
        if (
            with_term(mask(entry.msgid, NO_TERMS, "de").text)
            and mask(entry.msgid, glossary(project), "de").needs_engine
        ):
            assert "Magnesiummangel" in entry.msgstr and "MT check failed" not in entry.tcomment
        assert entry.msgstr.count("](images/") == entry.msgid.count("](images/")  # markup put back as it was
    assert "input and" in result.output and "output tokens" in result.output


@pytest.mark.parametrize("fault", ["drop", "reorder", "invalid-json", "length", "extra"])
def test_a_reply_that_cannot_be_applied_whole_is_split_and_asked_again(project, server, tmp_path, fault):
    configure(project, server, concurrency=1)
    server.inject(fault)
    assert translate(project).exit_code == 0
    broken, first_half, second_half = (asked(request)["segments"] for request in first_rounds(server)[:3])
    texts = [segment["text"] for segment in broken]
    assert len(texts) == 6
    assert [segment["text"] for segment in first_half] == texts[:3]
    assert [segment["text"] for segment in second_half] == texts[3:]
    # The outcome is that of a run where nothing went wrong.
    (tmp_path / "clean").mkdir()
    clean = copy_project(tmp_path / "clean", with_translations=True, untranslated=("de", "fr"))
    (clean / "glossary.yml").write_text(ONE_TERM_GLOSSARY, encoding="utf-8")
    configure(clean, server, concurrency=1)
    assert translate(clean).exit_code == 0
    assert [(e.msgid, e.msgstr, e.tcomment) for e in catalog(project)] == [
        (e.msgid, e.msgstr, e.tcomment) for e in catalog(clean)
    ]


def test_a_single_segment_with_a_broken_reply_is_retried_as_it_is(project, server):
    configure(project, server, concurrency=1, batch_size=1)
    server.inject("invalid-json", 2)
    assert translate(project).exit_code == 0
    first, second, third = (asked(request)["segments"] for request in server.received[:3])
    assert first == second == third and len(first) == 1
    assert all(entry.msgstr for entry in live(catalog(project)))


def test_a_misrendered_term_is_repaired_by_telling_the_model_what_it_got_wrong(project, server):
    configure(project, server)
    server.misrender("Magnesiummangel", "Magnesiumdefizit", repaired=True)
    assert translate(project).exit_code == 0
    repairs = repair_rounds(server)
    assert repairs
    for request in repairs:
        roles = [message["role"] for message in request["messages"]]
        assert roles == ["system", "user", "assistant", "user"]
        own = json.loads(request["messages"][2]["content"])["translations"]
        violations = json.loads(request["messages"][3]["content"])["violations"]
        assert [item["id"] for item in own] == [item["id"] for item in violations]
        for item in violations:
            assert item["your_translation"] == next(t["text"] for t in own if t["id"] == item["id"])
            if "Magnesiumdefizit" in item["your_translation"]:
                assert item["problems"] == ["required term 'Magnesiummangel' (for 'magnesiumtekort') missing"]
    for entry in live(catalog(project)):
        if (
            with_term(mask(entry.msgid, NO_TERMS, "de").text)
            and mask(entry.msgid, glossary(project), "de").needs_engine
        ):
            assert "Magnesiummangel" in entry.msgstr and "Magnesiumdefizit" not in entry.msgstr
            assert "MT check failed" not in entry.tcomment


def test_a_term_wrong_after_the_repair_round_too_is_kept_fuzzy_with_the_violation(project, server):
    configure(project, server)
    server.misrender("Magnesiummangel", "Magnesiumdefizit", repaired=False)
    result = translate(project)
    assert result.exit_code == 0
    # One repair round at most for each request: its failing segments, once.
    repaired = [tuple(s["text"] for s in asked(request)["segments"]) for request in repair_rounds(server)]
    rounds = [[s["text"] for s in asked(request)["segments"]] for request in first_rounds(server)]
    owners = [next(n for n, texts in enumerate(rounds) if set(failing) <= set(texts)) for failing in repaired]
    assert repaired and len(owners) == len(set(owners))
    flagged = 0
    for entry in live(catalog(project)):
        if (
            with_term(mask(entry.msgid, NO_TERMS, "de").text)
            and mask(entry.msgid, glossary(project), "de").needs_engine
        ):
            assert "Magnesiumdefizit" in entry.msgstr and "fuzzy" in entry.flags
            assert "MT check failed: required term 'Magnesiummangel' (for 'magnesiumtekort') missing" in entry.tcomment
            flagged += 1
    assert flagged


def test_rate_limit_replies_are_retried_after_the_time_the_server_asks(project, server):
    configure(project, server, concurrency=1)
    server.inject("429", 2)
    assert translate(project).exit_code == 0
    gaps = [later - earlier for earlier, later in zip(server.arrived[:2], server.arrived[1:3], strict=True)]
    assert all(gap >= server.retry_after * 0.95 for gap in gaps), gaps
    assert asked(server.received[0]) == asked(server.received[2])
    assert all(entry.msgstr for entry in live(catalog(project)))


def test_dry_run_estimates_tokens_and_cost_and_sends_nothing(project, server):
    configure(
        project, server, "  prices:\n    test-model: {input: 0.15, output: 0.6}\n    other: {input: 5, output: 15}\n"
    )
    before = (project / "translations/de" / f"{ARTICLE}.po").read_bytes()
    result = translate(project, "--dry-run")
    assert result.exit_code == 0, result.output
    assert server.received == []
    assert (project / "translations/de" / f"{ARTICLE}.po").read_bytes() == before
    found = re.search(
        r"de: (\d+) segment\(s\), \d+ characters would be sent to llm test-model \S+ "
        r"\(about (\d+) input and (\d+) output tokens, about \$(\d+\.\d{4})\)",
        result.output,
    )
    assert found, result.output
    segments, tokens_in, tokens_out, cost = int(found[1]), int(found[2]), int(found[3]), float(found[4])
    assert segments == len(distinct_waiting(project))
    assert cost == round((tokens_in * 0.15 + tokens_out * 0.6) / 1e6, 4)
    # The estimate is close to what the first round really sends (the server counts 4 characters a token).
    translate(project)
    sent = sum(sum(len(m["content"]) for m in request["messages"]) // 4 for request in first_rounds(server))
    assert 0.8 < tokens_in / sent < 1.25


def test_a_rerun_sends_nothing_and_a_glossary_change_resends_only_what_it_touches(project, server):
    configure(project, server)
    texts = distinct_waiting(project)
    untranslated = (project / "translations/de" / f"{ARTICLE}.po").read_bytes()
    assert translate(project).exit_code == 0

    def reset() -> None:
        (project / "translations/de" / f"{ARTICLE}.po").write_bytes(untranslated)
        server.received.clear()

    reset()
    again = translate(project)
    assert server.received == [] and "0 request(s)" in again.output
    glossary_file = project / "glossary.yml"
    glossary_file.write_text(glossary_file.read_text(encoding="utf-8").replace("de: Magnesiummangel", "de: Mg-Mangel"))
    reset()
    assert translate(project).exit_code == 0
    resent = [segment["text"] for request in first_rounds(server) for segment in asked(request)["segments"]]
    assert sorted(resent) == sorted(text for text in texts if with_term(text))
    for entry in live(catalog(project)):
        if (
            with_term(mask(entry.msgid, NO_TERMS, "de").text)
            and mask(entry.msgid, glossary(project), "de").needs_engine
        ):
            assert "Mg-Mangel" in entry.msgstr


@pytest.mark.parametrize("stop", [signal.SIGKILL, signal.SIGINT], ids=["kill-9", "ctrl-c"])
def test_an_interrupted_run_resends_at_most_the_batches_in_flight(project, stop):
    (project / "glossary.yml").unlink()  # no repair rounds: each request is one whole batch
    with LLMServer() as server:
        configure(project, server, "  save_interval: 0.2\n", concurrency=2, batch_size=4)
        server.hold(after=6)
        # Ctrl-C as in a terminal, even where the test itself runs with SIGINT ignored.
        start = (
            "import signal; signal.signal(signal.SIGINT, signal.default_int_handler); "
            "from transflow.faces.cli import main; main()"
        )
        command = [sys.executable, "-c", start, "--project", str(project), "translate", "--lang", "de", ARTICLE]
        child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        # Two workers: the 7th and 8th requests are sent only once 6 replies are in the cache.
        wait_until(lambda: server.held == 2 or child.poll() is not None)
        child.send_signal(stop)
        server.release()
        assert child.wait() == (130 if stop == signal.SIGINT else -signal.SIGKILL)
        answered, in_flight = segments(server.received[:6]), segments(server.received[6:8])
        resumed_from = len(server.received)
        assert translate(project).exit_code == 0
        resent = segments(server.received[resumed_from:])
    assert not resent & answered
    # kill -9 loses the replies in flight; Ctrl-C waits for them and keeps them.
    assert in_flight <= resent if stop == signal.SIGKILL else not resent & in_flight
    assert all(entry.msgstr and "fuzzy" in entry.flags for entry in live(catalog(project)))


def segments(requests: list[dict]) -> set[str]:
    return {segment["text"] for request in requests for segment in asked(request)["segments"]}


def test_one_text_without_an_article_around_it(server):
    settings = EngineSettings(name="llm", url=server.url, llm=LlmSettings(model="test-model"))
    engine = LlmEngine(settings, "nl", "de", Glossary.empty())
    assert engine.translate("Een [X0X] tekst over magnesium") == "A [X0X] tekst over magnesium"
    assert asked(server.received[0]) == {
        "article": "",
        "segments": [{"id": "s1", "kind": "text", "text": "Een [X0X] tekst over magnesium"}],
    }


def test_the_key_comes_from_the_named_environment_variable_only(project, server, monkeypatch):
    monkeypatch.setenv("TRANSFLOW_TEST_LLM_KEY", "sk-test-secret-123")
    configure(project, server, "  api_key_env: TRANSFLOW_TEST_LLM_KEY\n")
    result = translate(project)
    assert result.exit_code == 0
    assert {headers["authorization"] for headers in server.headers} == {"Bearer sk-test-secret-123"}
    assert "sk-test-secret-123" not in result.output
    assert b"sk-test-secret-123" not in (project / "translations/de" / f"{ARTICLE}.po").read_bytes()


def test_an_unreachable_endpoint_is_reported_and_nothing_is_filled(project):
    """Nothing but what the glossary fixes by itself (an entry that is one term) is filled."""
    add_settings(project, "mt:\n  engine: llm\n  base_url: http://127.0.0.1:9/v1\n  model: m\n  retries: 1\n")
    result = translate(project)
    assert result.exit_code == 1
    assert "engine llm m http://127.0.0.1:9/v1 unreachable" in result.output
    filled = [entry for entry in live(catalog(project)) if entry.msgstr]
    assert filled and all("fixed text from the glossary" in entry.tcomment for entry in filled)
    assert not any(mask(entry.msgid, glossary(project), "de").needs_engine for entry in filled)


@pytest.mark.parametrize(
    ("yaml", "message"),
    [
        ("mt:\n  engine: llm\n  temperature: 3\n", "transflow.yml:4: mt.temperature: must be a number from 0 to 2"),
        (
            "mt:\n  engine: llm\n  base_url: http://a/v1\n  url: http://b/v1\n",
            "transflow.yml:4: mt.base_url: set either base_url or url, not both",
        ),
        ("mt:\n  engine: llm\n  api_key_env: sk-123\n", "transflow.yml:4: mt.api_key_env: must name an environment"),
        ("mt:\n  engine: llm\n  prices: {m: 3}\n", "transflow.yml:4: mt.prices: must map each model"),
        ("mt:\n  engine: llm\n  style: [formal]\n", "transflow.yml:4: mt.style: must map each aspect"),
        ("mt:\n  engine: llm\n  batch_size: 0\n", "transflow.yml:4: mt.batch_size: must be an integer from 1"),
    ],
)
def test_llm_settings_are_validated_with_their_line(tmp_path, yaml, message):
    (tmp_path / "transflow.yml").write_text("languages: [de]\n" + yaml, encoding="utf-8")
    with pytest.raises(TransflowError) as caught:
        settings_from_config(config_module.load(tmp_path).section("mt"))
    assert str(caught.value).replace(str(tmp_path) + "/", "").startswith(message)


def test_llm_settings_read(tmp_path):
    (tmp_path / "transflow.yml").write_text(
        "languages: [de]\nmt:\n  engine: llm\n  model: gpt-4o-mini\n  requests_per_minute: 120\n"
        "  tokens_per_minute: 30000\n  prices: {gpt-4o-mini: {input: 0.15, output: 0.6}}\n"
        "  style: {spelling: {en: en-US}}\n",
        encoding="utf-8",
    )
    settings = settings_from_config(config_module.load(tmp_path).section("mt"))
    assert settings.url == "https://api.openai.com/v1"
    assert settings.identity == "llm gpt-4o-mini https://api.openai.com/v1"
    assert settings.rate_limit == 2.0
    assert settings.llm.tokens_per_minute == 30000
    assert settings.llm.prices == (0.15, 0.6)
    assert settings.llm.style == (("spelling", "en", "en-US"),)
    local = settings_from_config(config_module.load(tmp_path).section("mt"), "llm", "http://localhost:11434/v1")
    assert local.identity == "llm gpt-4o-mini http://localhost:11434/v1"
