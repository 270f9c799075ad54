-- Access points of a device (daily snapshot).
-- Grain: one row per (dev_sn, ap_sn, partition_date); the latest extraction wins.
with source as (
    select * from {{ source('device_ap_info') }}
),

renamed as (
    select
        cast(dev_sn as varchar) as dev_sn,
        cast("apSN" as varchar) as ap_sn,
        cast("apName" as varchar) as ap_name,
        cast("apModel" as varchar) as ap_model,
        cast("apIp" as varchar) as ap_ip,
        cast("apMAC" as varchar) as ap_mac,
        cast("apSoftVersion" as varchar) as software_version,
        cast("apStatus" as integer) as ap_status,
        try_cast("apOnlineTime" as bigint) as ap_online_time,
        cast(partition_date as date) as partition_date,
        cast(extracted_at as timestamptz) as extracted_at
    from source
),

{{ latest_per_key('renamed', 'dev_sn, ap_sn, partition_date') }}
