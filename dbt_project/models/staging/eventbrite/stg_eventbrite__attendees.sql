-- One row per Eventbrite attendee (ticket): the latest landed version, profile and answers
-- exploded into columns, and the buyer-profile problem flagged.
--
-- By default Eventbrite copies the BUYER's profile and answers onto every attendee of a
-- multi-ticket order. Such rows are seats taken by other, unknown people: they must not be
-- merged into one person by identity work, and the buyer's consent answer is not theirs.
{%- set consent_patterns = var('eventbrite_consent_question_patterns', [
    '%contact you%', '%consent%', '%marketing%', '%opt in%', '%opt-in%'
]) %}
{%- set graduation_patterns = var('eventbrite_graduation_question_patterns', [
    '%graduation%', '%grad year%', '%year of graduation%'
]) %}
with

source as (
    select * from {{ source('eventbrite', 'attendees') }}
),

latest as (
    {{ latest_version(
        'source',
        [
            json_text('_record', 'changed') ~ ' desc nulls last',
            '_fetched_at desc'
        ]
    ) }}
),

attendees as (
    select
        _source_record_id as attendee_id,
        {{ json_text('_record', 'event_id') }} as event_id,
        {{ json_text('_record', 'order_id') }} as order_id,
        nullif(trim({{ json_text('_record', 'ticket_class_name') }}), '') as ticket_class_name,
        nullif(trim({{ json_text('_record', 'profile.first_name') }}), '') as first_name,
        nullif(trim({{ json_text('_record', 'profile.last_name') }}), '') as last_name,
        nullif(trim({{ json_text('_record', 'profile.name') }}), '') as profile_name,
        nullif(trim({{ json_text('_record', 'profile.email') }}), '') as email,
        nullif(trim({{ json_text('_record', 'profile.job_title') }}), '') as job_title,
        nullif(trim({{ json_text('_record', 'profile.company') }}), '') as company,
        {{ json_value('_record', 'answers') }} as answers_json,
        try_cast({{ json_text('_record', 'checked_in') }} as boolean) as checked_in,
        try_cast({{ json_text('_record', 'cancelled') }} as boolean) as cancelled,
        try_cast({{ json_text('_record', 'refunded') }} as boolean) as refunded,
        {{ json_text('_record', 'status') }} as status,
        {{ iso_to_utc_timestamp(json_text('_record', 'created')) }} as created_at,
        {{ iso_to_utc_timestamp(json_text('_record', 'changed')) }} as changed_at,
        _batch_id as batch_id,
        _fetched_at as fetched_at
    from latest
),

answers as (
    select
        attendees.attendee_id,
        lower({{ json_text('elements.value', 'question') }}) as question_lower,
        -- An unanswered question comes without an `answer` key: null here.
        nullif(trim({{ json_text('elements.value', 'answer') }}), '') as answer
    from attendees,
        {{ json_array_elements('attendees.answers_json') }} as elements
),

classified_answers as (
    select
        attendee_id,
        answer,
        (
            {%- for pattern in consent_patterns %}
            question_lower like '{{ pattern }}'{% if not loop.last %} or{% endif %}
            {%- endfor %}
        ) as is_consent_question,
        (
            {%- for pattern in graduation_patterns %}
            question_lower like '{{ pattern }}'{% if not loop.last %} or{% endif %}
            {%- endfor %}
        ) as is_graduation_question
    from answers
),

answer_columns as (
    select
        attendee_id,
        max(case when is_consent_question then 1 else 0 end) = 1 as consent_question_asked,
        max(case when is_consent_question then lower(answer) end) as consent_answer,
        max(case when is_graduation_question then answer end) as graduation_year_answer
    from classified_answers
    group by attendee_id
),

with_answers as (
    select
        attendees.*,
        coalesce(answer_columns.consent_question_asked, false) as consent_question_asked,
        case
            when answer_columns.consent_answer in ('yes', 'y', 'true', '1', 'ja', 'oui', 'si')
                then true
            when answer_columns.consent_answer in ('no', 'n', 'false', '0', 'nein', 'non')
                then false
        end as marketing_consent,
        case
            when {{ safe_text_to_integer('answer_columns.graduation_year_answer') }}
                between 1950 and 2100
                then {{ safe_text_to_integer('answer_columns.graduation_year_answer') }}
        end as graduation_year
    from attendees
    left join answer_columns
        on attendees.attendee_id = answer_columns.attendee_id
),

order_profiles as (
    select
        *,
        coalesce(profile_name, nullif(trim(concat_ws(' ', first_name, last_name)), ''))
            as full_name,
        nullif(lower(email), '') as email_normalised,
        -- The profile as Eventbrite copies it: the email, else the name when no email is given.
        coalesce(
            nullif(lower(email), ''),
            lower(coalesce(profile_name, concat_ws(' ', first_name, last_name)))
        ) as profile_key
    from with_answers
),

order_counts as (
    select
        *,
        count(*) over (partition by event_id, order_id) as order_attendee_count,
        count(*) over (partition by event_id, order_id, profile_key) as same_profile_on_order,
        row_number() over (
            partition by event_id, order_id
            order by length(attendee_id), attendee_id
        ) as order_seat_number
    from order_profiles
),

final as (
    select
        attendee_id,
        'eventbrite' as source,
        attendee_id as source_record_id,
        event_id,
        order_id,
        ticket_class_name,
        first_name,
        last_name,
        full_name,
        email,
        email_normalised,
        job_title,
        company,
        graduation_year,
        consent_question_asked,
        marketing_consent,
        -- Several attendees of one order sharing one profile: the profile (and its answers) is
        -- the buyer's, copied onto seats taken by other people.
        (profile_key is not null and same_profile_on_order > 1) as is_buyer_profile_copy,
        not (profile_key is not null and same_profile_on_order > 1) as consent_is_own,
        -- The consent answer only where it is the attendee's own; null (unknown) on copies.
        case
            when not (profile_key is not null and same_profile_on_order > 1)
                then marketing_consent
        end as attendee_marketing_consent,
        order_attendee_count,
        order_seat_number,
        checked_in,
        cancelled,
        refunded,
        status,
        created_at,
        changed_at,
        batch_id,
        fetched_at
    from order_counts
)

select * from final
