"""What a language model is asked and what it must answer: the prompts and the reply's shape.

A request carries segments of one article (their markup already masked by placeholders), each with
its block kind and neighbouring source segments, the article's title, the glossary terms found in
them and the project's style guide. The model answers JSON (a schema is sent along), one
translation per segment id, in the order asked; `parse_reply` rejects anything else, so a batch is
applied whole or not at all. Pure: no network, no files.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass

from transflow.domain import languages

# Part of the MT cache key: a change to the prompts below re-translates everything once.
PROMPT_VERSION = "llm-1"

# Rough tokens per character of Latin-script text (OpenAI's rule of thumb is 4 characters a token).
CHARACTERS_PER_TOKEN = 4
# What the JSON around each translated segment costs in the reply, in tokens.
REPLY_OVERHEAD_TOKENS = 12
# Translations run somewhat longer than their source (Dutch -> German or French).
EXPANSION = 1.2


@dataclass(frozen=True)
class TermBrief:
    """A glossary term as the model is told about it, for one target language."""

    term: str
    rendering: str  # the required rendering; for a term kept as is, the term itself
    forbidden: tuple[str, ...]
    note: str


@dataclass(frozen=True)
class Segment:
    id: str
    text: str  # markup masked by placeholders
    kind: str  # block kind from the template: heading 2, list item, paragraph...
    before: tuple[str, ...]  # neighbouring source segments not in the same request
    after: tuple[str, ...]
    terms: tuple[TermBrief, ...] = ()  # glossary terms in the segment's source


@dataclass(frozen=True)
class Batch:
    source: str
    target: str
    title: str
    segments: tuple[Segment, ...]

    @property
    def terms(self) -> list[TermBrief]:
        """The glossary terms of all segments, each once, in order of appearance."""
        return list(dict.fromkeys(term for segment in self.segments for term in segment.terms))

    @property
    def ids(self) -> list[str]:
        return [segment.id for segment in self.segments]

    def subset(self, ids: list[str]) -> Batch:
        wanted = set(ids)
        return Batch(
            self.source,
            self.target,
            self.title,
            tuple(segment for segment in self.segments if segment.id in wanted),
        )


# The project's style guide: (aspect, language or "" for all, rule).
Style = tuple[tuple[str, str, str], ...]


class BadReply(Exception):
    """The reply cannot be applied whole: invalid JSON, truncated, a segment missing, added or moved."""


def messages(batch: Batch, style: Style) -> list[dict[str, str]]:
    """The chat messages that ask for a batch's translations."""
    return [
        {"role": "system", "content": _instructions(batch, style)},
        {"role": "user", "content": json.dumps(_request(batch), ensure_ascii=False, indent=1)},
    ]


def repair_messages(
    batch: Batch, style: Style, drafts: dict[str, str], problems: dict[str, list[str]]
) -> list[dict[str, str]]:
    """The repair round: the model's own translations of the failing segments, each with its exact violations."""
    failing = batch.subset(list(problems))
    own = {"translations": [{"id": id_, "text": drafts[id_]} for id_ in failing.ids]}
    correction = {
        "instruction": (
            "These translations break the rules: each problem is named. Correct only what is named, keep the "
            "rest, and answer in the same JSON format for these ids, in this order."
        ),
        "violations": [{"id": id_, "your_translation": drafts[id_], "problems": problems[id_]} for id_ in failing.ids],
    }
    return [
        *messages(failing, style),
        {"role": "assistant", "content": json.dumps(own, ensure_ascii=False)},
        {"role": "user", "content": json.dumps(correction, ensure_ascii=False, indent=1)},
    ]


def reply_schema(ids: list[str]) -> dict[str, object]:
    """The `response_format` of a request: structured output with exactly these ids."""
    item = {
        "type": "object",
        "properties": {"id": {"type": "string", "enum": ids}, "text": {"type": "string"}},
        "required": ["id", "text"],
        "additionalProperties": False,
    }
    schema = {
        "type": "object",
        "properties": {"translations": {"type": "array", "items": item}},
        "required": ["translations"],
        "additionalProperties": False,
    }
    return {"type": "json_schema", "json_schema": {"name": "translations", "strict": True, "schema": schema}}


