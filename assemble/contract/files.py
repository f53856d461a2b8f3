"""The names of a contract's files, for whoever needs them without loading the data model."""

CONTRACT_FILE = "contract.yaml"
SCHEMA_FILE = "schema.json"  # contracts/schema.json: the JSON Schema editors read
