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
        four_plus_visits,
        coalesce(covered_days, 7) as days_covered,
        coalesce(covered_days, 7) = 7 as is_complete
    from weekly
)

select * from final