_FENCE = re.compile(r"^\s*```(?:json)?\s*\n(.*)\n\s*```\s*$", re.DOTALL)


def parse_reply(content: str | None, finish_reason: str | None, ids: list[str]) -> dict[str, str]:
    """Translations by id, when the reply has every id once, in order; BadReply otherwise."""
    if finish_reason == "length":
        raise BadReply("reply truncated (finish_reason: length)")
    fenced = _FENCE.match(content or "")
    try:
        data = json.loads(fenced.group(1) if fenced else content or "")
    except ValueError as exc:
        raise BadReply(f"reply is not JSON: {exc}") from None
    items = data.get("translations") if isinstance(data, dict) else None
    if not isinstance(items, list) or not all(
        isinstance(item, dict) and isinstance(item.get("id"), str) and isinstance(item.get("text"), str)
        for item in items
    ):
        raise BadReply("reply does not have the translations format")
    got = [item["id"] for item in items]
    if got != ids:
        missing = [id_ for id_ in ids if id_ not in got]
        if missing:
            raise BadReply(f"segment(s) {', '.join(missing)} missing from the reply")
        if len(got) != len(ids):
            raise BadReply("reply has extra or repeated segments")
        raise BadReply("reply has the segments out of order")
    return {item["id"]: item["text"] for item in items}


def estimate_tokens(text: str) -> int:
    return math.ceil(len(text) / CHARACTERS_PER_TOKEN)


def estimate_prompt(batch: Batch, style: Style) -> int:
    """Input tokens of a request, before it is sent (4 per message for the chat format)."""
    return sum(estimate_tokens(message["content"]) + 4 for message in messages(batch, style))


def estimate_reply(batch: Batch) -> int:
    return sum(estimate_segment_reply(segment) for segment in batch.segments)


def estimate_segment_reply(segment: Segment) -> int:
    """Output tokens of one segment's translation, with the JSON around it."""
    return math.ceil(estimate_tokens(segment.text) * EXPANSION) + REPLY_OVERHEAD_TOKENS


def _instructions(batch: Batch, style: Style) -> str:
    source, target = languages.name(batch.source), languages.name(batch.target)
    lines = [
        f"You are a professional translator. Translate segments of one Markdown article from {source} "
        f"({batch.source}) into {target} ({batch.target}).",
        "Rules:",
        "- Translate each entry of `segments`, and only those; `before` and `after` are the neighbouring "
        "source text, given for context only.",
        "- `kind` says where the segment stands (heading, list item, table cell, paragraph...): translate it as that.",
        "- A placeholder such as [X0X] stands for markup, a link or a number: keep each one exactly once, "
        "unchanged, where it belongs in your sentence.",
        "- `glossary` lists terms in these segments: write each as its `rendering` (inflected only where the "
        "grammar needs it), never a `forbidden` form.",
        '- Answer with JSON only: {"translations": [{"id": ..., "text": ...}]}, every id once, in the order given.',
    ]
    rules = [(aspect, rule) for aspect, lang, rule in style if lang in ("", batch.target, batch.target.split("_")[0])]
    if rules:
        lines.append("Style guide:")
        lines.extend(f"- {aspect}: {rule}" for aspect, rule in rules)
    return "\n".join(lines)


def _request(batch: Batch) -> dict[str, object]:
    request: dict[str, object] = {"article": batch.title}
    request["segments"] = [
        {
            "id": segment.id,
            "kind": segment.kind,
            **({"before": list(segment.before)} if segment.before else {}),
            "text": segment.text,
            **({"after": list(segment.after)} if segment.after else {}),
        }
        for segment in batch.segments
    ]
    if batch.terms:
        request["glossary"] = [
            {
                "term": term.term,
                "rendering": term.rendering,
                **({"forbidden": list(term.forbidden)} if term.forbidden else {}),
                **({"note": term.note} if term.note else {}),
            }
            for term in batch.terms
        ]
    return request
