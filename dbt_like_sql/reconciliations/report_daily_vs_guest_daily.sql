-- The daily report's clients and the guest count describe the same people: per site-day they must agree.
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
)

select * from final
