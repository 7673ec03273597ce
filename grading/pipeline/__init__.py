"""The grading pipeline around nbgrader: course, roster, release, collect, grade, feedback.

A course directory (`grading.pipeline.course`) carries its `grading.settings.Settings`; every
step reads them from the course it is given. `grade` runs one job per submission
(`grading.pipeline.submission`) on `grading.jobs`; `autograde` holds the nbgrader
preprocessors that judge answers outside the trainee's kernel; `records` holds cm-academy's
own tables in the gradebook database.
"""
