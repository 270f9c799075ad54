-- Clients online per site at extraction time (snapshot).
-- Grain: one row per (site_id, partition_date); the latest extraction wins.
with source as (
    select * from {{ source('current_online_client_count') }}
),

renamed as (
    select
        cast(site_id as varchar) as site_id,
        cast("onlineCount" as bigint) as online_clients,
        cast(partition_date as date) as partition_date,
        cast(extracted_at as timestamptz) as extracted_at
    from source
),

{{ latest_per_key('renamed', 'site_id, partition_date') }}
