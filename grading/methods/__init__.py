"""Reference implementations of the customer-manager methods (assessor side).

Each method follows the one documented rule (ties, rounding, boundaries) that the curriculum
teaches and the exams grade by. Answer keys are computed with these functions.
"""
