"""HR-facing outputs: reports, the register, signed certificates, the public site, the HR dashboard.

- `grading.reports.build.generate_reports` writes all of them for one exam (`cmacademy report`);
- `grading.reports.verify.verify_certificate` checks a certificate file (`cmacademy verify`);
- `grading.reports.reminders.expiring` lists certificates to renew (`cmacademy expiring`).

Modules by concern: `decisions` and `data` (what the gradebook says), `messages` (zh/en texts),
`modules` (competency -> curriculum modules), `charts`, `sections` (what the template notebooks
show), `engine` (papermill in-process engine), `render` and `pdf` (papermill, nbconvert,
Chromium), `cohort` (item statistics), `register`, `certificates` and `status_list` (signed
credentials and their W3C status list), `certificate_pdf` (printable certificates with a QR
code), `public_site` (what may be published), `hr_data` and `hr_site` (the internal dashboard),
`publish` (writes all of these after the reports), `layout` (the output folders).
"""
