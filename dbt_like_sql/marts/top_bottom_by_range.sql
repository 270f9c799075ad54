-- The 5 busiest and 5 quietest days of each site over the last 7 days, the last 30 days and each calendar month,
-- by clients (getClientCountTopAndBottom, clientType=total) and by downloaded MB (getFlowTopAndBottom,
-- flowType=totalRx), as the API ranked them over the range itself.
-- Grain: one row per (site_id, range_kind, range_start, metric, rank_group, rank); a month keeps its latest
-- range_end (is_partial before its last day).
with clients as (
    select
        site_id,
        range_kind,
        range_start,
        range_end,
        'clients' as metric,
        rank_group,
        rank,
        rank_index,
        cast(clients as double) as value
    from {{ ref('stg_client_count_top_bottom_by_range') }}
),

traffic as (
    select
        site_id,
        range_kind,
        range_start,
        range_end,
        'downloaded_mb' as metric,
        rank_group,
        rank,
        rank_index,
        traffic_mb as value
    from {{ ref('stg_flow_top_bottom_by_range') }}
),

ranked as (
    select * from clients
    union all
    select * from traffic
),

latest as (
    {{ latest_range('ranked', 'site_id, range_kind, range_start, metric') }}
),

final as (
    select
        {{ range_columns() }},
        metric,
        rank_group,
        rank,
        try_cast(rank_index as date) as rank_day,
        rank_index,
        value
    from latest
)

select * from final
