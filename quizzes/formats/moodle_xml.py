"""Moodle XML (question/format/xml in Moodle): a <quiz> of <question type="...">, to and from
canonical question dicts.

This module owns what every question shares: the safe parse (defusedxml: no DTD, so no entity
expansion, billion laughs or external entity; errors carry the line), categories, name, text
and its format, general and combined feedback, default grade, penalty, hints, tags, idnumber
and embedded files (images in the question text, general feedback, answers' feedback and
hints, formats/files.py; anything else is refused with its line). Each type reads and writes its own
part (quizzes/qtypes/<type>.py moodle_read/moodle_write); a type nobody here has (random,
ddmarker…) is skipped with a warning, not an error.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any
from urllib.parse import unquote
from xml.etree.ElementTree import Comment, Element, SubElement, TreeBuilder, indent, tostring

from defusedxml import DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden
from defusedxml.ElementTree import DefusedXMLParser, ParseError

from .. import qtypes
from ..qtypes import _moodle as mx
from . import files as qfiles
from .gift_meta import META_FIELDS, parse_meta
from .result import FormatError, LineError, ParseResult, category_path, default_name

META = "@dlp "
COMBINED = {
    "correct": "correctfeedback",
    "partial": "partiallycorrectfeedback",
    "incorrect": "incorrectfeedback",
}
ATTACK = (
    "declares a DTD (<!DOCTYPE>), refused: a DTD is how XML entity attacks (billion laughs, "
    "external files) get in, and Moodle never writes one"
)


# Moodle nests its elements 7 deep at most (quiz/question/dataset_definitions/.../value); a file
# nested far deeper is an attack on whatever walks the tree, or not Moodle XML at all.
MAX_DEPTH = 100


class _TooDeep(FormatError):
    def __init__(self, line: int) -> None:
        super().__init__(
            f"elements are nested more than {MAX_DEPTH} deep, refused: Moodle XML nests a "
            "few levels (HTML in a question's text goes inside CDATA)"
        )
        self.line = line


class _AtLine(FormatError):
    """A question's error that has a line of its own (one of its <file> elements)."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line


# Where each file area's <file> elements and the texts that refer to them sit in a <question>.
FILE_AREAS = {
    "questiontext": "questiontext",
    "generalfeedback": "generalfeedback",
    "answerfeedback": "answer/feedback",
    "hint": "hint",
}
_REFERENCE = re.compile(re.escape(qfiles.PLUGINFILE) + r"""([^"'\s<>?#)]+)""")


class _LineBuilder(TreeBuilder):
    """Remembers the line each element starts on (ElementTree keeps none); refuses a tree
    nested deeper than MAX_DEPTH."""

    def __init__(self) -> None:
        super().__init__(insert_comments=True)
        self.lines: dict[Element, int] = {}
        self.expat: Any = None
        self.depth = 0

    def start(self, tag: str, attrs: dict[str, str]) -> Element:
        line = self.expat.CurrentLineNumber if self.expat is not None else 0
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise _TooDeep(line)
        element = super().start(tag, attrs)
        self.lines[element] = line
        return element

    def end(self, tag: str) -> Element:
        self.depth -= 1
        return super().end(tag)


def _parse_tree(text: str) -> tuple[Element, dict[Element, int]]:
    builder = _LineBuilder()
    parser = DefusedXMLParser(
        target=builder, forbid_dtd=True, forbid_entities=True, forbid_external=True
    )
    builder.expat = parser.parser
    try:
        parser.feed(text)
        root = parser.close()
    except (DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden):
        raise FormatError(ATTACK) from None
    return root, builder.lines


