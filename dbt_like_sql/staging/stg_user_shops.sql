-- Sites the account manages (daily snapshot).
-- Grain: one row per (site_id, partition_date); the latest extraction wins.
with source as (
    select * from {{ source('user_shops') }}
),

renamed as (
    select
        cast("shopId" as varchar) as site_id,
        cast("shopName" as varchar) as site_name,
        cast("userName" as varchar) as account_name,
        cast(province as varchar) as province,
        cast(region as varchar) as region,
        cast(state as varchar) as state,
        cast(city as varchar) as city,
        cast(area as varchar) as area,
        cast(address as varchar) as address,
        cast(phone as varchar) as site_phone,
        cast("scenarioName" as varchar) as scenario_name,
        cast(columns as varchar) as site_tags,
        cast(partition_date as date) as partition_date,
        cast(extracted_at as timestamptz) as extracted_at
    from source
),

{{ latest_per_key('renamed', 'site_id, partition_date') }}
