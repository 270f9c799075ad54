-- Client traffic per site and calendar day (history_net_flow_bytes; MB, as the other stamonitor traffic).
with flow as (
    select * from {{ ref('stg_history_net_flow_bytes') }}
),

final as (
    select
        site_id,
        partition_date as date,
        total_rx_mb as rx_mb,
        total_tx_mb as tx_mb,
        avg_rx_mb,
        avg_tx_mb
    from flow
)

select * from final
