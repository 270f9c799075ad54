-- Peak (maximum) daily figures per site over the last 7 days, the last 30 days and each calendar month, as the
-- API answered each range (getHistoryPeakNumber asked over the range's UTC days), never derived from daily rows.
-- Grain: one row per (site_id, range_kind, range_start); a month keeps its latest range_end (is_partial before
-- its last day).
with peaks as (
    select * from {{ ref('stg_history_peak_number_by_range') }}
),

latest as (
    {{ latest_range('peaks', 'site_id, range_kind, range_start') }}
),

final as (
    select
        {{ range_columns() }},
        peak_clients,
        peak_new_guests,
        peak_regular_guests,
        peak_avg_dwell_s,
        peak_total_rx_mb,
        peak_total_tx_mb,
        peak_avg_rx_mb,
        peak_avg_tx_mb
    from latest
)

select * from final
