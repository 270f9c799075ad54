-- A range's peak is the highest of its days' figures (the manual: peak statistics are collected per day), so the
-- API's answer for a range must equal the highest of its daily answers, for every range whose days all landed.
-- The ranges are UTC days; the daily partitions are INC_TIMEZONE's (day_timezone()): other than UTC, nothing is
-- compared.
with ranges as (
    select * from {{ ref('peaks_by_range') }}
),

daily as (
    select * from {{ ref('stg_history_peak_number') }}
),

days_of_range as (
    select
        ranges.site_id,
        ranges.range_kind,
        ranges.range_start,
        ranges.days,
        ranges.peak_clients as actual,
        max(daily.peak_clients) as expected,
        count(*) as days_landed
    from ranges
    inner join daily
        on
            ranges.site_id = daily.site_id
            and daily.partition_date between ranges.range_start and ranges.range_end
    where day_timezone() = 'UTC'
    group by all
),

final as (
    select
        site_id,
        range_kind,
        range_start,
        expected,
        actual
    from days_of_range
    where days_landed = days
)

select * from final