def parse_moodle_xml(text: str, *, file_limits: qfiles.FileLimits | None = None) -> ParseResult:
    """Every bad question becomes a LineError; good ones still parse; skipped ones warn.
    `file_limits`: the sizes embedded files may have (the importing service passes the
    settings'); None checks none."""
    result = ParseResult()
    try:
        root, lines = _parse_tree(text.removeprefix("\ufeff"))
    except _TooDeep as exc:
        result.errors.append(LineError(exc.line, str(exc)))
        return result
    except FormatError as exc:
        result.errors.append(LineError(_line_of_doctype(text), str(exc)))
        return result
    except ParseError as exc:
        line = exc.position[0] if getattr(exc, "position", None) else 1
        result.errors.append(LineError(line, f"not well-formed XML: {_reason(exc)}"))
        return result
    if root.tag != "quiz":
        message = f"a Moodle XML file holds a <quiz>, not <{root.tag}>"
        result.errors.append(LineError(lines.get(root, 1), message))
        return result
    category = ""
    budget = [file_limits.per_import if file_limits else -1]
    for element in root:
        if element.tag != "question":
            continue
        line, kind = lines.get(element, 0), element.get("type", "")
        if kind == "category":
            category = category_path(mx.text(element, "category"))
            continue
        _read_one(result, element, line, category, _Files(lines, file_limits, budget))
    return result


class _Files:
    """Reads one question's files; `budget` (bytes left for the whole import, -1: no limit)
    is shared by the questions of one file."""

    def __init__(
        self, lines: dict[Element, int], limits: qfiles.FileLimits | None, budget: list[int]
    ) -> None:
        self.lines, self.limits, self.budget = lines, limits, budget

    def read(self, element: Element) -> list[dict[str, Any]]:
        # Moodle 1.9 kept one picture per question in <image> and <image_base64>.
        if (element.findtext("image_base64") or "").strip():
            old = (element.findtext("image") or "").strip() or "image_base64"
            raise FormatError(
                f"it embeds the file {old!r} the Moodle 1.9 way (<image_base64>): export it "
                "from a newer Moodle, whose files are <file> elements"
            )
        found: dict[tuple[str, str], dict[str, Any]] = {}
        kept: set[int] = set()
        for area, path in FILE_AREAS.items():
            for container in element.findall(path):
                for node in container.findall("file"):
                    kept.add(id(node))
                    self._one(found, area, node)
                self._references(container, area, found)
        for node in element.iter("file"):
            if id(node) not in kept:
                raise _AtLine(
                    self.lines.get(node, 0),
                    f"the file {node.get('name') or 'unnamed'!r} is in <{self._parent(element, node)}>: "
                    "files are kept only in the question text, general feedback, answers' "
                    "feedback and hints",
                )
        checked = {id(c.find("text")) for p in FILE_AREAS.values() for c in element.findall(p)}
        texts = (t.text or "" for t in element.iter("text") if id(t) not in checked)
        if any(qfiles.PLUGINFILE in t for t in texts):
            raise FormatError("it links to a Moodle file (@@PLUGINFILE@@) that the file lacks")
        files = list(found.values())
        if files and self.budget[0] >= 0:
            self.budget[0] -= qfiles.total_size(files)
            if self.budget[0] < 0:
                raise FormatError(
                    f"its files take the import past {self.limits.per_import if self.limits else 0}"
                    " bytes of files in all"
                )
        return files

    def _one(self, found: dict[tuple[str, str], dict[str, Any]], area: str, node: Element) -> None:
        line = self.lines.get(node, 0)
        if (node.get("encoding") or "base64") != "base64":
            raise _AtLine(line, f"the file {node.get('name')!r} is not base64-encoded")
        try:
            file = qfiles.decode_image(
                area=area,
                raw_name=node.get("name") or "",
                encoded=node.text or "",
                limits=self.limits,
            )
        except FormatError as exc:
            raise _AtLine(line, str(exc)) from None
        before = found.setdefault((area, file["name"]), file)
        if before["sha256"] != file["sha256"]:
            raise _AtLine(line, f"two different files are named {file['name']!r} in {area}")

    def _references(
        self, container: Element, area: str, found: dict[tuple[str, str], dict[str, Any]]
    ) -> None:
        for ref in _REFERENCE.findall(mx.text(container)):
            name = unquote(ref)
            if (area, name) not in found:
                raise FormatError(
                    f"its {area} links to the Moodle file {name!r} (@@PLUGINFILE@@) that the "
                    "file lacks"
                )

    @staticmethod
    def _parent(element: Element, node: Element) -> str:
        for parent in element.iter():
            if node in list(parent):
                return str(parent.tag)
        return "question"


