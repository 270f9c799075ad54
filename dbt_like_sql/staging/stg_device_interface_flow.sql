-- Interface traffic samples of a device (Kbps speeds, Kb volumes, as the manual says).
-- Grain: one row per (dev_sn, updated_at); the latest extraction wins.
with source as (
    select * from {{ source('device_interface_flow') }}
),

renamed as (
    select
        cast(dev_sn as varchar) as dev_sn,
        api_time("updateTime") as updated_at,
        cast("speedDown" as double) as speed_down_kbps,
        cast("speedUp" as double) as speed_up_kbps,
        cast("downFlow" as double) as down_flow_kbit,
        cast("upFlow" as double) as up_flow_kbit,
        cast(partition_date as date) as partition_date,
        cast(extracted_at as timestamptz) as extracted_at
    from source
),

{{ latest_per_key('renamed', 'dev_sn, updated_at') }}
