"""Winning rows, units, groups and totals: the one result every output comes from."""
