"""aggregator: consolidates campaign reports typed into a shared spreadsheet."""

__version__ = "0.1.0"
