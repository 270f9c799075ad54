-- Report summary (distinct guests, visits, dwell), per site and range of days (last_7, last_30, month:
-- catalog/ranges.py), as the API answered the range; its rows land in the partition of range_end.
-- Grain: one row per (site_id, range_kind, range_start, range_end, partition_date);
-- the latest extraction wins.
with source as (
    select * from {{ source('report_static_data_by_range') }}
),

renamed as (
    select
        cast(site_id as varchar) as site_id,
        cast(range_kind as varchar) as range_kind,
        cast(range_start as date) as range_start,
        cast(range_end as date) as range_end,
        cast(new as bigint) as new_guests,
        cast(old as bigint) as regular_guests,
        cast(total as bigint) as total_guests,
        cast(one as bigint) as one_visit,
        cast(two as bigint) as two_visits,
        cast(three as bigint) as three_visits,
        cast(four as bigint) as four_plus_visits,
        cast("avgTime" as double) as avg_dwell_s,
        cast(partition_date as date) as partition_date,
        cast(extracted_at as timestamptz) as extracted_at
    from source
),

{{ latest_per_key('renamed', 'site_id, range_kind, range_start, range_end, partition_date') }}
