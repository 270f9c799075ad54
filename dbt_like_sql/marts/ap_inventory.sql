-- Access points as last seen (latest device_ap_info snapshot per AP), with their latest GPS position and the site
-- of their device as last seen.
with access_points as (
    select * from {{ ref('stg_device_ap_info') }}
),

gps as (
    select * from {{ ref('int_ap_gps_latest') }}
),

devices as (
    select * from {{ ref('device_inventory') }}
),

latest as (
    select *
    from access_points
    qualify row_number() over (partition by ap_sn order by partition_date desc, extracted_at desc) = 1
),

final as (
    select
        latest.ap_sn,
        latest.dev_sn,
        devices.site_id,
        latest.ap_name,
        latest.ap_model,
        latest.ap_ip,
        latest.ap_mac,
        latest.software_version,
        latest.ap_status,
        case latest.ap_status
            when 1 then 'online'
            when 2 then 'offline'
            when 3 then 'downloading image'
        end as ap_status_name,
        latest.ap_online_time,
        gps.longitude,
        gps.latitude,
        gps.elevation,
        gps.gps_obtained_at,
        latest.partition_date as snapshot_date
    from latest
    left join gps on latest.ap_sn = gps.ap_sn
    left join devices on latest.dev_sn = devices.dev_sn
)

select * from final
