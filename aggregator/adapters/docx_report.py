"""The report template adapter (docxtpl): preflight, render with our Jinja environment, atomic save.

The Jinja environment escapes every value (``autoescape=True``: agency text with ``& < >`` or
quotes cannot break the XML) and treats an unknown variable as an error (``StrictUndefined``),
never as a blank. Problems are explained in plain words: which tag, in which paragraph.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path
from types import TracebackType
from typing import Any

from docx.document import Document as DocumentObject
from docx.opc.exceptions import PackageNotFoundError
from docx.oxml import parse_xml
from docx.oxml.ns import qn
from docx.shared import Cm
from docxtpl import DocxTemplate, InlineImage
from jinja2 import Environment, StrictUndefined, TemplateSyntaxError, meta
from lxml import etree

from aggregator.adapters.docx_rules import fit_rules
from aggregator.adapters.files import atomic_write
from aggregator.errors import OutputError, TemplateError, did_you_mean
from aggregator.outputs.report_context import sanitize

CHART_WIDTH_CM = 15.0
ADAPTER_VARIABLES = frozenset({"chart"})  # provided here, not by build_context
APPENDIX_CAPTION = "Phụ lục"  # w:tblCaption of the appendix table (else: the last table)
MIN_METRIC_WIDTH = 680  # twips (1.2 cm): "12.345" at 11 pt plus cell padding
TWIPS_PER_DIGIT, CELL_PADDING = 125, 140  # 11 pt bold Times New Roman digits, plus both cell margins
WIDTH_MARK = 'w:w="98765"'  # the metric cell's width while rendering; one width per column afterwards
STRICT_PARSE_LIMIT = 4_000_000  # bytes (~800 appendix rows); above, rely on the preflight dry run
SAMPLE_ITEMS = 2  # the dry run renders only the first items of every list
HINT = "Fix the template in Word or LibreOffice (or regenerate it with scripts/make_template.py), then rerun."
STRUCTURE_HINT = ("a control tag ({%p …%}, {%tr …%}, {%tc …%}) and its end tag must sit at the same level: "
                  "both in body paragraphs, or both in the same table cell")
_TC_FOR, _TC_END = re.compile(r"\{%-?\s*tc\s+for\b"), re.compile(r"\{%-?\s*tc\s+endfor\b")
_TAG = r"\{[{%][^{}%]*?\bNAME\b[^{}%]*?[}%]\}"
_OPENER = re.compile(r"\{\{|\{%")
_TOKEN = re.compile(r"<(/?)(\w+:\w+)[^>]*?(/?)>|\{%-?\s*(\w+)[^%]*%\}")
_BREAK_TAG = re.compile(r"(</w:(?:p|tr|tc|tblGrid|tblPr|trPr|tcPr)>|<w:(?:body|hdr|ftr)\b[^>]*>)(\{%)")
_OPENERS = {"if", "for", "macro", "call", "filter", "block", "with"}


def jinja_env() -> Environment:
    return Environment(autoescape=True, undefined=StrictUndefined)


def _open(template: Path) -> LinearTemplate:
    if not template.is_file():
        raise TemplateError(f"The report template {template} does not exist.",
                            "Check `report.template` in the campaign file, or run scripts/make_template.py.")
    tpl = LinearTemplate(str(template))
    try:
        tpl.init_docx()
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError, etree.XMLSyntaxError) as exc:
        raise TemplateError(f"The report template {template} is not a readable Word document ({exc}).",
                            "Save it again as a .docx file (Word 2007 or later format).") from exc
    return tpl


def _parts(tpl: DocxTemplate) -> list[tuple[str, Any, list[str]]]:
    """(name, original XML element, lines of the XML as docxtpl hands it to Jinja) of body, headers, footers.

    The lines break before every paragraph and before every control tag that replaced a paragraph,
    row or cell, so Jinja's line numbers map to paragraphs.
    """
    parts = [("body", tpl.docx.element.body, tpl.patch_xml(tpl.get_xml()))]
    for uri, label in ((tpl.HEADER_URI, "page header"), (tpl.FOOTER_URI, "page footer")):
        parts += [(label, parse_xml(part.blob), tpl.patch_xml(tpl.get_part_xml(part)))
                  for _, part in tpl.get_headers_footers(uri)]
    split = [_BREAK_TAG.sub(r"\1\n\2", re.sub(r"<w:p([ >])", r"\n<w:p\1", xml)) for _, _, xml in parts]
    return [(name, root, text.split("\n")) for (name, root, _), text in zip(parts, split, strict=True)]


def _where(part: str, lines: list[str], lineno: int | None) -> str:
    if not lineno or lineno > len(lines):
        return f"the {part}"
    number = sum(1 for line in lines[1:lineno] if line.startswith(("<w:p", "{%")))
    return f"paragraph {max(number, 1)} of the {part}{_shown(re.sub(r'<[^>]+>', '', lines[lineno - 1]))}"


def _shown(text: str) -> str:
    text = text.strip()
    return f" («{text[:90]}{'…' if len(text) > 90 else ''}»)" if text else ""


def _open_tags(text: str) -> list[str]:
    """Tags in one paragraph's text that never reach their closing ``}}`` / ``%}``."""
    found, at = [], 0
    while match := _OPENER.search(text, at):
        closer = text.find("}}" if match.group(0) == "{{" else "%}", match.end())
        following = _OPENER.search(text, match.end())
        if closer >= 0 and (following is None or closer < following.start()):
            at = closer + 2
            continue
        at = following.start() if following else len(text)
        found.append(text[match.start():at].strip())
    return found


