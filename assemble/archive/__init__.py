"""The archive of signed versions: written once, verified years later."""
