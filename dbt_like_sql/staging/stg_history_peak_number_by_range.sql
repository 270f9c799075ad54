-- Peak (maximum) daily figures, per site and range of days (last_7, last_30, month:
-- catalog/ranges.py), as the API answered the range; its rows land in the partition of range_end.
-- Grain: one row per (site_id, range_kind, range_start, range_end, partition_date);
-- the latest extraction wins.
with source as (
    select * from {{ source('history_peak_number_by_range') }}
),

renamed as (
    select
        cast(site_id as varchar) as site_id,
        {{ range_context_columns() }}
        {{ peak_number_columns() }}
        cast(partition_date as date) as partition_date,
        cast(extracted_at as timestamptz) as extracted_at
    from source
),

{{ latest_per_key('renamed', 'site_id, range_kind, range_start, range_end, partition_date') }}
