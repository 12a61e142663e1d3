"""Generate a synthetic, seedable transflow project of Dutch-like health articles.

Two styles, so that no benchmark is flattered by one kind of text:

- ``constructs`` exercises every Markdown construct real articles use (wrapped and unwrapped
  paragraphs, nested lists, tables, code, escaped footnote asterisks, superscripts, ®) in short
  sentences of random words;
- ``prose`` is what real articles mostly are: about twelve sections of long paragraphs made of
  real sentences (from benchmarks/seed/articles-nl.txt), with a list or a table now and then and
  few inline constructs.

Usage: python benchmarks/generate.py OUT_DIR --articles N --seed S [--style constructs|prose]
       [--languages en,de,fr]
"""

from __future__ import annotations

import argparse
import json
import random
import re
import textwrap
import unicodedata
from pathlib import Path

# Words taken from the seed article in shared/seed, so token lengths and diacritics
# (ë, ï, é) look like the real content.
_CONTENT_TEXT = """
aanbevolen aangeeft aangetoond aanhoudende aarde activering activiteit activiteiten adequate
afgelopen afhankelijk afneemt afnemende algemene amandelen aminoboterzuur angst antioxidanten
arts aspartaat atoom balans basis beginnen begint behandelen behoud belemmerd beoordeeld
bepaalde bepaalt bereiken betere betrokken bevorderen bevordert beweeglijkheid bewijs
beïnvloeden beïnvloedt bieden biedt biochemisch biologisch bladgroenten blijkt bloeddruk
bloeddrukregeling bloedniveau bloedspiegel bodemverstorende botvorming boven brug bruine cafeïne
calcium cardiovasculaire cashewnoten cellulaire centraal chemische chlorofyl chronisch cofactor
cognitie cognitief combinatie concentratie constipatie cortisol cortisolritme cruciale
cumulatief daarvan dag dagelijkse dalingen darmen deel diagnosticeren dichtheid doos draagt
dubbele duursporters echter eet eeuw effectief effectiever efficiënt efficiënter eiwitten
eiwitvorming elektrolytenbalans elke emotioneel energiebron energiemetabolisme energieproductie
enige erge ernst essentiële executieve factor factsheets feedbacklus flexibiliteit focus
fysiologie gaan gamma geabsorbeerde geassocieerd geavanceerde gedaald gehalte gehydrateerd
gekweekt geoogste gepubliceerd gericht gerichte geteeld gevaar geval geven gewasopbrengst
gewoonten geworden gezien gezonde groei groeiende groenten grotendeels handhaven hangt
hapert hartkloppingen hartritme hartritmestoornissen helderheid herkent heropname hersenen
hersenslagaders herstellen herstellende herstelprocessen hetzelfde hoeksteen hoeveelheid
hormonale houd hun hypomagnesiëmie illustreren indien informatieverwerking inname inslapen
inspanningstolerantie ionenkanalen irrigatie kalmere kalmte kans klinisch komt krijgt kunstmest
lage landbouwpraktijken lang lange langzamer laten leeftijd leren levert lichaam lichamelijke
licht liet linzen maagdarmkanaal maakt magnesiumcitraat magnesiumconcentratie magnesiumgehalte
magnesiumoxide magnesiumrijk magnesiumspiegel magnesiumstatus magnesiumsupplementen
magnesiumtekort manier manifesteert meest meestal meststoffen metabolische metabolisme methoden
micronutriënten middel midden migraine migraineaanvallen milde milieu mineraalrijk
mineraalrijkdom minimale mix moderne moduleert nachtelijke nachtrust natuurlijk neurale niveau
niveaus nodig normaal nutriëntrijk omdat omgeving onbalans onder onderschat ondersteunt
onderzochte onderzoek ongeveer ononderbroken onrustig onrustige ontstaan ontwakingen ontwikkeld
opname optimale optimaliseren oren osmotisch oude overdag overdracht overgeslagen overmatig
overweeg parasympathische passeert peil periodes peristaltiek pijn plantaardig planten
plantenopbrengst pompoenpitten preventie prikkelbaarheid prikkelremmende prioriteit processen
producten productie raadplegen recente receptoren reeks regelen regelmatig regelt regenwater
regulatie regulatoren reguleren richten rijst ritme rol rusteloze samentrekken samentrekking
schaadt slaap slaaparchitectuur slaapproblemen slagen slapen snelle snijbiet spanningshoofdpijn
spasmen specifieke spieractiviteit spiercellen spierweefsel sporters stabilisatie stabiliseert
standaard stap stappen stemming stikstof stoelgang stressniveaus stressregulatie structuur
stuiptrekkingen subtiel suggereert suppletie suppletiestrategieën symboliseren sympathische
tegenstelling tekorten terwijl threonzuur tijdens toon totale training treedt trial
uithoudingsvermogen vaattonus vaker vasculaire vast veerkracht veerkrachtige veranderd
verantwoordelijk verbetert verbinding verhogen verhoging verkeerd verklaringen verlies verliezen
verloop verloopt verminderd verminderen vermindert vermoeidheid vernauwing veroorzaakt
veroudering versneld versterkt verstoord verstoren verstrekkende vertering vertragen vervuiling
verwijderd verzwakt via vitaliteit vitamine voeden voeding voedingsbronnen voedingshoek
voedingsniveaus voedingsrijk voedingsrijke voedingsstoffen voedingswaarde voedseltransport
voldoende volgens volle volwaardig volwassenen vooral voorkeur voornamelijk vormen vormt vroege
vroeger vroegtijdige vrouwen vruchtbaar vullen waarom waarop waarvan wanneer water weinig
welzijn werd werden wereld werken wiegen wijst wijten wijze zenuwsignalen zenuwstelsel zoveel
zuigen zweetverlies zweten
"""

