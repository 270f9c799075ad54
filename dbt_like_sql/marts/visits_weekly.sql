-- Clients by number of visits per site and week (history_week_client_times_detail; week_start = Monday).
with weekly as (
    select * from {{ ref('stg_history_week_client_times_detail') }}
),

final as (
    select
        site_id,
        week_start,
        one_visit,
        two_visits,
        three_visits,
        four_plus_visits
    from weekly
)

select * from final
