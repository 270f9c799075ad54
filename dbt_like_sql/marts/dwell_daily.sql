-- Average dwell time and clients per dwell bucket, per site and calendar day.
with average as (
    select * from {{ ref('stg_history_client_stay_avg_duration') }}
),

buckets as (
    select * from {{ ref('stg_history_client_stay_duration_ratio') }}
),

joined as (
    select
        coalesce(average.site_id, buckets.site_id) as site_id,
        coalesce(average.partition_date, buckets.partition_date) as date,
        average.avg_dwell_s,
        buckets.dwell_lt_5m,
        buckets.dwell_5_30m,
        buckets.dwell_30_120m,
        buckets.dwell_gte_120m
    from average
    full outer join buckets
        on average.site_id = buckets.site_id and average.partition_date = buckets.partition_date
),

final as (
    select * from joined
)

select * from final
