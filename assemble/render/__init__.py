"""From a Document to Markdown, Word and PDF: pandoc, typography, templates, OOXML."""
