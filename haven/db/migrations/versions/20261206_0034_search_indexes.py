"""the people search at 100,000 people: name keys with the person, persons by age

A common syllable is the key of many persons ("aung": 48,639 of 100,000 synthetic people):
with an index on (kind, value) only, each person's id was read from the table row, one page
each (500 ms on SQLCipher). With the person's id in the index, (kind, value, person_id), the
search's lists of ids are a range of the index (20 ms). Same name, so every query that used
the old index uses this one.

Persons in order of creation, for an organisation (organisation, created_at: replaced) and
for a site (organisation, site, created_at: new), each followed by what the search tests
(site, erased_at, id, name_key, father_key): a search for a common name reads the scope's
newest persons until the page is full, or its count is reached, from the index alone (rows
next to each other, never the persons' rows: 25,000 rows of a site took 200-300 ms on
SQLCipher, the index 20 ms). With (site) alone SQLite read and sorted every person of the
site. Both engines.

Revision ID: 0034
Revises: 0033
Create Date: 2026-12-06
"""

from __future__ import annotations

from alembic import op

revision = "0034"
down_revision = "0033"
branch_labels = None
depends_on = None

_NAME = "ix_match_keys_kind_value"


_CREATED = "ix_persons_organisation_created"
_SITE = "ix_persons_organisation_site_created"
_SEARCHED = ["erased_at", "id", "name_key", "father_key"]


def upgrade() -> None:
    op.drop_index(_NAME, table_name="match_keys")
    op.create_index(_NAME, "match_keys", ["kind", "value", "person_id"])
    op.drop_index(_CREATED, table_name="persons")
    op.create_index(_CREATED, "persons", ["organisation_id", "created_at", "site_id", *_SEARCHED])
    op.create_index(_SITE, "persons", ["organisation_id", "site_id", "created_at", *_SEARCHED])


def downgrade() -> None:
    op.drop_index(_SITE, table_name="persons")
    op.drop_index(_CREATED, table_name="persons")
    op.create_index(_CREATED, "persons", ["organisation_id", "created_at"])
    op.drop_index(_NAME, table_name="match_keys")
    op.create_index(_NAME, "match_keys", ["kind", "value"])
