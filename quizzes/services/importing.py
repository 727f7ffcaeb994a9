"""Import GIFT, Aiken and Moodle XML into the question bank: all or nothing, with
line-numbered errors.

Every format's questions are saved together by `bank_many.questions_save_many` (the bank's
checks, a constant number of queries whatever the number of questions), inside one
transaction, so a question the bank refuses (unknown term, bad fraction) is reported with its
line like a syntax error, and a failing file leaves the database untouched. A question whose
category and idnumber name one already in the bank is left alone (a warning) unless the import
is told to `update` it: an instructor's edits are never overwritten by surprise.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction

from ..formats import (
    LineError,
    ParseResult,
    export_aiken,
    export_gift,
    export_moodle_xml,
    parse_aiken,
    parse_gift,
    parse_moodle_xml,
)
from ..formats.files import FileLimits
from ..formats.result import strip_meta
from ..models import Question, QuestionFile
from .bank import question_to_data
from .bank_many import existing_questions, questions_save_many

if TYPE_CHECKING:
    from dlplatform.accounts.models import User
    from lessons.models import Section

PARSERS: dict[str, Callable[[str], ParseResult]] = {
    "gift": parse_gift,
    "aiken": parse_aiken,
    "moodlexml": parse_moodle_xml,
}
# Each takes the question dicts and a list that collects what it had to leave out.
EXPORTERS: dict[str, Callable[[list[dict[str, Any]], list[str]], str]] = {
    "gift": export_gift,
    "aiken": export_aiken,
    "moodlexml": export_moodle_xml,
}
FORMAT_NAMES = {"gift": "GIFT", "aiken": "Aiken", "moodlexml": "Moodle XML"}


@dataclass
class ImportReport:
    fmt: str
    parsed: int = 0
    errors: list[LineError] = field(default_factory=list)
    warnings: list[LineError] = field(default_factory=list)
    question_ids: list[int] = field(default_factory=list)
    accepted: int = 0  # questions the bank took (before any rollback)
    dry_run: bool = False

    @property
    def imported(self) -> int:
        """How many questions are in the database now because of this import."""
        return len(self.question_ids)

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        if self.dry_run:
            head = f"dry run, nothing written: {self.accepted} of {self.parsed} question(s) valid"
        else:
            head = f"imported {self.imported} of {self.parsed} question(s)"
        tail = f", {len(self.warnings)} warning(s)" if self.warnings else ""
        return f"{FORMAT_NAMES.get(self.fmt, self.fmt)} {head}, {len(self.errors)} error(s){tail}"


def to_bank_data(question: dict[str, Any]) -> dict[str, Any]:
    """A parsed question as the bank stores it (the types read their own answers: numerical's
    catch-all `*`, for one, is its own affair, quizzes/qtypes/numerical.py)."""
    return strip_meta(question)


@transaction.atomic
def questions_import(
    *,
    text: str,
    fmt: str,
    section: Section | None = None,
    allow_partial: bool = False,
    dry_run: bool = False,
    created_by: User | None = None,
    update: bool = False,
) -> ImportReport:
    """Parse and store; any error rolls everything back unless `allow_partial`. `update`:
    replace the bank's questions that have the same category and idnumber."""
    if fmt not in PARSERS:
        raise ValueError(f"unknown format {fmt!r}; use one of {', '.join(PARSERS)}")
    report = ImportReport(fmt=fmt, dry_run=dry_run)
    clean = text.replace("\x00", "\ufffd")
    parsed = (
        parse_moodle_xml(clean, file_limits=file_limits())
        if fmt == "moodlexml"
        else PARSERS[fmt](clean)
    )
    report.parsed = len(parsed.questions) + len(parsed.errors)
    report.errors = list(parsed.errors) + _nul_errors(text)
    report.warnings = list(parsed.warnings)
    if not report.parsed and not report.errors:
        # An empty file (or one of only skipped questions) is a mistake to say, not "0 of 0".
        report.errors.append(LineError(1, f"the file holds no question to import as {fmt}"))
    seen: set[tuple[str, str]] = set()
    questions = [q for q in parsed.questions if not _twice(report, q, seen)]
    if not update:
        questions = _not_kept(report, questions)
    _store(report, questions, section=section, created_by=created_by)
    report.errors.sort(key=lambda e: e.line)
    report.warnings.sort(key=lambda e: e.line)
    report.accepted = len(report.question_ids)
    binary = any(e.message == NUL_MESSAGE for e in report.errors)
    if dry_run or binary or (report.errors and not allow_partial):
        transaction.set_rollback(True)
        report.question_ids = []
    return report


