"""The template's short rules fitted to the names the campaign puts above them (outputs/letter_rules.py).

NĐ 30 sizes two rules by the text above them: the issuing body's name (ô 2) and the trích yếu (ô 5a). Before
rendering, a rule of the template (a ``BC Rule`` paragraph: an empty paragraph whose bottom border, between
two indents, is the rule; scripts/make_template.py) right under a paragraph that is just ``{{ issuing_body }}``
or ``{{ summary }}`` is given the indents that make it 5/12 of that text's longest line, filled in and
wrapped as its table cell or page wraps it. Other rules (the Tiêu ngữ's, as long as its fixed line; the
appendix's short rule) and templates without that style are left as they are. The text is measured with the
metrics of the Times faces that matplotlib ships (Times New Roman has their widths).
"""

from __future__ import annotations

import functools
import html
import logging
import re
from pathlib import Path
from typing import Any

from docx.document import Document as DocumentObject
from docx.oxml.ns import qn
from docx.shared import Twips
from docx.text.paragraph import Paragraph
from jinja2 import Environment, StrictUndefined, TemplateError

from aggregator.outputs.letter_rules import TextMetrics, afm_widths
from aggregator.outputs.report_text import break_name

log = logging.getLogger(__name__)
RULE_STYLE = "BC Rule"
DEFAULT_SIZE_PT = 14.0  # NĐ 30's body text, when neither the run nor its style says
WORD_CELL_MARGIN = 108  # twips: Word's left and right cell margin when the table does not set one
_SIZED_BY_TEXT = re.compile(r"\s*\{\{-?\s*(?P<key>issuing_body|summary)\s*-?\}\}\s*")  # ô 2 and ô 5a


@functools.cache
def times(bold: bool) -> TextMetrics | None:
    """Times (New Roman) metrics, bold or regular, from matplotlib's Adobe core font files (None without them:
    the rules then keep the template's lengths)."""
    import matplotlib  # here: only a report needs it, and importing it takes a tenth of a second

    folder = Path(matplotlib.get_data_path()) / "fonts" / "pdfcorefonts"
    try:
        afm = (folder / ("Times-Bold.afm" if bold else "Times-Roman.afm")).read_text(encoding="latin-1")
    except OSError as exc:
        log.warning("the Times font metrics are missing (%s); the letter's rules keep the template's lengths", exc)
        return None
    return TextMetrics(afm_widths(afm))


def fit_rules(document: DocumentObject, values: dict[str, Any]) -> None:
    """Give each rule under filled-in text the indents of a rule 5/12 of that text's longest line; the
    issuing body's name is first broken into lines by its measured width in its cell (``values`` updated)."""
    styles = [s for s in document.styles if s.name == RULE_STYLE]
    if not styles:
        return
    style_id = styles[0].style_id
    for paragraph in list(document.element.body.iter(qn("w:p"))):
        above = paragraph.getprevious()
        if _style(paragraph) == style_id and above is not None and above.tag == qn("w:p"):
            _fit(paragraph, above, document, values)


