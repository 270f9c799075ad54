-- Weekly report rows per site (landed in the partition of the week's last day).
-- Grain: one row per (site_id, stat_time); the latest extraction wins.
{{ report_staging('history_week_report', 'week') }}
