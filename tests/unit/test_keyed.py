"""What pipelines and alert sources share: keys, versions, team lists and page cursors."""

from __future__ import annotations

import hashlib
import string
from datetime import timedelta

import pytest
from pydantic import TypeAdapter, ValidationError

from shared.domain.cursors import decode_cursor, encode_cursor
from shared.domain.errors import BadRequest
from shared.domain.models.common import MAX_OWNER_TEAMS, OwnerTeams, Team
from shared.domain.models.keyed import IssuedKey
from tests.records import RECEIVED_AT, pipeline_record

OWNER_TEAMS: TypeAdapter[list[Team]] = TypeAdapter(OwnerTeams)


def test_an_issued_key_is_kept_only_as_its_hash_and_hint() -> None:
    # Given a new key
    issued = IssuedKey.new("dpl_")
    # Then it carries its prefix, and the record keeps its SHA-256 and last four characters
    assert issued.key.startswith("dpl_")
    assert issued.key_hash == hashlib.sha256(issued.key.encode()).hexdigest()
    assert issued.key_hint == issued.key[-4:]
    assert IssuedKey.new("dpl_").key != issued.key


def test_a_revision_bumps_the_version_and_never_moves_updated_at_back() -> None:
    # Given a record last written at noon
    record = pipeline_record().model_copy(update={"updated_at": RECEIVED_AT, "version": 3})
    # When it is revised by a writer whose clock is an hour behind
    revised = record.revised({"name": "renamed"}, RECEIVED_AT - timedelta(hours=1))
    # Then its change is taken, its version bumped and its updated_at kept
    assert (revised.name, revised.version, revised.updated_at) == ("renamed", 4, RECEIVED_AT)
    # And a later clock moves it forward
    assert record.revised({}, RECEIVED_AT + timedelta(minutes=1)).updated_at == RECEIVED_AT + timedelta(minutes=1)


def test_a_new_key_is_a_revision_too() -> None:
    # Given a record and a new key
    record, issued = pipeline_record(), IssuedKey.new("dpl_")
    # When the key replaces the old one
    rotated = record.with_key(issued, RECEIVED_AT + timedelta(days=1))
    # Then only its hash and hint are kept, as a new version
    assert (rotated.integration_key_hash, rotated.integration_key_hint) == (issued.key_hash, issued.key_hint)
    assert rotated.version == record.version + 1


def test_owner_teams_are_one_per_id_and_counted_as_sent() -> None:
    # Given a team named twice
    teams = OWNER_TEAMS.validate_python([{"id": "payments"}, {"id": "search"}, {"id": "payments", "name": "Payments"}])
    # Then it is one team, named by its last mention
    assert teams == [Team(id="payments", name="Payments"), Team(id="search")]
    # And more teams than an owner may have are refused even when some repeat
    with pytest.raises(ValidationError):
        OWNER_TEAMS.validate_python([{"id": f"team-{index % 3}"} for index in range(MAX_OWNER_TEAMS + 1)])


def test_a_cursor_reads_back_its_position_and_anything_else_is_a_400() -> None:
    # Given a position with characters base64 pads and escapes
    position = "2026-11-29T12:00:00.000Z#é~?"
    # When it is made a cursor and read back
    cursor = encode_cursor(position)
    # Then it is URL-safe, unpadded, and the same position
    assert set(cursor) <= set(string.ascii_letters + string.digits + "-_")
    assert decode_cursor(cursor, str) == position
    # And a cursor that is not base64, not UTF-8 or not a position its reader accepts is a 400
    for made_up in ("!!!!", encode_cursor("x")[:1], "__8"):
        with pytest.raises(BadRequest, match=r"^cursor: "):
            decode_cursor(made_up, int)