_FUNCTION_TEXT = """
aan af al alle als bij dan dat de deze die dit door een en er hebben heeft het hoe in is je kan
kunnen maar meer met minder na naar niet of om ons ook op soms steeds te tot uit vaak van veel
voor waar wat we worden wordt ze zich zijn zo zoals zowel
"""
CONTENT_WORDS = _CONTENT_TEXT.split()
FUNCTION_WORDS = _FUNCTION_TEXT.split()

AUTHORS = ["Riley Forbes", "Sanne de Vries", "Daan Jansen", "Eva Bakker", "Lucas Visser"]
UNITS = ["mg", "gram", "procent", "ml", "uur", "mg/dag", "µg", "kcal"]
SUPERSCRIPTS = "¹²³⁴⁵⁶⁷⁸⁹"
LANGUAGES = ["en", "de", "fr"]
# Chance that a paragraph is one of the shared boilerplate paragraphs (like a recurring
# disclaimer), so translation memory / duplicate handling gets realistic hits.
REPEAT_RATE = 0.10
WRAP_WIDTH = 80
SEED_TEXT = Path(__file__).resolve().parent / "seed" / "articles-nl.txt"


class ArticleWriter:
    """Builds Markdown blocks from one shared RNG so output depends only on the seed."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.shared = [self.paragraph_text() for _ in range(24)]

    def word(self) -> str:
        pool = FUNCTION_WORDS if self.rng.random() < 0.35 else CONTENT_WORDS
        return self.rng.choice(pool)

    def words(self, low: int, high: int) -> str:
        return " ".join(self.word() for _ in range(self.rng.randint(low, high)))

    def quantity(self) -> str:
        low = self.rng.choice([1, 2, 5, 10, 40, 108, 150, 300])
        if self.rng.random() < 0.5:
            return f"{low}-{low + self.rng.randint(1, 40)} {self.rng.choice(UNITS)}"
        if self.rng.random() < 0.3:
            return f"{low},{self.rng.randint(1, 9)} {self.rng.choice(UNITS)}"
        return f"{low} {self.rng.choice(UNITS)}"

    def inline(self) -> str:
        """One inline token: plain word most of the time, otherwise some markup."""
        roll = self.rng.random()
        if roll < 0.90:
            return self.word()
        if roll < 0.92:
            return f"**{self.words(1, 3)}**"
        if roll < 0.94:
            return f"*{self.words(1, 2)}*"
        if roll < 0.95:
            return f"`{self.rng.choice(CONTENT_WORDS)}_{self.rng.randint(1, 99)}`"
        if roll < 0.96:
            return f"[{self.words(1, 3)}](https://example.org/{self.rng.choice(CONTENT_WORDS)})"
        if roll < 0.965:
            return f"![{self.words(1, 3)}](img/{self.rng.choice(CONTENT_WORDS)}.png)"
        if roll < 0.975:
            return "Magtein®"
        if roll < 0.99:
            return self.quantity()
        return self.word() + self.rng.choice(SUPERSCRIPTS)

    def sentence(self) -> str:
        first = self.rng.choice(CONTENT_WORDS)
        tokens = [first[:1].upper() + first[1:]]
        tokens += [self.inline() for _ in range(self.rng.randint(6, 17))]
        end = "." if self.rng.random() < 0.85 else "?"
        text = " ".join(tokens) + end
        # Escaped footnote asterisk, as the source articles mark supplement claims.
        return text + "\\*" if self.rng.random() < 0.15 else text

    def paragraph_text(self) -> str:
        return " ".join(self.sentence() for _ in range(self.rng.randint(1, 4)))

    def paragraph(self) -> str:
        text = self.rng.choice(self.shared) if self.rng.random() < REPEAT_RATE else self.paragraph_text()
        if self.rng.random() < 0.5:
            return text
        return wrap(text, WRAP_WIDTH)

    def heading_text(self) -> str:
        text = self.words(2, 6)
        if self.rng.random() < 0.1:
            text += " Magtein®"
        return text[:1].upper() + text[1:]

    def list_block(self) -> str:
        ordered = self.rng.random() < 0.4
        lines: list[str] = []
        for number in range(1, self.rng.randint(3, 7) + 1):
            marker = f"{number}. " if ordered else "- "
            text = " ".join(self.sentence() for _ in range(self.rng.randint(1, 2)))
            if self.rng.random() < 0.3:
                text = f"**{self.heading_text()}:** {text}"
            lines.append(list_item(marker, text, wrapped=self.rng.random() < 0.5))
            if self.rng.random() < 0.15:
                indent = " " * len(marker)
                for _ in range(self.rng.randint(2, 3)):
                    lines.append(list_item(indent + "- ", self.sentence(), wrapped=False))
        return "\n".join(lines)

    def blockquote(self) -> str:
        text = self.paragraph_text()
        body = wrap(text, WRAP_WIDTH - 2) if self.rng.random() < 0.5 else text
        return "\n".join("> " + line for line in body.split("\n"))

    def table(self) -> str:
        header = ["Voedingsmiddel", "Magnesium", "Portie"]
        rows = [[self.words(1, 3), self.quantity(), self.words(1, 2)] for _ in range(self.rng.randint(3, 5))]
        lines = ["| " + " | ".join(header) + " |", "| --- | ---: | --- |"]
        lines += ["| " + " | ".join(row) + " |" for row in rows]
        return "\n".join(lines)

    def code_block(self) -> str:
        body = "\n".join(f"{self.rng.choice(CONTENT_WORDS)}: {self.quantity()}" for _ in range(self.rng.randint(2, 4)))
        return f"```yaml\n{body}\n```"

    def section(self) -> list[str]:
        blocks = ["## " + self.heading_text()]
        blocks += [self.paragraph() for _ in range(self.rng.randint(2, 4))]
        if self.rng.random() < 0.6:
            blocks.append(self.list_block())
            if self.rng.random() < 0.5:
                blocks.append(self.paragraph())
        if self.rng.random() < 0.08:
            blocks.append(self.table())
        if self.rng.random() < 0.05:
            blocks.append(self.code_block())
        if self.rng.random() < 0.08:
            blocks.append(f"![{self.words(2, 4)}](img/{self.rng.choice(CONTENT_WORDS)}.png)")
        return blocks

    def section_count(self) -> int:
        return self.rng.randint(4, 10)

    def article(self, index: int) -> tuple[str, str]:
        """Return (slug, markdown text) of article number `index`."""
        title = self.heading_text()
        slug = "-".join(re.sub(r"[^a-z0-9]+", " ", ascii_fold(title.lower())).split()[:4]) + f"-{index:05d}"
        tags = sorted({self.rng.choice(CONTENT_WORDS) for _ in range(self.rng.randint(2, 4))})
        front = [
            "---",
            f"title: {json.dumps(title, ensure_ascii=False)}",
            f"slug: {slug}",
            f"author: {self.rng.choice(AUTHORS)}",
            "tags:",
            *(f"  - {tag}" for tag in tags),
            "lang: nl",
            f"description: {json.dumps(self.heading_text() + '.', ensure_ascii=False)}",
            "---",
        ]
        sections = [block for _ in range(self.section_count()) for block in self.section()]
        quote_at = self.rng.randint(1, len(sections))
        sections.insert(quote_at, self.blockquote())
        blocks = ["\n".join(front), "# " + title, self.paragraph(), *sections]
        return slug, "\n\n".join(blocks) + "\n"


class ProseWriter(ArticleWriter):
    """Real sentences in long paragraphs, about twelve sections, few constructs per article."""

    def __init__(self, rng: random.Random) -> None:
        lines = [line.strip() for line in SEED_TEXT.read_text(encoding="utf-8").splitlines() if line.strip()]
        self.headings = [
            re.sub(r"^\d+\. ", "", line)
            for line in lines
            if 8 < len(line) < 80 and line[-1] not in ".:" and not re.match(r"\d+ \d", line)
        ]
        self.sentences = [
            sentence
            for line in lines
            if len(line) >= 80 and not re.match(r"\d+\. ", line)
            for sentence in re.split(r"(?<=[.!?])\s+(?=[A-Z])", line)
        ]
        super().__init__(rng)

    def sentence(self) -> str:
        text = self.rng.choice(self.sentences)
        roll = self.rng.random()
        if roll < 0.03:
            return f"**{text}**"
        if roll < 0.05:
            return text.replace(" ", f" [{self.words(1, 2)}](https://example.org/{self.rng.choice(CONTENT_WORDS)}) ", 1)
        return text

    def paragraph_text(self) -> str:
        return " ".join(self.sentence() for _ in range(self.rng.randint(2, 5)))

    def heading_text(self) -> str:
        heading = self.rng.choice(self.headings)
        return heading if self.rng.random() < 0.5 else f"{heading}: {self.words(1, 3)}"

    def list_block(self) -> str:
        marker = "1. " if self.rng.random() < 0.4 else "- "
        items = [self.sentence() for _ in range(self.rng.randint(3, 6))]
        return "\n".join(list_item(marker, item, wrapped=False) for item in items)

    def section(self) -> list[str]:
        blocks = ["## " + self.heading_text()]
        blocks += [self.paragraph() for _ in range(self.rng.randint(1, 2))]
        roll = self.rng.random()
        if roll < 0.15:
            blocks.append(self.list_block())
        elif roll < 0.25:
            blocks.append(self.table())
        return blocks

    def section_count(self) -> int:
        return self.rng.randint(10, 14)


def wrap(text: str, width: int, indent: str = "") -> str:
    """Soft-wrap like a human editor would; never split markup tokens or URLs."""
    return textwrap.fill(
        text,
        width,
        subsequent_indent=indent,
        break_long_words=False,
        break_on_hyphens=False,
    )


def ascii_fold(text: str) -> str:
    """Slugs are ASCII in real sites; drop diacritics and symbols like ®."""
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


def list_item(marker: str, text: str, wrapped: bool) -> str:
    """A list item, optionally wrapped with continuation lines indented under its text."""
    if not wrapped:
        return marker + text
    indent = " " * len(marker)
    return wrap(marker + text, WRAP_WIDTH, indent=indent)


def project_config(languages: list[str]) -> str:
    return (
        "project: bench\n"
        "source_language: nl\n"
        f"languages: [{', '.join(languages)}]\n"
        "paths:\n"
        "  source: source\n"
        "  translations: translations\n"
        "  build: build\n"
        "build:\n"
        "  threshold: 0\n"
    )


WRITERS = {"constructs": ArticleWriter, "prose": ProseWriter}


def generate_project(out_dir: Path, articles: int, seed: int, languages: list[str], style: str = "constructs") -> None:
    """Write transflow.yml and `articles` Markdown files of `style` under out_dir/source."""
    source = out_dir / "source"
    source.mkdir(parents=True, exist_ok=True)
    (out_dir / "transflow.yml").write_text(project_config(languages), encoding="utf-8")
    writer = WRITERS[style](random.Random(seed))
    for index in range(articles):
        slug, text = writer.article(index)
        (source / f"{slug}.md").write_text(text, encoding="utf-8")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--articles", type=int, default=100)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--languages", default=",".join(LANGUAGES))
    parser.add_argument("--style", choices=WRITERS, default="constructs")
    args = parser.parse_args(argv)
    languages = [lang.strip() for lang in args.languages.split(",") if lang.strip()]
    generate_project(args.out_dir, args.articles, args.seed, languages, args.style)


if __name__ == "__main__":
    main()
