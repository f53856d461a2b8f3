"""CPOM assembly: clause library + contract data → Word and PDF contracts."""

__version__ = "0.1.0"
