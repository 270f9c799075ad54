-- Every guest of a day falls in exactly one dwell bucket: the buckets add up to the day's guests.
with dwell as (
    select * from {{ ref('dwell_daily') }}
),

guests as (
    select * from {{ ref('guest_daily') }}
),

final as (
    select
        guests.site_id,
        guests.date,
        guests.total_guests as expected,
        dwell.dwell_lt_5m + dwell.dwell_5_30m + dwell.dwell_30_120m + dwell.dwell_gte_120m as actual
    from guests
    inner join dwell on guests.site_id = dwell.site_id and guests.date = dwell.date
)

select * from final
