"""Publishers' distribution (SPEC §16): the booklet's ONIX 3.0 record, read from the real file
and validated by onixcheck against EDItEUR's schema; its accessibility codes against the EPUB's
own metadata through the W3C's crosswalk; ISBNs proved by their check digit."""

from __future__ import annotations

import zipfile
from pathlib import Path

import onixcheck
import pytest
from conftest import publish, sample_booklet_with
from lxml import etree

ONIX = {"o": "http://ns.editeur.org/onix/3.0/reference"}
OPF = {"opf": "http://www.idpf.org/2007/opf", "dc": "http://purl.org/dc/elements/1.1/"}
BOOKLET = "vitamin-b12"
DISTRIBUTION = """
    isbn: 978-0-306-40615-7
    print-isbn: "9781861972712"
    price:
      - {amount: 4.99, currency: GBP, territories: [GB, IE]}
      - {amount: 5.99, currency: EUR, territories: [DE, FR], tax-included: true}
      - {amount: 12.50, currency: GBP, edition: print}
    subjects: {thema: [MBNH3, VFJB, 1DDU], bisac: [HEA039000]}
    contributors: [{name: Dr Ada Okafor, role: author}, {name: Sam Reyes, role: editor}]
    publishing-date: 2026-12-01
"""
# The W3C's crosswalk of EPUB accessibility metadata to ONIX code list 196, held here apart from
# the code that writes both, so that a wrong mapping there is caught.
CROSSWALK = {"tableOfContents": "11", "readingOrder": "13", "alternativeText": "14", "pageBreakMarkers": "19",
             "structuralNavigation": "29", "displayTransformability": "36", "pageNavigation": "41"}


def with_distribution(root: Path, fields: str = DISTRIBUTION) -> Path:
    return sample_booklet_with(root, fields.lstrip("\n"))


@pytest.fixture(scope="module")
def distributed(tmp_path_factory) -> Path:
    project = with_distribution(tmp_path_factory.mktemp("onix"))
    result = publish("build", "--format", "epub", project=project)
    assert result.exit_code == 0, result.output
    return project


def products(path: Path) -> list:
    return etree.parse(str(path)).getroot().findall("o:Product", ONIX)


def values(product, path: str) -> list[str]:
    return [node.text for node in product.xpath(path, namespaces=ONIX)]


def test_the_onix_record_is_valid_against_the_onix_3_schema(distributed: Path) -> None:
    path = distributed / "output" / "onix" / f"{BOOKLET}.xml"
    assert onixcheck.validate(str(path), schemas=("xsd", "rng")) == []
    broken = path.read_bytes().replace(b"<ProductForm>ED</ProductForm>", b"<ProductForm>QQ</ProductForm>")
    (distributed / "broken.xml").write_bytes(broken)
    assert onixcheck.validate(str(distributed / "broken.xml"))  # the check can fail


def test_the_epub_product_says_what_publication_yaml_says(distributed: Path) -> None:
    epub = products(distributed / "output" / "onix" / f"{BOOKLET}.xml")[0]
    assert values(epub, "o:ProductIdentifier[o:ProductIDType='15']/o:IDValue") == ["9780306406157"]
    assert values(epub, "o:DescriptiveDetail/o:ProductForm") == ["ED"]
    assert values(epub, "o:DescriptiveDetail/o:ProductFormDetail") == ["E101"]
    assert values(epub, "o:DescriptiveDetail/o:ProductFormFeature[o:ProductFormFeatureType='15']/"
                        "o:ProductFormFeatureValue") == ["101F"]  # EPUB 3.3
    assert values(epub, ".//o:TitleText") == ["Vitamin B12 and your body"]
    assert values(epub, ".//o:Contributor/o:PersonName") == ["Dr Ada Okafor", "Sam Reyes"]
    assert values(epub, ".//o:Contributor/o:ContributorRole") == ["A01", "B01"]
    assert values(epub, ".//o:Language/o:LanguageCode") == ["eng"]
    assert values(epub, ".//o:Subject/o:SubjectCode") == ["MBNH3", "VFJB", "1DDU", "HEA039000"]
    assert values(epub, ".//o:Subject/o:SubjectSchemeIdentifier") == ["93", "93", "94", "10"]
    assert values(epub, ".//o:Subject[o:MainSubject]/o:SubjectCode") == ["MBNH3", "HEA039000"]
    assert values(epub, ".//o:PublishingDate/o:Date") == ["20261201"]
    assert values(epub, ".//o:Price/o:PriceAmount") == ["4.99", "5.99"]  # the print edition's price is its own
    assert values(epub, ".//o:Price/o:CurrencyCode") == ["GBP", "EUR"]
    assert values(epub, ".//o:Price/o:Territory/o:CountriesIncluded") == ["GB IE", "DE FR"]
    assert values(epub, ".//o:SalesRights/o:Territory/o:CountriesIncluded") == ["DE FR GB IE"]
    assert values(epub, ".//o:RelatedProduct/o:ProductIdentifier/o:IDValue") == ["9781861972712"]


def opf_metadata(epub: Path) -> dict[str, list[str]]:
    with zipfile.ZipFile(epub) as book:
        opf = etree.fromstring(book.read("EPUB/content.opf"))
    found: dict[str, list[str]] = {}
    for meta in opf.iterfind(".//opf:meta[@property]", OPF):
        found.setdefault(meta.get("property"), []).append(meta.text)
    found["dc:date"] = [node.text for node in opf.iterfind(".//dc:date", OPF)]
    found["dc:identifier"] = [node.text for node in opf.iterfind(".//dc:identifier", OPF)]
    found["dc:creator"] = [node.text for node in opf.iterfind(".//dc:creator", OPF)]
    return found


