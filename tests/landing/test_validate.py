"""Validation: each rule quarantines the bad row with its check and value while the good rows land."""

from __future__ import annotations

import pandera.pandas as pa
import pytest

from inc_pipeline.catalog import endpoint
from inc_pipeline.extract.run import landed_columns
from inc_pipeline.landing import QUARANTINE_COLUMNS, to_frame, unknown_fields, validate
from inc_pipeline.landing.schemas import schema_for

from .helpers import CONTEXT, DAY, DAY_START_MS, EXTRACTED, WINDOW, frame_of, good_record

BAD_VALUES = [
    ("device_ap_info", "apStatus", 4, "isin(1|2|3)"),
    ("device_ssid_info", "status", 3, "isin(1|2)"),
    ("device_ssid_info", "hide", "2", "isin(0|1)"),
    ("auth_history", "user_type", 5, "isin(1|2|6|7|8|9|10)"),
    ("auth_history", "sex", 3, "isin(0|-1|1|2)"),
    ("device_operation_basic_info", "devStatus", "rebooting", "isin(online|offline)"),
    ("device_ap_info", "apMAC", "not-a-mac", "mac_address"),
    ("ssid_client_macs", "value", "aa:bb:cc:dd:ee", "mac_address"),
    ("history_ssid_data", "count", -1, "non_negative"),
    ("history_day_report", "totalRxBytes", "-2.5", "non_negative"),
    ("auth_history", "access_start_time", DAY_START_MS - 1, f"in_window[{WINDOW[0]},{WINDOW[1]})"),
    ("auth_history", "access_start_time", WINDOW[1], f"in_window[{WINDOW[0]},{WINDOW[1]})"),
    ("device_ssid_info", "maxClient", "abc", "coerce_to_Int64"),
    ("history_day_report", "avgTime", "abc", "coerce_to_float64"),
    ("device_radio_info", "radioId", "1.5", "coerce_to_Int64"),
]


@pytest.mark.parametrize(("endpoint_id", "column", "bad", "check"), BAD_VALUES)
def test_a_bad_value_quarantines_its_row_only(endpoint_id, column, bad, check):
    entry = endpoint(endpoint_id)
    records = [good_record(entry, n) for n in range(3)]
    records[1][column] = bad
    result = validate(entry, frame_of(entry, records), window=WINDOW)
    assert len(result.good) == 2
    assert result.rows_quarantined == 1
    line = result.quarantined.iloc[0]
    assert (line["failed_check"], line["column"]) == (check, column)
    assert line["value"] == str(bad) or float(line["value"]) == float(bad)
    assert line["source_row"] == 1
    assert set(QUARANTINE_COLUMNS) <= set(result.quarantined.columns)


def test_quarantine_keeps_the_row_and_a_record_field_named_value():
    entry = endpoint("ssid_client_macs")
    result = validate(entry, frame_of(entry, [{"value": "zz"}]), window=None)
    assert result.quarantined.loc[0, "record_value"] == "zz"
    assert result.quarantined.loc[0, "ssid"] == "guest"


def test_no_number_markers_are_null_not_failures():
    entry = endpoint("device_operation_basic_info")
    records = [good_record(entry, n) for n in range(2)]
    records[0].update(memoryTotalSize="N/A", diskTotalSize="")
    records[1].update(memoryTotalSize="5000", diskTotalSize=None)
    result = validate(entry, frame_of(entry, records), window=None)
    assert result.quarantined.empty
    assert result.good["memoryTotalSize"].isna().tolist() == [True, False]
    assert result.good.loc[1, "memoryTotalSize"] == 5000.0


def test_empty_dev_mac_is_allowed_for_controllers_and_macs_are_canonical():
    entry = endpoint("device_operation_basic_info")
    records = [good_record(entry, 0), good_record(entry, 1)]
    records[0]["devMAC"] = ""
    records[1]["devMAC"] = "AABB-CCDD-EE01"
    result = validate(entry, frame_of(entry, records), window=None)
    assert result.quarantined.empty
    assert result.good["devMAC"].tolist() == ["", "aa:bb:cc:dd:ee:01"]


def test_dev_status_is_accepted_in_any_case():
    entry = endpoint("device_operation_basic_info")
    record = good_record(entry) | {"devStatus": "OnLine"}
    result = validate(entry, frame_of(entry, [record]), window=None)
    assert result.good["devStatus"].tolist() == ["online"]


def test_repeated_keys_keep_the_first_as_the_writer_does_and_are_counted_not_quarantined():
    entry = endpoint("device_ap_info")
    first, second = good_record(entry, 0), good_record(entry, 0) | {"apName": "renamed"}
    result = validate(entry, frame_of(entry, [first, second, good_record(entry, 1)]), window=None)
    assert result.duplicates_dropped == 1 and result.quarantined.empty
    assert result.good["apName"].tolist() == ["apName-0", "apName-1"]


def test_auth_keys_sharing_a_start_time_are_told_apart_by_the_rest_of_the_key():
    """The start time alone decides only when it repeats nowhere; where it does, the whole key decides."""
    entry = endpoint("auth_history")
    same_time = [
        good_record(entry, 0),
        good_record(entry, 1) | {"access_start_time": good_record(entry, 0)["access_start_time"]},
    ]
    result = validate(entry, frame_of(entry, same_time), window=WINDOW)
    assert result.duplicates_dropped == 0 and len(result.good) == 2
    repeated = [good_record(entry, 0), good_record(entry, 1), good_record(entry, 0) | {"vendor": "later"}]
    result = validate(entry, frame_of(entry, repeated), window=WINDOW)
    assert result.duplicates_dropped == 1 and result.good["vendor"].tolist() == ["vendor-0", "vendor-1"]


