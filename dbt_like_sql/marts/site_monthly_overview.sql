-- site_daily_overview per site and calendar month, from int_site_period_overview; a month is complete when
-- every one of its days has a row.
with periods as (
    select * from {{ ref('int_site_period_overview') }}
),

final as (
    select
        site_id,
        period_start as month_start,
        day_timezone,
        days_covered,
        is_complete,
        guest_days,
        new_guest_days,
        regular_guest_days,
        sessions,
        authenticated_clients,
        median_dwell_s,
        p90_dwell_s,
        top_vendor,
        top_vendor_client_days,
        rx_mb,
        tx_mb,
        days_with_guests,
        days_with_sessions,
        days_with_traffic
    from periods
    where grain = 'month'
)

select * from final
