"""The case-bank generator (assessor side: it knows the truth it plants)."""

from __future__ import annotations

from grading.casegen.bank import DEFAULT_CLIENTS, DEFAULT_SEED, GENERATOR_VERSION, generate_bank

__all__ = ["DEFAULT_CLIENTS", "DEFAULT_SEED", "GENERATOR_VERSION", "generate_bank"]