def _unclosed_tags(parts: list[tuple[str, Any, list[str]]]) -> list[str]:
    problems = []
    for part, root, _ in parts:
        for number, paragraph in enumerate(root.iter(qn("w:p")), 1):
            text = "".join(paragraph.xpath(".//w:t/text()"))
            problems += [f"the tag «{tag}» in paragraph {number} of the {part}{_shown(text)} is not closed "
                         f"with {'}}' if tag.startswith('{{') else '%}'}" for tag in _open_tags(text)]
    return problems


def _nesting(part: str, lines: list[str]) -> list[str]:
    """Each {% if/for %} must close at the element level where it opened (body, or the same cell)."""
    text, problems = "\n".join(lines), []
    elements: list[str] = []
    blocks: list[tuple[str, tuple[str, ...], int]] = []
    for match in _TOKEN.finditer(text):
        closing, element, empty, word = match.groups()
        if element:
            if closing and elements:
                elements.pop()
            elif not closing and not empty:
                elements.append(element)
            continue
        line = text.count("\n", 0, match.start()) + 1
        if word in _OPENERS:
            blocks.append((word, tuple(elements), line))
        elif blocks and (word in ("else", "elif") or word == f"end{blocks[-1][0]}"):
            opened, level, at = blocks.pop() if word.startswith("end") else blocks[-1]
            if level != tuple(elements):
                problems.append(f"the tag {{% {opened} … %}} in {_where(part, lines, at)} and its "
                                f"{{% {word} %}} in {_where(part, lines, line)} are at different levels: "
                                f"{STRUCTURE_HINT}")
    problems += [f"the tag {{% {word} … %}} in {_where(part, lines, at)} is never closed: add a paragraph "
                 f"{{%p end{word} %}} where its block ends" for word, _, at in blocks]
    return problems


def _unknown_problem(part: str, lines: list[str], name: str, provided: set[str]) -> str:
    pattern = re.compile(_TAG.replace("NAME", re.escape(name)))
    for number, line in enumerate(lines, 1):
        found = pattern.search(re.sub(r"<[^>]+>", "", line))
        if found:
            return (f"the tag {found.group(0)} in {_where(part, lines, number)} uses {name!r}, which the "
                    f"report does not provide.{did_you_mean(name, provided)}".rstrip("."))
    return f"the {part} uses {name!r}, which the report does not provide.{did_you_mean(name, provided)}"


