-- Clients per site and hour (history_hour_client_count_detail); hour is the UTC start of the hour.
with hourly as (
    select * from {{ ref('stg_history_hour_client_count_detail') }}
),

final as (
    select
        site_id,
        date_trunc('hour', hour_start) as hour,
        clients
    from hourly
)

select * from final
