-- A cohort file may name its channel "#name" and trainers by e-mail address until the bot has looked them up in
-- Slack. The dispatcher asks for such cohorts every tick; these partial indexes hold only them, so that the question
-- costs nothing once everything is resolved, however many cohorts there are.
CREATE INDEX cohorts_channel_unresolved ON cohorts (id) WHERE channel_id LIKE '#%';
CREATE INDEX cohort_trainers_email ON cohort_trainers (cohort_id) WHERE user_id LIKE '%@%';
