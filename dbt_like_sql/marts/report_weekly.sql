-- The vendor's weekly report per site (history_week_report); period_start = the UTC week containing statTime.
with report as (
    select * from {{ ref('stg_history_week_report') }}
),

final as (
    select
        site_id,
        cast(date_trunc('week', timezone('UTC', stat_time)) as date) as period_start,
        clients,
        new_guests,
        regular_guests,
        avg_dwell_s,
        total_rx_mb as rx_mb,
        total_tx_mb as tx_mb,
        avg_rx_mb,
        avg_tx_mb,
        one_visit,
        two_visits,
        three_visits,
        four_plus_visits,
        min_avg_dwell_s,
        max_avg_dwell_s
    from report
)

select * from final
