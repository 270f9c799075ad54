-- Today's new and regular guests per site (snapshot).
-- Grain: one row per (site_id, partition_date); the latest extraction wins.
with source as (
    select * from {{ source('current_client_count') }}
),

renamed as (
    select
        cast(site_id as varchar) as site_id,
        cast(new as bigint) as new_guests,
        cast(old as bigint) as regular_guests,
        cast(total as bigint) as total_guests,
        cast(partition_date as date) as partition_date,
        cast(extracted_at as timestamptz) as extracted_at
    from source
),

{{ latest_per_key('renamed', 'site_id, partition_date') }}
