"""The clause library and its history of published versions."""