def _read_one(
    result: ParseResult, element: Element, line: int, category: str, files: _Files
) -> None:
    kind = element.get("type", "")
    name = " ".join(mx.text(element, "name").split())
    qtype = _type_for(element)
    if qtype is None:
        label = f"{kind} question {name!r}" if name else f"{kind or 'untyped'} question"
        result.warnings.append(LineError(line, f"skipped the {label}: no such type here"))
        return
    notes: list[str] = []
    try:
        question = _question(element, qtype, name, notes.append)
        found = files.read(element)
    except (FormatError, qtypes.DataError) as exc:
        at = exc.line if isinstance(exc, _AtLine) else line
        result.errors.append(LineError(at, f"question {name or kind!r}: {exc}"))
        return
    if found:
        question["files"] = found
    result.warnings += [LineError(line, f"question {question['name']!r}: {n}") for n in notes]
    if category:
        question["category"] = category
    question["line"] = line
    result.questions.append(question)


def _type_for(element: Element) -> qtypes.QType | None:
    kind = element.get("type", "")
    for qtype in qtypes.TYPES.values():
        if kind in qtype.moodle_names and qtype.moodle_claims(element):
            return qtype
    return None


def _question(element: Element, qtype: qtypes.QType, name: str, warn: Any) -> dict[str, Any]:
    stem = mx.text(element, "questiontext").strip()
    if not stem:
        raise FormatError("the question has no text")
    question: dict[str, Any] = {
        "name": name or default_name(stem),
        "type": qtype.name,
        "stem": stem,
        "stem_format": mx.fmt(element, "questiontext"),
        "explanation": mx.text(element, "generalfeedback").strip(),
        "default_mark": _bounded(element, "defaultgrade", 1, 0, 9999),
        "penalty": _bounded(element, "penalty", 0.3333333, 0, 1),
        "hints": [h for h in (mx.text(e).strip() for e in element.findall("hint")) if h],
        "tags": [t for t in (mx.text(e).strip() for e in element.findall("tags/tag")) if t],
        "idnumber": (element.findtext("idnumber") or "").strip(),
    }
    if qtype.combined_feedback:
        question["combined_feedback"] = _combined(element)
    question.update(qtype.moodle_read(element, warn))
    question.update(_meta(element))
    return question


def _bounded(element: Element, tag: str, default: float, low: float, high: float) -> float:
    value = mx.number(element, tag, default)
    if not low <= value <= high:
        raise FormatError(f"<{tag}> {value:g} is outside {low:g}..{high:g}")
    return round(value, 7)


def _combined(element: Element) -> dict[str, Any]:
    out: dict[str, Any] = {key: mx.text(element, tag).strip() for key, tag in COMBINED.items()}
    out["show_num_correct"] = element.find("shownumcorrect") is not None
    return {k: v for k, v in out.items() if v}


def _meta(element: Element) -> dict[str, Any]:
    """Our bank's extras (slug, section, topic, difficulty, terms), kept in a comment."""
    for child in element:
        # A comment's tag is the Comment factory, not a name.
        if not isinstance(child.tag, str) and (child.text or "").strip().startswith(META):
            return parse_meta((child.text or "").strip()[len(META) :])
    return {}


def _line_of_doctype(text: str) -> int:
    for number, line in enumerate(text.splitlines(), 1):
        if "<!DOCTYPE" in line.upper() or "<!ENTITY" in line.upper():
            return number
    return 1


