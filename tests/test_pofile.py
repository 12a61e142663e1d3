"""pofile: our PO output must be msgcat's, byte for byte, and reading must locate every problem.

GNU msgcat is the oracle: polib writes a catalog without wrapping, msgcat rewraps it, and our
format_po must give the same bytes. Those tests are skipped where gettext is not installed.
"""

from __future__ import annotations

import os
import shutil
import string
import subprocess
from pathlib import Path

import polib
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from transflow.errors import TransflowError
from transflow.formats.pofile import format_po, new_entry, parse_po, read_po, write_po

MSGCAT = shutil.which("msgcat")
needs_msgcat = pytest.mark.skipif(MSGCAT is None, reason="GNU gettext's msgcat is not on PATH (CI installs gettext)")

# Fields of an entry that a write and a read must preserve.
FIELDS = (
    "msgctxt",
    "msgid",
    "msgid_plural",
    "msgstr",
    "msgstr_plural",
    "flags",
    "tcomment",
    "comment",
    "occurrences",
    "previous_msgctxt",
    "previous_msgid",
    "previous_msgid_plural",
)

METADATA = {  # in the order polib's own writer imposes, so that msgcat sees our order
    "Project-Id-Version": "gezondheid 2.3",
    "Report-Msgid-Bugs-To": "vertalingen@example.org",
    "POT-Creation-Date": "2024-03-01 09:30+0100",
    "PO-Revision-Date": "2024-03-04 16:05+0100",
    "Last-Translator": "Anne de Vries <anne@example.org>",
    "Language-Team": "Nederlands <nl@example.org>",
    "Language": "nl",
    "MIME-Version": "1.0",
    "Content-Type": "text/plain; charset=UTF-8",
    "Content-Transfer-Encoding": "8bit",
    "Plural-Forms": "nplurals=2; plural=(n != 1);",
    "X-Generator": "transflow 0.1.0",
}

MAGNESIUM_EN = (
    "Magnesium-L-threonate (Magtein®) is a form of magnesium that, unlike magnesium oxide or "
    "citrate, crosses the blood-brain barrier. In a double-blind trial with 44 adults aged 50 to "
    "70, a daily dose of 1.5–2 g improved scores on memory tasks by the equivalent of 9.4 years of "
    "‘brain age’ (see https://pubmed.ncbi.nlm.nih.gov/26519439/). **Fat**-soluble vitamins such as "
    "D₃ and K₂ are absorbed better with a meal; read [our article on vitamin D]"
    "(https://example.org/en/vitamin-d/dose-and-side-effects) and the guideline⁹."
)
MAGNESIUM_NL = (
    "Magnesium-L-threonaat (Magtein®) is een vorm van magnesium die, anders dan magnesiumoxide of "
    "-citraat, de bloed-hersenbarrière passeert. In een dubbelblinde studie met 44 volwassenen van "
    "50 tot 70 jaar verbeterde een dagelijkse dosis van 1,5–2 g de scores op geheugentaken met het "
    "equivalent van 9,4 jaar ‘hersenleeftijd’ (zie https://pubmed.ncbi.nlm.nih.gov/26519439/). "
    "**Vet**oplosbare vitamines zoals D₃ en K₂ worden beter opgenomen bij een maaltijd; lees [ons "
    "artikel over vitamine D](https://example.org/nl/vitamine-d/dosering-en-bijwerkingen) en de "
    "richtlijn van de Gezondheidsraad⁹."
)
OMEGA_EN = (
    "Omega-3 fatty acids (EPA/DHA) lower triglycerides by 15–30 % at 2–4 g/day — but “more” is not "
    "always better: above 5 g/day the risk of atrial fibrillation rises (HR 1.25; 95 % CI "
    "1.07–1.46). Choose a product with a TOTOX value < 26, store it below 25 °C and check the "
    "label for *re-esterified* triglycerides (rTG), e.g. ‘Omega-3 Forte, 120 caps’. Children "
    "under 12 years: ask your GP first. Sources: https://www.ema.europa.eu/en/medicines/human/"
    "EPAR/omacor?tab=overview&lang=en#authorisation, Cochrane review CD003177 and the "
    "co-enzyme Q10/vitamin-B12 overview at [this page](https://example.org/a-b/c_d?x=1&y=2)."
)
OMEGA_FR = (
    "Les acides gras oméga-3 (EPA/DHA) font baisser les triglycérides de 15 à 30\u00a0% à 2–4 g "
    "par jour\u202f; mais «\u00a0plus\u00a0» n’est pas toujours mieux\u202f: au-delà de 5 g/jour, "
    "le risque de fibrillation auriculaire augmente. Conservez l’huile à l’abri de la lumière, "
    "à moins de 25\u00a0°C, et demandez l’avis de votre médecin traitant avant d’en donner aux "
    "enfants de moins de 12\u00a0ans\u202f! Voir aussi « l’huile de krill » et la "
    "coenzyme\u00a0Q10."
)
VITAMIN_DE = (
    "Ein Vitamin-B12-Mangel entwickelt sich oft über Jahre: Müdigkeit, Kribbeln in Händen und "
    "Füßen sowie Konzentrationsstörungen sind typische Frühzeichen. Laut Robert-Koch-Institut "
    "haben rund 10⁹ Zellen pro Liter… „Holotranscobalamin“ (Holo-TC) gilt als früherer Marker "
    "als das Gesamt-B12 im Serum; Werte unter 35 pmol/l sprechen für einen Mangel, Werte "
    "zwischen 35–50 pmol/l sind grenzwertig."
)
UNBREAKABLE = "Pneumonoultramicroscopicsilicovolcanoconiosis" * 3
LONG_URL = "https://pubmed.ncbi.nlm.nih.gov/?term=magnesium%2Bthreonate&filter=years.2015-2024"


