-- Today's clients per site and vendor (snapshot).
-- Grain: one row per (site_id, vendor, partition_date); the latest extraction wins.
with source as (
    select * from {{ source('current_vendor_data') }}
),

renamed as (
    select
        cast(site_id as varchar) as site_id,
        cast("clientVendorEn" as varchar) as vendor,
        cast("clientVendor" as varchar) as vendor_zh,
        cast(count as bigint) as clients,
        cast(partition_date as date) as partition_date,
        cast(extracted_at as timestamptz) as extracted_at
    from source
),

{{ latest_per_key('renamed', 'site_id, vendor, partition_date') }}
