-- site_daily_overview rolled up to each week (Monday) and calendar month of its days: one rule for both grains,
-- which site_weekly_overview and site_monthly_overview select from. Counts of days are summed (a guest who came
-- on two days is two guest-days); distinct clients, dwell percentiles and the top vendor are taken over the
-- period's own sessions and vendor rows, cut at the same midnights (day_timezone()) as the days.
with days as (
    select * from {{ ref('site_daily_overview') }}
),

sessions as (
    select
        site_id,
        client_key,
        duration_s,
        local_date(session_start, day_timezone()) as date
    from {{ ref('auth_sessions') }}
),

vendors as (
    select * from {{ ref('vendor_daily') }}
),

grains as (
    select
        'week' as grain,
        7 as days_in_period
    union all
    select
        'month' as grain,
        null as days_in_period
),

day_periods as (
    select
        days.*,
        grains.grain,
        cast(date_trunc(grains.grain, days.date) as date) as period_start,
        coalesce(grains.days_in_period, day(last_day(days.date))) as days_in_period
    from days
    cross join grains
),

session_periods as (
    select
        sessions.site_id,
        grains.grain,
        cast(date_trunc(grains.grain, sessions.date) as date) as period_start,
        count(distinct sessions.client_key) as authenticated_clients,
        quantile_cont(sessions.duration_s, 0.5) as median_dwell_s,
        quantile_cont(sessions.duration_s, 0.9) as p90_dwell_s
    from sessions
    cross join grains
    group by sessions.site_id, grains.grain, period_start
),

vendor_periods as (
    select
        vendors.site_id,
        grains.grain,
        cast(date_trunc(grains.grain, vendors.date) as date) as period_start,
        vendors.vendor,
        cast(sum(vendors.clients) as bigint) as client_days
    from vendors
    cross join grains
    group by vendors.site_id, grains.grain, period_start, vendors.vendor
    qualify row_number() over (
        partition by vendors.site_id, grains.grain, period_start
        order by client_days desc, vendors.vendor asc
    ) = 1
),

summed as (
    select
        site_id,
        grain,
        period_start,
        any_value(day_timezone) as day_timezone,
        any_value(days_in_period) as days_in_period,
        count(*) as days_covered,
        cast(sum(total_guests) as bigint) as guest_days,
        cast(sum(new_guests) as bigint) as new_guest_days,
        cast(sum(regular_guests) as bigint) as regular_guest_days,
        cast(sum(sessions) as bigint) as sessions,
        -- summed as decimals: a sum of doubles depends on the order rows come in, which a build does not fix
        cast(sum(cast(rx_mb as decimal(18, 6))) as double) as rx_mb,
        cast(sum(cast(tx_mb as decimal(18, 6))) as double) as tx_mb,
        count(*) filter (where has_guests) as days_with_guests,
        count(*) filter (where has_sessions) as days_with_sessions,
        count(*) filter (where has_traffic) as days_with_traffic
    from day_periods
    group by site_id, grain, period_start
),

final as (
    select
        summed.site_id,
        summed.grain,
        summed.period_start,
        summed.day_timezone,
        summed.days_in_period,
        summed.days_covered,
        summed.days_covered = summed.days_in_period as is_complete,
        summed.guest_days,
        summed.new_guest_days,
        summed.regular_guest_days,
        summed.sessions,
        coalesce(session_periods.authenticated_clients, 0) as authenticated_clients,
        session_periods.median_dwell_s,
        session_periods.p90_dwell_s,
        vendor_periods.vendor as top_vendor,
        vendor_periods.client_days as top_vendor_client_days,
        summed.rx_mb,
        summed.tx_mb,
        summed.days_with_guests,
        summed.days_with_sessions,
        summed.days_with_traffic
    from summed
    left join session_periods
        on
            summed.site_id = session_periods.site_id
            and summed.grain = session_periods.grain
            and summed.period_start = session_periods.period_start
    left join vendor_periods
        on
            summed.site_id = vendor_periods.site_id
            and summed.grain = vendor_periods.grain
            and summed.period_start = vendor_periods.period_start
)

select * from final
