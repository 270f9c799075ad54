-- Clients per site and hour (history_hour_client_count_detail); hour is the UTC start of the hour, beside it the
-- site's local date and hour of the day.
with source_hours as (
    select * from {{ ref('stg_history_hour_client_count_detail') }}
),

hourly as (
    select
        site_id,
        date_trunc('hour', hour_start) as hour,
        clients
    from source_hours
),

final as (
    select
        site_id,
        hour,
        site_timezone(site_id) as timezone,
        local_date(hour, site_timezone(site_id)) as local_date,
        local_hour(hour, site_timezone(site_id)) as local_hour,
        clients
    from hourly
)

select * from final
