-- Radios of each AP of a device (daily snapshot).
-- Grain: one row per (dev_sn, ap_sn, radio_id, partition_date); the latest extraction wins.
with source as (
    select * from {{ source('device_radio_info') }}
),

renamed as (
    select
        cast("devSN" as varchar) as dev_sn,
        cast("apSN" as varchar) as ap_sn,
        cast("apName" as varchar) as ap_name,
        cast("radioId" as integer) as radio_id,
        cast("radioMode" as varchar) as radio_mode,
        try_cast("radioChannel" as integer) as radio_channel,
        cast("radioPower" as varchar) as radio_power,
        cast(partition_date as date) as partition_date,
        cast(extracted_at as timestamptz) as extracted_at
    from source
),

{{ latest_per_key('renamed', 'dev_sn, ap_sn, radio_id, partition_date') }}
