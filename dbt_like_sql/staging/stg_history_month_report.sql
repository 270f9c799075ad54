-- Monthly report rows per site (landed in the partition of the month's last day).
-- Grain: one row per (site_id, stat_time); the latest extraction wins.
{{ report_staging('history_month_report', 'month') }}
