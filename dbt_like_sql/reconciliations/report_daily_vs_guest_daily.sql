-- The daily report's clients and the guest count describe the same people: per site-day they must agree, when
-- both are counted over the same day. The report's day is statTime's UTC day; guest_daily's is the partition's,
-- asked midnight to midnight in INC_TIMEZONE (day_timezone()): other than UTC, the two cut different days.
with report as (
    select * from {{ ref('report_daily') }}
),

guests as (
    select * from {{ ref('guest_daily') }}
),

final as (
    select
        guests.site_id,
        guests.date,
        guests.total_guests as expected,
        report.clients as actual
    from guests
    inner join report on guests.site_id = report.site_id and guests.date = report.period_start
    where day_timezone() = 'UTC'
)

select * from final
