-- Portal users are a subset of the day's guests: distinct authenticated clients (per UTC day) never exceed the
-- guest count. The deviation is the excess, so fewer authentications than guests is not a disagreement.
with sessions as (
    select * from {{ ref('auth_sessions') }}
),

guests as (
    select * from {{ ref('guest_daily') }}
),

authenticated as (
    select
        site_id,
        cast(timezone('UTC', session_start) as date) as date,
        count(distinct client_key) as clients
    from sessions
    group by all
),

final as (
    select
        guests.site_id,
        guests.date,
        0 as expected,
        greatest(authenticated.clients - guests.total_guests, 0) as actual
    from guests
    inner join authenticated on guests.site_id = authenticated.site_id and guests.date = authenticated.date
)

select * from final
