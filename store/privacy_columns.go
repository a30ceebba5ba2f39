package store

// PrivacyKind says how a column relates to a person, for erasure.
type PrivacyKind string

// The kinds of column.
const (
	// ColumnPersonID holds the Slack user ID of the person a row is about or by: ErasePerson deletes the row, or puts
	// ErasedActor in the person's place, by an indexed lookup of this column.
	ColumnPersonID PrivacyKind = "person_id"
	// ColumnMentionsPerson is text, JSON or a list that may hold user IDs among other things; Erasure says how
	// ErasePerson finds and cleans the rows that name the person.
	ColumnMentionsPerson PrivacyKind = "mentions_person"
	// ColumnPersonal is about a person without naming them (their scores, their words, their DM's ID): it goes
	// with its row, which erasure deletes as the person's by a ColumnPersonID or ColumnMentionsPerson column.
	ColumnPersonal PrivacyKind = "personal_data"
	// ColumnNotPersonal says nothing about any one person.
	ColumnNotPersonal PrivacyKind = "not_personal"
	// ColumnKept is what erasure keeps on purpose, and the README's Privacy section says so.
	ColumnKept PrivacyKind = "kept_on_purpose"
)

// PrivacyColumn is one column of the database and how erasure treats it.
type PrivacyColumn struct {
	Table, Column string
	Kind          PrivacyKind
	// Erasure says how ErasePerson covers the column (ColumnPersonID, ColumnMentionsPerson, ColumnPersonal), or why it names no
	// one (ColumnNotPersonal) or stays (ColumnKept).
	Erasure string
}

// PrivacyColumns returns every column of every table with its kind. TestPrivacyColumns compares it with the
// database's columns and fails on one that is missing here; TestErasePersonLeavesNoTrace fills every column of the
// kinds that name or describe a person and checks that erasure leaves none of it.
func PrivacyColumns() []PrivacyColumn { return privacyColumns }

