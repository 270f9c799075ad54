-- Devices as last seen: the latest shop_devices snapshot per device joined with its latest basic information.
with devices as (
    select * from {{ ref('stg_shop_devices') }}
),

basic_info as (
    select * from {{ ref('stg_device_operation_basic_info') }}
),

latest_device as (
    select *
    from devices
    qualify row_number() over (partition by dev_sn order by partition_date desc, extracted_at desc) = 1
),

latest_info as (
    select *
    from basic_info
    qualify row_number() over (partition by dev_sn order by partition_date desc, extracted_at desc) = 1
),

final as (
    select
        latest_device.dev_sn,
        latest_device.site_id,
        latest_device.alias_name,
        latest_info.dev_name,
        coalesce(latest_device.dev_model, latest_info.dev_model) as dev_model,
        coalesce(latest_device.dev_type, latest_info.dev_type) as dev_type,
        latest_info.hardware_version,
        latest_info.software_version,
        latest_info.dev_mac,
        latest_info.egress_ip,
        latest_info.location,
        latest_info.memory_total,
        latest_info.disk_total,
        latest_info.dev_status,
        latest_info.online_s,
        latest_device.partition_date as snapshot_date
    from latest_device
    left join latest_info on latest_device.dev_sn = latest_info.dev_sn
)

select * from final
