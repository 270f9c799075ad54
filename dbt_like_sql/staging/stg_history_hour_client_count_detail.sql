-- Clients per site and hour.
-- Grain: one row per (site_id, hour_start); the latest extraction wins.
with source as (
    select * from {{ source('history_hour_client_count_detail') }}
),

renamed as (
    select
        cast(site_id as varchar) as site_id,
        api_time(time) as hour_start,
        cast("clientCount" as bigint) as clients,
        cast(partition_date as date) as partition_date,
        cast(extracted_at as timestamptz) as extracted_at
    from source
),

{{ latest_per_key('renamed', 'site_id, hour_start') }}
