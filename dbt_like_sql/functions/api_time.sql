-- The one place that decides how the API's "UTC format" time strings are read (the manual never shows one):
-- digits only = epoch milliseconds; a time with an explicit offset or Z keeps it; anything else is UTC wall time.
-- Returns timestamptz without depending on the reader's TimeZone setting.
create or replace macro api_time(value) as (
    case
        when regexp_matches(cast(value as varchar), '^\d{12,13}$')
            then timezone('UTC', epoch_ms(cast(cast(value as varchar) as bigint)))
        when regexp_matches(cast(value as varchar), '\d:\d\d(:\d\d(\.\d+)?)?\s*([+-]\d\d(:?\d\d)?|Z)$')
            then try_cast(cast(value as varchar) as timestamptz)
        else timezone('UTC', try_cast(cast(value as varchar) as timestamp))
    end
);
