"""Certification: the published scheme, decisions by the scheme, and similarity of open answers."""
