"""Display and widget helpers for the curriculum notebooks (trainee side, no methods or keys)."""
