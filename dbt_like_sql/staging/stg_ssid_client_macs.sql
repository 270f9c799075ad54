-- Client MAC addresses seen per site, device and SSID (daily snapshot).
-- Grain: one row per (site_id, dev_sn, ssid, client_mac, partition_date); the latest extraction wins.
with source as (
    select * from {{ source('ssid_client_macs') }}
),

renamed as (
    select
        cast(site_id as varchar) as site_id,
        cast(dev_sn as varchar) as dev_sn,
        cast(ssid as varchar) as ssid,
        cast(value as varchar) as client_mac,
        cast(partition_date as date) as partition_date,
        cast(extracted_at as timestamptz) as extracted_at
    from source
),

{{ latest_per_key('renamed', 'site_id, dev_sn, ssid, client_mac, partition_date') }}
