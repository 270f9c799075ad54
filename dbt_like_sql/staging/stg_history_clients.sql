-- Association history of clients per device; one row per client session.
-- Grain: one row per (dev_sn, client_mac, online_at); the latest extraction wins.
with source as (
    select * from {{ source('history_clients') }}
),

renamed as (
    select
        cast(dev_sn as varchar) as dev_sn,
        cast("clientMAC" as varchar) as client_mac,
        api_time("onLineDate") as online_at,
        api_time("offLineDate") as offline_at,
        try_cast("onlineTime" as bigint) as online_time,
        cast("macAddr" as varchar) as ap_mac,
        cast("apName" as varchar) as ap_name,
        cast("clientIP" as varchar) as client_ip,
        cast("clientVendor" as varchar) as client_vendor,
        cast("clientSSID" as varchar) as ssid,
        cast(partition_date as date) as partition_date,
        cast(extracted_at as timestamptz) as extracted_at
    from source
),

{{ latest_per_key('renamed', 'dev_sn, client_mac, online_at') }}