def _catalog() -> polib.POFile:
    """Every construct, in canonical form (nothing that GNU would drop or reorder)."""
    po = polib.POFile()
    po.header = (
        "Dutch translation of the health articles.\n"
        "Copyright (C) 2024 Gezond Leven\n"
        "\n"
        "Anne de Vries <anne@example.org>, 2024."
    )
    po.metadata = dict(METADATA)
    po.metadata_is_fuzzy = ["fuzzy"]
    entries = [
        polib.POEntry(
            msgid=MAGNESIUM_EN,
            msgstr=MAGNESIUM_NL,
            tcomment="Checked against the Dutch leaflet.\n\nKeep Magtein® as is.",
            comment="articles/magnesium-l-threonaat.md, paragraph 3\nterm: blood-brain barrier",
            occurrences=[
                ("articles/magnesium-l-threonaat.md", "14"),
                ("articles/supplementen/mineralen/magnesium-vormen-en-opname.md", "122"),
                ("articles/geheugen-en-concentratie/voeding-voor-de-hersenen.md", "7"),
                ("README.md", ""),
            ],
            flags=["fuzzy", "no-python-format"],
            previous_msgctxt="paragraph",
            previous_msgid=MAGNESIUM_EN.replace("44 adults", "forty-four adults"),
        ),
        polib.POEntry(msgid=OMEGA_EN, msgstr=OMEGA_FR, msgctxt="omega-3/fr"),
        polib.POEntry(msgid=VITAMIN_DE, msgstr=VITAMIN_DE, msgctxt="vitamine-b12"),
        polib.POEntry(
            msgid="Dosage\n\n- adults: 200 mg\n- children: ask your GP\n",
            msgstr="Dosering\n\n- volwassenen: 200 mg\n- kinderen: vraag uw huisarts\n",
        ),
        polib.POEntry(msgid="\nStarts with a newline", msgstr="\nBegint met een nieuwe regel"),
        polib.POEntry(msgid="Ends with one newline\n", msgstr="Eindigt met een nieuwe regel\n"),
        polib.POEntry(msgid="\n", msgstr="\n"),
        polib.POEntry(msgid="\n\n", msgstr=""),
        polib.POEntry(
            msgid='Escapes: tab\there, "quotes", back\\slash, carriage\rreturn and \\n literally',
            msgstr='Escapes: tab\thier, "aanhalingstekens", back\\slash, wagen\rterugloop',
        ),
        polib.POEntry(msgid="Untranslated paragraph. " * 12, msgstr=""),
        polib.POEntry(msgid="", msgstr="", msgctxt="empty"),
        polib.POEntry(msgid=UNBREAKABLE, msgstr=UNBREAKABLE.upper()),
        polib.POEntry(msgid=LONG_URL, msgstr=LONG_URL),
        polib.POEntry(msgid=f"See {LONG_URL} for the {UNBREAKABLE} search.", msgstr=""),
        polib.POEntry(
            msgid="Read *more* about `5-HTP`, __L-theanine__ and <br> tags: [link][ref].",
            msgstr="Lees *meer* over `5-HTP`, __L-theanine__ en <br>-tags: [link][ref].",
            msgctxt="",
        ),
        polib.POEntry(
            msgid="%(count)d capsule of magnesium bisglycinate per day with water",
            msgid_plural="%(count)d capsules of magnesium bisglycinate per day, spread over meals",
            msgstr_plural={
                0: "%(count)d capsule magnesiumbisglycinaat per dag met water",
                1: "%(count)d capsules magnesiumbisglycinaat per dag, verdeeld over de maaltijden",
            },
            flags=["python-format"],
        ),
        polib.POEntry(
            msgid=OMEGA_EN,
            msgstr=OMEGA_FR,
            msgctxt="no-wrap",
            flags=["no-wrap"],
            occurrences=[("articles/omega-3.md", "3")],
        ),
        polib.POEntry(
            msgid="Old paragraph about iron-rich food that was removed from the article. " * 3,
            msgstr="Oude alinea over ijzerrijke voeding die uit het artikel is verwijderd. " * 3,
            tcomment="removed in 2.2",
            obsolete=True,
        ),
        polib.POEntry(
            msgid="one old tablet",
            msgid_plural="%d old tablets that were replaced by the new capsules of the 2024 range",
            msgstr_plural={0: "één oude tablet", 1: "%d oude tabletten, vervangen door capsules"},
            msgctxt="obsolete plural",
            flags=["fuzzy", "c-format"],
            obsolete=True,
        ),
    ]
    po.extend(entries)
    return po


