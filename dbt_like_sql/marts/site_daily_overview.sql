-- One row per site and day with what five marts say of it. The day is the API's (the partition's: midnight to
-- midnight in INC_TIMEZONE, day_timezone()), the one the per-day aggregates were asked for; sessions are cut at
-- the same midnight, so every figure of a row covers the same hours.
with guests as (
    select * from {{ ref('guest_daily') }}
),

dwell as (
    select * from {{ ref('dwell_daily') }}
),

vendors as (
    select * from {{ ref('vendor_daily') }}
),

traffic as (
    select * from {{ ref('traffic_daily') }}
),

sessions as (
    select * from {{ ref('auth_sessions') }}
),

session_days as (
    select
        site_id,
        local_date(session_start, day_timezone()) as date,
        count(*) as sessions,
        count(distinct client_key) as authenticated_clients,
        quantile_cont(duration_s, 0.5) as median_dwell_s,
        quantile_cont(duration_s, 0.9) as p90_dwell_s
    from sessions
    group by site_id, local_date(session_start, day_timezone())
),

top_vendors as (
    select
        site_id,
        date,
        vendor as top_vendor,
        clients as top_vendor_clients
    from vendors
    qualify row_number() over (partition by site_id, date order by clients desc, vendor asc) = 1
),

site_days as (
    select
        site_id,
        date
    from guests
    union
    select
        site_id,
        date
    from dwell
    union
    select
        site_id,
        date
    from top_vendors
    union
    select
        site_id,
        date
    from traffic
    union
    select
        site_id,
        date
    from session_days
),

final as (
    select
        site_days.site_id,
        site_days.date,
        day_timezone() as day_timezone,
        guests.total_guests,
        guests.new_guests,
        guests.regular_guests,
        coalesce(session_days.sessions, 0) as sessions,
        coalesce(session_days.authenticated_clients, 0) as authenticated_clients,
        session_days.median_dwell_s,
        session_days.p90_dwell_s,
        dwell.avg_dwell_s,
        top_vendors.top_vendor,
        top_vendors.top_vendor_clients,
        traffic.rx_mb,
        traffic.tx_mb,
        guests.site_id is not null as has_guests,
        session_days.site_id is not null as has_sessions,
        dwell.site_id is not null as has_dwell,
        top_vendors.site_id is not null as has_vendors,
        traffic.site_id is not null as has_traffic
    from site_days
    left join guests on site_days.site_id = guests.site_id and site_days.date = guests.date
    left join session_days on site_days.site_id = session_days.site_id and site_days.date = session_days.date
    left join dwell on site_days.site_id = dwell.site_id and site_days.date = dwell.date
    left join top_vendors on site_days.site_id = top_vendors.site_id and site_days.date = top_vendors.date
    left join traffic on site_days.site_id = traffic.site_id and site_days.date = traffic.date
)

select * from final
