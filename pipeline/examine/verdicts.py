"""The one pass after examination: what only the whole project, git history or today's date
shows about each examined article, and which articles may not be published today. check,
build, verify and serve all ask it, so they cannot disagree about what is published."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.base.braille import table_for
from pipeline.base.diagnostics import Diagnostic, Reporter, has_errors
from pipeline.check.easy_read import RARER_BY as EASY_READ_RARER_BY
from pipeline.check.rare_words import rare_word_problems, usual_rare_below
from pipeline.check.readability import Measure
from pipeline.check.translations import currency, currency_diagnostics, read_lock, structure_problems
from pipeline.examine.article import Article
from pipeline.output import layout
from pipeline.output.editions import language_name_in
from pipeline.output.layout import source_of
from pipeline.source.history import HistoryError, version_problems
from pipeline.source.project import Project
from pipeline.source.publication import LanguageReadability, Publication, Readability
from pipeline.source.schema import did_you_mean
from pipeline.source.theme import labels


@dataclass
class Verdicts:
    """Each examined article's problems beyond its own text, and the names held back today."""

    problems: dict[str, list[Diagnostic]] = field(default_factory=dict)
    held: set[str] = field(default_factory=set)  # errors, here or in the article: not published today


def judge(project: Project, examined: dict[str, Article], today: datetime.date, lock=None) -> Verdicts:
    """Every examined article against the project, its history and the calendar."""
    versions = committed_version_problems(project, list(examined.values()))
    translated = translation_problems(project, examined, lock)
    linked = across_articles(project, examined)
    verdicts = Verdicts()
    for name, article in examined.items():
        problems = policy_diagnostics(article, project.publication, today) + versions.get(name, [])
        problems += translated.get(name, []) + linked.get(name, []) + label_problems(project, article)
        verdicts.problems[name] = problems
        if article.document is None or has_errors(problems):
            verdicts.held.add(name)
    return verdicts


def policy_diagnostics(article: Article, publication: Publication | None, today: datetime.date) -> list[Diagnostic]:
    """Problems that change with the calendar or the publication's policies, not the text: they
    are found afresh each time, never cached."""
    reporter = Reporter(Path(article.path))
    if publication is not None:
        readability_problems(article, publication, reporter)
    if article.review_date is not None and article.review_date < today and not any(
            d.code == "review-date" for d in article.diagnostics):
        report = reporter.error if publication and publication.review.overdue == "error" else reporter.warning
        report(article.review_position, "overdue", f"overdue for review: the review date {article.review_date} has passed",
               "review it, then set a new review-date" if report == reporter.error else "")
    for what, date, position in article.reviews:
        if date > today:
            reporter.error(position, "review-in-future", f"the {what} is dated {date}, which is in the future")
    return reporter.diagnostics


def readability_problems(article: Article, publication: Publication, reporter: Reporter) -> None:
    """Each measure past its language's target, at the title; each rare word outside the glossary, at the word."""
    targets = publication.readability.of(article.lang)
    for measure in article.readability:
        target = target_of(measure, targets, publication.readability)
        if (measure.value < target) if measure.scale == "ease" else (measure.value > target):
            beyond = "below" if measure.scale == "ease" else "above"
            shown = f"{target:g}%" if measure.scale == "percent" else f"{target:g}"
            reporter.warning(article.title_position, "readability", f"{measure} is {beyond} the target {shown}",
                             "use shorter sentences and everyday words")
    below = usual_rare_below(article.lang) if targets.rare_below is None else targets.rare_below
    if layout.is_easy_read(article.slug) and below:
        below += EASY_READ_RARER_BY
    for rare in rare_word_problems(article.rare_words, below, publication.glossary_in(article.lang)):
        reporter.warning(rare.position, "rare-word",
                         f"'{rare.word}' is rare in {language_name_in(article.lang, 'en')} "
                         f"(Zipf frequency {rare.zipf:g}, below {below:g})",
                         f"use an everyday word or explain it, or add it to glossary: {article.lang.split('-')[0]} in "
                         "publication.yaml")


def target_of(measure: Measure, targets: LanguageReadability, readability: Readability) -> float:
    """The target a measure is held to: the language's own, else the publication's for its scale."""
    if measure.scale in ("grade", "ease") and targets.target is not None:
        return targets.target
    return {"grade": readability.target_grade, "ease": readability.target_ease,
            "words": targets.words_per_sentence, "percent": targets.long_words}[measure.scale]


def committed_version_problems(project: Project, articles: list[Article]) -> dict[str, list[Diagnostic]]:
    """Compare each article's version with git history; nothing to compare outside git or in a
    shallow clone."""
    if project.repository is None or not articles:
        return {}
    try:
        histories = project.repository.histories(project.manuscripts, [project.path(a.slug) for a in articles])
        return {a.slug: version_problems(histories[project.path(a.slug)], project.root, a.version, a.version_position)
                for a in articles}
    except HistoryError:
        return {}


