-- Today's clients per dwell bucket per site (snapshot; counts, not ratios).
-- Grain: one row per (site_id, partition_date); the latest extraction wins.
with source as (
    select * from {{ source('current_client_stay_duration_ratio') }}
),

renamed as (
    select
        cast(site_id as varchar) as site_id,
        cast("lt5Minutes" as bigint) as dwell_lt_5m,
        cast("lt30Minutes" as bigint) as dwell_5_30m,
        cast("lt120Minutes" as bigint) as dwell_30_120m,
        cast("gte120Minutes" as bigint) as dwell_gte_120m,
        cast(partition_date as date) as partition_date,
        cast(extracted_at as timestamptz) as extracted_at
    from source
),

{{ latest_per_key('renamed', 'site_id, partition_date') }}