def msgcat(po: polib.POFile, width: int) -> str:
    """GNU's rendering of ``po``: polib's own unwrapped output, rewritten by msgcat."""
    po.wrapwidth = 0
    options = ["--no-wrap"] if width == 0 else [f"--width={width}"]
    result = subprocess.run(
        [MSGCAT, *options, "-"],
        input=str(po),
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def fields(entry: polib.POEntry) -> dict[str, object]:
    return {name: getattr(entry, name) for name in FIELDS} | {"obsolete": bool(entry.obsolete)}


# --- format_po against msgcat ---------------------------------------------------------------------


@needs_msgcat
@pytest.mark.parametrize("width", [79, 0, 60, 100])
def test_every_construct_is_written_as_msgcat_writes_it(width: int) -> None:
    po = _catalog()
    assert format_po(po, width) == msgcat(po, width)


@needs_msgcat
def test_what_gnu_drops_or_reorders_is_dropped_or_reordered_too() -> None:
    po = polib.POFile()
    po.header = "Normalisation"
    po.metadata = {"Content-Type": "text/plain; charset=UTF-8"}
    po.extend(
        [
            polib.POEntry(
                msgid="Refs with ./ prefixes, duplicates and zero-padded lines",
                msgstr="Verwijzingen",
                occurrences=[("./a.md", "007"), ("./a.md", "7"), ("b.md", "1"), ("b.md", "1")],
                flags=["no-wrap", "python-format", "fuzzy", "python-format", "range: 0..9", ""],
            ),
            polib.POEntry(msgid="untranslated but fuzzy", msgstr="", flags=["fuzzy"]),
            polib.POEntry(msgid="one", msgid_plural="many", msgstr_plural={0: "", 1: "veel"}, flags=["fuzzy"]),
            polib.POEntry(msgid="obsolete, untranslated", msgstr="", obsolete=True),
            polib.POEntry(
                msgid="obsolete, with a previous msgid",
                msgstr="verouderd",
                previous_msgid="obsolete, with an earlier msgid that is long enough to wrap twice",
                obsolete=True,
            ),
        ]
    )
    assert format_po(po) == msgcat(po, 79)


def test_flags_gnu_does_not_know_are_kept_after_the_known_ones() -> None:
    entry = polib.POEntry(msgid="a", msgstr="b", flags=["md-text", "no-wrap", "fuzzy", "c-format"])
    po = polib.POFile()
    po.append(entry)
    assert "#, fuzzy, c-format, no-wrap, md-text\n" in format_po(po)


def test_output_without_msgcat_for_a_known_catalog() -> None:
    """Pinned msgcat output, so that the writer is checked even where gettext is missing."""
    po = polib.POFile()
    po.metadata = {"Content-Type": "text/plain; charset=UTF-8"}
    po.extend(
        [
            polib.POEntry(
                msgid="Lees **vet** en [tekst](https://example.org/a-b/c) over magnesium-L-threonaat "
                "(Magtein®) en de bloed-hersenbarrière.",
                msgstr="",
                occurrences=[("./nl/magnesium.md", "12")],
            ),
            polib.POEntry(msgid="Regel een\nRegel twee\n", msgstr='"Tab"\there', msgctxt="x"),
            polib.POEntry(msgid="weg " * 20, msgstr="gone " * 20, obsolete=True),
        ]
    )
    assert format_po(po) == (
        'msgid ""\n'
        'msgstr "Content-Type: text/plain; charset=UTF-8\\n"\n'
        "\n"
        "#: nl/magnesium.md:12\n"
        'msgid ""\n'
        '"Lees **vet** en [tekst](https://example.org/a-b/c) over magnesium-L-"\n'
        '"threonaat (Magtein®) en de bloed-hersenbarrière."\n'
        'msgstr ""\n'
        "\n"
        'msgctxt "x"\n'
        'msgid ""\n'
        '"Regel een\\n"\n'
        '"Regel twee\\n"\n'
        'msgstr "\\"Tab\\"\\there"\n'
        "\n"
        '#~ msgid ""\n'
        '#~ "weg weg weg weg weg weg weg weg weg weg weg weg weg weg weg weg weg weg "\n'
        '#~ "weg weg "\n'
        '#~ msgstr ""\n'
        '#~ "gone gone gone gone gone gone gone gone gone gone gone gone gone gone "\n'
        '#~ "gone gone gone gone gone gone "\n'
    )


# Natural-language text in nl/en/de/fr with Markdown and URLs. Left out: BEL, which polib cannot
# read back from "\a"; U+0085, U+2028, U+2029 and U+001C-U+001E, on which polib splits lines; and
# characters beyond U+036F, U+2000-U+20CF and U+2100-U+214F, whose line-break classes pofile only
# guesses (see its docstring).
ALPHABET = sorted(
    set(
        string.ascii_letters
        + string.digits
        + " " * 8
        + "-/.,;:!?()[]{}'\"*_`#<>=&%$@|~+^"
        + "\n\t\r\\"
        + "éëèêïîöôüûçàâäßÉÖÜæœñ"
        + "®©™°§±×€£¹²³⁹₂₃"
        + "—–‐…‘’“”«»‹›„‚·"
        + "\u00a0\u202f\u00ad"
    )
)
CHARACTERS = st.sampled_from(ALPHABET)
TEXTS = st.one_of(
    st.lists(st.text(CHARACTERS, min_size=1, max_size=14), max_size=70).map(" ".join),
    st.text(CHARACTERS, max_size=300),
)


@needs_msgcat
@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts=st.lists(TEXTS, min_size=20, max_size=20))
def test_generated_strings_match_msgcat_and_read_back(texts: list[str]) -> None:
    po = polib.POFile()
    po.header = "generated"
    po.metadata = {"Content-Type": "text/plain; charset=UTF-8"}
    for number, text in enumerate(texts):
        po.append(polib.POEntry(msgctxt=str(number), msgid=text, msgstr=text, previous_msgid=text))
        if text:
            po.append(polib.POEntry(msgctxt=f"old {number}", msgid=text, msgstr=text, obsolete=True))
    for width in (79, 30):
        written = format_po(po, width)
        assert written == msgcat(po, width)
        assert [fields(entry) for entry in parse_po(written, "generated.po")] == [
            fields(entry) for entry in sorted(po, key=lambda entry: entry.obsolete)
        ]


