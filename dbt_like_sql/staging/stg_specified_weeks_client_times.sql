-- Clients by number of visits per site, asked per partition day.
-- Grain: one row per (site_id, partition_date); the latest extraction wins.
with source as (
    select * from {{ source('specified_weeks_client_times') }}
),

renamed as (
    select
        cast(site_id as varchar) as site_id,
        cast(one as bigint) as one_visit,
        cast(two as bigint) as two_visits,
        cast(three as bigint) as three_visits,
        cast("gteFour" as bigint) as four_plus_visits,
        cast(partition_date as date) as partition_date,
        cast(extracted_at as timestamptz) as extracted_at
    from source
),

{{ latest_per_key('renamed', 'site_id, partition_date') }}
