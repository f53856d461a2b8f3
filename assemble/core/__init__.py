"""What every stage uses: errors and codes, bounded reading, located YAML, safe writing."""