# --- round trip -----------------------------------------------------------------------------------


@pytest.mark.parametrize("width", [79, 0])
def test_a_written_catalog_reads_back_entry_by_entry(width: int) -> None:
    po = _catalog()
    back = parse_po(format_po(po, width), "nl.po")
    assert back.header == po.header
    assert back.metadata == po.metadata
    assert back.metadata_is_fuzzy == ["fuzzy"]
    assert [fields(entry) for entry in back] == [fields(entry) for entry in po]


@needs_msgcat
def test_a_file_saved_by_gnu_tools_is_written_back_unchanged() -> None:
    gnu = msgcat(_catalog(), 79)
    assert format_po(parse_po(gnu, "nl.po")) == gnu


# --- reading --------------------------------------------------------------------------------------

VALID = 'msgid ""\nmsgstr "Content-Type: text/plain; charset=UTF-8\\n"\n\nmsgid "a"\nmsgstr "b"\n'


def test_a_missing_file_is_reported(tmp_path: Path) -> None:
    with pytest.raises(TransflowError) as error:
        read_po(tmp_path / "nl.po")
    assert str(error.value) == f"{tmp_path / 'nl.po'}: no such file"


def test_a_file_that_is_not_utf8_is_reported_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "nl.po"
    path.write_bytes(VALID.encode() + b'\nmsgid "caf\xe9"\nmsgstr ""\n')
    with pytest.raises(TransflowError) as error:
        read_po(path)
    assert (error.value.path, error.value.line) == (str(path), 7)
    assert "UTF-8" in error.value.message


