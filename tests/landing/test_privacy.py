"""Personal data: keyed, deterministic pseudonyms; nothing personal in clear; user_mac never dropped."""

from __future__ import annotations

import pytest

from inc_pipeline.catalog import endpoint
from inc_pipeline.landing import protect, validate

from .helpers import WINDOW, frame_of, good_record

AUTH = endpoint("auth_history")
CLEAR = {"mobile_no": "+5511987654321", "user_name": "Maria Silva", "open_id": "oWx-123abc", "nickname": "mari"}


def _landed(records):
    return validate(AUTH, frame_of(AUTH, records), window=WINDOW).good


def _records():
    return [good_record(AUTH, n) | CLEAR for n in range(3)]


def test_no_personal_value_remains_in_clear():
    protected = protect(AUTH, _landed(_records()), key=b"secret", policy="pseudonymise")
    text = protected.astype(str).to_csv()
    for value in CLEAR.values():
        assert value not in text
    assert all(len(v) == 32 for v in protected["mobile_no"])
    assert protected["user_mac"].str.fullmatch(r"[0-9a-f]{32}").all()


def test_pseudonyms_are_deterministic_and_keyed():
    frame = _landed(_records())
    once, again = (protect(AUTH, frame, key=b"secret", policy="pseudonymise") for _ in range(2))
    other = protect(AUTH, frame, key=b"another", policy="pseudonymise")
    assert once["mobile_no"].tolist() == again["mobile_no"].tolist()
    assert once["mobile_no"].nunique() == 1  # same phone on every row -> same pseudonym
    assert once["mobile_no"].tolist() != other["mobile_no"].tolist()
    assert once["user_mac"].nunique() == 3


def test_nulls_stay_null():
    records = _records()
    records[0]["mobile_no"] = None
    protected = protect(AUTH, _landed(records), key=b"secret", policy="pseudonymise")
    assert protected["mobile_no"].isna().tolist() == [True, False, False]


def test_drop_removes_personal_columns_but_keeps_a_pseudonymised_user_mac():
    protected = protect(AUTH, _landed(_records()), policy="drop", key=b"secret")
    assert not set(AUTH.personal_fields) & set(protected.columns)
    assert protected["user_mac"].str.fullmatch(r"[0-9a-f]{32}").all()


def test_an_empty_key_is_refused_with_a_hint():
    with pytest.raises(ValueError, match="INC_PII_KEY"):
        protect(AUTH, _landed(_records()), key=b"")


def test_quarantined_personal_values_are_protected_too():
    records = _records()
    records[0]["user_mac"] = "bad-mac-of-maria"
    quarantined = validate(AUTH, frame_of(AUTH, records), window=WINDOW).quarantined
    protected = protect(AUTH, quarantined, key=b"secret", policy="pseudonymise")
    assert "bad-mac-of-maria" not in protected.astype(str).to_csv()
    assert protected.loc[0, "failed_check"] == "mac_address"


def test_endpoints_without_personal_fields_are_untouched():
    entry = endpoint("device_ap_info")
    frame = frame_of(entry, [good_record(entry)])
    assert protect(entry, frame, key=b"") is frame


def test_keys_longer_than_blake2b_takes_still_key_the_hash():
    from inc_pipeline.landing.privacy import pseudonym

    long_key, other_long_key = b"k" * 100, b"k" * 99 + b"j"
    assert len(pseudonym("+55 11 91234-5678", long_key)) == 32
    assert pseudonym("+55 11 91234-5678", long_key) == pseudonym("+55 11 91234-5678", long_key)
    assert pseudonym("+55 11 91234-5678", long_key) != pseudonym("+55 11 91234-5678", other_long_key)
    assert pseudonym("+55 11 91234-5678", long_key) != pseudonym("+55 11 91234-5678", long_key[:64])


def test_the_column_hash_gives_each_value_its_pseudonym():
    """The vectorised path (`pseudonym_array`, what `protect` uses) and `pseudonym` (what tests and tools
    recompute) must agree byte for byte, or marts joining old and new partitions would split a client in two."""
    import pyarrow as pa

    from inc_pipeline.landing.privacy import pseudonym, pseudonym_array

    values = ["+55 11 91234-5678", None, "", "São Paulo", "x" * 300, "aa:bb:cc:dd:ee:ff"]
    for key in (b"secret", b"k" * 100):
        expected = [None if value is None else pseudonym(value, key) for value in values]
        array = pa.array(values, type=pa.string())
        assert pseudonym_array(array, key).to_pylist() == expected
        assert pseudonym_array(array.slice(1, 3), key).to_pylist() == expected[1:4]
    # A pinned value: the pseudonyms of lakes landed before this implementation must not change.
    assert pseudonym("+55 11 91234-5678", b"secret") == "4c57f91b1b7f7b5a989410ff0cb8a0bc"
