-- The report summary per site over the last 7 days, the last 30 days and each calendar month, as the API answered
-- each range (getReportStaticData over the range's UTC days: reportType=month for a whole month, else day).
-- Distinct guests do not add up over days: these are the API's own counts for the range.
-- Grain: one row per (site_id, range_kind, range_start); a month keeps its latest range_end (is_partial before
-- its last day).
with summary as (
    select * from {{ ref('stg_report_static_data_by_range') }}
),

latest as (
    {{ latest_range('summary', 'site_id, range_kind, range_start') }}
),

final as (
    select
        {{ range_columns() }},
        total_guests,
        new_guests,
        regular_guests,
        one_visit,
        two_visits,
        three_visits,
        four_plus_visits,
        avg_dwell_s
    from latest
)

select * from final