def file_limits() -> FileLimits:
    """The one place the embedded files' size limits are read (dlplatform/settings.py)."""
    return FileLimits(
        per_file=settings.QUIZ_FILE_MAX_BYTES, per_import=settings.QUIZ_IMPORT_FILES_MAX_BYTES
    )


NUL_MESSAGE = "contains a NUL character: is this a text file?"


def _nul_errors(text: str) -> list[LineError]:
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return [LineError(n, NUL_MESSAGE) for n, line in enumerate(lines, 1) if "\x00" in line]


def _twice(report: ImportReport, question: dict[str, Any], seen: set[tuple[str, str]]) -> bool:
    """Moodle's idnumber is unique in its category: a file that gives one twice is wrong."""
    idnumber = str(question.get("idnumber") or "").strip()
    key = (str(question.get("category") or "").strip(), idnumber)
    if not idnumber:
        return False
    if key in seen:
        message = f"idnumber {idnumber!r} is given to another question of the same category"
        report.errors.append(LineError(question.get("line", 0), message))
        return True
    seen.add(key)
    return False


def _not_kept(report: ImportReport, questions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A question the bank has under the same category and idnumber stays as it is."""
    named = [q for q in questions if not q.get("slug") and q.get("idnumber")]
    found = existing_questions(items=named)
    kept = {id(named[index]): question for index, question in found.items()}
    for question in named:
        if id(question) not in kept:
            continue
        where = f" in {question['category']!r}" if question.get("category") else ""
        report.warnings.append(
            LineError(
                question.get("line", 0),
                f"kept the bank's question {kept[id(question)].name!r}: it has idnumber "
                f"{question['idnumber']!r}{where}; import with update to replace it",
            )
        )
    return [q for q in questions if id(q) not in kept]


def _store(
    report: ImportReport,
    questions: list[dict[str, Any]],
    *,
    section: Section | None,
    created_by: User | None,
) -> None:
    items, files = [], []
    for question in questions:
        data = to_bank_data(question)
        files.append(data.pop("files", None) or [])
        if section is not None and data.get("section") not in (None, section.number):
            data.pop("topic", None)  # imported into another section: its topic does not apply
        items.append(data)
    saved = questions_save_many(items=items, section=section, created_by=created_by)
    for index, message in saved.errors.items():
        report.errors.append(LineError(questions[index].get("line", 0), message))
    _store_files({saved.questions[index]: files[index] for index in saved.questions})
    report.question_ids += [saved.questions[index].pk for index in sorted(saved.questions)]


def _store_files(files: dict[Question, list[dict[str, Any]]]) -> None:
    """Each saved question's files become those the file gives (an update replaces them), in
    two queries for the whole import."""
    QuestionFile.objects.filter(question__in=list(files)).delete()
    QuestionFile.objects.bulk_create(
        QuestionFile(
            question=question,
            area=f["area"],
            name=f["name"],
            content_type=f["content_type"],
            data=f["data"],
            sha256=f["sha256"],
            size=f["size"],
        )
        for question, given in files.items()
        for f in given
    )


def question_files_data(question: Question) -> list[dict[str, Any]]:
    """A question's files as the formats take them (export)."""
    return [
        {
            "area": f.area,
            "name": f.name,
            "content_type": f.content_type,
            "data": bytes(f.data),
            "sha256": f.sha256,
            "size": f.size,
        }
        for f in question.files.all()
    ]


def _export_data(question: Question) -> dict[str, Any]:
    data = question_to_data(question=question)
    files = question_files_data(question)
    if files:
        data["files"] = files
    return data


def questions_export(
    *, questions: list[Question], fmt: str, warnings: list[str] | None = None
) -> str:
    """Export bank questions (with answers) as GIFT, Aiken or Moodle XML; what the format
    cannot hold is left out and said in `warnings`."""
    if fmt not in EXPORTERS:
        raise ValueError(f"unknown format {fmt!r}; use one of {', '.join(EXPORTERS)}")
    notes: list[str] = [] if warnings is None else warnings
    data = [_export_data(q) for q in questions]
    if fmt != "moodlexml":
        for q in data:
            if q.pop("files", None):
                name = FORMAT_NAMES[fmt]
                notes.append(
                    f"question {q.get('name')!r}: its files are left out ({name} has none)"
                )
    return EXPORTERS[fmt](data, notes)