var privacyColumns = []PrivacyColumn{
	{"schema_migrations", "version", ColumnNotPersonal, "the migrations applied"},
	{"schema_migrations", "name", ColumnNotPersonal, "the migrations applied"},
	{"schema_migrations", "applied_at", ColumnNotPersonal, "the migrations applied"},

	{"cohorts", "id", ColumnNotPersonal, "a training group"},
	{"cohorts", "name", ColumnNotPersonal, "the group's name, typed by its trainer"},
	{"cohorts", "channel_id", ColumnNotPersonal, "the group's channel"},
	{"cohorts", "team_id", ColumnNotPersonal, "the group's Slack workspace"},
	{"cohorts", "timezone", ColumnNotPersonal, "the group's time zone"},
	{"cohorts", "cases", ColumnNotPersonal, "the cases the group works with"},
	{"cohorts", "settings", ColumnNotPersonal, "quiet hours, holidays, automatic reveals"},
	{"cohorts", "created_at", ColumnNotPersonal, "when the group was set up"},
	{"cohorts", "updated_at", ColumnNotPersonal, "when the group last changed"},

	{"cohort_trainers", "cohort_id", ColumnPersonal, "goes with the row"},
	{"cohort_trainers", "user_id", ColumnPersonID, "deleted (a trainer of a running cohort is refused first)"},
	{"cohort_trainers", "position", ColumnPersonal, "goes with the row"},

	{"cohort_modules", "cohort_id", ColumnNotPersonal, "the group's meetings"},
	{"cohort_modules", "number", ColumnNotPersonal, "the group's meetings"},
	{"cohort_modules", "starts_at", ColumnNotPersonal, "the group's meetings"},
	{"cohort_modules", "ends_at", ColumnNotPersonal, "the group's meetings"},
	{"cohort_modules", "location", ColumnNotPersonal, "where the group meets, typed by its trainer"},

	{"participants", "cohort_id", ColumnPersonal, "goes with the row"},
	{"participants", "user_id", ColumnPersonID, "deleted"},
	{"participants", "name", ColumnPersonal, "goes with the row"},
	{"participants", "joined_at", ColumnPersonal, "goes with the row"},
	{"participants", "left_at", ColumnPersonal, "goes with the row"},

	{"deliveries", "id", ColumnNotPersonal, "a planned message"},
	{"deliveries", "key", ColumnMentionsPerson, "a message for one person has key <parent>/<user ID> and that person as recipient: deleted with the row"},
	{"deliveries", "cohort_id", ColumnNotPersonal, "a planned message"},
	{"deliveries", "rule_id", ColumnNotPersonal, "a planned message"},
	{"deliveries", "kind", ColumnNotPersonal, "a planned message"},
	{"deliveries", "module", ColumnNotPersonal, "a planned message"},
	{"deliveries", "audience", ColumnNotPersonal, "a planned message"},
	{"deliveries", "recipient", ColumnPersonID, "deleted; its Slack message goes too (ErasureResult.Messages)"},
	{"deliveries", "due_at", ColumnNotPersonal, "a planned message"},
	{"deliveries", "deadline", ColumnNotPersonal, "a planned message"},
	{"deliveries", "status", ColumnNotPersonal, "a planned message"},
	{"deliveries", "attempts", ColumnNotPersonal, "a planned message"},
	{"deliveries", "lease_owner", ColumnNotPersonal, "the dispatcher holding it"},
	{"deliveries", "lease_until", ColumnNotPersonal, "the dispatcher holding it"},
	{"deliveries", "channel_id", ColumnPersonal, "a person's DM for a message to one person: goes with the row"},
	{"deliveries", "ts", ColumnPersonal, "goes with the row"},
	{"deliveries", "error", ColumnPersonal, "Slack's answer to a post to one person: goes with the row"},
	{"deliveries", "sent_at", ColumnNotPersonal, "a planned message"},
	{"deliveries", "created_at", ColumnNotPersonal, "a planned message"},
	{"deliveries", "updated_at", ColumnNotPersonal, "a planned message"},
	{"deliveries", "title", ColumnNotPersonal, "the rule's title from the course content"},
	{"deliveries", "note", ColumnNotPersonal, "why the calendar moved it"},
	{"deliveries", "claimed_at", ColumnNotPersonal, "a planned message"},
	{"deliveries", "attempted_at", ColumnNotPersonal, "a planned message"},
	{"deliveries", "follows_calendar", ColumnNotPersonal, "a planned message"},
	{"deliveries", "trainers_told", ColumnNotPersonal, "whether the trainers were told it did not arrive"},

	{"trainer_notice_items", "notice_id", ColumnNotPersonal, "a trainer's notice (its recipient is the trainer): goes with it"},
	{"trainer_notice_items", "delivery_id", ColumnNotPersonal, "what the notice tells (its recipient is the person): goes with it"},

	{"audit_log", "id", ColumnNotPersonal, "an audit row"},
	{"audit_log", "at", ColumnNotPersonal, "an audit row"},
	{"audit_log", "cohort_id", ColumnNotPersonal, "an audit row"},
	{"audit_log", "actor", ColumnPersonID, "rows by the person are deleted"},
	{"audit_log", "user_id", ColumnPersonID, "rows about the person are deleted"},
	{"audit_log", "action", ColumnNotPersonal, "an audit row"},
	{"audit_log", "detail", ColumnMentionsPerson, "rows whose detail names the person (names, by its GIN index) are deleted"},
	{"audit_log", "names", ColumnMentionsPerson, "every user ID in detail, set by a trigger: rows holding the person are deleted"},

	{"slack_events", "event_id", ColumnNotPersonal, "Slack's event ids, which name no one; pruned after a day"},
	{"slack_events", "received_at", ColumnNotPersonal, "pruned after a day"},

	{"progress", "cohort_id", ColumnPersonal, "goes with the row"},
	{"progress", "user_id", ColumnPersonID, "deleted"},
	{"progress", "kind", ColumnPersonal, "goes with the row"},
	{"progress", "item", ColumnPersonal, "goes with the row"},
	{"progress", "module", ColumnPersonal, "goes with the row"},
	{"progress", "done_at", ColumnPersonal, "goes with the row"},

	{"sandbox_clock", "id", ColumnNotPersonal, "the sandbox's simulated clock"},
	{"sandbox_clock", "offset_ms", ColumnNotPersonal, "the sandbox's simulated clock"},
	{"sandbox_clock", "updated_at", ColumnNotPersonal, "the sandbox's simulated clock"},

	// The sandbox's saved copy of the fake workspace (empty with real Slack).
	{"sandbox_conversations", "id", ColumnPersonal, "the person's DM is deleted; other conversations name no one"},
	{"sandbox_conversations", "messages", ColumnMentionsPerson, "the person's DM is deleted; elsewhere messages that name them are taken out"},
	{"sandbox_conversations", "updated_at", ColumnNotPersonal, "when the copy was saved"},
	{"sandbox_homes", "user_id", ColumnPersonID, "deleted"},
	{"sandbox_homes", "view_id", ColumnPersonal, "goes with the row"},
	{"sandbox_homes", "view", ColumnPersonal, "goes with the row"},
	{"sandbox_homes", "updated_at", ColumnPersonal, "goes with the row"},
	{"sandbox_files", "id", ColumnPersonal, "goes with the row: files shared in the person's DM or naming them are deleted"},
	{"sandbox_files", "name", ColumnMentionsPerson, "files shared in the person's DM or naming them are deleted"},
	{"sandbox_files", "title", ColumnMentionsPerson, "files shared in the person's DM or naming them are deleted"},
	{"sandbox_files", "channels", ColumnPersonal, "the conversations it was shared in: a file in the person's DM is deleted"},
	{"sandbox_files", "message_ts", ColumnPersonal, "goes with the row"},
	{"sandbox_files", "data", ColumnMentionsPerson, "files shared in the person's DM or naming them are deleted"},
	{"sandbox_files", "created_at", ColumnNotPersonal, "when the file was saved"},

	{"case_reveals", "id", ColumnNotPersonal, "a case stage shared with the group"},
	{"case_reveals", "cohort_id", ColumnNotPersonal, "a case stage shared with the group"},
	{"case_reveals", "case_id", ColumnNotPersonal, "a case stage shared with the group"},
	{"case_reveals", "variant", ColumnNotPersonal, "a case stage shared with the group"},
	{"case_reveals", "stage_id", ColumnNotPersonal, "a case stage shared with the group"},
	{"case_reveals", "position", ColumnNotPersonal, "a case stage shared with the group"},
	{"case_reveals", "module", ColumnNotPersonal, "a case stage shared with the group"},
	{"case_reveals", "revealed_by", ColumnPersonID, "the group keeps the stage: the trainer is replaced by ErasedActor"},
	{"case_reveals", "revealed_at", ColumnNotPersonal, "a case stage shared with the group"},
	{"case_reveals", "channel_id", ColumnNotPersonal, "the group's channel"},
	{"case_reveals", "ts", ColumnNotPersonal, "the stage's message in the group's channel"},

	{"case_cards", "id", ColumnPersonal, "goes with the row"},
	{"case_cards", "cohort_id", ColumnPersonal, "goes with the row"},
	{"case_cards", "case_id", ColumnPersonal, "goes with the row"},
	{"case_cards", "variant", ColumnPersonal, "goes with the row"},
	{"case_cards", "stage_id", ColumnPersonal, "goes with the row"},
	{"case_cards", "role", ColumnPersonal, "goes with the row"},
	{"case_cards", "user_id", ColumnPersonID, "the card they received is deleted; its Slack message goes too (ErasureResult.Messages)"},
	{"case_cards", "sent_by", ColumnPersonID, "the receiver keeps the card: the trainer who sent it is replaced by ErasedActor"},
	{"case_cards", "sent_at", ColumnPersonal, "goes with the row"},
	{"case_cards", "channel_id", ColumnPersonal, "the receiver's DM: goes with the row"},
	{"case_cards", "ts", ColumnPersonal, "goes with the row"},

	{"meter_measurements", "id", ColumnPersonal, "goes with the row"},
	{"meter_measurements", "cohort_id", ColumnPersonal, "goes with the row"},
	{"meter_measurements", "user_id", ColumnPersonID, "deleted, with its answers"},
	{"meter_measurements", "kind", ColumnPersonal, "goes with the row"},
	{"meter_measurements", "started_at", ColumnPersonal, "goes with the row"},
	{"meter_measurements", "finished_at", ColumnPersonal, "goes with the row"},
	{"meter_measurements", "locked", ColumnPersonal, "goes with the row"},
	{"meter_measurements", "round", ColumnPersonal, "goes with the row"},
	{"meter_measurements", "shared_at", ColumnPersonal, "goes with the row"},
	{"meter_measurements", "updated_at", ColumnPersonal, "goes with the row"},
	{"meter_measurements", "version", ColumnPersonal, "goes with the row"},
	{"meter_measurements", "answers_digest", ColumnPersonal, "goes with the row"},
	{"meter_answers", "measurement_id", ColumnPersonal, "deleted with its measurement (ON DELETE CASCADE)"},
	{"meter_answers", "statement_id", ColumnPersonal, "deleted with its measurement"},
	{"meter_answers", "score", ColumnPersonal, "deleted with its measurement"},
	{"meter_answers", "answered_at", ColumnPersonal, "deleted with its measurement"},
	{"meter_plans", "cohort_id", ColumnPersonal, "goes with the row"},
	{"meter_plans", "user_id", ColumnPersonID, "deleted"},
	{"meter_plans", "ontwikkelpunten", ColumnPersonal, "goes with the row"},
	{"meter_plans", "aanpak", ColumnPersonal, "goes with the row"},
	{"meter_plans", "created_at", ColumnPersonal, "goes with the row"},
	{"meter_plans", "updated_at", ColumnPersonal, "goes with the row"},

	// What trainers were shown of the competentiemeter (store/meter_figures.go): group figures of at least three,
	// and the numbers of the measurements they were computed from or shown as shared. No user ID; once a person is
	// erased their measurement is gone and its number points to nothing, but it must stay to remember what trainers
	// know, so that no later figure gives someone's answers away.
	{"meter_snapshots", "id", ColumnNotPersonal, "group figures trainers were shown"},
	{"meter_snapshots", "cohort_id", ColumnNotPersonal, "group figures trainers were shown"},
	{"meter_snapshots", "kind", ColumnNotPersonal, "group figures trainers were shown"},
	{"meter_snapshots", "taken_at", ColumnNotPersonal, "group figures trainers were shown"},
	{"meter_snapshots", "members", ColumnNotPersonal, "how many measurements, at least three"},
	{"meter_snapshots", "sums", ColumnNotPersonal, "the sums of at least three people's scores"},
	{"meter_snapshot_members", "snapshot_id", ColumnNotPersonal, "group figures trainers were shown"},
	{"meter_snapshot_members", "measurement_id", ColumnKept, "a measurement's number, kept after its erasure; it names no one"},
	{"meter_snapshot_members", "version", ColumnKept, "goes with measurement_id"},
	{"meter_disclosures", "cohort_id", ColumnKept, "goes with measurement_id"},
	{"meter_disclosures", "kind", ColumnKept, "goes with measurement_id"},
	{"meter_disclosures", "measurement_id", ColumnKept, "a shared measurement's number, kept after its erasure; it names no one"},
	{"meter_disclosures", "version", ColumnKept, "goes with measurement_id"},
	{"meter_disclosures", "disclosed_at", ColumnKept, "goes with measurement_id"},

	// The participants' own work (issue 17): written homework, feedback on the role plays, the closing evaluation
	// and the follow-up's answer. Each row is one person's (feedback is the giver's and the receiver's: both).
	{"written_work", "cohort_id", ColumnPersonal, "goes with the row"},
	{"written_work", "user_id", ColumnPersonID, "deleted"},
	{"written_work", "task_id", ColumnPersonal, "goes with the row"},
	{"written_work", "module", ColumnPersonal, "goes with the row"},
	{"written_work", "sections", ColumnPersonal, "their text: goes with the row"},
	{"written_work", "handed_in_at", ColumnPersonal, "goes with the row"},
	{"written_work", "created_at", ColumnPersonal, "goes with the row"},
	{"written_work", "updated_at", ColumnPersonal, "goes with the row"},
	{"feedback", "id", ColumnPersonal, "goes with the row"},
	{"feedback", "cohort_id", ColumnPersonal, "goes with the row"},
	{"feedback", "module", ColumnPersonal, "goes with the row"},
	{"feedback", "giver", ColumnPersonID, "feedback the person gave is deleted: their words"},
	{"feedback", "receiver", ColumnPersonID, "feedback the person received is deleted: it is about them"},
	{"feedback", "points", ColumnPersonal, "scores and comments: goes with the row"},
	{"feedback", "shared_at", ColumnPersonal, "goes with the row"},
	{"feedback", "created_at", ColumnPersonal, "goes with the row"},
	{"feedback", "updated_at", ColumnPersonal, "goes with the row"},
	// Where the bot posted copies of someone's work in other people's conversations (0019): erasure reads the
	// person's rows, deletes them, and deletes the copies in Slack.
	{"posted_copies", "id", ColumnPersonal, "goes with the row"},
	{"posted_copies", "cohort_id", ColumnPersonal, "goes with the row"},
	{"posted_copies", "about_user", ColumnPersonID, "deleted; the copies in Slack are deleted (the board redrawn without them)"},
	{"posted_copies", "kind", ColumnPersonal, "goes with the row"},
	{"posted_copies", "channel_id", ColumnPersonal, "goes with the row; rows in the erased person's own DM go too"},
	{"posted_copies", "ts", ColumnPersonal, "goes with the row"},
	{"posted_copies", "file_id", ColumnPersonal, "goes with the row"},
	{"posted_copies", "post_ts", ColumnPersonal, "goes with the row"},
	{"posted_copies", "part", ColumnPersonal, "goes with the row"},
	{"posted_copies", "created_at", ColumnPersonal, "goes with the row"},
	{"evaluations", "cohort_id", ColumnPersonal, "goes with the row"},
	{"evaluations", "user_id", ColumnPersonID, "deleted"},
	{"evaluations", "notes", ColumnPersonal, "their notes: goes with the row"},
	{"evaluations", "on_board", ColumnPersonal, "goes with the row"},
	{"evaluations", "created_at", ColumnPersonal, "goes with the row"},
	{"evaluations", "updated_at", ColumnPersonal, "goes with the row"},
	{"followup_answers", "id", ColumnPersonal, "goes with the row"},
	{"followup_answers", "cohort_id", ColumnPersonal, "goes with the row"},
	{"followup_answers", "user_id", ColumnPersonID, "deleted"},
	{"followup_answers", "answer", ColumnPersonal, "goes with the row"},
	{"followup_answers", "note", ColumnPersonal, "goes with the row"},
	{"followup_answers", "version", ColumnPersonal, "goes with the row"},
	{"followup_answers", "answered_at", ColumnPersonal, "goes with the row"},
	{"followup_answers", "updated_at", ColumnPersonal, "goes with the row"},
	// What trainers were shown of the follow-up (store/followup.go): counts of at least three answers that are not
	// all the same, and the numbers of the answers they were computed from. No user ID; an erased person's answer
	// number points to nothing, but stays to remember what trainers know.
	{"followup_snapshots", "id", ColumnNotPersonal, "counts trainers were shown"},
	{"followup_snapshots", "cohort_id", ColumnNotPersonal, "counts trainers were shown"},
	{"followup_snapshots", "taken_at", ColumnNotPersonal, "counts trainers were shown"},
	{"followup_snapshots", "members", ColumnNotPersonal, "how many answers, at least three"},
	{"followup_snapshots", "counts", ColumnNotPersonal, "counts of at least three answers, never all the same"},
	{"followup_snapshot_members", "snapshot_id", ColumnNotPersonal, "counts trainers were shown"},
	{"followup_snapshot_members", "answer_id", ColumnKept, "an answer's number, kept after its erasure; it names no one"},
	{"followup_snapshot_members", "version", ColumnKept, "goes with answer_id"},
	// A cohort's retention period (retention.go): its date, and the counts kept after its data was deleted.
	{"cohort_retention", "cohort_id", ColumnNotPersonal, "a training group"},
	{"cohort_retention", "delete_after", ColumnNotPersonal, "when the group's personal data is deleted"},
	{"cohort_retention", "erased_at", ColumnNotPersonal, "when it was deleted"},
	{"cohort_retention", "participants", ColumnNotPersonal, "how many participants the group had"},
	{"cohort_retention", "trainers", ColumnNotPersonal, "how many trainers the group had"},
	{"cohort_retention", "deliveries", ColumnNotPersonal, "the group's messages counted by kind and state"},

	{"world", "id", ColumnNotPersonal, "whether this database is the sandbox's or real Slack's"},
	{"world", "kind", ColumnNotPersonal, "whether this database is the sandbox's or real Slack's"},
	{"world", "claimed_at", ColumnNotPersonal, "whether this database is the sandbox's or real Slack's"},
	{"world_slack_teams", "team_id", ColumnNotPersonal, "a Slack workspace"},
	{"world_slack_teams", "team_name", ColumnNotPersonal, "a Slack workspace"},
	{"world_slack_teams", "first_auth_at", ColumnNotPersonal, "a Slack workspace"},
	{"world_slack_teams", "last_auth_at", ColumnNotPersonal, "a Slack workspace"},

	// The app's installs in Slack workspaces (workspace.go): the workspace, its bot (sealed token, never exported
	// or logged) and who approved the install. The OAuth installs under way hold two random hashes and a time.
	{"workspaces", "team_id", ColumnNotPersonal, "a Slack workspace"},
	{"workspaces", "team_name", ColumnNotPersonal, "a Slack workspace"},
	{"workspaces", "bot_user_id", ColumnNotPersonal, "the app's bot user in the workspace"},
	{"workspaces", "app_id", ColumnNotPersonal, "the app"},
	{"workspaces", "sealed_token", ColumnNotPersonal, "the workspace's bot token, sealed; deleted when the app is uninstalled"},
	{"workspaces", "key_id", ColumnNotPersonal, "which key sealed the token"},
	{"workspaces", "scopes", ColumnNotPersonal, "what the workspace granted the app"},
	{"workspaces", "installed_by", ColumnPersonID, "the workspace keeps its install: the installer is replaced by ErasedActor"},
	{"workspaces", "installed_at", ColumnNotPersonal, "a Slack workspace's install"},
	{"workspaces", "updated_at", ColumnNotPersonal, "a Slack workspace's install"},
	{"workspaces", "uninstalled_at", ColumnNotPersonal, "a Slack workspace's install"},
	{"oauth_states", "state_hash", ColumnNotPersonal, "the SHA-256 of a random install state; pruned a day after it expired"},
	{"oauth_states", "browser_hash", ColumnNotPersonal, "the SHA-256 of a random browser cookie; pruned a day after it expired"},
	{"oauth_states", "created_at", ColumnNotPersonal, "an install under way"},
	{"oauth_states", "expires_at", ColumnNotPersonal, "an install under way"},
	{"oauth_states", "used_at", ColumnNotPersonal, "an install under way"},

	{"owners", "name", ColumnNotPersonal, "a running dispatcher: host, pid and a random part"},
	{"owners", "backend_pid", ColumnNotPersonal, "a running dispatcher's database session"},
	{"owners", "backend_start", ColumnNotPersonal, "a running dispatcher's database session"},
	{"owners", "registered_at", ColumnNotPersonal, "a running dispatcher"},
	{"owners", "seen_at", ColumnNotPersonal, "a running dispatcher's heartbeat"},

	{"pace_buckets", "key", ColumnMentionsPerson, "a DM's bucket ends in the user ID or DM the bot posted to: deleted; all rows go a minute after their last call"},
	{"pace_buckets", "tat", ColumnNotPersonal, "when a bucket's next call may go"},
	{"pace_buckets", "not_before", ColumnNotPersonal, "a 429's Retry-After"},
	{"pace_buckets", "free", ColumnNotPersonal, "slots given back"},
	{"pace_buckets", "sent", ColumnNotPersonal, "times of calls within a minute"},
	{"pace_buckets", "idle_at", ColumnNotPersonal, "when the bucket is empty again"},
	{"erased_users", "user_hash", ColumnKept, "the SHA-256 of an erased ID, so that the bot does not message them again"},
	{"erased_users", "erased_on", ColumnKept, "the day of the erasure"},

	// A running erasure: deleted once the person has been told it is done.
	{"erasure_requests", "user_id", ColumnPersonID, "the erasure itself; deleted when it is done (FinishErasure)"},
	{"erasure_requests", "requested_at", ColumnPersonal, "goes with the row"},
	{"erasure_requests", "stage", ColumnPersonal, "goes with the row"},
	{"erasure_requests", "dm_channel", ColumnPersonal, "goes with the row"},
	{"erasure_requests", "message_ts", ColumnPersonal, "goes with the row"},
	{"erasure_requests", "erased", ColumnPersonal, "goes with the row"},
	{"erasure_requests", "response_url", ColumnPersonal, "goes with the row"},
	{"erasure_requests", "attempts", ColumnPersonal, "goes with the row"},
	{"erasure_requests", "copies", ColumnPersonal, "goes with the row"},
	{"erasure_requests", "team_id", ColumnPersonal, "goes with the row"},
	{"erasure_requests", "lease_owner", ColumnPersonal, "goes with the row"},
	{"erasure_requests", "lease_until", ColumnPersonal, "goes with the row"},
}
