-- Top 5 and bottom 5 client counts per site and partition day.
-- Grain: one row per (site_id, rank_group, rank, partition_date); the latest extraction wins.
with source as (
    select * from {{ source('client_count_top_bottom') }}
),

renamed as (
    select
        cast(site_id as varchar) as site_id,
        {{ top_bottom_columns('bigint', 'clients') }}
        cast(partition_date as date) as partition_date,
        cast(extracted_at as timestamptz) as extracted_at
    from source
),

{{ latest_per_key('renamed', 'site_id, rank_group, rank, partition_date') }}
