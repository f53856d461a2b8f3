"""The contract data: model, loading and validation, regimes, derived facts and financing."""
