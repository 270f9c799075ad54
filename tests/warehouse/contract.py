"""The marts' contract (docs/warehouse.md, "Marts"): every mart and its columns, in order."""

from inc_pipeline.catalog import ENDPOINTS_BY_ID

LOCAL_TIME = ("timezone", "local_date", "local_hour")  # beside each UTC instant: the site's zone, day and hour
COMPLETENESS = ("days_covered", "is_complete")  # weeks and months asked in part are flagged
HISTORY = ("valid_from", "valid_to", "last_seen", "snapshots", "is_current")  # a configuration's run of days
REPORT = (
    "site_id", "period_start", "clients", "new_guests", "regular_guests", "avg_dwell_s", "rx_mb", "tx_mb",
    "avg_rx_mb", "avg_tx_mb",
)  # fmt: skip

RANGE = ("site_id", "range_kind", "range_start", "range_end", "days", "is_partial")  # a range the API answered

OVERVIEW_PERIOD = (
    "day_timezone", "days_covered", "is_complete", "guest_days", "new_guest_days", "regular_guest_days", "sessions",
    "authenticated_clients", "median_dwell_s", "p90_dwell_s", "top_vendor", "top_vendor_client_days", "rx_mb", "tx_mb",
    "days_with_guests", "days_with_sessions", "days_with_traffic",
)  # fmt: skip

MARTS: dict[str, tuple[str, ...]] = {
    "guest_daily": ("site_id", "date", "new_guests", "regular_guests", "total_guests"),
    "guest_hourly": ("site_id", "hour", *LOCAL_TIME, "clients"),
    "visits_weekly": (
        "site_id", "week_start", "one_visit", "two_visits", "three_visits", "four_plus_visits", *COMPLETENESS,
    ),
    "dwell_daily": (
        "site_id", "date", "avg_dwell_s", "dwell_lt_5m", "dwell_5_30m", "dwell_30_120m", "dwell_gte_120m",
    ),
    "vendor_daily": ("site_id", "date", "vendor", "vendor_zh", "clients", "share"),
    "ssid_daily": ("site_id", "date", "ssid", "clients", "share"),
    "report_daily": REPORT,
    "report_weekly": (
        *REPORT, "one_visit", "two_visits", "three_visits", "four_plus_visits", "min_avg_dwell_s", "max_avg_dwell_s",
        *COMPLETENESS,
    ),
    "report_monthly": (*REPORT, *COMPLETENESS),
    "auth_sessions": (
        "site_id", "session_start", *LOCAL_TIME, "duration_s", "auth_type", "client_key", "vendor", "terminal_model",
        "ap_mac", "upstream", "downstream",
    ),
    "traffic_daily": ("site_id", "date", "rx_mb", "tx_mb", "avg_rx_mb", "avg_tx_mb"),
    "interface_traffic_hourly": (
        "dev_sn", "site_id", "hour", *LOCAL_TIME, "samples", "down_kbit", "up_kbit", "avg_speed_down_kbps",
        "avg_speed_up_kbps", "max_speed_down_kbps", "max_speed_up_kbps",
    ),
    "device_inventory": (
        "dev_sn", "site_id", "alias_name", "dev_name", "dev_model", "dev_type", "hardware_version",
        "software_version", "dev_mac", "egress_ip", "location", "memory_total", "disk_total", "dev_status",
        "online_s", "snapshot_date",
    ),
    "ap_inventory": (
        "ap_sn", "dev_sn", "site_id", "ap_name", "ap_model", "ap_ip", "ap_mac", "software_version", "ap_status",
        "ap_status_name", "ap_online_time", "longitude", "latitude", "elevation", "gps_obtained_at", "snapshot_date",
    ),
    "sites": (
        "site_id", "site_name", "scenario_name", "province", "region", "state", "city", "area", "address", "site_tags",
        "snapshot_date",
    ),
    "ap_daily": (
        "ap_sn", "snapshot_date", "dev_sn", "site_id", "ap_name", "ap_status", "ap_status_name", "ap_online_time",
        "radios", "online_clients",
    ),
    "radio_config_history": (
        "ap_sn", "radio_id", "dev_sn", "ap_name", "radio_mode", "radio_channel", "radio_power", *HISTORY,
    ),
    "ssid_config_history": (
        "dev_sn", "ssid", "service_name", "ssid_status", "hidden", "max_clients", "max_send_rate", "max_receive_rate",
        *HISTORY,
    ),
    "site_daily_overview": (
        "site_id", "date", "day_timezone", "total_guests", "new_guests", "regular_guests", "sessions",
        "authenticated_clients", "median_dwell_s", "p90_dwell_s", "avg_dwell_s", "top_vendor", "top_vendor_clients",
        "rx_mb", "tx_mb", "has_guests", "has_sessions", "has_dwell", "has_vendors", "has_traffic",
    ),
    "site_weekly_overview": ("site_id", "week_start", *OVERVIEW_PERIOD),
    "site_monthly_overview": ("site_id", "month_start", *OVERVIEW_PERIOD),
    "peaks_by_range": (
        *RANGE, "peak_clients", "peak_new_guests", "peak_regular_guests", "peak_avg_dwell_s", "peak_total_rx_mb",
        "peak_total_tx_mb", "peak_avg_rx_mb", "peak_avg_tx_mb",
    ),
    "top_bottom_by_range": (*RANGE, "metric", "rank_group", "rank", "rank_day", "rank_index", "value"),
    "summary_by_range": (
        *RANGE, "total_guests", "new_guests", "regular_guests", "one_visit", "two_visits", "three_visits",
        "four_plus_visits", "avg_dwell_s",
    ),
}  # fmt: skip

# auth_history fields that identify a person (the catalog's personal fields and the client MAC); none may reach the
# warehouse, as a column or as a value.
PERSONAL_FIELDS = (*ENDPOINTS_BY_ID["auth_history"].personal_fields, "user_mac")
