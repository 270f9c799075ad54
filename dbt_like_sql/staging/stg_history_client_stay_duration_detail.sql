-- Average dwell time per site and day, from the daily trend.
-- Grain: one row per (site_id, day); the latest extraction wins.
with source as (
    select * from {{ source('history_client_stay_duration_detail') }}
),

renamed as (
    select
        cast(site_id as varchar) as site_id,
        cast(timezone('UTC', api_time(date)) as date) as day,
        cast(time as double) as avg_dwell_s,
        cast(partition_date as date) as partition_date,
        cast(extracted_at as timestamptz) as extracted_at
    from source
),

{{ latest_per_key('renamed', 'site_id, day') }}