def _template_line(tb: TracebackType | None) -> int | None:
    line = None
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == "<template>":
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


def _sample(value: Any) -> Any:
    """The context cut down to the first items of every list: a fast dry run that still reaches every tag."""
    if isinstance(value, dict):
        return {k: _sample(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_sample(v) for v in value[:SAMPLE_ITEMS]]
    return value


def _dry_run(parts: list[tuple[str, Any, list[str]]], context: dict[str, Any]) -> list[str]:
    env, sample, problems = jinja_env(), _sample({**sanitize(context), "chart": ""}), []
    for part, _, lines in parts:
        try:
            output = env.from_string("\n".join(lines)).render(sample)
        except Exception as exc:  # a staff-edited template can fail in any way Jinja evaluates
            where = _where(part, lines, _template_line(exc.__traceback__))
            problems.append(f"{where} cannot be filled in ({exc})")
            continue
        try:
            etree.fromstring(output.encode("utf-8"))
        except etree.XMLSyntaxError as exc:
            problems.append(f"the filled-in {part} is not a valid document ({exc.msg}): {STRUCTURE_HINT}")
    return problems


def template_problems(template: Path, context: dict[str, Any]) -> list[str]:
    """Preflight for ``aggregator check`` and every run: [] when the template can render ``context``.

    In order, stopping at the first kind found: the file opens; every tag is closed within its
    paragraph; every block closes at the level where it opened; Jinja parses; every variable is
    provided by ``context`` (or by this adapter: ``chart``); a dry run over a sample succeeds.
    """
    try:
        tpl = _open(template)
        parts = _parts(tpl)
    except TemplateError as exc:
        return [exc.what]
    problems = _unclosed_tags(parts) or [p for part, _, lines in parts for p in _nesting(part, lines)]
    env, trees = jinja_env(), []
    for part, _, lines in parts if not problems else ():
        try:
            trees.append((part, lines, env.parse("\n".join(lines))))
        except TemplateSyntaxError as exc:
            problems.append(f"a tag in {_where(part, lines, exc.lineno)} is broken ({exc.message})")
    if problems:
        return problems
    provided = set(context) | ADAPTER_VARIABLES
    for part, lines, tree in trees:
        problems += [_unknown_problem(part, lines, name, provided)
                     for name in sorted(meta.find_undeclared_variables(tree) - provided)]
    return problems or _dry_run(parts, context)


def _special_positions(xml: bytes) -> list[int]:
    """Where tabs, new lines, \\a and \\f occur (bytes.find runs at memchr speed; usually a handful)."""
    found = []
    for char in (b"\t", b"\n", b"\x07", b"\x0c"):
        at = xml.find(char)
        while at >= 0:
            found.append(at)
            at = xml.find(char, at + 1)
    return sorted(found)


class LinearTemplate(DocxTemplate):  # type: ignore[misc]  # docxtpl has no types: DocxTemplate is Any
    """docxtpl whose rendering stays linear and cheap for thousands of appendix rows.

    Stock docxtpl re-parses the rendered body (``fix_tables``, ``map_tree``), regex-scans every run
    (``resolve_listing``) and python-docx serialises it again, ~4 KB per appendix row each time. Here
    Jinja renders the body once to UTF-8, ``\\n``/``\\t`` are resolved only where they occur, the appendix
    grid is sized before rendering (:func:`prepare_appendix`) and the bytes are spliced into the package.
    """

    body_xml = b""

    def _resolve_listing_bytes(self, xml: bytes) -> bytes:
        pieces, end = [], 0
        for position in _special_positions(xml):
            if position < end:
                continue
            start = max(xml.rfind(b"<w:p>", end, position), xml.rfind(b"<w:p ", end, position))
            stop = xml.find(b"</w:p>", position)
            if start < 0 or stop < 0:
                continue
            paragraph = self.resolve_listing(xml[start:stop + 6].decode("utf-8"))
            pieces += [xml[end:start], paragraph.encode("utf-8")]
            end = stop + 6
        return b"".join(pieces) + xml[end:]

    def _render_body(self, context: dict[str, Any], jinja_env: Environment | None) -> bytes:
        # As docxtpl's render_xml_part, minus the per-paragraph line breaks (only the preflight needs
        # Jinja line numbers) and minus unescaping "{_{" in values: only the template's own are undone.
        source = self.patch_xml(self.get_xml())
        self.current_rendering_part = self.docx._part
        xml = (jinja_env or Environment()).from_string(source).render(context).encode("utf-8")
        for escaped, brace in ((b"{_{", b"{{"), (b"}_}", b"}}"), (b"{_%", b"{%"), (b"%_}", b"%}")):
            if escaped.decode() in source:
                xml = xml.replace(escaped, brace)
        return self._resolve_listing_bytes(xml)

    def render(self, context: dict[str, Any], jinja_env: Environment | None = None,
               autoescape: bool = False) -> None:
        self.render_init()
        self.body_xml = self._render_body(context, jinja_env)
        for uri in (self.HEADER_URI, self.FOOTER_URI):
            for key, xml in self.build_headers_footers_xml(context, uri, jinja_env):
                self.map_headers_footers_xml(key, xml)
        self.render_properties(context, jinja_env)
        self.render_footnotes(context, jinja_env)
        self.is_rendered = True

    def package_bytes(self) -> bytes:
        """The .docx: python-docx writes the package, then the rendered body replaces the template's."""
        raw, out = io.BytesIO(), io.BytesIO()
        self.docx.save(raw)
        main = self.docx.part.partname.lstrip("/")
        with zipfile.ZipFile(raw) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
            for item in src.infolist():
                data = src.read(item.filename)
                if item.filename == main:
                    head, tail = data[:data.index(b"<w:body")], data[data.rindex(b"</w:body>") + 9:]
                    data = head + self.body_xml + tail
                info = zipfile.ZipInfo(item.filename, (1980, 1, 1, 0, 0, 0))  # same context → same bytes
                dst.writestr(info, data, zipfile.ZIP_DEFLATED)
        return out.getvalue()


def _appendix_table(document: DocumentObject) -> Any:
    tables = list(document.element.body.iter(qn("w:tbl")))
    for tbl in tables:
        caption = tbl.find(f"{qn('w:tblPr')}/{qn('w:tblCaption')}")
        if caption is not None and caption.get(qn("w:val")) == APPENDIX_CAPTION:
            return tbl
    return tables[-1] if tables else None


def _width(node: Any) -> int:
    tc_w = node.find(f"{qn('w:tcPr')}/{qn('w:tcW')}")
    return int(float(tc_w.get(qn("w:w")))) if tc_w is not None and tc_w.get(qn("w:w")) else 0


def _loop_split(tr: Any) -> tuple[int, list[Any], Any] | None:
    """(index of ``{%tc for%}``, the cells outside the loop, the one loop-body cell) of a template row."""
    cells = tr.findall(qn("w:tc"))
    texts = ["".join(c.xpath(".//w:t/text()")) for c in cells]
    starts = [i for i, t in enumerate(texts) if _TC_FOR.search(t)]
    ends = [i for i, t in enumerate(texts) if _TC_END.search(t)]
    if len(starts) != 1 or len(ends) != 1 or ends[0] != starts[0] + 2:
        return None
    return starts[0], cells[:starts[0]] + cells[ends[0] + 1:], cells[starts[0] + 1]


def _metric_widths(available: int, totals: list[str]) -> list[int]:
    """Each metric column wide enough for its total (the largest figure), the rest shared evenly."""
    need = [max(MIN_METRIC_WIDTH, len(text) * TWIPS_PER_DIGIT + CELL_PADDING) for text in totals]
    spare = max(available - sum(need), 0) // max(len(need), 1)
    return [n + spare for n in need]


def prepare_appendix(document: DocumentObject, totals: list[str]) -> list[int]:
    """Before rendering: one grid column per rendered cell, the outer columns keeping their widths.

    Every metric column is as wide as its total needs plus an even share of the rest; the loop-body
    cell carries WIDTH_MARK, replaced column by column after rendering. Returns the metric widths
    ([] when the appendix table has no single-cell ``{%tc for %}`` loop: it is then left as it is).
    """
    tbl = _appendix_table(document)
    splits = [(tr, split) for tr in (tbl.findall(qn("w:tr")) if tbl is not None else [])
              if (split := _loop_split(tr))]
    if not splits or not totals:
        return []
    grid = tbl.find(qn("w:tblGrid"))
    total = sum(int(float(col.get(qn("w:w"), "0"))) for col in grid.findall(qn("w:gridCol")))
    at, outer, _ = splits[0][1]
    fixed = [_width(cell) for cell in outer]
    metrics = _metric_widths(total - sum(fixed), totals)
    for col in list(grid):
        grid.remove(col)
    for width in fixed[:at] + metrics + fixed[at:]:
        etree.SubElement(grid, qn("w:gridCol")).set(qn("w:w"), str(width))
    for _, (_, _, body) in splits:
        body.find(f"{qn('w:tcPr')}/{qn('w:tcW')}").set(qn("w:w"), WIDTH_MARK[5:-1])
    return metrics


def apply_widths(xml: bytes, metrics: list[int]) -> bytes:
    """After rendering: the k-th WIDTH_MARK of every table row becomes the k-th metric width."""
    mark = WIDTH_MARK.encode()
    if not metrics or mark not in xml:
        return xml
    widths = [f'w:w="{width}"'.encode() for width in metrics]
    rows = xml.split(b"<w:tr")  # also splits at <w:trPr>, still before the row's first cell
    for index, chunk in enumerate(rows):
        if mark in chunk:
            head, *cells = chunk.split(mark)
            rows[index] = head + b"".join(widths[k % len(widths)] + rest for k, rest in enumerate(cells))
    return b"<w:tr".join(rows)


def _check_structure(xml: bytes) -> str | None:
    """Parse the rendered body. Huge bodies are skipped: the preflight's dry run checks the same structure."""
    try:
        if len(xml) <= STRICT_PARSE_LIMIT:
            etree.fromstring(xml)
    except etree.XMLSyntaxError as exc:
        return exc.msg
    return None


def render_report(template: Path, context: dict[str, Any], out_path: Path, *,
                  chart_png: bytes | None) -> Path:
    """Render ``template`` with ``context`` (plus the chart) into ``out_path``, atomically.

    Raises TemplateError (unusable template, explained per tag) or OutputError (cannot write).
    """
    tpl = _open(template)
    values = sanitize(context)
    metrics = prepare_appendix(tpl.docx, list(values.get("appendix_total", {}).get("figures", [])))
    fit_rules(tpl.docx, values)
    values["chart"] = InlineImage(tpl, io.BytesIO(chart_png), width=Cm(CHART_WIDTH_CM)) if chart_png else ""
    try:
        tpl.render(values, jinja_env=jinja_env())
    except Exception as exc:  # Jinja errors, or XML that an edit broke; explained by the preflight
        problems = template_problems(template, context) or [str(exc)]
        raise TemplateError(f"The report template {template} cannot be rendered: {'; '.join(problems)}.",
                            HINT) from exc
    tpl.body_xml = apply_widths(tpl.body_xml, metrics)
    broken = _check_structure(tpl.body_xml)
    if broken:
        raise TemplateError(f"The report template {template} produced an invalid document ({broken}): "
                            f"{STRUCTURE_HINT}.", HINT)
    try:
        data = tpl.package_bytes()
    except (ValueError, KeyError) as exc:  # lxml refuses a string that is not XML-compatible
        raise OutputError(f"The report could not be assembled ({exc}).", "Report this as a bug.") from exc

    def write(tmp: Path) -> None:
        tmp.write_bytes(data)
    return atomic_write(out_path, write)
