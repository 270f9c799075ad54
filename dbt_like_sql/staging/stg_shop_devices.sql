-- Devices per site (daily snapshot).
-- Grain: one row per (site_id, dev_sn, partition_date); the latest extraction wins.
with source as (
    select * from {{ source('shop_devices') }}
),

renamed as (
    select
        cast("devSN" as varchar) as dev_sn,
        cast("shopId" as varchar) as site_id,
        cast("devModel" as varchar) as dev_model,
        cast("devType" as varchar) as dev_type,
        cast("aliasName" as varchar) as alias_name,
        cast(partition_date as date) as partition_date,
        cast(extracted_at as timestamptz) as extracted_at
    from source
),

{{ latest_per_key('renamed', 'site_id, dev_sn, partition_date') }}