@pytest.mark.parametrize(
    ("text", "line"),
    [
        (VALID + '\nmsgid "c"\nmsgstr "d"\ngarbage here\n', 9),
        (VALID + '\nmsgid "c"\nmsgstr "unterminated\n', 8),
        (VALID + '\nmsgid "c"\nmsgstr "stray " quote"\n', 8),
        (VALID + '\nmsgid "c"\n"continued\nmsgstr "d"\n', 8),
        (VALID + '\nmsgid "c"\nmsgstr[x] "d"\n', 8),
        (VALID + '\n#| msgid\nmsgid "c"\nmsgstr "d"\n', 7),
    ],
)
def test_a_syntax_error_is_reported_with_its_line(tmp_path: Path, text: str, line: int) -> None:
    path = tmp_path / "nl.po"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(TransflowError) as error:
        read_po(path)
    assert (error.value.path, error.value.line) == (str(path), line)
    assert error.value.message.startswith("syntax error")


def test_a_duplicate_entry_is_reported_with_both_lines(tmp_path: Path) -> None:
    path = tmp_path / "nl.po"
    text = VALID + '\nmsgctxt "x"\nmsgid "a"\nmsgstr "c"\n\n# again\nmsgid "a"\nmsgstr "d"\n'
    path.write_text(text, encoding="utf-8")
    with pytest.raises(TransflowError) as error:
        read_po(path)
    assert str(error.value) == f"{path}:11: duplicate entry for msgid 'a' (first at line 4)"


def test_an_obsolete_duplicate_is_a_duplicate_too() -> None:
    with pytest.raises(TransflowError) as error:
        parse_po(VALID + '\n#~ msgctxt "ctx"\n#~ msgid "a"\n#~ msgstr "b"\n' * 2, "nl.po")
    assert error.value.line == 11
    assert "in context 'ctx'" in error.value.message


def test_a_valid_file_is_read(tmp_path: Path) -> None:
    path = tmp_path / "nl.po"
    path.write_text(VALID, encoding="utf-8")
    po = read_po(path)
    assert [(entry.msgid, entry.msgstr) for entry in po] == [("a", "b")]
    assert po.metadata == {"Content-Type": "text/plain; charset=UTF-8"}


def test_a_one_line_text_is_parsed_not_opened(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "# a comment").write_text(VALID, encoding="utf-8")
    assert list(parse_po("# a comment", "nl.po")) == []


# --- writing --------------------------------------------------------------------------------------