def _fit(rule: Any, above: Any, document: DocumentObject, values: dict[str, Any]) -> None:
    key, available = _sized_by(above), _available(rule, document)
    size, bold = _font(above, document)
    metrics = times(bold)
    if key is None or available is None or metrics is None:
        return
    if key == "issuing_body" and isinstance(values.get(key), str):  # lines as wide as the cell, not 22 letters
        values[key] = break_name(" ".join(values[key].split()), available, lambda line: metrics.width(line, size))
    text = _filled(above, values)
    width = metrics.rule(text, size, available) if text is not None else None
    if width is not None:
        _set_indents(Paragraph(rule, document), (available - width) // 2)


def _style(paragraph: Any) -> str | None:
    found = paragraph.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
    return None if found is None else found.get(qn("w:val"))


def _sized_by(paragraph: Any) -> str | None:
    """"issuing_body" or "summary" when the paragraph is just that tag (the text NĐ 30 sizes a rule by)."""
    found = _SIZED_BY_TEXT.fullmatch("".join(paragraph.xpath(".//w:t/text()")))
    return found["key"] if found else None


def _filled(paragraph: Any, values: dict[str, Any]) -> str | None:
    """The paragraph's text with its tag filled in; None when it cannot be."""
    source = "".join(paragraph.xpath(".//w:t/text()"))
    try:
        filled = Environment(undefined=StrictUndefined).from_string(source).render(values)
    except (TemplateError, TypeError, ValueError):
        return None  # the renderer's preflight explains a broken tag; the rule keeps the template's length
    return html.unescape(filled)


def _font(paragraph: Any, document: DocumentObject) -> tuple[float, bool]:
    """The size (points) and boldness of the paragraph's first run, else of its style, else the defaults."""
    run_props = paragraph.find(f"{qn('w:r')}/{qn('w:rPr')}")
    size, bold = _size_bold(run_props)
    style_id = _style(paragraph)
    style = next((s for s in document.styles if s.style_id == style_id), None) if style_id else None
    while style is not None and (size is None or bold is None):
        style_size, style_bold = _size_bold(style.element.find(qn("w:rPr")))
        size, bold = size if size is not None else style_size, bold if bold is not None else style_bold
        style = style.base_style
    return size or DEFAULT_SIZE_PT, bool(bold)


def _size_bold(props: Any) -> tuple[float | None, bool | None]:
    if props is None:
        return None, None
    size, bold = props.find(qn("w:sz")), props.find(qn("w:b"))
    points = int(size.get(qn("w:val"))) / 2 if size is not None and size.get(qn("w:val"), "").isdigit() else None
    return points, (None if bold is None else bold.get(qn("w:val"), "true") not in ("0", "false"))


def _available(paragraph: Any, document: DocumentObject) -> int | None:
    """The width (twips) the paragraph's text can take: its table cell's, or the page's between its margins."""
    cell = next(paragraph.iterancestors(qn("w:tc")), None)
    if cell is None:
        return _text_width(_section(paragraph, document))
    width = cell.find(f"{qn('w:tcPr')}/{qn('w:tcW')}")
    if width is None or not width.get(qn("w:w"), "").isdigit() or width.get(qn("w:type"), "dxa") != "dxa":
        return None  # a width in percent or "auto": the rule keeps the template's length
    table_props = next(cell.iterancestors(qn("w:tbl"))).find(qn("w:tblPr"))
    margins = [_margin(table_props, side) for side in ("left", "right")]
    return int(width.get(qn("w:w"))) - sum(margins)


def _section(paragraph: Any, document: DocumentObject) -> Any:
    """The section properties that apply to a body paragraph: the next section break's, else the last."""
    for following in (paragraph, *paragraph.itersiblings(qn("w:p"))):
        found = following.find(f"{qn('w:pPr')}/{qn('w:sectPr')}")
        if found is not None:
            return found
    return document.element.body.find(qn("w:sectPr"))


def _text_width(section: Any) -> int | None:
    size = None if section is None else section.find(qn("w:pgSz"))
    margins = None if section is None else section.find(qn("w:pgMar"))
    numbers = [None if node is None else node.get(qn(f"w:{name}"))
               for node, name in ((size, "w"), (margins, "left"), (margins, "right"))]
    if not all(n is not None and n.lstrip("-").isdigit() for n in numbers):
        return None
    page, left, right = (int(n) for n in numbers if n is not None)
    return page - left - right


def _margin(table_props: Any, side: str) -> int:
    found = None if table_props is None else table_props.find(f"{qn('w:tblCellMar')}/{qn('w:' + side)}")
    value = None if found is None else found.get(qn("w:w"))
    return int(value) if value is not None and value.isdigit() else WORD_CELL_MARGIN


def _set_indents(paragraph: Paragraph, indent: int) -> None:
    form = paragraph.paragraph_format  # python-docx keeps pPr's children in the schema's order
    form.left_indent = form.right_indent = Twips(max(indent, 0))
