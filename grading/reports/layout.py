"""The folders and files `cmacademy report` writes under ``--out``, named once.

::

    reports/<exam>/<trainee>.html (.pdf)     qualification report per trainee
    reports/cohort-<exam>.html (.pdf)        cohort report for trainers
    certificates/<id>.json, <id>.pdf         signed credentials and printable certificates
    register.csv (.xlsx, .jsonl)             the HR register
    public/                                  the verification site that may be published
    hr/                                      the internal HR dashboard (intranet only)
"""

from __future__ import annotations

from typing import Final

REPORTS_DIR: Final = "reports"
CERTIFICATES_DIR: Final = "certificates"
PUBLIC_DIR: Final = "public"
HR_DIR: Final = "hr"
#: The folder of the HR portal of earlier versions, which listed failures: never publish it.
OLD_PORTAL_DIR: Final = "portal"
INDEX: Final = "index.html"
