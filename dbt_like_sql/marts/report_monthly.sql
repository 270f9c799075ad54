-- The vendor's monthly report per site (history_month_report); period_start = the UTC month containing statTime.
-- A month asked in part is flagged is_complete = false.
with report as (
    select * from {{ ref('stg_history_month_report') }}
),

final as (
    select
        site_id,
        cast(date_trunc('month', timezone('UTC', stat_time)) as date) as period_start,
        clients,
        new_guests,
        regular_guests,
        avg_dwell_s,
        total_rx_mb as rx_mb,
        total_tx_mb as tx_mb,
        avg_rx_mb,
        avg_tx_mb,
        coalesce(covered_days, day(last_day(stat_time))) as days_covered,
        coalesce(covered_days, day(last_day(stat_time))) = day(last_day(stat_time)) as is_complete
    from report
)

select * from final
