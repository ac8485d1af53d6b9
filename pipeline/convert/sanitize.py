"""Defence in depth: whatever pandoc writes is cut down to plain document HTML."""

from __future__ import annotations

import nh3

ALLOWED_TAGS = frozenset("""
a abbr b blockquote br caption cite code col colgroup dd del div dl dt em figcaption figure
h1 h2 h3 h4 h5 h6 hr i img ins kbd li mark ol p pre q s samp small span strong sub sup
table tbody td tfoot th thead tr u ul var section aside details summary
""".split())
ALLOWED_ATTRIBUTES = {
    "*": {"id", "class", "title", "lang", "dir", "role", "data-cites", "aria-label", "aria-hidden"},
    "a": {"href"},
    "img": {"src", "alt", "width", "height"},
    "td": {"colspan", "rowspan", "style"},
    "th": {"colspan", "rowspan", "style", "scope"},
    "col": {"style", "span"},
    "ol": {"start", "type", "reversed"},
}
URL_SCHEMES = frozenset({"http", "https", "mailto", "tel"})
STYLE_PROPERTIES = frozenset({"text-align", "width"})  # pandoc's column alignment and widths


def clean_html(html: str) -> str:
    """Keep document structure and safe links; drop scripts, handlers, frames and forms."""
    return nh3.clean(html, tags=set(ALLOWED_TAGS), attributes={k: set(v) for k, v in ALLOWED_ATTRIBUTES.items()},
                     url_schemes=set(URL_SCHEMES), filter_style_properties=set(STYLE_PROPERTIES),
                     link_rel=None, strip_comments=True)
