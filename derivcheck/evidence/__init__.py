"""Numeric evidence: SymPy expressions compiled to closures, exact derivatives, seeded samples."""
