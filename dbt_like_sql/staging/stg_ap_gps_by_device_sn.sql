-- GPS position of every AP of a device (daily snapshot).
-- Grain: one row per (dev_sn, ap_sn, partition_date); the latest extraction wins.
with source as (
    select * from {{ source('ap_gps_by_device_sn') }}
),

renamed as (
    select
        cast(dev_sn as varchar) as dev_sn,
        cast("apSN" as varchar) as ap_sn,
        cast("apName" as varchar) as ap_name,
        try_cast("apLongitude" as double) as longitude,
        try_cast("apLatitude" as double) as latitude,
        cast("apVelocity" as varchar) as velocity,
        cast("apOrientation" as varchar) as orientation,
        try_cast("apElevation" as double) as elevation,
        api_time("gpsObtainTime") as gps_obtained_at,
        cast(partition_date as date) as partition_date,
        cast(extracted_at as timestamptz) as extracted_at
    from source
),

{{ latest_per_key('renamed', 'dev_sn, ap_sn, partition_date') }}