def _reason(exc: ParseError) -> str:
    return re.sub(r":\s*line \d+, column \d+$", "", str(exc))


# --- export ----------------------------------------------------------------------------------
def export_moodle_xml(questions: list[dict[str, Any]], warnings: list[str] | None = None) -> str:
    """Moodle XML for every question a type of ours can write (all of them today)."""
    quiz = Element("quiz")
    category = None
    for q in questions:
        qtype = qtypes.get(str(q.get("type", "")))
        if qtype.moodle_type is None:
            if warnings is not None:
                warnings.append(f"{q.get('type')} question {q.get('name')!r} has no Moodle form")
            continue
        if (q.get("category") or "") != category:
            category = q.get("category") or ""
            _category_el(quiz, category)
        _question_el(quiz, q, qtype)
    indent(quiz)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + tostring(quiz, encoding="unicode") + "\n"


def _category_el(quiz: Element, category: str) -> None:
    node = SubElement(quiz, "question", type="category")
    mx.text_el(node, "category", "$course$/top" + (f"/{category}" if category else ""))
    mx.text_el(node, "info", "", "html")


def _question_el(quiz: Element, q: dict[str, Any], qtype: qtypes.QType) -> None:
    node = SubElement(quiz, "question", type=str(qtype.moodle_type))
    extras = {k: q[k] for k in META_FIELDS if k != "tags" and q.get(k)}
    if extras:
        dumped = json.dumps(extras, ensure_ascii=True, sort_keys=True).replace("--", "-\\u002d")
        node.append(Comment(f" {META}{dumped} "))
    mx.text_el(node, "name", str(q.get("name") or default_name(q.get("stem", ""))))
    mx.text_el(node, "questiontext", str(q.get("stem", "")), q.get("stem_format") or "markdown")
    mx.text_el(node, "generalfeedback", str(q.get("explanation") or ""), "markdown")
    mx.value_el(node, "defaultgrade", float(q.get("default_mark", 1)))
    mx.value_el(node, "penalty", _penalty(q.get("penalty", 0.3333333)))
    mx.value_el(node, "hidden", 0)
    mx.value_el(node, "idnumber", str(q.get("idnumber") or ""))
    qtype.moodle_write(q, node)
    if qtype.combined_feedback:
        feedback = q.get("combined_feedback") or {}
        for key, tag in COMBINED.items():
            mx.text_el(node, tag, str(feedback.get(key, "")), "html")
        if feedback.get("show_num_correct"):
            SubElement(node, "shownumcorrect")
    for hint in q.get("hints") or []:
        mx.text_el(node, "hint", str(hint), "html")
    if q.get("tags"):
        tags = SubElement(node, "tags")
        for tag in q["tags"]:
            mx.text_el(tags, "tag", str(tag))
    _files_el(node, q.get("files") or [])


def _files_el(node: Element, files: list[dict[str, Any]]) -> None:
    """Each file back in its area as Moodle writes it: in every element of the area whose
    text refers to it (@@PLUGINFILE@@/name), else in the first one."""
    for file in files:
        containers = node.findall(FILE_AREAS.get(str(file["area"]), "")) or node.findall(
            "questiontext"
        )  # an area with no element left (an empty hint): the bytes still go out
        name = str(file["name"])
        citing = [c for c in containers if name in _cited(c)]
        for container in citing or containers[:1]:
            out = SubElement(container, "file", name=name, path="/", encoding="base64")
            out.text = qfiles.encode(bytes(file["data"]))


def _cited(container: Element) -> set[str]:
    return {unquote(ref) for ref in _REFERENCE.findall(mx.text(container))}


def _penalty(value: Any) -> float:
    number = float(value)
    # Our stored 0.33333 is Moodle's third: write Moodle's own 0.3333333.
    return 0.3333333 if math.isclose(number, 1 / 3, abs_tol=1e-4) else number


__all__ = ["export_moodle_xml", "parse_moodle_xml"]
