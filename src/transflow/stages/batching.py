"""Machine translation an article at a time, for engines that read context (language models).

The entries of one catalog waiting for the engine go out together, up to `mt.batch_size` per request,
each with its block kind (from the template's `#.` comment) and its neighbouring source segments, the
article's title, and the glossary terms found in them; markup is masked as for every engine, terms
are not (the model is asked for them, the verifier still checks them). A reply that cannot be
applied whole (invalid JSON, truncated, a segment missing or moved) is split in halves and asked
again; a single segment is retried like any failed request. Every translation goes through the same
check as every engine's; a failing one gets one repair round (the model sees its own translation and
the exact violations), then the term and markup repair all engines get; what still fails is filled
with its violations, as for every engine.

Results are cached per segment under the engine, model, prompt version and style guide, and the
glossary terms of that segment only, so a glossary change re-translates just the segments it
touches. Requests run `concurrency` at a time; each batch is cached as it arrives, so a killed run
loses only the batches in flight (Ctrl-C waits for those and keeps them).
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, CancelledError, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from typing import Protocol, cast

import polib

from transflow.domain.glossary import Glossary, Violation
from transflow.domain.protect import Masked, check, mask, repair, restore
from transflow.stages.engines import EngineUnavailable, RateLimiter, TransientError, open_engine
from transflow.stages.engines.calling import TokenBudget, retrying
from transflow.stages.engines.llm import Completion
from transflow.stages.engines.llm_batch import (
    PROMPT_VERSION,
    BadReply,
    Batch,
    Segment,
    TermBrief,
    estimate_prompt,
    estimate_reply,
    estimate_segment_reply,
    messages,
    parse_reply,
    repair_messages,
)
from transflow.stages.progress import Progress
from transflow.stages.settings import EngineSettings

_NO_TERMS = Glossary.empty()  # markup only is masked: the model is asked for the terms


class Cache(Protocol):
    def get(self, engine: str, source: str, target: str, text: str) -> str | None: ...

    def put(self, engine: str, source: str, target: str, text: str, translation: str) -> None: ...


class BatchEngine(Protocol):
    def complete(self, chat: list[dict[str, str]], ids: list[str]) -> Completion: ...


@dataclass
class Article:
    """One catalog: its live entries in order (the context) and those waiting for the engine."""

    lang: str
    entries: list[polib.POEntry]
    waiting: list[polib.POEntry]


# (entry, translation, violations): a translation to fill in, fuzzy, with the violations in its comment.
Accept = Callable[[polib.POEntry, str, list[Violation]], None]


@dataclass
class Tally:
    """What was sent and what came of it, for the stage's report."""

    requests: int = 0
    characters: int = 0
    tokens_in: int = 0
    tokens_out: int = 0
    from_cache: int = 0
    left: int = 0
    errors: list[str] = field(default_factory=list)
    unreachable: str | None = None
    # --dry-run, per language: segments, characters, estimated input and output tokens
    planned: dict[str, list[int]] = field(default_factory=dict)


@dataclass
class _Job:
    """One distinct segment: the entries (of any article) that share its masked text and terms."""

    lang: str
    source: str
    masked: Masked
    key: str  # the cache's text key: masked text and the digest of its glossary terms
    segment: Segment
    entries: list[tuple[polib.POEntry, Masked]]  # masked alike, but each with its own markup to put back
    draft: str | None = None  # the model's translation, once known


@dataclass
class _Done:
    """One batch's outcome from a worker: per segment id, the model's final text (masked), and the cost."""

    drafts: dict[str, str] = field(default_factory=dict)
    requests: int = 0
    characters: int = 0
    tokens_in: int = 0
    tokens_out: int = 0


