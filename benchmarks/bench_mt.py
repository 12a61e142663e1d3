"""Machine translation throughput and cost: transflow's translate stage against plain deep-translator.

Usage: python benchmarks/bench_mt.py [--segments 2000] [--latency 0.05] [--concurrency 8]
                                     [--runs 3] [--baseline-sample 200]

A local LibreTranslate-compatible server (tests/mtserver.py) answers every request after
`--latency` seconds. The peer is what a script using deep-translator does: LibreTranslator
.translate() for each segment, one after the other. It is measured on a sample of the segments
(at 50 ms a request, 2,000 sequential calls take 100 s per run) and its throughput compared with
transflow's over all segments. Also printed: characters sent against the characters of the distinct
untranslated texts (duplicates across catalogs are sent once), and characters sent by an immediate
rerun (the SQLite cache answers). Medians of `--runs` runs.
"""

from __future__ import annotations

import argparse
import random
import shutil
import statistics
import sys
import time
from pathlib import Path

import polib

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))

from mtserver import MTServer  # noqa: E402
from transflow.formats.pofile import write_po  # noqa: E402

WORK = HERE / ".work" / "mt"
WORDS = [
    "magnesium",
    "slaap",
    "spieren",
    "energie",
    "hersenen",
    "tekort",
    "voeding",
    "bodem",
    "mineraal",
    "onderzoek",
    "volwassenen",
    "supplementen",
    "kwaliteit",
    "stress",
    "geheugen",
    "balans",
    "hart",
    "cellen",
    "water",
    "zout",
]
THROUGHPUT_TARGET = 6.0  # x plain sequential deep-translator, at concurrency 8


def segments(count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    texts: set[str] = set()
    while len(texts) < count:
        words = [rng.choice(WORDS) for _ in range(rng.randint(6, 24))]
        texts.add(" ".join(words).capitalize() + ".")
    return sorted(texts)


def make_project(texts: list[str]) -> Path:
    """Two catalogs sharing a fifth of their texts: the distinct texts are `texts`."""
    shutil.rmtree(WORK, ignore_errors=True)
    (WORK / "translations/de").mkdir(parents=True)
    (WORK / "transflow.yml").write_text("languages: [de]\n", encoding="utf-8")
    shared = len(texts) // 5
    halves = [texts[: (len(texts) + shared) // 2], texts[(len(texts) - shared) // 2 :]]
    for number, half in enumerate(halves):
        po = polib.POFile(wrapwidth=79)
        po.metadata = {"Language": "de", "Content-Type": "text/plain; charset=UTF-8"}
        for text in half:
            po.append(polib.POEntry(msgid=text, msgstr=""))
        write_po(WORK / f"translations/de/part{number}.po", po)
    return WORK


def baseline(server: MTServer, texts: list[str]) -> float:
    """Seconds for plain sequential deep-translator calls (its own `requests`, no session)."""
    from deep_translator import LibreTranslator

    client = LibreTranslator(api_key="-", custom_url=server.url)
    client.source, client.target = "nl", "de"
    start = time.perf_counter()
    for text in texts:
        client.translate(text)
    return time.perf_counter() - start


def transflow_run(server: MTServer, texts: list[str], concurrency: int) -> tuple[float, object, object]:
    from transflow.stages import settings as config_module
    from transflow.stages.settings import EngineSettings
    from transflow.stages.translate import translate

    project = make_project(texts)
    config = config_module.load(project)
    settings = EngineSettings(name="libre", url=server.url, concurrency=concurrency)
    start = time.perf_counter()
    first = translate(config, settings)
    elapsed = time.perf_counter() - start
    again = translate(config, settings)
    return elapsed, first, again


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--segments", type=int, default=2000)
    parser.add_argument("--latency", type=float, default=0.05)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--baseline-sample", type=int, default=200)
    args = parser.parse_args()
    texts = segments(args.segments, seed=1)
    unique_chars = sum(map(len, texts))
    with MTServer(latency=args.latency) as server:
        # The peer first: transflow's engines give deep-translator's modules a session with
        # timeouts, which would speed up the peer too.
        peer = [args.baseline_sample / baseline(server, texts[: args.baseline_sample]) for _ in range(args.runs)]
        ours, sent, rerun = [], [], []
        for _ in range(args.runs):
            elapsed, first, again = transflow_run(server, texts, args.concurrency)
            ours.append(args.segments / elapsed)
            sent.append(first.characters)
            rerun.append(again.characters)
            assert first.machine_filled == args.segments + args.segments // 5
    peer_rate, our_rate = statistics.median(peer), statistics.median(ours)
    ratio = our_rate / peer_rate
    print(
        f"server latency {args.latency * 1000:.0f} ms, {args.segments} distinct segments "
        f"in 2 catalogs ({args.segments // 5} shared), {args.runs} runs, medians"
    )
    print(f"deep-translator sequential : {peer_rate:8.1f} segments/s (sample of {args.baseline_sample})")
    print(
        f"transflow, concurrency {args.concurrency:<3}: {our_rate:8.1f} segments/s "
        f"-> {ratio:.1f}x (target >= {THROUGHPUT_TARGET:.0f}x)"
    )
    print(
        f"characters sent            : {statistics.median(sent)} (distinct untranslated: {unique_chars}; target: equal)"
    )
    print(f"characters sent on rerun   : {statistics.median(rerun)} (target: 0)")


if __name__ == "__main__":
    main()
