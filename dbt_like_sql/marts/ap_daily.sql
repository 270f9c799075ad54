-- Access points day by day: one row per AP and snapshot day (each device_ap_info snapshot's extraction day),
-- with its status and online time as listed, the site of its device that day, its radios, and the clients
-- online on it in that day's online-client snapshot of its device.
with access_points as (
    select * from {{ ref('stg_device_ap_info') }}
    -- an AP listed by two devices the same day (moved between controllers): the latest listing
    qualify row_number() over (partition by ap_sn, partition_date order by extracted_at desc, dev_sn asc) = 1
),

devices as (
    select
        dev_sn,
        partition_date,
        site_id
    from {{ ref('stg_shop_devices') }}
),

radios as (
    select
        ap_sn,
        partition_date,
        count(distinct radio_id) as radios
    from {{ ref('stg_device_radio_info') }}
    group by ap_sn, partition_date
),

online as (
    select * from {{ ref('stg_online_clients') }}
),

-- A device whose client list landed that day has 0 clients on an AP it does not name; a day whose lists did
-- not land at all leaves the count unknown (null), not 0.
online_days as (
    select distinct partition_date from online
),

clients as (
    select
        dev_sn,
        ap_name,
        partition_date,
        count(*) as online_clients
    from online
    group by dev_sn, ap_name, partition_date
),

final as (
    select
        access_points.ap_sn,
        access_points.partition_date as snapshot_date,
        access_points.dev_sn,
        devices.site_id,
        access_points.ap_name,
        access_points.ap_status,
        case access_points.ap_status
            when 1 then 'online'
            when 2 then 'offline'
            when 3 then 'downloading image'
        end as ap_status_name,
        access_points.ap_online_time,
        radios.radios,
        case
            when online_days.partition_date is null then null
            else coalesce(clients.online_clients, 0)
        end as online_clients
    from access_points
    left join devices
        on
            access_points.dev_sn = devices.dev_sn
            and access_points.partition_date = devices.partition_date
    left join radios
        on
            access_points.ap_sn = radios.ap_sn
            and access_points.partition_date = radios.partition_date
    left join online_days on access_points.partition_date = online_days.partition_date
    left join clients
        on
            access_points.dev_sn = clients.dev_sn
            and access_points.ap_name = clients.ap_name
            and access_points.partition_date = clients.partition_date
)

select * from final
