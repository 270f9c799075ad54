-- Every guest has one vendor (possibly 'unknown'): vendor counts add up to the day's guests.
with vendors as (
    select * from {{ ref('vendor_daily') }}
),

guests as (
    select * from {{ ref('guest_daily') }}
),

vendor_totals as (
    select
        site_id,
        date,
        sum(clients) as clients
    from vendors
    group by site_id, date
),

final as (
    select
        guests.site_id,
        guests.date,
        guests.total_guests as expected,
        vendor_totals.clients as actual
    from guests
    inner join vendor_totals on guests.site_id = vendor_totals.site_id and guests.date = vendor_totals.date
)

select * from final
