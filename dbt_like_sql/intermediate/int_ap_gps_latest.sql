-- The latest known GPS position per AP, from either GPS endpoint (by device or by AP).
with by_device as (
    select * from {{ ref('stg_ap_gps_by_device_sn') }}
),

by_ap as (
    select * from {{ ref('stg_ap_gps_by_ap_sn') }}
),

combined as (
    select * from by_device
    union all by name
    select * from by_ap
),

latest as (
    select *
    from combined
    qualify row_number() over (
        partition by ap_sn
        order by partition_date desc, extracted_at desc
    ) = 1
),

final as (
    select * from latest
)

select * from final
