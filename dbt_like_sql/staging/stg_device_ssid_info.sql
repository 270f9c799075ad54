-- SSIDs configured on a device (daily snapshot).
-- Grain: one row per (dev_sn, ssid, partition_date); the latest extraction wins.
with source as (
    select * from {{ source('device_ssid_info') }}
),

renamed as (
    select
        cast("devSN" as varchar) as dev_sn,
        cast("SSIDName" as varchar) as ssid,
        cast("spName" as varchar) as service_name,
        cast(status as integer) as ssid_status,
        cast(hide as integer) as hidden,
        try_cast("maxClient" as bigint) as max_clients,
        try_cast("maxSendRatio" as bigint) as max_send_rate,
        try_cast("maxReceiveRatio" as bigint) as max_receive_rate,
        cast(partition_date as date) as partition_date,
        cast(extracted_at as timestamptz) as extracted_at
    from source
),

{{ latest_per_key('renamed', 'dev_sn, ssid, partition_date') }}
