-- The vendor's weekly report per site (history_week_report); period_start = the UTC week containing statTime.
-- A week asked in part (a server may answer every week overlapping the window) is flagged is_complete = false.
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
        max_avg_dwell_s,
        coalesce(covered_days, 7) as days_covered,
        coalesce(covered_days, 7) = 7 as is_complete
    from report
)

select * from final
