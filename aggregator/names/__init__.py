"""Typed agency names → roster units: folding, administrative vocabulary, matching."""
