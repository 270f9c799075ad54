-- The one place that decides how the API's "UTC format" time strings are read (the manual never shows one):
-- digits only = epoch milliseconds; a time with an explicit offset or Z keeps it; a bare month "YYYY-MM" (monthly
-- reports) is its first day; anything else is UTC wall time.
-- Returns timestamptz without depending on the reader's TimeZone setting.
create or replace macro api_time(value) as (
    case
        when regexp_matches(cast(value as varchar), '^\d{12,13}$')
            then timezone('UTC', epoch_ms(cast(cast(value as varchar) as bigint)))
        when regexp_matches(cast(value as varchar), '^\d{4}-\d{2}$')
            then timezone('UTC', try_cast(cast(value as varchar) || '-01' as timestamp))
        when regexp_matches(cast(value as varchar), '\d:\d\d(:\d\d(\.\d+)?)?\s*([+-]\d\d(:?\d\d)?|Z)$')
            then try_cast(cast(value as varchar) as timestamptz)
        else timezone('UTC', try_cast(cast(value as varchar) as timestamp))
    end
);