def translation_problems(project: Project, examined: dict[str, Article], lock=None) -> dict[str, list[Diagnostic]]:
    """Each examined translation against its source: structure, and currency by translations.lock.
    A translation whose source cannot be examined cleanly cannot be compared, so it is held. While
    publication.yaml has errors, no article can be published and the translations are not compared:
    its errors are the one cause, reported once."""
    if project.publication is None:
        return {}
    lock = read_lock(project.manuscripts) if lock is None else lock
    critical = project.publication.translations.critical
    found: dict[str, list[Diagnostic]] = {}
    for name, article in examined.items():
        slug = source_of(name)
        if slug is None or not article.blocks:
            continue
        source = examined.get(slug)
        path, source_path = project.path(name), f"{slug}.md"
        if source is None or source.document is None:
            found[name] = [Reporter(path, project.root).error_diagnostic(
                (1, 1), "translation-source", f"its source {source_path} has errors; it cannot be compared with it",
                f"fix {source_path} first")]
            continue
        state = currency(name, source.blocks, lock)
        # an Easy Read edition says its article in its own rows: only a translation keeps the structure
        found[name] = (structure_problems(list(article.blocks), list(source.blocks), path, source_path, project.root)
                       if layout.is_translation(name) else [])
        found[name] += currency_diagnostics(state, article.blocks, path, critical, project.root)
    return found


def across_articles(project: Project, examined: dict[str, Article]) -> dict[str, list[Diagnostic]]:
    """What only the whole project shows: links between articles, and topics spelt two ways."""
    found = link_problems(project, examined)
    for name, diagnostics in topic_problems(project, examined).items():
        found.setdefault(name, []).extend(diagnostics)
    return found


def topic_problems(project: Project, examined: dict[str, Article]) -> dict[str, list[Diagnostic]]:
    """A topic written in ways that differ only in case or spacing would make two topics of one:
    each rarer spelling is warned about, with the usual one (the commonest; of equals, the first)."""
    usual = layout.usual_spellings(topic for article in examined.values() for topic, _position in article.topics)
    found: dict[str, list[Diagnostic]] = {}
    for name, article in examined.items():
        reporter = Reporter(project.path(name), project.root)
        for topic, position in article.topics:
            expected = usual[layout.topic_key(topic)]
            if topic != expected:
                reporter.warning(position, "topic-spelling", f"topic '{topic}' differs from '{expected}' only in "
                                 "case or spacing", f"did you mean '{expected}'?")
        found[name] = reporter.diagnostics
    return found


def link_problems(project: Project, examined: dict[str, Article]) -> dict[str, list[Diagnostic]]:
    """Links between articles: the other manuscript exists, and so does the element a link names
    in it (when that article was examined and can be published)."""
    found: dict[str, list[Diagnostic]] = {}
    for name, article in examined.items():
        reporter = Reporter(project.path(name), project.root)
        for link in article.links:
            other = examined.get(link.name)
            if link.name not in project.sources:
                reporter.error(link.position, "link", f"link '{link.href}' goes nowhere: manuscripts/ has no "
                               f"{link.name}.md", did_you_mean(link.name, project.sources) or "")
            elif link.fragment and other and other.document and link.fragment not in other.document.ids:
                reporter.error(link.position, "link", f"link '{link.href}' goes nowhere: {link.name}.md has no "
                               f"element with the id '{link.fragment}'",
                               did_you_mean(link.fragment, other.document.ids) or "")
        found[name] = reporter.diagnostics
    return found


def label_problems(project: Project, article: Article) -> list[Diagnostic]:
    """A language the theme has no words for: its pages print those words in English. A language
    without a braille table: no braille files. A translation whose language has no feedback line:
    its pages print the line as written."""
    reporter = Reporter(project.path(article.slug), project.root)
    missing = labels(project.theme, article.lang).missing if article.lang else []
    if missing:
        shown = ", ".join(missing[:6]) + (f" and {len(missing) - 6} more" if len(missing) > 6 else "")
        reporter.warning(article.lang_position, "labels", f"styles/labels.yaml has no '{article.lang}' words for: "
                         f"{shown}; they are printed in English", f"add them under '{article.lang}:' in styles/labels.yaml")
    publication = project.publication
    if article.lang and publication and table_for(article.lang, publication.braille.tables) is None:
        reporter.warning(article.lang_position, "braille-table", f"no braille table for '{article.lang}': this "
                         "article has no braille files", f"name a liblouis table for it in publication.yaml, under "
                         f"braille: tables: {{{article.lang}: ...}}")
    if layout.is_translation(article.slug) and article.lang and publication and publication.feedback_in(article.lang) is None:
        reporter.warning(article.lang_position, "feedback-translation", f"publication.yaml has no feedback line in "
                         f"'{article.lang}'; this translation prints it as written",
                         f"add it under feedback-translations: in publication.yaml, as '{article.lang}: ...'")
    return reporter.diagnostics