class Batcher:
    """Article batches for one run of the translate stage."""

    def __init__(self, settings: EngineSettings, glossary: Glossary, source: str, cache: Cache):
        self.settings = settings
        self.options = settings.llm
        self.glossary = glossary
        self.source = source
        self.cache = cache
        style = hashlib.blake2b(repr(self.options.style).encode(), digest_size=8).hexdigest()
        self.engine_key = (
            f"{settings.identity} temperature {self.options.temperature:g} prompt {PROMPT_VERSION} style {style}"
        )

    def plan(self, articles: list[Article]) -> Tally:
        """--dry-run: the batches that would be sent (cache misses only) and their estimated tokens."""
        tally = Tally()
        for lang, batch, _jobs in self._batches(articles, tally):
            counts = tally.planned.setdefault(lang, [0, 0, 0, 0])
            counts[0] += len(batch.segments)
            counts[1] += sum(len(segment.text) for segment in batch.segments)
            counts[2] += estimate_prompt(batch, self.options.style)
            counts[3] += estimate_reply(batch)
        return tally

    def run(self, articles: list[Article], accept: Accept, save: Callable[[], None], progress: Progress) -> Tally:
        """Translate, check and fill every waiting entry; `save` every `save_interval` seconds."""
        tally = Tally()
        batches = self._batches(articles, tally, accept)
        workers = _Workers(self)
        pool = ThreadPoolExecutor(self.settings.concurrency, thread_name_prefix="llm")
        # At most `concurrency` batches are submitted at a time, the next only once a result is
        # cached: a killed run loses no more than the batches in flight.
        queue = iter(batches)
        running: dict[Future[_Done], tuple[str, Batch, dict[str, _Job]]] = {}

        def submit_next() -> None:
            job = next(queue, None) if tally.unreachable is None else None
            if job is not None:
                running[pool.submit(workers.run, job[0], job[1], job[2])] = job

        progress.start(sum(len(batch.segments) for _, batch, _ in batches))
        try:
            for _ in range(self.settings.concurrency):
                submit_next()
            last_save = time.monotonic()
            while running:
                finished, _ = wait(running, return_when=FIRST_COMPLETED)
                for future in finished:
                    lang, batch, jobs = running.pop(future)
                    self._receive(future, lang, batch, jobs, accept, tally)
                    progress.advance(len(batch.segments))
                    submit_next()
                if time.monotonic() - last_save >= self.settings.save_interval:
                    save()
                    last_save = time.monotonic()
        except KeyboardInterrupt:
            # Ctrl-C: nothing new is sent; the batches in flight (each request has a timeout) are
            # waited for and kept. A second Ctrl-C stops at once.
            workers.stop.set()
            pool.shutdown(wait=True, cancel_futures=True)
            for future, (lang, batch, jobs) in running.items():
                self._receive(future, lang, batch, jobs, accept, tally)
            raise
        finally:
            workers.stop.set()
            pool.shutdown(wait=False, cancel_futures=True)
            progress.finish()
        tally.left += sum(len(job.entries) for _, _, jobs in queue for job in jobs.values())
        return tally

    def _receive(
        self, future: Future[_Done], lang: str, batch: Batch, jobs: dict[str, _Job], accept: Accept, tally: Tally
    ) -> None:
        try:
            done = future.result()
        except (_Stopped, CancelledError):
            tally.left += sum(len(job.entries) for job in jobs.values())
            return
        except (EngineUnavailable, TransientError) as exc:
            if isinstance(exc, EngineUnavailable) or exc.network:
                tally.unreachable = tally.unreachable or f"engine {self.settings.identity} unreachable: {exc}"
            else:
                tally.errors.append(f"{lang}: {exc} ({len(batch.segments)} segment(s) of {batch.title!r} left)")
            tally.left += sum(len(job.entries) for job in jobs.values())
            return
        tally.requests += done.requests
        tally.characters += done.characters
        tally.tokens_in += done.tokens_in
        tally.tokens_out += done.tokens_out
        for id_, draft in done.drafts.items():
            job = jobs[id_]
            self.cache.put(self.engine_key, self.source, lang, job.key, draft)
            for entry, masked in job.entries:
                accept(entry, *self._checked(entry.msgid, masked, lang, draft))

    def _batches(
        self, articles: list[Article], tally: Tally, accept: Accept | None = None
    ) -> list[tuple[str, Batch, dict[str, _Job]]]:
        """Distinct uncached segments, grouped by article, `batch_size` (and half of max_tokens) at most.

        Cached segments are filled at once when `accept` is given.
        """
        seen: dict[tuple[str, str], _Job] = {}
        batches = []
        for article in articles:
            fresh: list[_Job] = []
            for entry in article.waiting:
                job = self._job(article, entry)
                known = seen.get((article.lang, job.key))
                if known is None:
                    seen[(article.lang, job.key)] = known = job
                    job.draft = self.cache.get(self.engine_key, self.source, article.lang, job.key)
                    if job.draft is None:
                        fresh.append(job)
                        continue
                    tally.from_cache += 1
                elif known.draft is None:
                    known.entries.append((entry, job.masked))  # filled when its batch comes back
                    continue
                if accept is not None and known.draft is not None:
                    accept(entry, *self._checked(entry.msgid, job.masked, article.lang, known.draft))
            batches.extend(self._chunks(article, fresh))
        return batches

    def _chunks(self, article: Article, jobs: list[_Job]) -> list[tuple[str, Batch, dict[str, _Job]]]:
        chunks: list[list[_Job]] = []
        budget = self.options.max_tokens // 2  # a reply must fit in max_tokens, whatever the model writes
        spent = 0
        for job in jobs:
            cost = estimate_segment_reply(job.segment)
            if not chunks or len(chunks[-1]) >= self.options.batch_size or spent + cost > budget:
                chunks.append([])
                spent = 0
            chunks[-1].append(job)
            spent += cost
        return [
            (
                article.lang,
                _batch(article, chunk, self.source, self.options.context),
                {f"s{number}": job for number, job in enumerate(chunk, 1)},
            )
            for chunk in chunks
        ]

    def _job(self, article: Article, entry: polib.POEntry) -> _Job:
        masked = mask(entry.msgid, _NO_TERMS, article.lang)
        terms = self._terms(masked.text, article.lang)
        digest = hashlib.blake2b(repr(terms).encode(), digest_size=8).hexdigest() if terms else ""
        key = masked.text + (f"\0glossary {digest}" if digest else "")
        segment = Segment("", masked.text, _kind(entry), (), (), terms)
        return _Job(article.lang, entry.msgid, masked, key, segment, [(entry, masked)])

    def _terms(self, source: str, lang: str) -> tuple[TermBrief, ...]:
        """The terms in the text the model translates (not those inside a link destination)."""
        briefs = []
        for found in self.glossary.find(source):
            term = found.term
            rendering = self.glossary.expected(term, lang)
            if rendering:
                briefs.append(TermBrief(term.source, rendering, term.forbidden.get(lang, ()), term.note))
        return tuple(dict.fromkeys(briefs))

    def verify(self, source: str, masked: Masked, lang: str, draft: str) -> tuple[str, list[Violation]]:
        """The model's text with the markup put back, and what the check every engine gets finds wrong."""
        restored = restore(masked, draft)
        return restored.text, restored.violations + check(source, restored.text, self.glossary, lang)

    def _checked(self, source: str, masked: Masked, lang: str, draft: str) -> tuple[str, list[Violation]]:
        """Verified, with the last resort every engine gets: terms and markup repaired in the text itself."""
        text, violations = self.verify(source, masked, lang, draft)
        if violations:
            repaired = repair(source, text, self.glossary, lang)
            remaining = check(source, repaired, self.glossary, lang)
            if len(remaining) < len(violations):
                return repaired, remaining
        return text, violations


