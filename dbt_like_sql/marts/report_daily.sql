-- The vendor's daily report per site (history_day_report); period_start = the UTC day containing statTime.
with report as (
    select * from {{ ref('stg_history_day_report') }}
),

final as (
    select
        site_id,
        cast(date_trunc('day', timezone('UTC', stat_time)) as date) as period_start,
        clients,
        new_guests,
        regular_guests,
        avg_dwell_s,
        total_rx_mb as rx_mb,
        total_tx_mb as tx_mb,
        avg_rx_mb,
        avg_tx_mb
    from report
)

select * from final