def test_the_accessibility_codes_are_the_epub_s_own_metadata(distributed: Path) -> None:
    """Read both files: every feature the EPUB states is its code-list-196 code in ONIX and no
    other, the summary and the certifier are the same words, no hazard is no known hazard."""
    metadata = opf_metadata(distributed / "output" / "epub" / f"{BOOKLET}.epub")
    epub = products(distributed / "output" / "onix" / f"{BOOKLET}.xml")[0]
    features = {feature.findtext("o:ProductFormFeatureValue", namespaces=ONIX):
                feature.findtext("o:ProductFormFeatureDescription", namespaces=ONIX)
                for feature in epub.xpath("o:DescriptiveDetail/o:ProductFormFeature[o:ProductFormFeatureType='09']",
                                          namespaces=ONIX)}
    stated = {CROSSWALK[feature] for feature in metadata["schema:accessibilityFeature"]}
    assert stated <= set(features) and {code for code in features if code in CROSSWALK.values()} == stated
    assert features["00"] == metadata["schema:accessibilitySummary"][0]
    assert features["90"] == metadata["a11y:certifiedBy"][0]
    assert metadata["dcterms:conformsTo"] == ["EPUB Accessibility 1.1 - WCAG 2.2 Level AA"]
    assert {"04", "82", "85"} <= set(features)  # EPUB Accessibility 1.1, WCAG 2.2, level AA
    assert ("52" in features) == ("textual" in metadata["schema:accessModeSufficient"])
    assert metadata["schema:accessibilityHazard"] == ["none"]
    assert values(epub, "o:DescriptiveDetail/o:ProductFormFeature[o:ProductFormFeatureType='12']/"
                        "o:ProductFormFeatureValue") == ["00"]  # code list 143: no known hazards
    assert "urn:isbn:9780306406157" in metadata["dc:identifier"]
    assert metadata["dc:creator"] == ["Dr Ada Okafor"] and metadata["dc:date"] == ["2026-12-01"]


def test_a_booklet_without_distribution_fields_still_gets_a_valid_record(tmp_path: Path) -> None:
    project = sample_booklet_with(tmp_path, "")
    assert publish("build", "--format", "epub", project=project).exit_code == 0
    path = project / "output" / "onix" / f"{BOOKLET}.xml"
    assert onixcheck.validate(str(path), schemas=("xsd", "rng")) == []
    epub = products(path)[0]
    assert values(epub, "o:ProductIdentifier/o:ProductIDType") == ["01"]  # the publisher's own identifier
    assert values(epub, ".//o:UnpricedItemType") == ["04"]  # no price: ask the supplier
    assert values(epub, ".//o:Contributor/o:CorporateName") == ["Riverside Community Clinic"]


@pytest.mark.parametrize(("field", "wrong", "message"), [
    ("isbn", "978-0-306-40615-8", "ISBN '978-0-306-40615-8' has a wrong check digit: it ends in 8, its digits before call for 7"),
    ("print-isbn", "12345", "'12345' is not an ISBN"),
    ("price", "{amount: 4.99, currency: GPB}", "'GPB' is not an ISO 4217 currency code"),
    ("subjects", "{bisac: [HEALTH]}", "'HEALTH' is not a BISAC code"),
])
def test_a_wrong_field_is_a_located_error_in_publication_yaml(tmp_path: Path, field: str, wrong: str,
                                                              message: str) -> None:
    project = with_distribution(tmp_path, f"    {field}: {wrong}\n")
    result = publish("build", "--format", "epub", project=project)
    assert result.exit_code == 1
    text = (project / "manuscripts" / "publication.yaml").read_text(encoding="utf-8").splitlines()
    line = next(number for number, content in enumerate(text, start=1) if content.startswith(f"    {field}:"))
    assert f"publication.yaml:{line}:" in result.output and message in result.output, result.output


@pytest.mark.parametrize(("lang", "code"), [("en-GB", "eng"), ("ar", "ara"), ("zh-Hans", "chi"), ("fa", "per"),
                                            ("ur", "urd"), ("de", "ger"), ("so", "som")])
def test_a_language_is_written_as_onix_s_bibliographic_code(lang: str, code: str) -> None:
    """Code list 74 is ISO 639-2/B: the bibliographic codes (ger, chi, per), not the terminology ones."""
    from pipeline.render.onix import language_code

    assert language_code(lang) == code


def test_a_free_booklet_is_free_of_charge_in_every_product(tmp_path: Path) -> None:
    project = with_distribution(tmp_path, '    price: free\n    print-isbn: "9781861972712"\n')
    assert publish("build", "--format", "epub", project=project).exit_code == 0
    path = project / "output" / "onix" / f"{BOOKLET}.xml"
    assert onixcheck.validate(str(path), schemas=("xsd", "rng")) == []
    assert [values(product, ".//o:UnpricedItemType") for product in products(path)] == [["01"], ["01"]]
    wrong = with_distribution(tmp_path / "wrong", "    price: gratis\n")
    result = publish("check", project=wrong)
    assert result.exit_code == 1 and "publication.yaml:" in result.output and "should be free, or a price" in result.output, result.output
