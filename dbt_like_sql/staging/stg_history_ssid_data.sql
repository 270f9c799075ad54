-- Clients per site, SSID and partition day.
-- Grain: one row per (site_id, ssid, partition_date); the latest extraction wins.
with source as (
    select * from {{ source('history_ssid_data') }}
),

renamed as (
    select
        cast(site_id as varchar) as site_id,
        cast("SSID" as varchar) as ssid,
        cast(count as bigint) as clients,
        cast(partition_date as date) as partition_date,
        cast(extracted_at as timestamptz) as extracted_at
    from source
),

{{ latest_per_key('renamed', 'site_id, ssid, partition_date') }}