class _Stopped(Exception):
    """The run ended (the engine unreachable, Ctrl-C) while this batch waited: it is not sent."""


class _Workers:
    """What pool threads do with a batch: ask, split what comes back malformed, verify, repair once."""

    def __init__(self, batcher: Batcher):
        self.batcher = batcher
        self.settings = batcher.settings
        self.limiter = RateLimiter(batcher.settings.rate_limit)
        self.budget = TokenBudget(batcher.options.tokens_per_minute)
        self.stop = threading.Event()
        self._engines: dict[str, BatchEngine] = {}
        self._lock = threading.Lock()

    def run(self, lang: str, batch: Batch, jobs: dict[str, _Job]) -> _Done:
        if self.stop.is_set():
            raise _Stopped
        engine = self._engine(lang)
        done = _Done()
        drafts = self._ask(engine, batch, done)
        verdicts = {id_: self._verify(jobs[id_], drafts[id_]) for id_ in batch.ids}
        problems = {id_: [v.message for v in found] for id_, (_, found) in verdicts.items() if found}
        if problems:
            chat = repair_messages(batch, self.batcher.options.style, drafts, problems)
            try:
                fixed = self._request(engine, chat, list(problems), done)
            except (BadReply, TransientError):
                fixed = {}
            for id_, draft in fixed.items():
                text, found = self._verify(jobs[id_], draft)
                if len(found) < len(verdicts[id_][1]):
                    drafts[id_], verdicts[id_] = draft, (text, found)
        done.drafts = drafts
        return done

    def _verify(self, job: _Job, draft: str) -> tuple[str, list[Violation]]:
        return self.batcher.verify(job.source, job.masked, job.lang, draft)

    def _engine(self, lang: str) -> BatchEngine:
        with self._lock:
            if lang not in self._engines:
                made = open_engine(self.settings, self.batcher.source, lang, self.batcher.glossary)()
                self._engines[lang] = cast(BatchEngine, made)
            return self._engines[lang]

    def _ask(self, engine: BatchEngine, batch: Batch, done: _Done) -> dict[str, str]:
        """The batch's translations; a reply that cannot be applied whole sends each half again."""
        try:
            return self._request(engine, messages(batch, self.batcher.options.style), batch.ids, done)
        except BadReply:
            half = len(batch.segments) // 2
            first, second = batch.subset(batch.ids[:half]), batch.subset(batch.ids[half:])
            return {**self._ask(engine, first, done), **self._ask(engine, second, done)}

    def _request(self, engine: BatchEngine, chat: list[dict[str, str]], ids: list[str], done: _Done) -> dict[str, str]:
        """One request, retried on transient errors; a bad reply for one segment is retried too."""
        estimate = sum(len(message["content"]) for message in chat) // 4 + self.batcher.options.max_tokens

        def attempt() -> dict[str, str]:
            if self.stop.is_set():
                raise _Stopped
            self.budget.wait(estimate)
            done.requests += 1
            done.characters += sum(len(message["content"]) for message in chat)
            reply = engine.complete(chat, ids)
            done.tokens_in += reply.prompt_tokens
            done.tokens_out += reply.completion_tokens
            try:
                return parse_reply(reply.content, reply.finish_reason, ids)
            except BadReply as exc:
                if len(ids) == 1:
                    raise TransientError(str(exc)) from None
                raise

        return retrying(attempt, self.settings, self.limiter)


