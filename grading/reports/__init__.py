"""HR-facing outputs: qualification reports, the cohort report, the register, the portal, certificates.

- `grading.reports.build.generate_reports` writes all of them for one exam (`cmacademy report`);
- `grading.reports.verify.verify_certificate` checks a certificate file (`cmacademy verify`).

Modules by concern: `data` (what the gradebook says), `messages` (zh/en texts), `modules`
(competency -> curriculum modules), `charts`, `sections` (what the template notebooks show),
`engine` (papermill in-process engine), `render` (papermill, nbconvert, Chromium), `cohort`
(item statistics), `register`, `portal`, `signing` and `certificates`.
"""
