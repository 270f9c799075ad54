-- The vendor's weekly report per site (history_week_report); period_start = the UTC week containing statTime.
-- A week asked in part (a server may answer every week overlapping the window) is flagged is_complete = false.
{{ report_mart('stg_history_week_report', 'week') }}
