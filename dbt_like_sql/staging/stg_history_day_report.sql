-- Daily report rows per site (statTime = the day).
-- Grain: one row per (site_id, stat_time); the latest extraction wins.
{{ report_staging('history_day_report', 'day') }}