def test_a_missing_key_is_quarantined():
    entry = endpoint("device_ap_info")
    record = good_record(entry)
    del record["apSN"]
    result = validate(entry, frame_of(entry, [record]), window=None)
    assert result.good.empty
    assert result.quarantined[["failed_check", "column"]].values.tolist() == [["not_nullable", "apSN"]]


def test_drift_reports_unknown_and_missing_fields():
    entry = endpoint("device_ap_info")
    record = good_record(entry) | {"apUptimeMs": 5}
    del record["apModel"]
    frame = frame_of(entry, [record])
    result = validate(entry, frame, window=None)
    assert result.drift.unknown_fields == {"apUptimeMs"} == unknown_fields(entry, [record])
    assert result.drift.missing_fields == {"apModel"}
    assert result.drift.drifted and len(result.good) == 1
    assert "apUptimeMs" not in result.good.columns


def test_auth_history_days_come_from_each_row_when_the_window_spans_days():
    entry = endpoint("auth_history")
    records = [good_record(entry, n) | {"access_start_time": DAY_START_MS + n * 86_400_000} for n in range(3)]
    page = frame_of(entry, records, partition_date=None)
    assert [d.isoformat() for d in page.frame["partition_date"]] == ["2026-11-19", "2026-11-20", "2026-11-21"]
    result = validate(entry, page, window=(DAY_START_MS, DAY_START_MS + 7 * 86_400_000))
    assert len(result.good) == 3


def test_text_series_times_give_the_day():
    entry = endpoint("history_net_flow_detail")
    records = [good_record(entry) | {"date": "2026-11-18 00:00:00"}]
    frame = frame_of(entry, records, partition_date=None).frame
    assert frame["partition_date"].tolist()[0].isoformat() == "2026-11-18"


def test_good_rows_know_their_position_and_an_empty_quarantine_is_a_fresh_frame():
    entry = endpoint("device_ap_info")
    records = [good_record(entry, n) for n in range(4)]
    records[1]["apStatus"] = 9
    records[3] = dict(records[2])  # a repeated key: the first one is kept
    result = validate(entry, frame_of(entry, records), window=None)
    assert result.good_source_rows == (0, 2)
    assert result.good["apSN"].tolist() == [records[0]["apSN"], records[2]["apSN"]]

    clean = validate(entry, frame_of(entry, records[:1]), window=None)
    assert clean.quarantined.empty and set(QUARANTINE_COLUMNS) <= set(clean.quarantined.columns)
    clean.quarantined.loc[0, "failed_check"] = "changed by a caller"
    again = validate(entry, frame_of(entry, records[:1]), window=None)
    assert again.quarantined.empty and list(again.quarantined.columns) == list(clean.quarantined.columns)


def test_repeats_among_rows_sharing_start_times_are_found_wherever_they_sit():
    """Only rows whose start time repeats are compared on the whole key; a repeat far from its first copy, among
    other rows sharing start times, is still dropped and the rows around it keep their source positions."""
    entry = endpoint("auth_history")
    records = [good_record(entry, n) for n in range(6)]
    shared = records[1]["access_start_time"]
    records[3] = good_record(entry, 3) | {"access_start_time": shared}  # same time, another client: kept
    records[5] = dict(records[1]) | {"vendor": "later"}  # the whole key of row 1 again: the first one is kept
    result = validate(entry, frame_of(entry, records), window=WINDOW)
    assert result.duplicates_dropped == 1 and result.quarantined.empty
    assert result.good_source_rows == (0, 1, 2, 3, 4)
    assert "later" not in result.good["vendor"].tolist()


def test_a_frame_of_the_landed_columns_is_checked_against_them_alone():
    """Under the drop policy the personal columns are never built: the rest is checked as in the full frame, and
    drift still sees every field of the records."""
    entry = endpoint("auth_history")
    columns = landed_columns(entry, "drop")
    records = [good_record(entry, n) for n in range(3)]
    records[1]["sex"] = 3  # a landed column's bad value still quarantines its row
    for record in records:
        record["surprise"] = 1  # a new field
        del record["nickname"]  # and a listed one gone, personal: drift still sees it
    page = to_frame(entry, records, context={"site_id": CONTEXT["site_id"]}, partition_date=DAY,
                    extracted_at=EXTRACTED, columns=columns)  # fmt: skip
    assert list(page.frame.columns) == columns and "mobile_no" not in page.frame.columns
    result = validate(entry, page, window=WINDOW, columns=columns)
    full = validate(entry, frame_of(entry, records), window=WINDOW)
    assert list(result.good.columns) == columns
    assert result.good.equals(full.good[columns])
    assert result.quarantined["column"].tolist() == ["sex"] and result.good_source_rows == (0, 2)
    assert result.drift.unknown_fields == {"surprise"} and result.drift.missing_fields == {"nickname"}
    with pytest.raises(pa.errors.SchemaErrors, match="column .mobile_no. not in DataFrameSchema"):  # strict
        schema_for(entry, window=WINDOW, columns=columns).validate(frame_of(entry, records).frame, lazy=True)
