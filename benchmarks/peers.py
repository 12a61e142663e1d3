"""Time the peer tools (translate-toolkit and mdpo) on a generated transflow project.

Each peer lives in its own cached venv because both ship commands named md2po/po2md.
Every stage runs as real subprocesses, timed by wall clock, with peak RSS taken from
os.wait4 per child, so interpreter start-up is paid the same way transflow's CLI pays it.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import venv
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import polib
from markdown_it import MarkdownIt

WORK = Path(__file__).resolve().parent / ".work"
VENV_TTK = WORK / "venv-ttk"
VENV_MDPO = WORK / "venv-mdpo"
# translate-toolkit's Markdown support needs its `markdown` extra (mistletoe); the
# `levenshtein` extra (rapidfuzz) is its fast fuzzy matcher, so pot2po runs at its best.
TTK_PACKAGES = ["translate-toolkit[markdown,levenshtein]"]
MDPO_PACKAGES = ["mdpo"]
STAGE_TIMEOUT = 3600.0
STARTUP_SAMPLES = 7
# mdpo's glob mode merges every file into one catalog with a linear search per msgid
# (quadratic: 5 s for 50 articles, 81 s for 200), so past this size it would dominate
# the whole benchmark; it is reported as skipped instead.
MDPO_BATCH_EXTRACT_LIMIT = 200
FRONT_MATTER = re.compile(r"\A---\n.*?\n---\n", re.DOTALL)
# Tools run with a shared bytecode cache that they may write: an installed package has
# .pyc files, but an editable checkout under PYTHONDONTWRITEBYTECODE (set on these
# machines) would recompile on every start. A warm-up run fills the cache untimed.
TOOL_ENV = {
    **{key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"},
    "PYTHONPYCACHEPREFIX": str(WORK / "pycache"),
}


class PeerError(RuntimeError):
    """A tool command failed or skipped files; carries the reason for the report."""


@dataclass
class Stage:
    """Timing of one pipeline stage (possibly many processes) of one tool.

    CPU time (user + sys of the tool's processes) is kept beside wall time because it
    hardly moves when other work shares the machine, while wall time does.

    `kind` (extract, update, build; transflow adds run and no-change) groups variants
    of a stage (per-file vs batch) so the fastest one is used for the summary.
    """

    name: str
    kind: str
    seconds: float
    cpu_seconds: float
    processes: int
    peak_rss_kb: int
    startup_seconds: float | None = None
    note: str = ""

    @property
    def seconds_without_startup(self) -> float | None:
        """Wall time minus the measured per-process start-up cost, if it was measured."""
        if self.startup_seconds is None:
            return None
        return max(0.0, self.seconds - self.processes * self.startup_seconds)


@dataclass
class ToolRun:
    """All stages of one run of one tool, plus what the report needs to check it."""

    tool: str
    stages: list[Stage] = field(default_factory=list)
    segments: int | None = None
    build_dirs: dict[str, Path] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def venv_bin(venv_dir: Path, command: str) -> str:
    return str(venv_dir / "bin" / command)


def ensure_venv(venv_dir: Path, packages: list[str], commands: list[str]) -> None:
    """Create the venv once and install packages; the marker makes later calls free."""
    marker = venv_dir / ".bench-installed"
    wanted = " ".join(packages)
    if marker.exists() and marker.read_text(encoding="utf-8") == wanted:
        return
    venv.EnvBuilder(with_pip=True, clear=venv_dir.exists()).create(venv_dir)
    subprocess.run(
        [venv_bin(venv_dir, "python"), "-m", "pip", "install", "-q", *packages],
        check=True,
    )
    for command in commands:
        # Imports the command's module, so a missing optional dependency shows up here.
        subprocess.run([venv_bin(venv_dir, command), "--version"], check=True, stdout=subprocess.DEVNULL)
    marker.write_text(wanted, encoding="utf-8")


def ensure_peers() -> None:
    ensure_venv(VENV_TTK, TTK_PACKAGES, ["md2po", "pot2po", "po2md"])
    ensure_venv(VENV_MDPO, MDPO_PACKAGES, ["md2po", "po2md", "md2po2md"])


def package_version(venv_dir: Path, package: str) -> str:
    result = subprocess.run(
        [
            venv_bin(venv_dir, "python"),
            "-c",
            f"import importlib.metadata as m; print(m.version({package!r}))",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip()


def peer_versions() -> dict[str, str]:
    return {
        "translate-toolkit": package_version(VENV_TTK, "translate-toolkit"),
        "mistletoe (ttk's parser)": package_version(VENV_TTK, "mistletoe"),
        "mdpo": package_version(VENV_MDPO, "mdpo"),
        "pymd4c (mdpo's parser)": package_version(VENV_MDPO, "pymd4c"),
    }


# --- running and timing ------------------------------------------------------------


# Commands are spawned by a small, separate launcher process: Linux reports a child's
# ru_maxrss as at least its parent's RSS at exec time, so spawning from this (larger)
# process would put a floor of its own size under every measurement. The launcher's own
# floor is about 10 MiB, below any of the measured Python tools.
_LAUNCHER = """
import json, os, sys, time
spec = json.load(sys.stdin)
null = os.open(os.devnull, os.O_RDWR)
err = os.open(spec["stderr"], os.O_WRONLY | os.O_APPEND)
actions = [(os.POSIX_SPAWN_DUP2, null, 0), (os.POSIX_SPAWN_DUP2, null, 1),
           (os.POSIX_SPAWN_DUP2, err, 2)]
os.chdir(spec["cwd"])
times, peak, cpu, failed = [], 0, 0.0, None
begin = time.perf_counter()
for cmd in spec["commands"]:
    start = time.perf_counter()
    pid = os.posix_spawnp(cmd[0], cmd, spec["env"], file_actions=actions)
    _, status, usage = os.wait4(pid, 0)
    times.append(time.perf_counter() - start)
    peak = max(peak, usage.ru_maxrss)
    cpu += usage.ru_utime + usage.ru_stime
    if os.waitstatus_to_exitcode(status) != 0:
        failed = [cmd, os.waitstatus_to_exitcode(status)]
        break
total = time.perf_counter() - begin
json.dump({"total": total, "times": times, "peak_kb": peak, "cpu": cpu, "failed": failed},
          sys.stdout)
"""


@dataclass
class Launch:
    """What the launcher measured: wall times, peak RSS (KiB), CPU time (user + sys)."""

    total: float
    times: list[float]
    peak_kb: int
    cpu: float


def launch(commands: Sequence[Sequence[str]], cwd: Path) -> Launch:
    """Run commands one after another in cwd, stopping at the first failure."""
    with tempfile.NamedTemporaryFile(dir=WORK, suffix=".stderr") as stderr:
        spec = {
            "stderr": stderr.name,
            "cwd": str(cwd),
            "env": TOOL_ENV,
            "commands": [list(command) for command in commands],
        }
        proc = subprocess.Popen(
            [sys.executable, "-S", "-c", _LAUNCHER],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )
        try:
            out, _ = proc.communicate(json.dumps(spec), timeout=STAGE_TIMEOUT)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
            raise PeerError(f"timed out after {STAGE_TIMEOUT:.0f} s: {commands[0]}") from None
        if proc.returncode != 0:
            raise PeerError(f"launcher failed with exit status {proc.returncode}")
        report = json.loads(out)
        if report["failed"]:
            cmd, code = report["failed"]
            tail = Path(stderr.name).read_text(encoding="utf-8", errors="replace")[-2000:]
            raise PeerError(f"{' '.join(cmd)!r} exited {code}:\n{tail}")
    return Launch(report["total"], report["times"], report["peak_kb"], report["cpu"])


def run_stage(name: str, kind: str, commands: Sequence[Sequence[str]], cwd: Path, note: str) -> Stage:
    """Run commands one after another (as a user's script would) and time them together."""
    result = launch(commands, cwd)
    return Stage(name, kind, result.total, result.cpu, len(commands), result.peak_kb, note=note)


def startup_cost(command: list[str]) -> float:
    """Median wall time of one process doing a trivial job: interpreter + imports.

    Measured right after the stage it belongs to (same machine load), in a scratch dir
    holding empty.md, empty.pot and empty.po, so tools can be reported with and without
    their per-process start-up overhead.
    """
    with tempfile.TemporaryDirectory(dir=WORK) as tmp:
        scratch = Path(tmp)
        (scratch / "empty.md").write_text("# Leeg\n", encoding="utf-8")
        write_catalog(scratch / "empty.pot", [polib.POEntry(msgid="Leeg")])
        write_catalog(scratch / "empty.po", [polib.POEntry(msgid="Leeg", msgstr="LEEG")])
        result = launch([command] * STARTUP_SAMPLES, scratch)
    return statistics.median(result.times)


# --- catalogs -----------------------------------------------------------------------

_PROTECTED = re.compile(r"(\]\([^)]*\)|`[^`]*`|\{\d+\}|<[^>]*>|\\.|https?://\S+)")


def pseudo_translate(text: str) -> str:
    """Upper-case the prose so substitution is visible, keeping URLs/code/placeholders."""
    parts = _PROTECTED.split(text)
    # µ.upper() is Greek capital mu; keep the unit symbol readable.
    return "".join(part if i % 2 else part.upper().replace("Μ", "µ") for i, part in enumerate(parts))


def fill_catalog(path: Path, language: str) -> None:
    """Give every entry a pseudo translation so the rebuild really substitutes text."""
    catalog = polib.pofile(str(path), wrapwidth=0)
    catalog.metadata["Language"] = language
    for entry in catalog:
        if entry.obsolete:
            continue
        # ttk extracts a whole YAML front matter block as one unit; upper-casing its
        # keys would make invalid YAML, so keep it verbatim like a translator would.
        front_matter = entry.msgid.startswith("---\n")
        entry.msgstr = entry.msgid if front_matter else pseudo_translate(entry.msgid)
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
    catalog.save(str(path))


def write_catalog(path: Path, entries: list[polib.POEntry]) -> None:
    catalog = polib.POFile(wrapwidth=0)
    catalog.metadata = {"Content-Type": "text/plain; charset=UTF-8"}
    catalog.extend(entries)
    path.parent.mkdir(parents=True, exist_ok=True)
    catalog.save(str(path))


def count_segments(paths: Sequence[Path]) -> int:
    return sum(len([entry for entry in polib.pofile(str(path)) if not entry.obsolete]) for path in paths)


def markdown_files(project: Path) -> list[Path]:
    return sorted((project / "source").glob("*.md"))


def expect_outputs(directory: Path, suffix: str, count: int, what: str) -> None:
    """Peers often log and skip a file instead of failing; catch that here."""
    found = len(list(directory.glob(f"*{suffix}")))
    if found != count:
        raise PeerError(f"{what}: expected {count} {suffix} files in {directory}, found {found}")


# --- checking rebuilt files -----------------------------------------------------------

_MARKDOWN = MarkdownIt("commonmark").enable("table")
_CODE = re.compile(r"<pre>.*?</pre>|<code>.*?</code>", re.DOTALL)
_TAG = re.compile(r"<[^>]*>")


# A list turning loose (items wrapped in <p>) only changes spacing, not content.
_LOOSE_ITEM = re.compile(r"(?<=<li>)<p>|</p>(?=</li>|<ul>|<ol>)")


# Whitespace next to block tags is layout (soft breaks, indentation), not content.
_BLOCK_TAG_SPACE = re.compile(r"\s*(</?(?:p|ul|ol|li|h[1-6]|blockquote|table|thead|tbody|tr|th|td|pre|hr)\b[^>]*>)\s*")


def _html(text: str) -> str:
    body = FRONT_MATTER.sub("", text, count=1)
    html = _BLOCK_TAG_SPACE.sub(r"\1", " ".join(_MARKDOWN.render(body).split()))
    return _LOOSE_ITEM.sub("", html)


@dataclass
class BuildCheck:
    """How many rebuilt files keep the source's structure and carry the translations."""

    files: int = 0
    missing: list[str] = field(default_factory=list)
    structure_differs: list[str] = field(default_factory=list)
    untranslated: list[str] = field(default_factory=list)
    front_matter_lost: list[str] = field(default_factory=list)
    first_difference: str = ""


def _first_difference(expected: str, got: str, context: int = 40) -> str:
    at = next(
        (i for i, (a, b) in enumerate(zip(expected, got, strict=False)) if a != b),
        min(len(expected), len(got)),
    )
    start = max(0, at - context)
    return f"expected ...{expected[start : at + context]!r}... got ...{got[start : at + context]!r}..."


def check_build(project: Path, build_dir: Path) -> BuildCheck:
    """Render source and output to HTML: with all text upper-cased they must be equal
    (same blocks, inline markup, links), and the output's prose must be upper case."""
    check = BuildCheck()
    for source in markdown_files(project):
        check.files += 1
        built = build_dir / source.name
        if not built.exists():
            check.missing.append(source.name)
            continue
        source_text = source.read_text(encoding="utf-8")
        built_text = built.read_text(encoding="utf-8")
        expected, got = _html(source_text).upper(), _html(built_text).upper()
        if expected != got:
            check.structure_differs.append(source.name)
            if not check.first_difference:
                check.first_difference = f"{source.name}: {_first_difference(expected, got)}"
        prose = _TAG.sub(" ", _CODE.sub(" ", _html(built_text)))
        letters = [char for char in prose if char.isalpha()]
        if sum(char.isupper() for char in letters) < 0.95 * len(letters):
            check.untranslated.append(source.name)
        if FRONT_MATTER.match(source_text) and not FRONT_MATTER.match(built_text):
            check.front_matter_lost.append(source.name)
    return check


# --- translate-toolkit ----------------------------------------------------------------

TTK_FLAGS = ["--progress=none", "--errorlevel=traceback"]
# Code blocks are not prose: mdpo leaves them out by default, so ttk's md2po/po2md must too.
TTK_MARKDOWN_FLAGS = ["--no-code-blocks"]


def ttk(command: str, *args: str) -> list[str]:
    markdown = TTK_MARKDOWN_FLAGS if command in ("md2po", "po2md") else []
    return [venv_bin(VENV_TTK, command), *TTK_FLAGS, *markdown, *args]


def run_ttk(project: Path, languages: list[str]) -> ToolRun:
    """md2po/pot2po/po2md each take a whole directory: one process per stage and language."""
    result = ToolRun("translate-toolkit")
    count = len(markdown_files(project))
    extract = run_stage(
        "extract",
        "extract",
        [ttk("md2po", "-P", "-i", "source", "-o", "pot")],
        project,
        note="1 process: md2po -P -i source -o pot",
    )
    extract.startup_seconds = startup_cost(ttk("md2po", "-P", "-i", "empty.md", "-o", "out.pot"))
    result.stages.append(extract)
    expect_outputs(project / "pot", ".pot", count, "ttk md2po")
    result.segments = count_segments(sorted((project / "pot").glob("*.pot")))

    # ttk creates only the last path component of an output directory.
    (project / "translations").mkdir(exist_ok=True)
    (project / "build").mkdir(exist_ok=True)
    update = run_stage(
        "update",
        "update",
        [ttk("pot2po", "-i", "pot", "-o", f"translations/{lang}") for lang in languages],
        project,
        note=f"{len(languages)} processes: pot2po -i pot -o translations/LANG",
    )
    update.startup_seconds = startup_cost(ttk("pot2po", "-i", "empty.pot", "-o", "out.po"))
    result.stages.append(update)
    for lang in languages:
        expect_outputs(project / "translations" / lang, ".po", count, "ttk pot2po")
        for po in (project / "translations" / lang).glob("*.po"):
            fill_catalog(po, lang)

    build = run_stage(
        "build",
        "build",
        [ttk("po2md", "-i", f"translations/{lang}", "-t", "source", "-o", f"build/{lang}") for lang in languages],
        project,
        note=f"{len(languages)} processes: po2md -i translations/LANG -t source -o build/LANG",
    )
    build.startup_seconds = startup_cost(ttk("po2md", "-i", "empty.po", "-t", "empty.md", "-o", "out.md"))
    result.stages.append(build)
    for lang in languages:
        expect_outputs(project / "build" / lang, ".md", count, "ttk po2md")
        result.build_dirs[lang] = project / "build" / lang
    return result


# --- mdpo -----------------------------------------------------------------------------


def strip_front_matter(directory: Path) -> dict[str, str]:
    """mdpo has no front matter support (mondeja/mdpo#228, #296): it turns the YAML into
    a thematic break, a paragraph and a setext heading. Cut it off before mdpo sees the
    files and return it so the built files can get it back, untimed."""
    saved = {}
    for path in sorted(directory.glob("*.md")):
        text = path.read_text(encoding="utf-8")
        match = FRONT_MATTER.match(text)
        if match:
            saved[path.name] = match.group(0)
            path.write_text(text[match.end() :].lstrip("\n"), encoding="utf-8")
    return saved


def restore_front_matter(directory: Path, saved: dict[str, str]) -> None:
    for name, front in saved.items():
        path = directory / name
        path.write_text(front + "\n" + path.read_text(encoding="utf-8"), encoding="utf-8")


def mdpo_md2po(source: str, catalog: str) -> list[str]:
    return [venv_bin(VENV_MDPO, "md2po"), "-q", "-s", "-p", catalog, source]


def mdpo_po2md(source: str, catalog: str, output: str) -> list[str]:
    return [venv_bin(VENV_MDPO, "po2md"), "-q", "-p", catalog, "-s", output, source]


def run_mdpo(project: Path, languages: list[str]) -> ToolRun:
    """mdpo's po2md handles one file per process; md2po and md2po2md also take globs."""
    result = ToolRun("mdpo")
    result.notes.append("front matter cut off before mdpo and re-attached after, untimed (mdpo cannot parse it)")
    # mdpo reads mdsource/, a copy without front matter; source/ stays for check_build.
    shutil.copytree(project / "source", project / "mdsource")
    saved = strip_front_matter(project / "mdsource")
    stems = [path.stem for path in sorted((project / "mdsource").glob("*.md"))]
    (project / "pot").mkdir()
    extract = run_stage(
        "extract",
        "extract",
        [mdpo_md2po(f"mdsource/{stem}.md", f"pot/{stem}.pot") for stem in stems],
        project,
        note=f"{len(stems)} processes (one per file): md2po mdsource/X.md -p pot/X.pot -s",
    )
    extract.startup_seconds = startup_cost(mdpo_md2po("empty.md", "out.pot"))
    result.stages.append(extract)
    pots = sorted((project / "pot").glob("*.pot"))
    result.segments = count_segments(pots)

    if len(stems) <= MDPO_BATCH_EXTRACT_LIMIT:
        batch = run_stage(
            "extract (batch)",
            "extract",
            [[venv_bin(VENV_MDPO, "md2po"), "-q", "-s", "-p", "corpus.pot", "mdsource/*.md"]],
            project,
            note="1 process: md2po 'mdsource/*.md' -p corpus.pot -s (one merged catalog)",
        )
        batch.note += f", {count_segments([project / 'corpus.pot'])} unique segments"
        result.stages.append(batch)
    else:
        result.notes.append(
            f"extract (batch) skipped above {MDPO_BATCH_EXTRACT_LIMIT} articles: md2po's glob"
            " mode is quadratic (one linear catalog search per msgid)"
        )

    # mdpo has no msginit/msgmerge step: seed each language's POs from the POTs (untimed).
    for lang in languages:
        target = project / "translations" / lang
        target.mkdir(parents=True)
        for pot in pots:
            po = target / f"{pot.stem}.po"
            shutil.copyfile(pot, po)
            fill_catalog(po, lang)
    result.notes.append("update: mdpo has none; POs seeded from the POTs with polib, untimed")

    build_cmds = []
    for lang in languages:
        (project / "build" / lang).mkdir(parents=True)
        build_cmds += [
            mdpo_po2md(f"mdsource/{stem}.md", f"translations/{lang}/{stem}.po", f"build/{lang}/{stem}.md")
            for stem in stems
        ]
    build = run_stage(
        "build",
        "build",
        build_cmds,
        project,
        note=f"{len(build_cmds)} processes (one per file and language):"
        " po2md mdsource/X.md -p translations/LANG/X.po -s build/LANG/X.md",
    )
    build.startup_seconds = startup_cost(mdpo_po2md("empty.md", "empty.po", "out.md"))
    result.stages.append(build)

    # md2po2md is mdpo's one-process batch mode: re-extract into each language's PO
    # (merging) and write the translated Markdown next to it.
    # It looks for its catalog at OUTPUT_DIR/NAME.md.po.
    for lang in languages:
        (project / "batch" / lang).mkdir(parents=True)
        for stem in stems:
            shutil.copyfile(
                project / "translations" / lang / f"{stem}.po",
                project / "batch" / lang / f"{stem}.md.po",
            )
    result.stages.append(
        run_stage(
            "update+build (batch)",
            "build",
            [
                [
                    venv_bin(VENV_MDPO, "md2po2md"),
                    "-q",
                    "mdsource/*.md",
                    "-l",
                    *languages,
                    "-o",
                    "batch/{lang}",
                ]
            ],
            project,
            note="1 process: md2po2md 'mdsource/*.md' -l LANGS -o 'batch/{lang}' (re-extracts, merges and builds)",
        )
    )
    for lang in languages:
        for directory in (project / "build" / lang, project / "batch" / lang):
            expect_outputs(directory, ".md", len(stems), "mdpo")
            restore_front_matter(directory, saved)
        result.build_dirs[lang] = project / "build" / lang
        result.build_dirs[f"{lang} (md2po2md)"] = project / "batch" / lang
    return result


PEERS: dict[str, Callable[[Path, list[str]], ToolRun]] = {
    "translate-toolkit": run_ttk,
    "mdpo": run_mdpo,
}
