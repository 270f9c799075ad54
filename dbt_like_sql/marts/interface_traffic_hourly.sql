-- Device interface traffic per device and UTC hour: volumes summed (Kb), speeds averaged and peaked (Kbps), with
-- the device's site as last seen and that site's local date and hour of the day.
with samples as (
    select * from {{ ref('stg_device_interface_flow') }}
),

hourly as (
    select
        dev_sn,
        date_trunc('hour', updated_at) as hour,
        count(*) as samples,
        sum(down_flow_kbit) as down_kbit,
        sum(up_flow_kbit) as up_kbit,
        avg(speed_down_kbps) as avg_speed_down_kbps,
        avg(speed_up_kbps) as avg_speed_up_kbps,
        max(speed_down_kbps) as max_speed_down_kbps,
        max(speed_up_kbps) as max_speed_up_kbps
    from samples
    where updated_at is not null
    group by dev_sn, date_trunc('hour', updated_at)
),

devices as (
    select * from {{ ref('device_inventory') }}
),

final as (
    select
        hourly.dev_sn,
        devices.site_id,
        hourly.hour,
        site_timezone(devices.site_id) as timezone,
        local_date(hourly.hour, site_timezone(devices.site_id)) as local_date,
        local_hour(hourly.hour, site_timezone(devices.site_id)) as local_hour,
        hourly.samples,
        hourly.down_kbit,
        hourly.up_kbit,
        hourly.avg_speed_down_kbps,
        hourly.avg_speed_up_kbps,
        hourly.max_speed_down_kbps,
        hourly.max_speed_up_kbps
    from hourly
    left join devices on hourly.dev_sn = devices.dev_sn
)

select * from final
