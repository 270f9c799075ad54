-- New, regular and total guests per site and calendar day (history_day_client_count).
with daily as (
    select * from {{ ref('stg_history_day_client_count') }}
),

final as (
    select
        site_id,
        partition_date as date,
        new_guests,
        regular_guests,
        total_guests
    from daily
)

select * from final
