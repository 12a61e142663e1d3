"""Language-model translation: article batches with concurrency against one request per segment.

Usage: python benchmarks/bench_llm.py [--segments 2000] [--latency 0.3] [--batch-size 20]
                                      [--concurrency 4] [--baseline-sample 100]

A local OpenAI-compatible server (tests/llmserver.py) answers every request after `--latency`
seconds, whatever its size. The project: `--segments` distinct segments in articles of 100, each
with a title and block kinds. Measured, all through transflow's `llm` engine:

- one request per segment, one at a time (batch_size 1, concurrency 1), and one request per
  segment with concurrency: on the first `--baseline-sample` segments (at 300 ms, 2,000 sequential
  requests take 10 minutes), compared by throughput with
- batches of `--batch-size` segments of one article, `--concurrency` at a time, on all segments;
- requests and tokens sent (the server's count, 4 characters a token), and tokens sent again by an
  immediate rerun and by a rerun on emptied catalogs (the cache answers; target 0 for both);
- a run killed with SIGKILL halfway (its next `--concurrency` requests held by the server, so that
  many are in flight), then resumed: segments sent twice, against the segments of the requests in
  flight at the kill (target: only those).
"""

from __future__ import annotations

import argparse
import json
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import polib

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))
sys.path.insert(0, str(HERE))

from bench_mt import segments  # noqa: E402
from llmserver import LLMServer  # noqa: E402
from transflow.formats.pofile import read_po, write_po  # noqa: E402

WORK = HERE / ".work" / "llm"
ARTICLE_SIZE = 100
KINDS = ("paragraph", "paragraph", "list item", "heading 2", "paragraph")


def make_project(texts: list[str], server: LLMServer, batch_size: int, concurrency: int) -> Path:
    """Articles of ARTICLE_SIZE segments (the first one its title), all untranslated, German only."""
    shutil.rmtree(WORK, ignore_errors=True)
    (WORK / "translations/de").mkdir(parents=True)
    (WORK / "transflow.yml").write_text(
        f"languages: [de]\nmt:\n  engine: llm\n  base_url: {server.url}\n  model: bench\n"
        f"  batch_size: {batch_size}\n  concurrency: {concurrency}\n  max_tokens: 16000\n  save_interval: 1\n",
        encoding="utf-8",
    )
    for number, start in enumerate(range(0, len(texts), ARTICLE_SIZE)):
        po = polib.POFile(wrapwidth=79)
        po.metadata = {"Language": "de", "Content-Type": "text/plain; charset=UTF-8"}
        for index, text in enumerate(texts[start : start + ARTICLE_SIZE]):
            kind = "front matter: title" if index == 0 else KINDS[index % len(KINDS)]
            po.append(polib.POEntry(msgid=text, msgstr="", comment=kind))
        write_po(WORK / f"translations/de/article{number:03}.po", po)
    return WORK


def load(project: Path):
    from transflow.stages import settings as config_module
    from transflow.stages.settings import settings_from_config

    config = config_module.load(project)
    return config, settings_from_config(config.section("mt"))


def timed_run(project: Path):
    from transflow.stages.translate import translate

    config, settings = load(project)
    start = time.perf_counter()
    report = translate(config, settings)
    return time.perf_counter() - start, report


def sent(server: LLMServer) -> tuple[int, int]:
    return len(server.received), server.prompt_tokens + server.completion_tokens


def per_segment(server: LLMServer, texts: list[str], concurrency: int) -> float:
    """Segments per second, one request per segment."""
    project = make_project(texts, server, batch_size=1, concurrency=concurrency)
    elapsed, report = timed_run(project)
    assert report.machine_filled == len(texts), report
    return len(texts) / elapsed


