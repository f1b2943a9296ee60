"""An independent check of the name matcher: its own generator, typed sets and evaluation.

Written without reading the matcher or the other development generator (tests/namegen), from the
official list of administrative units, for provinces the matcher was not developed on.
"""