def test_write_po_writes_atomically_and_leaves_an_unchanged_file_alone(tmp_path: Path) -> None:
    path = tmp_path / "nl.po"
    po = _catalog()
    assert write_po(path, po) is True
    assert path.read_text(encoding="utf-8") == format_po(po)
    assert os.listdir(tmp_path) == ["nl.po"]

    os.utime(path, ns=(1_000_000_000, 1_000_000_000))
    before = path.stat()
    assert write_po(path, _catalog()) is False
    after = path.stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)

    po[0].msgstr += " Bijgewerkt."
    assert write_po(path, po) is True
    assert "Bijgewerkt." in path.read_text(encoding="utf-8")
    assert os.listdir(tmp_path) == ["nl.po"]


# --- the fast reader agrees with polib ------------------------------------------------------------

_ENTRY_FIELDS = (
    "msgid",
    "msgstr",
    "msgid_plural",
    "msgstr_plural",
    "msgctxt",
    "comment",
    "tcomment",
    "occurrences",
    "flags",
    "previous_msgctxt",
    "previous_msgid",
    "previous_msgid_plural",
)


def _assert_same_as_polib(text: str) -> None:
    """Same objects as polib, except that polib loses empty `#` comment lines and we keep them."""
    ours = parse_po(text, "x.po")
    reference = polib.pofile(text + "\n")
    assert (ours.header, ours.metadata, ours.metadata_is_fuzzy) == (
        reference.header,
        reference.metadata,
        reference.metadata_is_fuzzy,
    )
    assert list(ours.metadata) == list(reference.metadata)
    assert len(ours) == len(reference)
    for mine, theirs in zip(ours, reference, strict=True):
        assert [getattr(mine, name) for name in _ENTRY_FIELDS] == [getattr(theirs, name) for name in _ENTRY_FIELDS]
        assert bool(mine.obsolete) == bool(theirs.obsolete)
        if theirs.linenum:
            assert mine.linenum == theirs.linenum


SHIPPED = sorted((Path(__file__).parent.parent / "translations").rglob("*.po*"))


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_shipped_catalogs_read_as_polib_reads_them(path: Path) -> None:
    _assert_same_as_polib(path.read_text(encoding="utf-8"))


def test_every_construct_reads_as_polib_reads_it() -> None:
    po = _catalog()
    po.append(
        polib.POEntry(
            msgid="one",
            msgid_plural="many",
            msgstr_plural={0: "een", 1: "veel"},
            flags=["fuzzy"],
            previous_msgid="a previous\nmulti-line source " * 4,
        )
    )
    text = format_po(po, 79)
    _assert_same_as_polib(text)
    _assert_same_as_polib("# header comment\n#\n" + text.replace("#.", "#.\n#.", 1))
    _assert_same_as_polib("\ufeff" + text + "\n# a trailing comment\n")


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts=st.lists(TEXTS, min_size=5, max_size=5), width=st.sampled_from([79, 0, 30]))
def test_generated_catalogs_read_as_polib_reads_them(texts: list[str], width: int) -> None:
    po = polib.POFile()
    po.metadata = {"Content-Type": "text/plain; charset=UTF-8"}
    for number, text in enumerate(texts):
        po.append(
            polib.POEntry(
                msgctxt=str(number),
                msgid=text or "x",
                msgstr=text,
                tcomment=" ".join(text.split()),
                comment="kind",
                occurrences=[("a.md", str(number))],
                flags=["fuzzy"] if number % 2 else [],
                previous_msgid=text or None,
            )
        )
        po.append(polib.POEntry(msgctxt=f"old {number}", msgid=text or "y", msgstr=text or "z", obsolete=True))
    _assert_same_as_polib(format_po(po, width))


def test_new_entry_is_the_entry_polib_makes() -> None:
    fields = {
        "msgid": "one",
        "msgstr": "een",
        "msgctxt": "count",
        "occurrences": [("a.md", "3")],
        "flags": ["fuzzy"],
        "tcomment": "query: why?",
        "previous_msgid": "uno",
        "linenum": 7,
    }
    for chosen in ({"msgid": "bare"}, fields):
        ours, theirs = new_entry(**chosen), polib.POEntry(**chosen)
        assert list(ours.__dict__.items()) == list(theirs.__dict__.items())
    assert new_entry("a").flags is not new_entry("b").flags
