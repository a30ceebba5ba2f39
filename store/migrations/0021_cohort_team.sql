-- Every cohort belongs to one Slack workspace (team ID): the bot finds it, shows it and sends for it only there.
-- Rows from before this migration are the deployment's one workspace's; '' marks them until the bot's next start,
-- when AdoptCohorts gives them the team SLACK_BOT_TOKEN names (auth.test).
ALTER TABLE cohorts ADD COLUMN team_id text NOT NULL DEFAULT '';
CREATE INDEX cohorts_team_id ON cohorts (team_id);

-- An erasure runs in the workspace the person asked it in: a resumed one deletes the bot's messages there, with
-- that workspace's token. '' is the deployment's default workspace.
ALTER TABLE erasure_requests ADD COLUMN team_id text NOT NULL DEFAULT '';
