-- The one place an instant becomes a local calendar day and hour of the day: `zone` is an IANA name, usually
-- site_timezone(site_id) (installed by the build from INC_TIMEZONE and INC_SITE_TIMEZONES). Independent of the
-- reader's TimeZone setting, like api_time().
create or replace macro local_date(instant, zone) as (
    cast(timezone(zone, instant) as date)
);

create or replace macro local_hour(instant, zone) as (
    cast(hour(timezone(zone, instant)) as integer)
);
