-- Clients per site, day and SSID (history_ssid_data), with the SSID's share of the site-day.
with ssids as (
    select * from {{ ref('stg_history_ssid_data') }}
),

final as (
    select
        site_id,
        partition_date as date,
        ssid,
        clients,
        clients / nullif(sum(clients) over (partition by site_id, partition_date), 0) as share
    from ssids
)

select * from final
