"""What a booklet tells retailers and libraries (SPEC §16): its ISBNs, prices, subjects,
contributors, publishing date and print edition, as publication.yaml gives them, checked as the
ONIX record and the retailers will read them."""

from __future__ import annotations

import re
from decimal import Decimal
from functools import lru_cache
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field

from pipeline.source.schema import IsoDate, Model, Text

# A contributor's role, and its ONIX code (code list 17).
ROLES = {"author": "A01", "editor": "B01", "illustrator": "A12", "photographer": "A08", "translator": "B06",
         "contributor": "A32", "cover-designer": "A36"}
RETAILERS = ("apple-books", "google-play", "kobo", "amazon-kdp", "overdrive")
THEMA = re.compile(r"^(?:[A-Z][A-Z0-9]{0,7}|[1-6][A-Z0-9-]{1,9})$")  # a subject, or a qualifier (it begins with 1-6)
BISAC = re.compile(r"^[A-Z]{3}\d{6}$")
TRIM = re.compile(r"^(\d+(?:\.\d+)?)(mm|cm|in)\s+(\d+(?:\.\d+)?)(mm|cm|in)$")
TRIM_NAMES = {"A5": "148mm 210mm", "B5": "176mm 250mm", "royal": "156mm 234mm", "demy": "138mm 216mm",
              "us-trade": "6in 9in", "digest": "5.5in 8.5in"}


def valid_isbn(value: Any) -> Any:
    """An ISBN in its compact form (digits, X), its check digit proved (python-stdnum)."""
    from stdnum import ean, isbn  # noqa: PLC0415 - only publications that give an ISBN pay for it
    from stdnum.exceptions import InvalidChecksum, ValidationError  # noqa: PLC0415

    if not isinstance(value, (str, int)):
        return value
    text = str(value)
    try:
        return isbn.validate(text)
    except InvalidChecksum:
        compact = isbn.compact(text)
        right = f", its digits before call for {ean.calc_check_digit(compact[:-1])}" if len(compact) == 13 else ""
        raise ValueError(f"ISBN '{text}' has a wrong check digit: it ends in {compact[-1]}{right}") from None
    except ValidationError:
        raise ValueError(f"'{text}' is not an ISBN: 13 digits beginning 978 or 979, or 10") from None


def isbn13(value: str) -> str:
    """An ISBN (compact) as 13 digits: an ISBN-10 converted, with its check digit."""
    from stdnum import isbn  # noqa: PLC0415

    return isbn.to_isbn13(value)


def _currency(value: Any) -> Any:
    if isinstance(value, str) and value not in currencies():
        raise ValueError(f"'{value}' is not an ISO 4217 currency code, such as GBP, EUR or USD")
    return value


def _territory(value: Any) -> Any:
    if isinstance(value, str) and value != "WORLD" and value not in countries():
        raise ValueError(f"'{value}' is not a country code (ISO 3166-1, such as GB or IE) or WORLD")
    return value


def _code(pattern: re.Pattern, kind: str, example: str):
    def check(value: Any) -> Any:
        if isinstance(value, str) and not pattern.match(value):
            raise ValueError(f"'{value}' is not a {kind} code (such as {example})")
        return value
    return check


def _trim(value: Any) -> Any:
    if isinstance(value, str) and value not in TRIM_NAMES and not TRIM.match(value):
        raise ValueError(f"'{value}' should be a width and height such as '148mm 210mm' or '6in 9in', "
                         f"or one of {', '.join(TRIM_NAMES)}")
    return value


def _prices(value: Any) -> Any:
    if isinstance(value, str) and value != "free":
        raise ValueError("should be free, or a price {amount, currency, territories}, or a list of them")
    return [value] if isinstance(value, dict) else value


@lru_cache(maxsize=1)
def currencies() -> frozenset[str]:
    from babel.numbers import list_currencies  # noqa: PLC0415

    return frozenset(list_currencies())


@lru_cache(maxsize=1)
def countries() -> frozenset[str]:
    from babel import Locale  # noqa: PLC0415

    return frozenset(code for code in Locale("en").territories if re.fullmatch(r"[A-Z]{2}", code))


Isbn = Annotated[str, BeforeValidator(valid_isbn)]


class Price(Model):
    """One price of an edition: an amount in a currency, in the territories it holds in."""

    amount: Decimal = Field(gt=0, max_digits=12, decimal_places=2)
    currency: Annotated[str, BeforeValidator(_currency)]
    territories: list[Annotated[str, BeforeValidator(_territory)]] = Field(
        ["WORLD"], min_length=1, description="Country codes (ISO 3166-1 alpha-2), or WORLD.")
    tax_included: bool = Field(True, description="Whether the amount includes tax (VAT), as retail prices in "
                               "Europe do.")
    edition: Literal["epub", "print"] = Field("epub", description="The edition it is the price of.")


class Subjects(Model):
    """Subject codes: Thema's (and its qualifiers, which begin with a digit) and BISAC's."""

    thema: list[Annotated[str, BeforeValidator(_code(THEMA, "Thema", "MBNH or VFJB"))]] = []
    bisac: list[Annotated[str, BeforeValidator(_code(BISAC, "BISAC", "HEA039000"))]] = []


class Contributor(Model):
    name: Text
    role: Literal[tuple(ROLES)] = "author"


class PrintEdition(Model):
    """The booklet's articles as one printed book (print/<booklet-id>.pdf, PDF/X-4)."""

    trim: Annotated[str, BeforeValidator(_trim)] | None = Field(
        None, description="Its page size after trimming; default: A5, or digest (5.5 x 8.5 in) for Letter leaflets.")

    def trim_size(self, page_size: str) -> str:
        """The trim as CSS page size (width height); its default follows the leaflets' paper."""
        trim = self.trim or ("digest" if page_size == "letter" else "A5")
        return TRIM_NAMES.get(trim, trim)


class Distribution(Model):
    """The fields of a booklet that retailers read (mixed into Booklet)."""

    isbn: Isbn | None = Field(None, description="The EPUB's ISBN (13 digits; its check digit is proved).")
    print_isbn: Isbn | None = Field(None, description="The print edition's ISBN.")
    price: Annotated[list[Price] | Literal["free"], BeforeValidator(_prices)] = Field(
        [], description="Its price: {amount, currency, territories, edition}, or a list of them; or `free` (every "
        "edition given away, as a clinic's booklets are).")
    subjects: Subjects = Subjects()
    contributors: list[Contributor] = []
    publishing_date: IsoDate | None = Field(
        None, description="The day the booklet is published (YYYY-MM-DD); default: its articles' latest date.")
    print_edition: PrintEdition | None = Field(None, description="Make the print edition; a booklet with a "
                                               "print-isbn has one at the default trim unless this says otherwise.")
    retailers: list[Literal[RETAILERS]] = Field([], description="The retailers the booklet is sent to: their "
                                                "rules are checked on its EPUB (docs/diagnostics.md).")

    def prices(self, edition: str) -> list[Price]:
        """The prices of one edition (epub or print); none for a free booklet."""
        return [] if self.price == "free" else [price for price in self.price if price.edition == edition]

    @property
    def printed(self) -> PrintEdition | None:
        """The print edition, when the booklet has one."""
        return self.print_edition or (PrintEdition() if self.print_isbn else None)
