-- Basic device information (daily snapshot); 'N/A' sizes read as null.
-- Grain: one row per (dev_sn, partition_date); the latest extraction wins.
with source as (
    select * from {{ source('device_operation_basic_info') }}
),

renamed as (
    select
        cast("devSN" as varchar) as dev_sn,
        cast("devName" as varchar) as dev_name,
        cast("devHardVersion" as varchar) as hardware_version,
        cast("devSoftVersion" as varchar) as software_version,
        cast("devMode" as varchar) as dev_model,
        cast("devType" as varchar) as dev_type,
        try_cast("devOnlineTime" as bigint) as online_s,
        cast("devLocation" as varchar) as location,
        cast("devAddress" as varchar) as egress_ip,
        nullif(trim(cast("devMAC" as varchar)), '') as dev_mac,  -- AC controllers send "" (field-notes): no MAC
        try_cast("memoryTotalSize" as bigint) as memory_total,
        try_cast("diskTotalSize" as bigint) as disk_total,
        cast("devStatus" as varchar) as dev_status,
        cast(partition_date as date) as partition_date,
        cast(extracted_at as timestamptz) as extracted_at
    from source
),

{{ latest_per_key('renamed', 'dev_sn, partition_date') }}
