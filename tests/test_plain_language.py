"""Plain language in every language (SPEC §15): each language's readability measure against its
target, and rare words outside the glossary, warned of where they are written."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from conftest import BASE_PROJECT, FIXTURES, copied_with, publish

from pipeline.output.keys import publication_digest
from pipeline.source.publication import Publication

BODY = "The body is short."
RARE = "Your body stores cobalamin in the liver."  # cobalamin: Zipf 1.66 in English


def with_body(root: Path, body: str, lang: str = "en-GB") -> Path:
    path = root / "manuscripts" / "ok.md"
    path.write_text(path.read_text().replace(BODY, body).replace("lang: en-GB", f"lang: {lang}"))
    return root


def test_a_rare_word_is_a_warning_at_the_word(tmp_path: Path) -> None:
    root = with_body(copied_with(BASE_PROJECT, tmp_path / "p"), RARE)
    result = publish("check", project=root)
    column = RARE.index("cobalamin") + 1
    assert (f"manuscripts/ok.md:21:{column}: warning: 'cobalamin' is rare in English (Zipf frequency 1.66, "
            "below 2): use an everyday word or explain it, or add it to glossary: en in publication.yaml") \
        in result.output
    assert result.output.count("is rare in") == 1


def test_the_glossary_and_a_lower_threshold_silence_it(tmp_path: Path) -> None:
    glossed = with_body(copied_with(BASE_PROJECT, tmp_path / "glossed", "glossary:\n  en: [Cobalamin]\n"), RARE)
    lowered = with_body(copied_with(BASE_PROJECT, tmp_path / "lowered",
                                    "readability:\n  languages:\n    en: {rare-below: 1.5}\n"), RARE)
    for root in (glossed, lowered):
        result = publish("check", project=root)
        assert "is rare in" not in result.output and result.exit_code == 0, result.output


def test_a_language_without_a_large_word_list_warns_only_when_asked(tmp_path: Path) -> None:
    urdu = FIXTURES / "translations"
    quiet = publish("check", "b12-joint-stiffness.ur", project=copied_with(urdu, tmp_path / "quiet"))
    asked = copied_with(urdu, tmp_path / "asked")
    yaml = asked / "manuscripts" / "publication.yaml"
    yaml.write_text(yaml.read_text().replace("readability:\n", "readability:\n  languages:\n    ur: {rare-below: 1}\n"))
    asked = publish("check", "b12-joint-stiffness.ur", project=asked)
    assert "rare in Urdu" not in quiet.output
    located = re.findall(r"^manuscripts/b12-joint-stiffness\.ur\.md:(\d+):(\d+): warning: '(\w+)' is rare in Urdu",
                         asked.output, flags=re.M)
    assert len(located) > 5
    lines = (tmp_path / "asked" / "manuscripts" / "b12-joint-stiffness.ur.md").read_text().splitlines()
    for line, column, word in located:  # each warning points at its word
        assert lines[int(line) - 1][int(column) - 1:].startswith(word)


def test_each_language_is_measured_and_held_to_its_own_target(tmp_path: Path) -> None:
    root = with_body(copied_with(BASE_PROJECT, tmp_path / "fr", "readability:\n  languages:\n    fr: {target: 99}\n"),
                     "La carence vitaminique engendre fréquemment des complications neurologiques.", "fr")
    result = publish("check", "--strict", project=root)
    assert result.exit_code == 1
    assert re.search(r"^manuscripts/ok\.md:2:8: warning: Kandel-Moles reading ease [\d.]+ is below the target 99:",
                     result.output, flags=re.M)
    romanian = with_body(copied_with(BASE_PROJECT, tmp_path / "ro", "readability:\n  words-per-sentence: 4\n"),
                         "Vitamina protejează nervii și sângele. Întrebați medicul despre analize.", "ro")
    result = publish("check", project=romanian)
    assert re.search(r"^ok: [\d.]+ words a sentence, \d+% long words$", result.output, flags=re.M)
    assert re.search(r"ok\.md:2:8: warning: [\d.]+ words a sentence is above the target 4:", result.output)


def test_targets_and_glossary_leave_the_articles_unconverted() -> None:
    """They only warn: changing them changes no article's key, so nothing is converted again."""
    base = {"publisher": "P", "base-url": "https://example.org/", "contact": {"phone": "1"}, "feedback": "F",
            "disclaimers": {"medical": {"title": "D", "text": "T"}}}
    plain = Publication.model_validate(base)
    tuned = Publication.model_validate({**base, "glossary": {"en": ["cobalamin"]},
                                        "readability": {"rare-below": 1, "languages": {"fr": {"target": 70}}}})
    assert publication_digest(plain, Path(".")) == publication_digest(tuned, Path("."))


def test_chinese_words_are_looked_up_without_a_log_or_a_cache_file(tmp_path: Path) -> None:
    """wordfreq reads Chinese through jieba, which would log to stderr and write to the temporary folder."""
    root = copied_with(FIXTURES / "translations", tmp_path / "p")
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    done = subprocess.run([str(Path(sys.executable).parent / "publish"), "check", "b12-joint-stiffness.zh-Hans",
                           "--project", str(root)], capture_output=True, text=True,
                          env={**os.environ, "TMPDIR": str(temporary)})
    assert done.returncode == 0, done.stdout + done.stderr
    assert re.search(r"^b12-joint-stiffness\.zh-Hans: [\d.]+ words a sentence$", done.stdout, flags=re.M)
    assert done.stderr == ""
    assert list(temporary.iterdir()) == []
