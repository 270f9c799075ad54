-- Average dwell time per site and partition day.
-- Grain: one row per (site_id, partition_date); the latest extraction wins.
with source as (
    select * from {{ source('history_client_stay_avg_duration') }}
),

renamed as (
    select
        cast(site_id as varchar) as site_id,
        cast(time as double) as avg_dwell_s,
        cast(partition_date as date) as partition_date,
        cast(extracted_at as timestamptz) as extracted_at
    from source
),

{{ latest_per_key('renamed', 'site_id, partition_date') }}
