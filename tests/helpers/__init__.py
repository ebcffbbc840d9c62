"""Helpers shared by the tests (never imported by bench/, never importing a test module)."""
