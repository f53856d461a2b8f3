"""French: dates, amounts, grammar of generated text, départements."""
