-- Peak (maximum) daily figures per site and partition day.
-- Grain: one row per (site_id, partition_date); the latest extraction wins.
with source as (
    select * from {{ source('history_peak_number') }}
),

renamed as (
    select
        cast(site_id as varchar) as site_id,
        {{ peak_number_columns() }}
        cast(partition_date as date) as partition_date,
        cast(extracted_at as timestamptz) as extracted_at
    from source
),

{{ latest_per_key('renamed', 'site_id, partition_date') }}
