-- One row per portal authentication. No phone, name or WeChat id column exists here: the client is only its
-- keyed hash (client_key), as landed.
with sessions as (
    select * from {{ ref('stg_auth_history') }}
),

final as (
    select
        site_id,
        session_start,
        site_timezone(site_id) as timezone,
        local_date(session_start, site_timezone(site_id)) as local_date,
        local_hour(session_start, site_timezone(site_id)) as local_hour,
        access_duration as duration_s,
        case user_type
            when 1 then 'one-key'
            when 2 then 'SMS'
            when 6 then 'WeChat official account'
            when 7 then 'WeChat Wi-Fi'
            when 8 then 'app'
            when 9 then 'Tencent secure Wi-Fi'
            when 10 then 'fixed account'
            else 'unknown (' || coalesce(cast(user_type as varchar), 'null') || ')'
        end as auth_type,
        client_key,
        vendor,
        terminal_model,
        ap_mac,
        upstream,
        downstream
    from sessions
)

select * from final
