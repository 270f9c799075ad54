-- site_daily_overview per site and week (Monday to Sunday), from int_site_period_overview; a week is complete
-- when every one of its 7 days has a row.
{{ period_overview('week') }}
