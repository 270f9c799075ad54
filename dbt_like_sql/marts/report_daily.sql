-- The vendor's daily report per site (history_day_report); period_start = the UTC day containing statTime.
{{ report_mart('stg_history_day_report', 'day') }}
