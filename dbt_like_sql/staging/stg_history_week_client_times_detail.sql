-- Clients by number of visits per site and week (date = the Monday).
-- Grain: one row per (site_id, week_start); the latest extraction wins.
with source as (
    select * from {{ source('history_week_client_times_detail') }}
),

renamed as (
    select
        cast(site_id as varchar) as site_id,
        cast(timezone('UTC', api_time(date)) as date) as week_start,
        cast(one as bigint) as one_visit,
        cast(two as bigint) as two_visits,
        cast(three as bigint) as three_visits,
        cast("gteFour" as bigint) as four_plus_visits,
        cast(covered_days as bigint) as covered_days,
        cast(partition_date as date) as partition_date,
        cast(extracted_at as timestamptz) as extracted_at
    from source
),

{{ latest_per_key('renamed', 'site_id, week_start') }}
