-- Clients per site, day and device vendor, with the vendor's share of the site-day.
with vendors as (
    select * from {{ ref('stg_history_vendor_data') }}
),

final as (
    select
        site_id,
        partition_date as date,
        vendor,
        vendor_zh,
        clients,
        clients / nullif(sum(clients) over (partition by site_id, partition_date), 0) as share
    from vendors
)

select * from final