def _batch(article: Article, jobs: list[_Job], source: str, window: int) -> Batch:
    """The request for these jobs: numbered segments, each with the neighbours the request lacks."""
    inside = {id(job.entries[0][0]) for job in jobs}
    position = {id(entry): index for index, entry in enumerate(article.entries)}

    def around(start: int, stop: int) -> tuple[str, ...]:
        return tuple(entry.msgid for entry in article.entries[max(start, 0) : max(stop, 0)] if id(entry) not in inside)

    segments = []
    for number, job in enumerate(jobs, 1):
        at = position[id(job.entries[0][0])]
        segment = job.segment
        before, after = around(at - window, at), around(at + 1, at + 1 + window)
        segments.append(Segment(f"s{number}", segment.text, segment.kind, before, after, segment.terms))
    return Batch(source, article.lang, _title(article.entries), tuple(segments))


def _kind(entry: polib.POEntry) -> str:
    """The block kind the template's extracted comment names (`heading 2`, `front matter: title, heading 1`)."""
    lines = [line for line in (entry.comment or "").splitlines() if not line.startswith("glossary:")]
    return "; ".join(lines) or "text"


def _title(entries: list[polib.POEntry]) -> str:
    """The article's title: the front-matter title, else its first top-level heading."""
    for wanted in ("title", "heading 1"):
        for entry in entries:
            if wanted in _kind(entry).replace("front matter: ", "").split(", "):
                return str(entry.msgid)
    return ""
