-- The vendor's monthly report per site (history_month_report); period_start = the UTC month containing statTime.
-- A month asked in part is flagged is_complete = false.
{{ report_mart('stg_history_month_report', 'month') }}
