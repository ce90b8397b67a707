"""The regime's model and rules. Imports no Textual and no SQL: the CLI, console and tests use it."""
