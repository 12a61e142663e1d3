"""Engines against a real HTTP server on 127.0.0.1: deep-translator's own LibreTranslator client
and DeepL's official client, with the faults real services produce."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from mtserver import MTServer, fake_translate
from transflow.domain.glossary import Glossary
from transflow.errors import TransflowError
from transflow.stages import settings as config_module
from transflow.stages.engines import (
    EngineUnavailable,
    PseudoEngine,
    RateLimiter,
    TransientError,
    glossary_entries,
    open_engine,
    split_text,
    translate_text,
)
from transflow.stages.settings import EngineSettings, settings_from_config

ROOT = Path(__file__).resolve().parent.parent
TEXT = "Magnesium is een essentieel mineraal. Het tekort is niet zeldzaam."


# A reply from 127.0.0.1 takes milliseconds, tens of them on a loaded machine: with PATIENT no
# reply ever times out by accident, and STALL is what tests that want a timeout wait for, with a
# server that stalls far longer.
PATIENT = 10.0
STALL = 1.0


@pytest.fixture
def server():
    with MTServer(stall=5 * STALL) as running:
        yield running


def libre(server: MTServer, **changes) -> tuple:
    settings = EngineSettings(name="libre", url=server.url, backoff=0.01, **{"timeout": PATIENT, **changes})
    return open_engine(settings, "nl", "de", Glossary.empty())(), settings


def send(engine, settings, text: str = TEXT):
    return translate_text(engine, text, settings, RateLimiter(0))


def test_libre_client_talks_to_the_server(server):
    engine, settings = libre(server)
    sent = send(engine, settings)
    assert sent.translation == fake_translate(TEXT, "de")
    assert (sent.requests, sent.characters) == (1, len(TEXT))
    assert server.texts == [TEXT]


@pytest.mark.parametrize("fault", ["429", "500", "timeout", "malformed", "empty"])
def test_transient_faults_are_retried(server, fault):
    engine, settings = libre(server, timeout=STALL if fault == "timeout" else PATIENT)
    server.inject(fault, 2)
    sent = send(engine, settings)
    assert sent.translation == fake_translate(TEXT, "de")
    assert sent.requests == 3
    assert server.requests == 3


def test_retry_after_is_honoured_instead_of_the_backoff(server):
    # With a 5 s backoff this would take 10 s; Retry-After says 0.05 s.
    engine, settings = libre(server)
    settings = EngineSettings(name="libre", url=server.url, backoff=5.0)
    server.inject("429", 2)
    assert send(engine, settings).requests == 3


def test_giving_up_after_the_retries(server):
    engine, settings = libre(server, retries=2)
    server.inject("500", 5)
    with pytest.raises(TransientError, match="HTTP 500") as caught:
        send(engine, settings)
    assert not caught.value.network
    assert server.requests == 3


def test_a_refused_connection_is_tried_twice_only():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings = EngineSettings(name="libre", url=f"http://127.0.0.1:{port}/", retries=6, backoff=0.01)
    engine = open_engine(settings, "nl", "de", Glossary.empty())()
    with pytest.raises(TransientError, match="cannot connect") as caught:
        send(engine, settings)
    assert caught.value.network


def test_a_rejected_key_stops_the_engine_and_is_never_shown(server, monkeypatch):
    monkeypatch.setenv("LIBRE_API_KEY", "sekret-key-123")
    engine, settings = libre(server)
    server.inject("403")
    with pytest.raises(EngineUnavailable) as caught:
        send(engine, settings)
    assert "sekret" not in str(caught.value)
    assert "check the API key" in str(caught.value)


def test_offline_mode_contacts_no_online_engine():
    settings = EngineSettings(name="google")
    engine = open_engine(settings, "nl", "de", Glossary.empty())()
    with pytest.raises(EngineUnavailable, match="TRANSFLOW_OFFLINE is set"):
        send(engine, settings)


def test_keys_come_from_the_environment_only(monkeypatch):
    monkeypatch.delenv("MICROSOFT_API_KEY", raising=False)
    with pytest.raises(EngineUnavailable, match=r"needs an API key in \$MICROSOFT_API_KEY"):
        open_engine(EngineSettings(name="microsoft"), "nl", "de", Glossary.empty())()
    with pytest.raises(EngineUnavailable, match="needs a server URL"):
        open_engine(EngineSettings(name="libre"), "nl", "de", Glossary.empty())()


def test_long_texts_are_split_on_sentences_and_joined(server):
    engine, settings = libre(server)
    sentence = "Dit is een zin over magnesium en de slaap van oudere volwassenen. "
    text = sentence * 200
    sent = send(engine, settings, text.strip())
    assert len(server.texts) == 3
    assert all(len(piece) <= engine.limit for piece in server.texts)
    assert all(piece.endswith(".") for piece in server.texts)
    assert sent.translation == fake_translate(text.strip(), "de")


def test_split_text_keeps_every_character():
    text = "Een. Twee! Drie? " * 30 + "x" * 70 + " slot."
    for limit in (20, 50, 75, 1000):
        pieces = split_text(text, limit)
        assert "".join(pieces) == text
        assert all(len(piece) <= limit for piece in pieces)


def test_deepl_official_client_with_our_glossary(server, monkeypatch):
    pytest.importorskip("deepl")
    monkeypatch.setenv("DEEPL_API_KEY", "test-key:fx")
    glossary = Glossary.load(ROOT / "glossary.yml", ("en", "de", "fr"))
    settings = EngineSettings(name="deepl", url=server.url.rstrip("/"), backoff=0.01)
    first = open_engine(settings, "nl", "de", glossary)()
    assert (
        first.translate("HPA-as en magnesiumoxide")
        == "Hypothalamus-Hypophysen-Nebennierenrinden-Achse and Magnesiumoxid"
    )
    open_engine(settings, "nl", "de", glossary)()
    (made,) = server.glossaries.values()
    assert made["entries"]["Magtein"] == "Magtein®"
    assert made["entries"] == glossary_entries(glossary, "de")
    server.inject("429")
    with pytest.raises(TransientError, match="HTTP 429"):
        first.translate("de slaap")
    server.inject("429")
    assert send(first, settings, "de slaap").translation == "the slap"


def test_google_the_default_engine(server):
    settings = EngineSettings(name="google", url=server.url + "m", backoff=0.01)
    engine = open_engine(settings, "nl", "de", Glossary.empty())()
    assert send(engine, settings).translation == fake_translate(TEXT, "de")
    assert server.sent == [("de", TEXT)]
    server.inject("429")
    server.inject("500")
    assert send(engine, settings).requests == 3


def test_mymemory_and_its_quota_message(server):
    settings = EngineSettings(name="mymemory", url=server.url + "get", backoff=0.01)
    engine = open_engine(settings, "nl", "de", Glossary.empty())()
    assert send(engine, settings).translation == fake_translate(TEXT, "de")
    server.inject("quota")
    with pytest.raises(EngineUnavailable, match="a message, not a translation: 'MYMEMORY WARN"):
        send(engine, settings)


def test_pseudo_is_deterministic_marked_and_keeps_placeholders():
    engine = PseudoEngine("de")
    result = engine.translate("Een [X0X] tekst [X1X].")
    assert result == engine.translate("Een [X0X] tekst [X1X].")
    assert result.startswith("⟦") and result.endswith("⟧")
    assert "[X0X]" in result and "[X1X]" in result
    assert result != "Een [X0X] tekst [X1X]."


@pytest.mark.parametrize(
    ("yaml", "message"),
    [
        ("mt:\n  engine: bing\n", "transflow.yml:3: mt.engine: unknown engine 'bing'"),
        (
            "mt:\n  engine: libre\n  concurrency: 0\n",
            "transflow.yml:4: mt.concurrency: must be an integer from 1 to 64",
        ),
        ("mt:\n  url: ftp://x\n", "transflow.yml:3: mt.url: must be an http(s) URL"),
        ("mt:\n  speed: 3\n", "transflow.yml:3: mt.speed: unknown setting"),
    ],
)
def test_mt_settings_are_validated_with_their_line(tmp_path, yaml, message):
    (tmp_path / "transflow.yml").write_text("languages: [de]\n" + yaml, encoding="utf-8")
    config = config_module.load(tmp_path)
    with pytest.raises(TransflowError) as caught:
        settings_from_config(config.section("mt"))
    assert str(caught.value).replace(str(tmp_path) + "/", "").startswith(message)


def test_command_line_overrides_the_config(tmp_path):
    (tmp_path / "transflow.yml").write_text(
        "languages: [de]\nmt:\n  engine: libre\n  url: http://localhost:5000/\n  timeout: 5\n", encoding="utf-8"
    )
    section = config_module.load(tmp_path).section("mt")
    assert settings_from_config(section).identity == "libre http://localhost:5000/"
    assert settings_from_config(section, "pseudo").identity == "pseudo"
    assert settings_from_config(section, "pseudo").timeout == 5
    with pytest.raises(TransflowError, match="--engine: unknown engine 'bing'"):
        settings_from_config(section, "bing")


def test_the_engine_option_help_names_every_registered_engine():
    from click.testing import CliRunner

    from transflow.faces.cli import main
    from transflow.stages.engines import ENGINES

    help_text = " ".join(CliRunner().invoke(main, ["translate", "--help"]).output.split())
    listed = help_text.split("(overrides mt.engine):", 1)[1].split(".", 1)[0]
    assert sorted(name.strip() for name in listed.split(",")) == sorted(ENGINES)
