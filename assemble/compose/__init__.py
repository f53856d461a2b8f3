"""From library and data to a Document: templating, numbering, composition, lint."""
