"""The permit register: one SQLite file, its schema and migrations, queries and the audit chain.

Imports no Textual. Every write goes through `Store.write()`, one `BEGIN IMMEDIATE`
transaction that also appends to the audit chain.
"""

from permittui.store.db import SCHEMA_VERSION, Store, open_store

__all__ = ["SCHEMA_VERSION", "Store", "open_store"]
