"""Typed front matter: a pydantic base model and the translation of its errors into diagnostics."""

from __future__ import annotations

import datetime
import difflib
import typing
from typing import Annotated, Any, TypeVar

from pydantic import BaseModel, BeforeValidator, ConfigDict, ValidationError
from rapidfuzz.distance import DamerauLevenshtein

from pipeline.base.diagnostics import Reporter
from pipeline.base.languages import problem_with
from pipeline.source.text import YamlDocument

M = TypeVar("M", bound="Model")


def kebab(name: str) -> str:
    return name.replace("_", "-")


class Model(BaseModel):
    """Fields are written in kebab-case, like Pandoc's own."""

    model_config = ConfigDict(alias_generator=kebab, populate_by_name=True, extra="ignore", frozen=True)

    # Keys accepted beyond the declared fields (e.g. the many variables of a CSL item).
    other_known_keys: typing.ClassVar[frozenset[str]] = frozenset()


def did_you_mean(word: str, choices) -> str:
    matches = difflib.get_close_matches(word, sorted(choices), n=1, cutoff=0.6)
    return f"did you mean '{matches[0]}'?" if matches else ""


def _text(value: Any) -> Any:
    if isinstance(value, str):
        if not value.strip():
            raise ValueError("should not be empty")
        return str(value).strip()
    return value


def _iso_date(value: Any) -> Any:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, str):
        try:
            return datetime.date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise ValueError("should be a date written as YYYY-MM-DD")


def _label(value: Any) -> Any:
    """Accept a number where a short label is meant (version: 3)."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return value


def _language(value: Any) -> Any:
    problem = problem_with(value) if isinstance(value, str) else None
    if problem:
        raise ValueError(problem)
    return value


Text = Annotated[str, BeforeValidator(_text)]
IsoDate = Annotated[datetime.date, BeforeValidator(_iso_date)]
Label = Annotated[str, BeforeValidator(_label)]
LanguageTag = Annotated[str, BeforeValidator(_language)]

FRIENDLY_TYPES = {
    "string_type": "should be text",
    "list_type": "should be a list",
    "dict_type": "should be a mapping of fields",
    "model_type": "should be a mapping of fields",
    "model_attributes_type": "should be a mapping of fields",
    "int_type": "should be a whole number",
    "int_parsing": "should be a whole number",
    "float_type": "should be a number",
    "float_parsing": "should be a number",
    "bool_type": "should be true or false",
    "bool_parsing": "should be true or false",
}


def describe_loc(loc: tuple) -> str:
    """('faq', 2, 'answer') -> "'answer' of faq item 3"."""
    words, parent = [], None
    for part in loc:
        if isinstance(part, int):
            words[-1] = f"{parent} item {part + 1}"
        else:
            words.append(f"'{part}'" if not words else f"'{part}' of {words.pop()}")
            parent = part
    return words[0] if words else "front matter"


def _shown(value: Any) -> str:
    text = repr(value if not isinstance(value, str) else str(value))
    return text if len(text) <= 40 else text[:37] + "..."


def report_validation_error(error: ValidationError, doc: YamlDocument, reporter: Reporter) -> None:
    for item in error.errors():
        loc = tuple(item["loc"])
        if item["type"] == "missing":
            where = describe_loc(loc[:-1])
            message = f"missing required field '{loc[-1]}'"
            message += f" in {where}" if loc[:-1] else ""
        else:
            reason = FRIENDLY_TYPES.get(item["type"])
            if reason:
                reason = f" {reason} (found {_shown(item['input'])})"
            else:
                reason = ": " + item["msg"].removeprefix("Value error, ")
                shown = _shown(item["input"])
                reason += "" if shown in reason else f" (found {shown})"
            message = f"{describe_loc(loc)}{reason}"
        reporter.error(doc.position(loc), "field", message)


def field_model(annotation) -> type[Model] | None:
    """The model a field holds directly, or as list items or mapping values."""
    if isinstance(annotation, type) and issubclass(annotation, Model):
        return annotation
    for argument in typing.get_args(annotation):
        found = field_model(argument)
        if found:
            return found
    return None


def report_unknown_keys(model: type[Model], data: Any, doc: YamlDocument, reporter: Reporter,
                        loc: tuple = ()) -> None:
    """Warn on keys the model does not know, recursing into nested models."""
    if not isinstance(data, dict):
        return
    fields = {info.alias or name: info for name, info in model.model_fields.items()}
    known = set(fields) | model.other_known_keys
    for key, value in data.items():
        if key not in known:
            report_unknown_key(str(key), known, doc.position(loc + (key,), key=True), loc, reporter)
            continue
        nested = field_model(fields[key].annotation) if key in fields else None
        if nested is not None:
            for child_loc, child in _children(fields[key].annotation, value, loc + (key,)):
                report_unknown_keys(nested, child, doc, reporter, child_loc)


def report_unknown_key(key: str, known: set[str], position: tuple[int, int], loc: tuple, reporter: Reporter) -> None:
    """An unknown key one slip from a known one is a misspelling whose value would be lost in
    silence: an error. Any other is a warning (a note the author keeps, a field of a later version)."""
    where = f" in {describe_loc(loc)}" if loc else ""
    meant = misspelling_of(key, known)
    if meant:
        reporter.error(position, "unknown-field", f"unknown field '{key}'{where}, so its value is lost",
                       f"did you mean '{meant}'?")
    else:
        reporter.warning(position, "unknown-field", f"unknown field '{key}'{where}", did_you_mean(key, known))


def misspelling_of(key: str, known) -> str | None:
    """The known key `key` is one slip from: a character added, dropped, changed or two swapped
    (reveiw-date), or one word of a hyphenated key changed (leaflet-code for leaflet-id)."""
    words = key.split("-")
    for name in sorted(known):
        if DamerauLevenshtein.distance(key, name) == 1:
            return name
        theirs = name.split("-")
        if len(words) == len(theirs) > 1 and sum(a != b for a, b in zip(words, theirs)) == 1:
            return name
    return None


def _children(annotation, value: Any, loc: tuple):
    """The nested mappings of a field: list items, mapping values, or the value itself."""
    if isinstance(value, list):
        return [(loc + (index,), item) for index, item in enumerate(value)]
    if typing.get_origin(annotation) is dict and isinstance(value, dict):
        return [(loc + (key,), item) for key, item in value.items()]
    return [(loc, value)]


def validate(model: type[M], doc: YamlDocument, reporter: Reporter) -> M | None:
    """Validate parsed YAML into `model`, reporting every problem with its position."""
    if not isinstance(doc.data, dict):
        reporter.error(doc.position(), "field", "front matter should be a mapping of fields")
        return None
    report_unknown_keys(model, doc.data, doc, reporter)
    try:
        return model.model_validate(doc.data)
    except ValidationError as error:
        report_validation_error(error, doc, reporter)
        return None
