"""Schemas: one per catalog entry, good records pass, the columns follow the lake contract."""

from __future__ import annotations

import pandas as pd
import pytest

from inc_pipeline.catalog import ENDPOINTS, endpoint
from inc_pipeline.landing import expected_columns, schema_for, validate
from inc_pipeline.landing.schemas import empty_frame

from .helpers import WINDOW, frame_of, good_record


def test_there_is_a_schema_for_each_of_the_40_endpoints():
    assert len(ENDPOINTS) == 40
    for entry in ENDPOINTS:
        schema = schema_for(entry, window=WINDOW)
        assert list(schema.columns) == expected_columns(entry)
        schema.validate(empty_frame(entry))


@pytest.mark.parametrize("entry", ENDPOINTS, ids=lambda e: e.id)
def test_good_records_land_whole(entry):
    records = [good_record(entry, n) for n in range(3)]
    result = validate(entry, frame_of(entry, records), window=WINDOW)
    assert result.quarantined.empty, result.quarantined[["failed_check", "column", "value"]]
    assert len(result.good) + result.duplicates_dropped == len(records)
    assert len(result.good) == (1 if entry.natural_key == ("site_id",) else len(records))
    assert list(result.good.columns) == expected_columns(entry)


def test_context_and_stamp_columns_per_scope():
    assert expected_columns(endpoint("history_day_client_count"))[-3:] == ["site_id", "partition_date", "extracted_at"]
    assert expected_columns(endpoint("device_ap_info"))[-3:] == ["dev_sn", "partition_date", "extracted_at"]
    assert expected_columns(endpoint("ap_gps_by_ap_sn"))[-4:-2] == ["dev_sn", "ap_sn"]
    assert expected_columns(endpoint("ssid_client_macs"))[-5:-2] == ["site_id", "dev_sn", "ssid"]


def test_types_follow_the_contract():
    frame = frame_of(endpoint("history_peak_number"), [good_record(endpoint("history_peak_number"))]).frame
    assert frame["clientCount"].dtype == "Int64"
    assert frame["totalRxBytes"].dtype == "float64"
    assert frame["site_id"].dtype == pd.StringDtype()
    assert str(frame["extracted_at"].dtype) == "datetime64[us, UTC]"
    assert frame["site_id"].tolist() == ["101"]


def test_the_mac_check_agrees_with_str_matches_except_a_final_newline():
    """The schema's MAC check runs RE2 on the Arrow array; it must pass and fail what `str.match` did, except
    that `$` no longer matches before a final newline (normalisation strips MACs, so none lands with one)."""
    import pandas as pd

    from inc_pipeline.landing.fast_columns import text_series
    from inc_pipeline.landing.schemas import MAC_OR_EMPTY_PATTERN, MAC_PATTERN, mac_shaped

    values = ["aa:bb:cc:dd:ee:ff", "AA-BB-CC-DD-EE-FF", "aa:bb:cc:dd:ee", "aa-bb:cc:dd:ee:ff", "", "x", None]
    for pattern in (MAC_PATTERN, MAC_OR_EMPTY_PATTERN):
        text = text_series(values)
        expected = text.str.match(pattern, na=False).tolist()
        assert mac_shaped(text, pattern).tolist() == expected
        assert mac_shaped(pd.Series(values, dtype=object), pattern).tolist() == expected
    assert mac_shaped(text_series(["aa:bb:cc:dd:ee:ff\n"]), MAC_PATTERN).tolist() == [False]
