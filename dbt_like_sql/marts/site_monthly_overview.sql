-- site_daily_overview per site and calendar month, from int_site_period_overview; a month is complete when
-- every one of its days has a row.
{{ period_overview('month') }}
