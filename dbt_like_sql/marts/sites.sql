-- The sites the account manages, as last listed by /user/shop.
with shops as (
    select * from {{ ref('stg_user_shops') }}
),

final as (
    select
        site_id,
        site_name,
        scenario_name,
        province,
        region,
        state,
        city,
        area,
        address,
        site_tags,
        partition_date as snapshot_date
    from shops
    qualify row_number() over (partition by site_id order by partition_date desc, extracted_at desc) = 1
)

select * from final
