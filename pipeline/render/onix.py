"""ONIX for Books 3.0 (reference tags): the record publishers send retailers and libraries
beside a booklet, one product for each of its editions: the EPUB (ProductForm ED, EPUB 3.3) and,
where it has one, the print edition (BC, a paperback), each pointing at the other.

Its accessibility features and hazards are the EPUB's own (render/accessibility), in code lists
196 and 143; the print edition's page count and trim are read from its file."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from urllib.parse import urlsplit

from lxml import etree

from pipeline.examine.document import Document
from pipeline.render.accessibility import accessibility_of
from pipeline.render.booklet import publishing_date
from pipeline.source.distribution import ROLES, Price, isbn13
from pipeline.source.publication import Booklet, Publication

NAMESPACE = "http://ns.editeur.org/onix/3.0/reference"
EPUB_VERSION = "101F"  # code list 220: EPUB 3.3
ACCESSIBILITY, HAZARD, FORMAT_VERSION = "09", "12", "15"  # code list 79: kinds of product form feature
THEMA_SCHEMES = {"1": "94", "2": "95", "3": "96", "4": "97", "5": "98", "6": "99"}  # Thema qualifiers by first digit
THEMA, BISAC = "93", "10"  # code list 26
BASED_ON_PRINT, ELECTRONIC_VERSION = "13", "27"  # code list 51: how the two editions relate


@dataclass(frozen=True)
class PrintFacts:
    """The print edition as its file says: pages, and trim width and height in millimetres."""

    pages: int
    width_mm: float
    height_mm: float


def render_onix(booklet: Booklet, documents: list[Document], publication: Publication, lang: str,
                sent: datetime, printed: PrintFacts | None) -> bytes:
    """The booklet's ONIX message; `sent`: when it is dated (the build's reproducible time)."""
    message = element(None, "ONIXMessage", release="3.0")
    header = element(message, "Header")
    text(element(header, "Sender"), "SenderName", publication.publisher)
    text(header, "SentDateTime", sent.strftime("%Y%m%dT%H%M%SZ"))
    epub_product(message, booklet, documents, publication, lang)
    if printed is not None:
        print_product(message, booklet, documents, publication, lang, printed)
    return etree.tostring(message, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def element(parent, tag: str, **attributes) -> etree._Element:
    name = f"{{{NAMESPACE}}}{tag}"
    made = etree.Element(name, nsmap={None: NAMESPACE}) if parent is None else etree.SubElement(parent, name)
    for key, value in attributes.items():
        made.set(key, value)
    return made


def text(parent, tag: str, value: str, **attributes) -> etree._Element:
    made = element(parent, tag, **attributes)
    made.text = value
    return made


def epub_product(message, booklet: Booklet, documents: list[Document], publication: Publication, lang: str):
    product = product_head(message, booklet, publication, "epub", booklet.isbn)
    detail = element(product, "DescriptiveDetail")
    text(detail, "ProductComposition", "00")
    text(detail, "ProductForm", "ED")
    text(detail, "ProductFormDetail", "E101")
    feature(detail, FORMAT_VERSION, EPUB_VERSION)
    facts = accessibility_of(documents, publication.publisher, booklet.page_break_source)
    for code in facts.onix_hazards():
        feature(detail, HAZARD, code)
    for code, description in facts.onix_features():
        feature(detail, ACCESSIBILITY, code, description)
    text(detail, "EpubTechnicalProtection", "00")  # no DRM
    describe_work(detail, booklet, publication, lang)
    describe_text(product, booklet)
    prices = booklet.prices("epub")
    publishing(product, booklet, documents, publication, prices)
    if booklet.printed is not None and booklet.print_isbn:
        related(product, BASED_ON_PRINT, booklet.print_isbn)
    supply(product, publication, prices, free=booklet.price == "free")


def print_product(message, booklet: Booklet, documents: list[Document], publication: Publication, lang: str,
                  printed: PrintFacts):
    product = product_head(message, booklet, publication, "print", booklet.print_isbn)
    detail = element(product, "DescriptiveDetail")
    text(detail, "ProductComposition", "00")
    text(detail, "ProductForm", "BC")  # paperback
    for kind, value in (("01", printed.height_mm), ("02", printed.width_mm)):
        measure = element(detail, "Measure")
        text(measure, "MeasureType", kind)
        text(measure, "Measurement", f"{value:.0f}")
        text(measure, "MeasureUnitCode", "mm")
    describe_work(detail, booklet, publication, lang, pages=printed.pages)
    describe_text(product, booklet)
    prices = booklet.prices("print")
    publishing(product, booklet, documents, publication, prices)
    if booklet.isbn:
        related(product, ELECTRONIC_VERSION, booklet.isbn)
    supply(product, publication, prices, free=booklet.price == "free")


def product_head(message, booklet: Booklet, publication: Publication, edition: str, isbn: str | None):
    product = element(message, "Product")
    host = urlsplit(publication.base_url).hostname or "publication"
    text(product, "RecordReference", f"{'.'.join(reversed(host.split('.')))}.{booklet.id}.{edition}")
    text(product, "NotificationType", "03")  # confirmed on publication
    identifier = element(product, "ProductIdentifier")
    if isbn:
        text(identifier, "ProductIDType", "15")
        text(identifier, "IDValue", isbn13(isbn))
    else:
        text(identifier, "ProductIDType", "01")
        text(identifier, "IDTypeName", "Publisher's identifier")
        text(identifier, "IDValue", booklet.identifier if edition == "epub" else f"{booklet.identifier}:print")
    return product


def feature(detail, kind: str, value: str, description: str | None = None) -> None:
    made = element(detail, "ProductFormFeature")
    text(made, "ProductFormFeatureType", kind)
    text(made, "ProductFormFeatureValue", value)
    if description:
        text(made, "ProductFormFeatureDescription", description)


def describe_work(detail, booklet: Booklet, publication: Publication, lang: str, pages: int | None = None) -> None:
    """Title, contributors, language, extent and subjects, in the order ONIX gives them."""
    title = element(detail, "TitleDetail")
    text(title, "TitleType", "01")
    title_element = element(title, "TitleElement")
    text(title_element, "TitleElementLevel", "01")
    text(title_element, "TitleText", booklet.title)
    if booklet.subtitle:
        text(title_element, "Subtitle", booklet.subtitle)
    contributors(detail, booklet, publication)
    language = element(detail, "Language")
    text(language, "LanguageRole", "01")
    text(language, "LanguageCode", language_code(lang))
    if pages is not None:
        extent = element(detail, "Extent")
        text(extent, "ExtentType", "00")  # main content page count
        text(extent, "ExtentValue", str(pages))
        text(extent, "ExtentUnit", "03")  # pages
    subjects(detail, booklet)


def contributors(detail, booklet: Booklet, publication: Publication) -> None:
    people = [(person.name, ROLES[person.role]) for person in booklet.contributors]
    for number, (name, role) in enumerate(people or [(publication.publisher, ROLES["author"])], start=1):
        contributor = element(detail, "Contributor")
        text(contributor, "SequenceNumber", str(number))
        text(contributor, "ContributorRole", role)
        text(contributor, "PersonName" if people else "CorporateName", name)


def subjects(detail, booklet: Booklet) -> None:
    """Thema's codes (a qualifier in its own scheme), then BISAC's; the first subject of each is the main one."""
    codes = [(THEMA_SCHEMES.get(code[0], THEMA), code) for code in booklet.subjects.thema]
    codes += [(BISAC, code) for code in booklet.subjects.bisac]
    main = {next((code for scheme, code in codes if scheme == wanted), None) for wanted in (THEMA, BISAC)}
    for scheme, code in codes:
        subject = element(detail, "Subject")
        if code in main:
            element(subject, "MainSubject")
        text(subject, "SubjectSchemeIdentifier", scheme)
        text(subject, "SubjectCode", code)


def describe_text(product, booklet: Booklet) -> None:
    if booklet.description:
        content = element(element(product, "CollateralDetail"), "TextContent")
        text(content, "TextType", "03")  # description
        text(content, "ContentAudience", "00")  # any audience
        text(content, "Text", booklet.description)


def publishing(product, booklet: Booklet, documents: list[Document], publication: Publication,
               prices: list[Price]) -> None:
    """The publisher, the date, and where the edition is sold: where it has a price, else the world."""
    detail = element(product, "PublishingDetail")
    publisher = element(detail, "Publisher")
    text(publisher, "PublishingRole", "01")
    text(publisher, "PublisherName", publication.publisher)
    text(element(publisher, "Website"), "WebsiteLink", publication.base_url)
    text(detail, "PublishingStatus", "04")  # active
    day = element(detail, "PublishingDate")
    text(day, "PublishingDateRole", "01")
    text(day, "Date", compact_date(publishing_date(booklet, documents)), dateformat="00")
    rights = element(detail, "SalesRights")
    text(rights, "SalesRightsType", "01")  # for sale, with the publisher's exclusive rights
    territory(rights, sorted({place for price in prices for place in price.territories}) or ["WORLD"])


def territory(parent, places: list[str]) -> None:
    made = element(parent, "Territory")
    if "WORLD" in places:
        text(made, "RegionsIncluded", "WORLD")
    else:
        text(made, "CountriesIncluded", " ".join(places))


def related(product, relation: str, isbn: str) -> None:
    other = element(element(product, "RelatedMaterial"), "RelatedProduct")
    text(other, "ProductRelationCode", relation)
    identifier = element(other, "ProductIdentifier")
    text(identifier, "ProductIDType", "15")
    text(identifier, "IDValue", isbn13(isbn))


def supply(product, publication: Publication, prices: list[Price], free: bool) -> None:
    detail = element(element(product, "ProductSupply"), "SupplyDetail")
    supplier = element(detail, "Supplier")
    text(supplier, "SupplierRole", "01")  # the publisher, to resellers
    text(supplier, "SupplierName", publication.publisher)
    text(detail, "ProductAvailability", "20")  # available
    if not prices:
        text(detail, "UnpricedItemType", "01" if free else "04")  # free of charge, or ask the supplier
    for price in prices:
        made = element(detail, "Price")
        text(made, "PriceType", "02" if price.tax_included else "01")  # recommended retail price, with or without tax
        text(made, "PriceAmount", f"{price.amount:.2f}")
        text(made, "CurrencyCode", price.currency)
        territory(made, price.territories)


def compact_date(day: date) -> str:
    return day.strftime("%Y%m%d")


def language_code(lang: str) -> str:
    """ONIX's language code (ISO 639-2/B, as code list 74): en is eng, zh-Hans chi, ar ara."""
    import langcodes  # noqa: PLC0415

    return langcodes.Language.get(lang).to_alpha3(variant="B")