def killed_and_resumed(server: LLMServer, texts: list[str], args: argparse.Namespace) -> tuple[int, int, int]:
    """Segments in flight at the kill, segments sent again by the resumed run, and its requests.

    The resumed run batches what is left afresh, so its requests mix segments that were in flight
    with segments never sent: segments, not requests, are compared."""
    project = make_project(texts, server, args.batch_size, args.concurrency)
    before = len(server.received)
    answered = before + len(texts) // args.batch_size // 2
    # The requests after the first half wait: the kill comes while `concurrency` are in flight.
    server.hold(after=answered)
    child = subprocess.Popen(
        [sys.executable, "-c", "from transflow.faces.cli import main; main()", "--project", str(project), "translate"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    while server.held < args.concurrency:
        time.sleep(0.005)
    child.send_signal(signal.SIGKILL)
    child.wait()
    in_flight, killed = server.received[answered:], server.received[before:]
    server.release()
    resumed_from = len(server.received)
    timed_run(project)
    resumed = server.received[resumed_from:]

    in_flight_texts = _segments(in_flight)
    again = _segments(resumed) & _segments(killed)
    assert again <= in_flight_texts, "a segment answered before the kill was sent again"
    return len(in_flight_texts), len(again), len(resumed)


def _segments(requests: list[dict]) -> set[str]:
    asked = [json.loads(request["messages"][1]["content"]) for request in requests]
    return {segment["text"] for request in asked for segment in request["segments"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--segments", type=int, default=2000)
    parser.add_argument("--latency", type=float, default=0.3)
    parser.add_argument("--batch-size", type=int, default=20)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--baseline-sample", type=int, default=100)
    args = parser.parse_args()
    texts = segments(args.segments, seed=1)
    sample = texts[: args.baseline_sample]
    with LLMServer(latency=args.latency) as server:
        sequential = per_segment(server, sample, concurrency=1)
        start = sent(server)
        concurrent = per_segment(server, sample, concurrency=args.concurrency)
        single_requests, single_tokens = (b - a for a, b in zip(start, sent(server), strict=True))
        start = sent(server)
        project = make_project(texts, server, args.batch_size, args.concurrency)
        elapsed, report = timed_run(project)
        assert report.machine_filled == len(texts) and not report.left, report
        batched = len(texts) / elapsed
        requests, tokens = (b - a for a, b in zip(start, sent(server), strict=True))
        start = sent(server)
        timed_run(project)
        rerun = sent(server)[1] - start[1]
        for path in (project / "translations/de").glob("*.po"):
            po = read_po(path)
            for entry in po:
                entry.msgstr, entry.flags, entry.tcomment = "", [], ""
            write_po(path, po)
        start = sent(server)
        timed_run(project)
        emptied = sent(server)[1] - start[1]
        in_flight, again, resumed = killed_and_resumed(server, texts, args)
    scale = len(texts) / len(sample)
    print(
        f"server latency {args.latency * 1000:.0f} ms a request, {len(texts)} distinct segments in "
        f"{-(-len(texts) // ARTICLE_SIZE)} articles"
    )
    print(f"one request per segment, sequential : {sequential:7.1f} segments/s (sample of {len(sample)})")
    print(
        f"one request per segment, concurrency {args.concurrency}: {concurrent:7.1f} segments/s, "
        f"{single_requests * scale:.0f} requests and {single_tokens * scale:.0f} tokens for all (scaled)"
    )
    print(
        f"batches of {args.batch_size}, concurrency {args.concurrency}      : {batched:7.1f} segments/s "
        f"-> {batched / sequential:.0f}x sequential, {batched / concurrent:.1f}x per-segment concurrent; "
        f"{requests} requests, {tokens} tokens ({report.tokens_in} in, {report.tokens_out} out)"
    )
    print(f"tokens sent on an immediate rerun    : {rerun} (target 0)")
    print(f"tokens sent on emptied catalogs      : {emptied} (target 0: the cache answers)")
    print(
        f"killed with SIGKILL halfway, resumed : {again} segments sent twice; {in_flight} were in flight "
        f"(target: only those); the resumed run sent {resumed} requests"
    )


if __name__ == "__main__":
    main()
