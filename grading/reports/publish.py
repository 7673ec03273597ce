"""After the reports: certificates, the status list, the public site, the register and the HR dashboard.

Everything here covers every decision of the course (all exams). The order matters: the
certificates exist before the HR dashboard copies them in (their PDFs are printed beside the
reports, `grading.reports.build`), and the register before the dashboard links it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from grading.reports import certificates, hr_site, public_site, register
from grading.reports.data import question_titles
from grading.reports.decisions import DecisionRecord, issued_certificate_ids, revoked_certificate_ids
from grading.reports.layout import CERTIFICATES_DIR, HR_DIR, PUBLIC_DIR, REPORTS_DIR
from grading.reports.messages import Messages
from grading.reports.status_list import STATUS_DIR, STATUS_FILE, status_list_url
from grading.scheme import Scheme
from grading.signing import did_key, fingerprint, public_pem

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from grading.pipeline.course import Course


@dataclass(frozen=True)
class Publishing:
    """How this run publishes: the public site's base URL and the register's formats."""

    base: str
    """The public site's base URL (absolute, ending in ``/``)."""
    formats: tuple[str, ...]
    """Register formats, CSV first."""


@dataclass
class Published:
    """What `publish` wrote."""

    certificates: list[Path] = field(default_factory=list)
    status_list: Path | None = None
    register_files: list[Path] = field(default_factory=list)
    public_index: Path | None = None
    public_key: Path | None = None
    hr_index: Path | None = None


def _titles(course: Course, records: list[DecisionRecord], scheme: Scheme) -> dict[str, dict[str, str]]:
    """Exam -> question id -> title, for every exam with a decision."""
    titles = {}
    for exam in sorted({r.exam for r in records}):
        level = next((lv for lv in scheme.levels if lv.exam == exam), None)
        questions = [item.question for item in level.blueprint] if level else []
        titles[exam] = question_titles(course.source(exam) / f"{exam}.ipynb", questions)
    return titles


def publish(
    course: Course,
    out: Path,
    scheme: Scheme,
    key: Ed25519PrivateKey,
    msg: Messages,
    today: dt.date,
    publishing: Publishing,
    records: list[DecisionRecord],
) -> Published:
    """Write everything after the reports and the printed certificates (see the module's docstring).

    ``records`` are the course's decisions (`decisions.decision_records`).

    Raises:
        ReportError: a file cannot be written, or the records name a certificate the trail does not.
    """
    url = course.db_url
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    issued = issued_certificate_ids(url)
    list_url = status_list_url(publishing.base)
    publication = certificates.Publication(publishing.base, list_url, {c: i for i, c in enumerate(issued)})
    done = Published()
    done.certificates = certificates.write_certificates(
        records, out / CERTIFICATES_DIR, scheme, key, now, publication
    )
    public = out / PUBLIC_DIR
    done.status_list = certificates.write_status_list(
        public / STATUS_DIR / STATUS_FILE,
        publication,
        issued,
        revoked_certificate_ids(records, issued),
        scheme,
        key,
        now,
    )
    signer = key.public_key()
    key_facts = (public_pem(signer), fingerprint(signer), did_key(signer))
    done.public_index = public_site.write_public_site(
        public, records, msg, scheme, publishing.base, today, key_facts
    )
    done.public_key = public / certificates.PUBLIC_KEY_FILE
    titles = _titles(course, records, scheme)
    rows = register.register_rows(records, scheme, msg, today, titles)
    done.register_files = register.write_register(rows, out, msg, publishing.formats)
    hr = out / HR_DIR
    for record in records:
        if record.revoked and record.certificate_id:
            (hr / CERTIFICATES_DIR / f"{record.certificate_id}.pdf").unlink(missing_ok=True)
    hr_site.copy_into(out, hr, [REPORTS_DIR, CERTIFICATES_DIR, *(p.name for p in done.register_files)])
    entries = hr_site.hr_entries(records, scheme, msg, hr, titles)
    done.hr_index = hr_site.write_hr_site(hr, entries, msg, scheme, today, publishing.base)
    return done
