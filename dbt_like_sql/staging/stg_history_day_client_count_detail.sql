-- New, regular and total guests per site and day, from the daily trend.
-- Grain: one row per (site_id, day); the latest extraction wins.
with source as (
    select * from {{ source('history_day_client_count_detail') }}
),

renamed as (
    select
        cast(site_id as varchar) as site_id,
        cast(timezone('UTC', api_time(time)) as date) as day,
        cast("newCount" as bigint) as new_guests,
        cast("oldCount" as bigint) as regular_guests,
        cast("clientCount" as bigint) as total_guests,
        cast(partition_date as date) as partition_date,
        cast(extracted_at as timestamptz) as extracted_at
    from source
),

{{ latest_per_key('renamed', 'site_id, day') }}
