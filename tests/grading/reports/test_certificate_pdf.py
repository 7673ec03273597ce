"""Printable certificates: one A4 page per certified holder whose QR code opens its verification page."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from grading.reports.render import find_chromium
from tests.grading.reports.conftest import Reported

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(find_chromium() is None, reason="Chromium is not installed"),
    pytest.mark.skipif(
        shutil.which("zbarimg") is None or shutil.which("pdftoppm") is None,
        reason="needs zbarimg and pdftoppm (Debian: zbar-tools, poppler-utils; scripts/install_system_deps.sh)",
    ),
]
HOLDERS = {"t01": "王芳", "t02": "李强", "t03": "张伟", "t05": "陈静"}
BASE = "https://certificates.example.invalid/"


def pdf_of(reported: Reported, trainee: str) -> Path:
    return reported.out / "certificates" / f"{reported.cohort.decisions[trainee].certificate_id}.pdf"


def decode_qr(pdf: Path, tmp_path: Path) -> list[str]:
    """Render the page as a picture (150 dpi, what a phone camera sees) and decode every QR code on it."""
    png = tmp_path / pdf.stem
    subprocess.run(["pdftoppm", "-r", "150", "-png", "-singlefile", str(pdf), str(png)], check=True)
    done = subprocess.run(
        ["zbarimg", "--quiet", "--raw", "-Sdisable", "-Sqrcode.enable", f"{png}.png"],
        capture_output=True,
        text=True,
        check=False,
    )
    return done.stdout.split()


def pdf_text(pdf: Path) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout


@pytest.mark.parametrize("trainee", sorted(HOLDERS))
def test_every_certified_holder_has_a_one_page_certificate_whose_qr_decodes(
    reported: Reported, trainee: str, tmp_path: Path
) -> None:
    pdf = pdf_of(reported, trainee)
    cert_id = reported.cohort.decisions[trainee].certificate_id
    assert decode_qr(pdf, tmp_path) == [f"{BASE}c/{cert_id}.html"]
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "Pages:           1" in info
    text = pdf_text(pdf)
    for expected in ("客户经理资格证书", HOLDERS[trainee], "初级客户经理", str(cert_id)):
        assert expected in text
    assert "/ 34" not in text and "得分" not in text


def test_the_qr_page_exists_on_the_public_site(reported: Reported) -> None:
    for trainee in HOLDERS:
        cert_id = reported.cohort.decisions[trainee].certificate_id
        assert (reported.out / "public" / "c" / f"{cert_id}.html").is_file()


def test_a_revoked_certificate_is_not_printed(reported: Reported) -> None:
    assert not pdf_of(reported, "t10").exists()
    assert not (reported.out / "hr" / "certificates" / pdf_of(reported, "t10").name).exists()


def test_english_certificate(reported: Reported, tmp_path: Path) -> None:
    from grading.reports.certificate_pdf import write_certificate_pdfs
    from grading.reports.decisions import decision_records
    from grading.reports.messages import Messages
    from grading.scheme import load_scheme

    scheme = load_scheme()
    records = [
        r
        for r in decision_records(reported.cohort.course.db_url, {lv.id: lv for lv in scheme.levels})
        if r.trainee == "t03"
    ]
    written, failures = write_certificate_pdfs(
        records, tmp_path, Messages.for_language("en"), scheme, BASE, str(find_chromium())
    )
    assert failures == {} and len(written) == 1
    text = pdf_text(written[0])
    assert "Customer Manager Certificate" in text and "Associate Customer Manager" in text
    assert decode_qr(written[0], tmp_path) == [f"{BASE}c/{records[0].certificate_id}.html"]
