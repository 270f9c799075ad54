-- Report summary per site and partition day (reportType=day).
-- Grain: one row per (site_id, partition_date); the latest extraction wins.
with source as (
    select * from {{ source('report_static_data') }}
),

renamed as (
    select
        cast(site_id as varchar) as site_id,
        {{ report_summary_columns() }}
        cast(partition_date as date) as partition_date,
        cast(extracted_at as timestamptz) as extracted_at
    from source
),

{{ latest_per_key('renamed', 'site_id, partition_date') }}
