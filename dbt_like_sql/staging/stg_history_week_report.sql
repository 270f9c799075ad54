-- Weekly report rows per site (landed in the partition of the week's last day).
-- Grain: one row per (site_id, stat_time); the latest extraction wins.
with source as (
    select * from {{ source('history_week_report') }}
),

renamed as (
    select
        cast(site_id as varchar) as site_id,
        cast("_id" as varchar) as report_id,
        cast(scenarioid as varchar) as scenario_id,
        api_time("statTime") as stat_time,
        cast("clientCount" as bigint) as clients,
        cast("newCount" as bigint) as new_guests,
        cast("oldCount" as bigint) as regular_guests,
        cast("avgTime" as double) as avg_dwell_s,
        cast("totalRxBytes" as double) as total_rx_mb,
        cast("totalTxBytes" as double) as total_tx_mb,
        cast("avgRxBytes" as double) as avg_rx_mb,
        cast("avgTxBytes" as double) as avg_tx_mb,
        cast("oneTime" as bigint) as one_visit,
        cast("twoTimes" as bigint) as two_visits,
        cast("threeTimes" as bigint) as three_visits,
        cast("fourTimes" as bigint) as four_plus_visits,
        cast("minavgTime" as double) as min_avg_dwell_s,
        cast("maxavgTime" as double) as max_avg_dwell_s,
        cast(covered_days as bigint) as covered_days,
        cast(partition_date as date) as partition_date,
        cast(extracted_at as timestamptz) as extracted_at
    from source
),

deduplicated as (
    select *
    from renamed
    qualify row_number() over (
        partition by site_id, stat_time
        order by extracted_at desc
    ) = 1
),

final as (
    select * from deduplicated
)

select * from final
