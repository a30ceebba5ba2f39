package content

// Phrases are the fixed Dutch texts the bot says. Placeholders in braces ({module}, {tijd}, ...) are filled with
// Fill; phraseSpecs says which placeholders each phrase may use.
type Phrases struct {
	WorkPhrases `yaml:",inline"` // the participants' own work: homework, feedback, evaluation, follow-up (phrase_work.go)

	// Button labels (≤ MaxButtonLabel characters).
	ButtonGelezen         string `yaml:"button_gelezen"`          // mark a reading read
	ButtonKlaar           string `yaml:"button_klaar"`            // mark homework or a task done
	ButtonStartVoormeting string `yaml:"button_start_voormeting"` // open the competentiemeter before the course
	ButtonStartEindmeting string `yaml:"button_start_eindmeting"` // open it after the course
	ButtonVorige          string `yaml:"button_vorige"`           // previous question
	ButtonVolgende        string `yaml:"button_volgende"`         // next question
	ButtonDeelMetTrainer  string `yaml:"button_deel_met_trainer"` // share own scores with the trainers
	ButtonBewaar          string `yaml:"button_bewaar"`           // save a modal
	ButtonAnnuleer        string `yaml:"button_annuleer"`         // close a modal without saving
	ButtonOpenen          string `yaml:"button_openen"`           // open a reading link

	// Messages.
	Welcome              string `yaml:"welcome"`               // {naam} {cohort} {datum} {tijd} {plaats}
	PreparationIntro     string `yaml:"preparation_intro"`     // {module} {titel} {datum}
	PreparationChecklist string `yaml:"preparation_checklist"` // {module} {titel} {datum}
	ReminderDay          string `yaml:"reminder_day"`          // {module} {titel} {datum} {tijd} {plaats} {meenemen}
	ReminderHour         string `yaml:"reminder_hour"`         // {module} {titel} {tijd} {plaats}
	HomeworkIntro        string `yaml:"homework_intro"`        // {module} {titel} {datum}
	HomeworkReminder     string `yaml:"homework_reminder"`     // {module} {titel} {datum}
	MeterReminder        string `yaml:"meter_reminder"`        // {meting} {datum}
	VoormetingIntro      string `yaml:"voormeting_intro"`      // {doel}: opens the voormeting
	EindmetingIntro      string `yaml:"eindmeting_intro"`      // {doel}: opens the eindmeting and its invitation
	MeterQuestion        string `yaml:"meter_question"`        // {nummer} {totaal} {gebied}
	MeterDone            string `yaml:"meter_done"`            // {meting}
	MeterShared          string `yaml:"meter_shared"`          // after "Delen met trainer"
	GrowthReport         string `yaml:"growth_report"`         // heading of the growth report
	CaseReveal           string `yaml:"case_reveal"`           // {casus} {module}
	RoleCard             string `yaml:"role_card"`             // {casus} {rol}
	ReadingDone          string `yaml:"reading_done"`          // {titel}
	HomeworkDone         string `yaml:"homework_done"`         // {module}
	NothingToReveal      string `yaml:"nothing_to_reveal"`     // {casus}
	ErrorGeneric         string `yaml:"error_generic"`         // "Er ging iets mis…"
	TryAgain             string `yaml:"try_again"`             // "probeer het zo opnieuw"
	NotTrainer           string `yaml:"not_trainer"`           // refusal of a trainer command
	UnknownCommand       string `yaml:"unknown_command"`       // {commando}
	UnknownAction        string `yaml:"unknown_action"`        // a click on a button the bot no longer knows
	UnknownView          string `yaml:"unknown_view"`          // a submitted form the bot no longer knows
	HelpParticipant      string `yaml:"help_participant"`      // /gesprekbot help for participants
	HelpTrainer          string `yaml:"help_trainer"`          // /gesprekbot help for trainers
	DataExported         string `yaml:"data_exported"`         // after a participant exports own data
	DataErased           string `yaml:"data_erased"`           // after a participant erases own data
	ModuleMoved          string `yaml:"module_moved"`          // {module} {titel} {datum} {tijd} {plaats}

	// Casuïstiek (/casus).
	CasusHelpParticipant string `yaml:"casus_help_participant"`
	CasusHelpTrainer     string `yaml:"casus_help_trainer"`
	CasusRepeat          string `yaml:"casus_repeat"`   // {casus}
	CasusRevealed        string `yaml:"casus_revealed"` // {casus} {titel} {module}
	CasusRoleNote        string `yaml:"casus_role_note"`
	CasusRoleSent        string `yaml:"casus_role_sent"`    // {rol} {casus} {naam}
	CasusRoleUnknown     string `yaml:"casus_role_unknown"` // {rol} {rollen}
	CasusRoleUsage       string `yaml:"casus_role_usage"`   // {rollen}
	CasusActorIntro      string `yaml:"casus_actor_intro"`  // {casus}
	CasusUnknownCase     string `yaml:"casus_unknown_case"` // {casus} {casussen}
	CasusNoneRevealed    string `yaml:"casus_none_revealed"`
	CasusNoTraining      string `yaml:"casus_no_training"`
	CasusRevealedHeading string `yaml:"casus_revealed_heading"` // {cohort}
	CasusSentAsDM        string `yaml:"casus_sent_as_dm"`
	CasusStatusHeading   string `yaml:"casus_status_heading"`  // {cohort}
	CasusStatusRevealed  string `yaml:"casus_status_revealed"` // {titel} {module} {datum} {naam}
	CasusStatusNext      string `yaml:"casus_status_next"`     // {titel} {module}
	CasusStatusDone      string `yaml:"casus_status_done"`
	CasusStatusCard      string `yaml:"casus_status_card"` // {titel} {naam} {datum} {door}
	CasusBotName         string `yaml:"casus_bot_name"`
	CasusAutoRevealed    string `yaml:"casus_auto_revealed"` // {kanaal} {stappen}
	CasusReaderHint      string `yaml:"casus_reader_hint"`
	CasusActorSent       string `yaml:"casus_actor_sent"`  // {casus}
	CasusPostFailed      string `yaml:"casus_post_failed"` // {casus}
	// Mijn gegevens en vergeet-mij (/gesprekbot mijn-gegevens, vergeet-mij).
	PrivacyExportComing    string `yaml:"privacy_export_coming"`
	PrivacyExportWhere     string `yaml:"privacy_export_where"`
	PrivacyExportTitle     string `yaml:"privacy_export_title"`
	PrivacyExportExplained string `yaml:"privacy_export_explained"`
	PrivacyConfirmTitle    string `yaml:"privacy_confirm_title"`
	PrivacyConfirm         string `yaml:"privacy_confirm"`
	PrivacyConfirmHint     string `yaml:"privacy_confirm_hint"`
	PrivacyEraseButton     string `yaml:"privacy_erase_button"`
	PrivacyCancelButton    string `yaml:"privacy_cancel_button"`
	PrivacyErasedMore      string `yaml:"privacy_erased_more"`
	PrivacyCancelled       string `yaml:"privacy_cancelled"`
	PrivacyNotYours        string `yaml:"privacy_not_yours"`
	// Wissen na het bevestigen (vergeet-mij).
	PrivacyErasing        string `yaml:"privacy_erasing"`
	PrivacyEraseBusy      string `yaml:"privacy_erase_busy"`
	PrivacyEraseDone      string `yaml:"privacy_erase_done"`
	PrivacyErasedList     string `yaml:"privacy_erased_list"`
	PrivacyErasedGroups   string `yaml:"privacy_erased_groups"`
	PrivacyErasedProgress string `yaml:"privacy_erased_progress"`
	PrivacyErasedMeter    string `yaml:"privacy_erased_meter"`
	PrivacyErasedPlan     string `yaml:"privacy_erased_plan"`
	PrivacyErasedCards    string `yaml:"privacy_erased_cards"`
	PrivacyErasedPlanned  string `yaml:"privacy_erased_planned"`
	PrivacyErasedLog      string `yaml:"privacy_erased_log"`
	PrivacyErasedTrainer  string `yaml:"privacy_erased_trainer"`
	PrivacyErasedMessages string `yaml:"privacy_erased_messages"` // {aantal}
	PrivacyErasedNothing  string `yaml:"privacy_erased_nothing"`
	CasusErasedActor      string `yaml:"casus_erased_actor"` // who revealed a stage or sent a card, once erased
	// Trainingen beheren (/training).
	TrainingHelp            string `yaml:"training_help"`
	TrainingUnknown         string `yaml:"training_unknown"` // {commando}
	TrainingNoCohort        string `yaml:"training_no_cohort"`
	TrainingNotTrainer      string `yaml:"training_not_trainer"` // {cohort}
	TrainingNotChannel      string `yaml:"training_not_channel"`
	TrainingExists          string `yaml:"training_exists"` // {cohort}
	TrainingNewTitle        string `yaml:"training_new_title"`
	TrainingNewIntro        string `yaml:"training_new_intro"` // {kanaal}
	TrainingNewName         string `yaml:"training_new_name"`
	TrainingNewNameHint     string `yaml:"training_new_name_hint"`
	TrainingNewNamePH       string `yaml:"training_new_name_ph"`
	TrainingNewTimezone     string `yaml:"training_new_timezone"`
	TrainingNewTrainers     string `yaml:"training_new_trainers"`
	TrainingNewTrainersHint string `yaml:"training_new_trainers_hint"`
	TrainingNewCases        string `yaml:"training_new_cases"`
	TrainingNewCase         string `yaml:"training_new_case"`
	TrainingNewModule       string `yaml:"training_new_module"` // {module} {titel}
	TrainingNewDate         string `yaml:"training_new_date"`
	TrainingNewStart        string `yaml:"training_new_start"`
	TrainingNewEnd          string `yaml:"training_new_end"`
	TrainingNewLocation     string `yaml:"training_new_location"`
	TrainingNewLocationPH   string `yaml:"training_new_location_ph"`
	TrainingNewSettings     string `yaml:"training_new_settings"`
	TrainingNewQuiet        string `yaml:"training_new_quiet"`
	TrainingNewHolidays     string `yaml:"training_new_holidays"`
	TrainingNewAutoReveal   string `yaml:"training_new_auto_reveal"`
	TrainingNewSettingsHint string `yaml:"training_new_settings_hint"`
	TrainingErrName         string `yaml:"training_err_name"`
	TrainingErrNameLong     string `yaml:"training_err_name_long"` // {max}
	TrainingErrNameTaken    string `yaml:"training_err_name_taken"`
	TrainingErrChannelTaken string `yaml:"training_err_channel_taken"`
	TrainingErrTimezone     string `yaml:"training_err_timezone"`
	TrainingErrTrainers     string `yaml:"training_err_trainers"`
	TrainingErrCase         string `yaml:"training_err_case"`
	TrainingErrDate         string `yaml:"training_err_date"`
	TrainingErrStart        string `yaml:"training_err_start"`
	TrainingErrEnd          string `yaml:"training_err_end"`
	TrainingErrEndBefore    string `yaml:"training_err_end_before"`
	TrainingErrPast         string `yaml:"training_err_past"`
	TrainingErrOrder        string `yaml:"training_err_order"`   // {module} {vorige}
	TrainingErrOverlap      string `yaml:"training_err_overlap"` // {module} {vorige} {tijd}
	TrainingErrLocation     string `yaml:"training_err_location"`
	TrainingErrLocationLong string `yaml:"training_err_location_long"` // {max}
	TrainingErrSettings     string `yaml:"training_err_settings"`
	TrainingErrOther        string `yaml:"training_err_other"`
	TrainingErrNoTime       string `yaml:"training_err_no_time"`
	TrainingCreatedTitle    string `yaml:"training_created_title"`
	TrainingCreatedClose    string `yaml:"training_created_close"`
	TrainingCreated         string `yaml:"training_created"`       // {cohort} {kanaal} {aantal}
	TrainingCreatedFirst    string `yaml:"training_created_first"` // {datum} {wie} {titel}
	TrainingCreatedNext     string `yaml:"training_created_next"`
	TrainingPlanHead        string `yaml:"training_plan_head"`   // {cohort} {tijdzone}
	TrainingPlanModule      string `yaml:"training_plan_module"` // {module} {titel} {datum} {van} {tot} {plaats}
	TrainingPlanOther       string `yaml:"training_plan_other"`
	TrainingPlanEmpty       string `yaml:"training_plan_empty"`
	TrainingPlanCanceled    string `yaml:"training_plan_canceled"` // {aantal}
	TrainingMoveUsage       string `yaml:"training_move_usage"`
	TrainingMoveBadModule   string `yaml:"training_move_bad_module"` // {module}
	TrainingMoveBadDate     string `yaml:"training_move_bad_date"`   // {datum}
	TrainingMoveBadTime     string `yaml:"training_move_bad_time"`   // {tijd}
	TrainingMoveStarted     string `yaml:"training_move_started"`    // {module}
	TrainingMoveSame        string `yaml:"training_move_same"`       // {module} {datum} {tijd}
	TrainingMoveInvalid     string `yaml:"training_move_invalid"`    // {module} {datum} {tijd} {reden}
	TrainingMovePast        string `yaml:"training_move_past"`
	TrainingMoveBefore      string `yaml:"training_move_before"`  // {ander}
	TrainingMoveAfter       string `yaml:"training_move_after"`   // {ander}
	TrainingMoveOverlap     string `yaml:"training_move_overlap"` // {ander}
	TrainingMoveNoDay       string `yaml:"training_move_no_day"`
	TrainingMoved           string `yaml:"training_moved"`         // {module} {titel} {van} {naar}
	TrainingMovedChanged    string `yaml:"training_moved_changed"` // {aantal}
	TrainingMovedChanged1   string `yaml:"training_moved_changed1"`
	TrainingMovedUnchanged  string `yaml:"training_moved_unchanged"`
	TrainingMovedAdded      string `yaml:"training_moved_added"` // {aantal}
	TrainingMovedAdded1     string `yaml:"training_moved_added1"`
	TrainingMovedCancelled  string `yaml:"training_moved_cancelled"` // {aantal}
	TrainingMovedCancelled1 string `yaml:"training_moved_cancelled1"`
	TrainingMovedKept       string `yaml:"training_moved_kept"` // {aantal}
	TrainingMovedKept1      string `yaml:"training_moved_kept1"`
	TrainingMovedTold       string `yaml:"training_moved_told"`
	TrainingMoveInvalidAny  string `yaml:"training_move_invalid_any"`
	TrainingStatusHead      string `yaml:"training_status_head"`   // {cohort}
	TrainingStatusCounts    string `yaml:"training_status_counts"` // {verstuurd} {gepland} {bezig} {gemist} {mislukt} {vervallen}
	TrainingStatusNote      string `yaml:"training_status_note"`
	TrainingStatusFailed    string `yaml:"training_status_failed"`
	TrainingStatusMissed    string `yaml:"training_status_missed"`
	TrainingStatusMore      string `yaml:"training_status_more"` // {aantal}
	TrainingStatusAllOK     string `yaml:"training_status_all_ok"`
	// Competentiemeter (/competentiemeter).
	MeterNoCohort         string `yaml:"meter_no_cohort"`
	MeterTrainer          string `yaml:"meter_trainer"`
	MeterOldButton        string `yaml:"meter_old_button"`
	MeterUsage            string `yaml:"meter_usage"` // {commando}
	MeterSentToDM         string `yaml:"meter_sent_to_dm"`
	MeterEindmetingLater  string `yaml:"meter_eindmeting_later"`  // {datum}
	MeterAnswered         string `yaml:"meter_answered"`          // {aantal} {totaal}
	MeterQuestionFallback string `yaml:"meter_question_fallback"` // {nummer} {totaal} {stelling}
	MeterNoted            string `yaml:"meter_noted"`             // {nummer} {antwoord}
	MeterFinishButton     string `yaml:"meter_finish_button"`
	MeterReopenButton     string `yaml:"meter_reopen_button"`
	MeterPlanButton       string `yaml:"meter_plan_button"`
	MeterPlanEditButton   string `yaml:"meter_plan_edit_button"`
	MeterKrachten         string `yaml:"meter_krachten"`
	MeterUitdagingen      string `yaml:"meter_uitdagingen"`
	MeterTied             string `yaml:"meter_tied"`     // {score} {stellingen}: two or more
	MeterTiedOne          string `yaml:"meter_tied_one"` // {score} {stelling}: one
	MeterTieRule          string `yaml:"meter_tie_rule"`
	MeterPrivate          string `yaml:"meter_private"`
	MeterSharedOn         string `yaml:"meter_shared_on"`    // {datum}
	MeterReopenUntil      string `yaml:"meter_reopen_until"` // {datum}
	MeterReopened         string `yaml:"meter_reopened"`
	MeterAlreadyOpen      string `yaml:"meter_already_open"`
	MeterPlanTitle        string `yaml:"meter_plan_title"`
	MeterPlanPointsLabel  string `yaml:"meter_plan_points_label"`
	MeterPlanPointsHint   string `yaml:"meter_plan_points_hint"`
	MeterPlanHowLabel     string `yaml:"meter_plan_how_label"`
	MeterPlanHowHint      string `yaml:"meter_plan_how_hint"`
	MeterPlanEmpty        string `yaml:"meter_plan_empty"`
	MeterPlanSaved        string `yaml:"meter_plan_saved"`
	MeterPerArea          string `yaml:"meter_per_area"`
	MeterAreaLine         string `yaml:"meter_area_line"`      // {gebied} {voor} {na} {verschil}
	MeterStatementLine    string `yaml:"meter_statement_line"` // {voor} {na} {stelling}
	MeterBiggest          string `yaml:"meter_biggest"`
	MeterNoGrowth         string `yaml:"meter_no_growth"`
	MeterStillLow         string `yaml:"meter_still_low"`
	MeterNothingLow       string `yaml:"meter_nothing_low"`
	MeterChartNote        string `yaml:"meter_chart_note"`
	MeterChartTitle       string `yaml:"meter_chart_title"`
	MeterChartAxis        string `yaml:"meter_chart_axis"`
	MeterNoVoormeting     string `yaml:"meter_no_voormeting"`
	MeterOverviewNoCohort string `yaml:"meter_overview_no_cohort"`
	MeterOverviewHeading  string `yaml:"meter_overview_heading"` // {cohort}
	MeterOverviewKind     string `yaml:"meter_overview_kind"`    // {meting} {aantal} {totaal}
	MeterOverviewDone     string `yaml:"meter_overview_done"`    // {namen}
	MeterOverviewBusy     string `yaml:"meter_overview_busy"`    // {namen}
	MeterOverviewNotYet   string `yaml:"meter_overview_not_yet"` // {namen}
	MeterOverviewGroup    string `yaml:"meter_overview_group"`   // {meting} {aantal} {datum}
	MeterOverviewTooFew   string `yaml:"meter_overview_too_few"` // {aantal} {meting}
	MeterOverviewShared   string `yaml:"meter_overview_shared"`
	MeterOverviewNoShared string `yaml:"meter_overview_no_shared"`
	MeterOverviewPlans    string `yaml:"meter_overview_plans"` // {aantal} {totaal}
	MeterOverviewCSV      string `yaml:"meter_overview_csv"`
	MeterCSVTitle         string `yaml:"meter_csv_title"` // {cohort}
	MeterOverviewNobody   string `yaml:"meter_overview_nobody"`
	// Group figures that cannot be differenced, and consent that covers the answers as they were.
	MeterOverviewUnseen   string `yaml:"meter_overview_unseen"`   // {aantal} {meting} {minimum}
	MeterOverviewPending  string `yaml:"meter_overview_pending"`  // {datum} {minimum} {aantal}
	MeterOverviewBlocked  string `yaml:"meter_overview_blocked"`  // {datum}
	MeterOverviewWithheld string `yaml:"meter_overview_withheld"` // {deelnemer} {meting}
	MeterCSVGroupStatus   string `yaml:"meter_csv_group_status"`  // {aantal} {datum}
	MeterCSVWithheld      string `yaml:"meter_csv_withheld"`
	MeterShareWithdrawn   string `yaml:"meter_share_withdrawn"`
	MeterShareNotShown    string `yaml:"meter_share_not_shown"`
	// App Home.
	HomeWelcome               string `yaml:"home_welcome"`
	HomeNoCohort              string `yaml:"home_no_cohort"`
	HomeFooter                string `yaml:"home_footer"`
	HomeParticipantHeader     string `yaml:"home_participant_header"` // {cohort}
	HomeNext                  string `yaml:"home_next"`               // {module} {titel} {datum} {van} {tot} {plaats}
	HomeNow                   string `yaml:"home_now"`                // {module} {titel} {datum} {van} {tot} {plaats}
	HomeCourseOver            string `yaml:"home_course_over"`
	HomeReadings              string `yaml:"home_readings"` // {module}
	HomeHomework              string `yaml:"home_homework"`
	HomeHomeworkModule        string `yaml:"home_homework_module"` // {module} {titel}
	HomeHomeworkByPlan        string `yaml:"home_homework_by_plan"`
	HomeMeter                 string `yaml:"home_meter"`
	HomeMeterNotStarted       string `yaml:"home_meter_not_started"` // {meting}
	HomeMeterBusy             string `yaml:"home_meter_busy"`        // {meting} {aantal} {totaal}
	HomeMeterGoOn             string `yaml:"home_meter_go_on"`
	HomeMeterDone             string `yaml:"home_meter_done"` // {meting} {datum}
	HomeMeterShow             string `yaml:"home_meter_show"`
	HomeMeterPrivate          string `yaml:"home_meter_private"`
	HomeMeterShared           string `yaml:"home_meter_shared"` // {datum}
	HomeGrowth                string `yaml:"home_growth"`
	HomeGrowthArea            string `yaml:"home_growth_area"` // {gebied} {voor} {na} {verschil}
	HomePlanMissing           string `yaml:"home_plan_missing"`
	HomePlanWritten           string `yaml:"home_plan_written"`
	HomePlanWrite             string `yaml:"home_plan_write"`
	HomePlanEdit              string `yaml:"home_plan_edit"`
	HomeStagesTrimmed         string `yaml:"home_stages_trimmed"`
	HomeTrainerHeader         string `yaml:"home_trainer_header"`
	HomeTrainerCohort         string `yaml:"home_trainer_cohort"` // {cohort} {kanaal}
	HomeTrainerNext           string `yaml:"home_trainer_next"`   // {module} {datum} {plaats}
	HomeTrainerNow            string `yaml:"home_trainer_now"`    // {module} {datum} {plaats}
	HomeTrainerOver           string `yaml:"home_trainer_over"`
	HomeTrainerPeople         string `yaml:"home_trainer_people"`     // {aantal}
	HomeTrainerVoormeting     string `yaml:"home_trainer_voormeting"` // {aantal} {totaal}
	HomeTrainerEindmeting     string `yaml:"home_trainer_eindmeting"` // {aantal} {totaal}
	HomeTrainerHomework       string `yaml:"home_trainer_homework"`
	HomeTrainerHomeworkModule string `yaml:"home_trainer_homework_module"` // {module} {aantal} {totaal}
	HomeTrainerFailed         string `yaml:"home_trainer_failed"`          // {aantal}
	HomeTrainerMore           string `yaml:"home_trainer_more"`
	HomeTrainerTrimmed        string `yaml:"home_trainer_trimmed"`
	// Cursusberichten, voortgang en bijpraten.
	CourseSessionsHeading      string `yaml:"course_sessions_heading"`
	CourseSession              string `yaml:"course_session"` // {module} {titel} {datum} {van} {tot} {plaats}
	CourseReadingHeading       string `yaml:"course_reading_heading"`
	CourseTasksHeading         string `yaml:"course_tasks_heading"`
	CourseLink                 string `yaml:"course_link"`              // {link} {label}
	CourseMeenemenPrepared     string `yaml:"course_meenemen_prepared"` // {taken}
	CourseMeenemenDefault      string `yaml:"course_meenemen_default"`
	CourseMeterReminderEind    string `yaml:"course_meter_reminder_eind"` // follows MeterReminder for the eindmeting
	ProgressReadDone           string `yaml:"progress_read_done"`         // {deelnemer} {datum}
	ProgressHomeworkDoneBy     string `yaml:"progress_homework_done_by"`  // {deelnemer} {datum}
	ProgressHomeworkDoneByPlan string `yaml:"progress_homework_done_by_plan"`
	ProgressAlreadyRead        string `yaml:"progress_already_read"`     // {titel} {datum}
	ProgressAlreadyHomework    string `yaml:"progress_already_homework"` // {module} {datum}
	ProgressTrainer            string `yaml:"progress_trainer"`
	ProgressNoCohort           string `yaml:"progress_no_cohort"`
	ProgressNoReading          string `yaml:"progress_no_reading"`
	ProgressNoHomework         string `yaml:"progress_no_homework"`
	CatchUpTitle               string `yaml:"catchup_title"`
	CatchUpIntro               string `yaml:"catchup_intro"` // {deelnemer} {cohort}
	CatchUpNow                 string `yaml:"catchup_now"`   // {module} {titel} {datum}
	CatchUpVoor                string `yaml:"catchup_voor"`
	CatchUpCases               string `yaml:"catchup_cases"`
	CatchUpMore                string `yaml:"catchup_more"`
	CatchUpNothing             string `yaml:"catchup_nothing"`
	// Toegang: wie een training mag opzetten, en wie er (niet meer) bij hoort.
	TrainingNewNotAllowed      string `yaml:"training_new_not_allowed"`
	TrainingNewNotAllowedNamed string `yaml:"training_new_not_allowed_named"` // {namen}
	GateStranger               string `yaml:"gate_stranger"`
	GateLeft                   string `yaml:"gate_left"`            // {cohort}
	TrainingStatusLeft         string `yaml:"training_status_left"` // {namen}
	MeterOverviewLeft          string `yaml:"meter_overview_left"`  // {namen}
	MeterOverviewLeftMark      string `yaml:"meter_overview_left_mark"`
	HomeTrainerLeft            string `yaml:"home_trainer_left"` // {aantal}
	CasusRoleLeft              string `yaml:"casus_role_left"`   // {naam}
	// Inleiding en trainersmateriaal van een module (the "module info" modal).
	ModuleInfoButton         string `yaml:"module_info_button"`         // opens the modal from the preparation and the App Home
	ModuleInfoTrainerButton  string `yaml:"module_info_trainer_button"` // the same, on a trainer's App Home
	ModuleInfoTitle          string `yaml:"module_info_title"`          // {module}; the modal's title, at most 24 characters
	ModuleInfoHeading        string `yaml:"module_info_heading"`        // {module} {titel}
	ModuleInfoInleiding      string `yaml:"module_info_inleiding"`
	ModuleInfoLeeruitkomsten string `yaml:"module_info_leeruitkomsten"`
	ModuleInfoProgramma      string `yaml:"module_info_programma"`
	ModuleInfoMeerLezen      string `yaml:"module_info_meer_lezen"`
	ModuleInfoTrainer        string `yaml:"module_info_trainer"`
	ModuleInfoToelichting    string `yaml:"module_info_toelichting"`
	ModuleInfoMateriaal      string `yaml:"module_info_materiaal"`
	ModuleInfoLiteratuur     string `yaml:"module_info_literatuur"`
	ModuleInfoCasussen       string `yaml:"module_info_casussen"`
	ModuleInfoClose          string `yaml:"module_info_close"`
	ModuleInfoUnknown        string `yaml:"module_info_unknown"`
	// CasusStatusTrainerNote introduces the manual's note to the trainer about the next stage (/casus status).
	CasusStatusTrainerNote string `yaml:"casus_status_trainer_note"`
	// What the store reports, in words (handlers/errors.go chooses among them).
	ErrorNotFound         string `yaml:"error_not_found"` // something the user asked for is not there
	ErrorExists           string `yaml:"error_exists"`    // something the user made exists already
	CohortNotFound        string `yaml:"cohort_not_found"`
	CohortNotNamed        string `yaml:"cohort_not_named"` // {cohort}
	CohortNotInChannel    string `yaml:"cohort_not_in_channel"`
	ChannelTaken          string `yaml:"channel_taken"` // {kanaal}
	NotEnrolled           string `yaml:"not_enrolled"`
	CasusStageNotRevealed string `yaml:"casus_stage_not_revealed"`
	CasusChangeLocked     string `yaml:"casus_change_locked"` // {cohort} {datum} {casus} {stap}
	PrivacyUnknownUser    string `yaml:"privacy_unknown_user"`
	PrivacyTrainerRunning string `yaml:"privacy_trainer_running"` // {cohort}
	MeterLocked           string `yaml:"meter_locked"`
	MeterStale            string `yaml:"meter_stale"`
	MeterNotYours         string `yaml:"meter_not_yours"`
	MeterNotFound         string `yaml:"meter_not_found"`
	MeterGone             string `yaml:"meter_gone"` // a button of a measurement that is gone
	MeterNotStarted       string `yaml:"meter_not_started"`
	MeterUnknownAnswer    string `yaml:"meter_unknown_answer"`
	MeterIncomplete       string `yaml:"meter_incomplete"`
	MeterReopenTooLate    string `yaml:"meter_reopen_too_late"`
	MeterNotFinished      string `yaml:"meter_not_finished"`
	MeterNoPlan           string `yaml:"meter_no_plan"`
	// Bewaartermijn: de trainers horen een maand vooraf wanneer de gegevens van de groep worden gewist.
	RetentionWarningTitle   string `yaml:"retention_warning_title"`
	RetentionWarning        string `yaml:"retention_warning"`         // {cohort} {laatste} {datum}
	TrainingStatusRetention string `yaml:"training_status_retention"` // {datum}
	TrainingStatusRetained  string `yaml:"training_status_retained"`  // {datum}
	// The trainer hears about it first: the DM about messages of the group that did not arrive, and the reason
	// and what to do for each (also in /training status).
	TrainerNoticeHead          string `yaml:"trainer_notice_head"`    // {cohort}
	TrainerNoticeItem          string `yaml:"trainer_notice_item"`    // {titel} {datum} {wie} {waarom}
	TrainerNoticeChannel       string `yaml:"trainer_notice_channel"` // {kanaal}
	TrainerNoticeEveryone      string `yaml:"trainer_notice_everyone"`
	TrainerNoticeFoot          string `yaml:"trainer_notice_foot"`
	UndeliveredNotInChannel    string `yaml:"undelivered_not_in_channel"`    // {kanaal}
	UndeliveredChannelNotFound string `yaml:"undelivered_channel_not_found"` // {kanaal}
	UndeliveredArchived        string `yaml:"undelivered_archived"`          // {kanaal}
	UndeliveredUserGone        string `yaml:"undelivered_user_gone"`
	UndeliveredNoDM            string `yaml:"undelivered_no_dm"`
	UndeliveredRestricted      string `yaml:"undelivered_restricted"`
	UndeliveredOurFault        string `yaml:"undelivered_our_fault"` // {code}
	UndeliveredWorkspace       string `yaml:"undelivered_workspace"`
	UndeliveredGaveUp          string `yaml:"undelivered_gave_up"`
	UndeliveredMissed          string `yaml:"undelivered_missed"`
	UndeliveredMissedCalendar  string `yaml:"undelivered_missed_calendar"`
	UndeliveredUnknown         string `yaml:"undelivered_unknown"` // {code}
	// Labels the bot puts in its own messages and modals: the notice modal, a delivery's status and audience in
	// /training plan and status, the time zones and LVB cases /training nieuw offers, the export's stand-in for others.
	NoticeTitle                  string `yaml:"notice_title"` // the title of a modal that only shows a notice (≤ 24 characters)
	NoticeClose                  string `yaml:"notice_close"` // its close button
	DeliveryStatusPending        string `yaml:"delivery_status_pending"`
	DeliveryStatusSending        string `yaml:"delivery_status_sending"`
	DeliveryStatusSent           string `yaml:"delivery_status_sent"`
	DeliveryStatusMissed         string `yaml:"delivery_status_missed"`
	DeliveryStatusFailed         string `yaml:"delivery_status_failed"`
	DeliveryStatusCancelled      string `yaml:"delivery_status_cancelled"`
	DeliveryStatusExpanded       string `yaml:"delivery_status_expanded"`
	DeliverySentTo               string `yaml:"delivery_sent_to"` // {aantal}: a message for every participant, sent to {aantal} of them
	DeliveryAudienceChannel      string `yaml:"delivery_audience_channel"`
	DeliveryAudienceParticipants string `yaml:"delivery_audience_participants"`
	DeliveryAudienceParticipant  string `yaml:"delivery_audience_participant"`
	DeliveryAudienceTrainers     string `yaml:"delivery_audience_trainers"`
	DeliveryTo                   string `yaml:"delivery_to"`          // {naam}: the one person a message went to
	TrainingCreatedNow           string `yaml:"training_created_now"` // {datum} of training_created_first when the first message is due already
	TrainingNewZoneAmsterdam     string `yaml:"training_new_zone_amsterdam"`
	TrainingNewZoneBrussels      string `yaml:"training_new_zone_brussels"`
	TrainingNewZoneCuracao       string `yaml:"training_new_zone_curacao"`
	TrainingNewZoneAruba         string `yaml:"training_new_zone_aruba"`
	TrainingNewZoneKralendijk    string `yaml:"training_new_zone_kralendijk"`
	TrainingNewZoneParamaribo    string `yaml:"training_new_zone_paramaribo"`
	TrainingNewCaseJohan         string `yaml:"training_new_case_johan"`
	TrainingNewCaseJohanna       string `yaml:"training_new_case_johanna"`
	TrainingNewCaseEmma          string `yaml:"training_new_case_emma"`
	TrainingNewCaseTom           string `yaml:"training_new_case_tom"`
	UndeliveredNoCode            string `yaml:"undelivered_no_code"`  // {code} of undelivered_unknown when Slack gave none
	PrivacyOtherPerson           string `yaml:"privacy_other_person"` // another person's user ID in a participant's own data export
	// The competentiemeter's CSV for trainers: its first columns, a participant's status and whether shared, the group row.
	MeterCSVColMeting     string `yaml:"meter_csv_col_meting"`
	MeterCSVColDeelnemer  string `yaml:"meter_csv_col_deelnemer"`
	MeterCSVColStatus     string `yaml:"meter_csv_col_status"`
	MeterCSVColBeantwoord string `yaml:"meter_csv_col_beantwoord"`
	MeterCSVColGedeeld    string `yaml:"meter_csv_col_gedeeld"`
	MeterCSVDone          string `yaml:"meter_csv_done"`
	MeterCSVBusy          string `yaml:"meter_csv_busy"`
	MeterCSVNotStarted    string `yaml:"meter_csv_not_started"`
	MeterCSVYes           string `yaml:"meter_csv_yes"`
	MeterCSVNo            string `yaml:"meter_csv_no"`
	MeterCSVGroup         string `yaml:"meter_csv_group"`
	// The pages of an install in another workspace with OAuth (/slack/install, /slack/oauth/callback): plain text.
	InstallPageTitle    string `yaml:"install_page_title"`
	InstallDone         string `yaml:"install_done"` // {werkruimte}
	InstallDenied       string `yaml:"install_denied"`
	InstallStateInvalid string `yaml:"install_state_invalid"`
	InstallStateUsed    string `yaml:"install_state_used"`
	InstallStateExpired string `yaml:"install_state_expired"` // {minuten}
	InstallOtherBrowser string `yaml:"install_other_browser"`
	InstallCodeUsed     string `yaml:"install_code_used"`
	InstallFailed       string `yaml:"install_failed"`
}

// phraseSpec describes one phrase for validation.
type phraseSpec struct {
	key          string
	get          func(*Phrases) string
	button       bool     // a button label: ≤ MaxButtonLabel
	placeholders []string // the placeholders it may use
}

// phraseSpecs lists every phrase; each is required.
var phraseSpecs = []phraseSpec{
	{"button_gelezen", func(p *Phrases) string { return p.ButtonGelezen }, true, nil},
	{"button_klaar", func(p *Phrases) string { return p.ButtonKlaar }, true, nil},
	{"button_start_voormeting", func(p *Phrases) string { return p.ButtonStartVoormeting }, true, nil},
	{"button_start_eindmeting", func(p *Phrases) string { return p.ButtonStartEindmeting }, true, nil},
	{"button_vorige", func(p *Phrases) string { return p.ButtonVorige }, true, nil},
	{"button_volgende", func(p *Phrases) string { return p.ButtonVolgende }, true, nil},
	{"button_deel_met_trainer", func(p *Phrases) string { return p.ButtonDeelMetTrainer }, true, nil},
	{"button_bewaar", func(p *Phrases) string { return p.ButtonBewaar }, true, nil},
	{"button_annuleer", func(p *Phrases) string { return p.ButtonAnnuleer }, true, nil},
	{"button_openen", func(p *Phrases) string { return p.ButtonOpenen }, true, nil},
	{"welcome", func(p *Phrases) string { return p.Welcome }, false, []string{"naam", "cohort", "datum", "tijd", "plaats"}},
	{"preparation_intro", func(p *Phrases) string { return p.PreparationIntro }, false, []string{"module", "titel", "datum"}},
	{"preparation_checklist", func(p *Phrases) string { return p.PreparationChecklist }, false, []string{"module", "titel", "datum"}},
	{"reminder_day", func(p *Phrases) string { return p.ReminderDay }, false, []string{"module", "titel", "datum", "tijd", "plaats", "meenemen"}},
	{"reminder_hour", func(p *Phrases) string { return p.ReminderHour }, false, []string{"module", "titel", "tijd", "plaats"}},
	{"homework_intro", func(p *Phrases) string { return p.HomeworkIntro }, false, []string{"module", "titel", "datum"}},
	{"homework_reminder", func(p *Phrases) string { return p.HomeworkReminder }, false, []string{"module", "titel", "datum"}},
	{"meter_reminder", func(p *Phrases) string { return p.MeterReminder }, false, []string{"meting", "datum"}},
	{"voormeting_intro", func(p *Phrases) string { return p.VoormetingIntro }, false, []string{"doel"}},
	{"eindmeting_intro", func(p *Phrases) string { return p.EindmetingIntro }, false, []string{"doel"}},
	{"meter_question", func(p *Phrases) string { return p.MeterQuestion }, false, []string{"nummer", "totaal", "gebied"}},
	{"meter_done", func(p *Phrases) string { return p.MeterDone }, false, []string{"meting"}},
	{"meter_shared", func(p *Phrases) string { return p.MeterShared }, false, nil},
	{"growth_report", func(p *Phrases) string { return p.GrowthReport }, false, nil},
	{"case_reveal", func(p *Phrases) string { return p.CaseReveal }, false, []string{"casus", "module"}},
	{"role_card", func(p *Phrases) string { return p.RoleCard }, false, []string{"casus", "rol"}},
	{"reading_done", func(p *Phrases) string { return p.ReadingDone }, false, []string{"titel"}},
	{"homework_done", func(p *Phrases) string { return p.HomeworkDone }, false, []string{"module"}},
	{"nothing_to_reveal", func(p *Phrases) string { return p.NothingToReveal }, false, []string{"casus"}},
	{"error_generic", func(p *Phrases) string { return p.ErrorGeneric }, false, nil},
	{"try_again", func(p *Phrases) string { return p.TryAgain }, false, nil},
	{"not_trainer", func(p *Phrases) string { return p.NotTrainer }, false, nil},
	{"unknown_command", func(p *Phrases) string { return p.UnknownCommand }, false, []string{"commando"}},
	{"unknown_action", func(p *Phrases) string { return p.UnknownAction }, false, nil},
	{"unknown_view", func(p *Phrases) string { return p.UnknownView }, false, nil},
	{"help_participant", func(p *Phrases) string { return p.HelpParticipant }, false, nil},
	{"help_trainer", func(p *Phrases) string { return p.HelpTrainer }, false, nil},
	{"data_exported", func(p *Phrases) string { return p.DataExported }, false, nil},
	{"data_erased", func(p *Phrases) string { return p.DataErased }, false, nil},
	{"module_moved", func(p *Phrases) string { return p.ModuleMoved }, false, []string{"module", "titel", "datum", "tijd", "plaats"}},
	// Casuïstiek (/casus).
	{"casus_help_participant", func(p *Phrases) string { return p.CasusHelpParticipant }, false, nil},
	{"casus_help_trainer", func(p *Phrases) string { return p.CasusHelpTrainer }, false, nil},
	{"casus_repeat", func(p *Phrases) string { return p.CasusRepeat }, false, []string{"casus"}},
	{"casus_revealed", func(p *Phrases) string { return p.CasusRevealed }, false, []string{"casus", "titel", "module"}},
	{"casus_role_note", func(p *Phrases) string { return p.CasusRoleNote }, false, nil},
	{"casus_role_sent", func(p *Phrases) string { return p.CasusRoleSent }, false, []string{"rol", "casus", "naam"}},
	{"casus_role_unknown", func(p *Phrases) string { return p.CasusRoleUnknown }, false, []string{"rol", "rollen"}},
	{"casus_role_usage", func(p *Phrases) string { return p.CasusRoleUsage }, false, []string{"rollen"}},
	{"casus_actor_intro", func(p *Phrases) string { return p.CasusActorIntro }, false, []string{"casus"}},
	{"casus_unknown_case", func(p *Phrases) string { return p.CasusUnknownCase }, false, []string{"casus", "casussen"}},
	{"casus_none_revealed", func(p *Phrases) string { return p.CasusNoneRevealed }, false, nil},
	{"casus_no_training", func(p *Phrases) string { return p.CasusNoTraining }, false, nil},
	{"casus_revealed_heading", func(p *Phrases) string { return p.CasusRevealedHeading }, false, []string{"cohort"}},
	{"casus_sent_as_dm", func(p *Phrases) string { return p.CasusSentAsDM }, false, nil},
	{"casus_status_heading", func(p *Phrases) string { return p.CasusStatusHeading }, false, []string{"cohort"}},
	{"casus_status_revealed", func(p *Phrases) string { return p.CasusStatusRevealed }, false, []string{"titel", "module", "datum", "naam"}},
	{"casus_status_next", func(p *Phrases) string { return p.CasusStatusNext }, false, []string{"titel", "module"}},
	{"casus_status_done", func(p *Phrases) string { return p.CasusStatusDone }, false, nil},
	{"casus_status_card", func(p *Phrases) string { return p.CasusStatusCard }, false, []string{"titel", "naam", "datum", "door"}},
	{"casus_bot_name", func(p *Phrases) string { return p.CasusBotName }, false, nil},
	{"casus_auto_revealed", func(p *Phrases) string { return p.CasusAutoRevealed }, false, []string{"kanaal", "stappen"}},
	{"casus_reader_hint", func(p *Phrases) string { return p.CasusReaderHint }, false, nil},
	{"casus_actor_sent", func(p *Phrases) string { return p.CasusActorSent }, false, []string{"casus"}},
	{"casus_post_failed", func(p *Phrases) string { return p.CasusPostFailed }, false, []string{"casus"}},
	// Mijn gegevens en vergeet-mij (/gesprekbot mijn-gegevens, vergeet-mij).
	{"privacy_export_coming", func(p *Phrases) string { return p.PrivacyExportComing }, false, nil},
	{"privacy_export_where", func(p *Phrases) string { return p.PrivacyExportWhere }, false, nil},
	{"privacy_export_title", func(p *Phrases) string { return p.PrivacyExportTitle }, false, nil},
	{"privacy_export_explained", func(p *Phrases) string { return p.PrivacyExportExplained }, false, nil},
	{"privacy_confirm_title", func(p *Phrases) string { return p.PrivacyConfirmTitle }, false, nil},
	{"privacy_confirm", func(p *Phrases) string { return p.PrivacyConfirm }, false, nil},
	{"privacy_confirm_hint", func(p *Phrases) string { return p.PrivacyConfirmHint }, false, nil},
	{"privacy_erase_button", func(p *Phrases) string { return p.PrivacyEraseButton }, true, nil},
	{"privacy_cancel_button", func(p *Phrases) string { return p.PrivacyCancelButton }, true, nil},
	{"privacy_erased_more", func(p *Phrases) string { return p.PrivacyErasedMore }, false, nil},
	{"privacy_cancelled", func(p *Phrases) string { return p.PrivacyCancelled }, false, nil},
	{"privacy_not_yours", func(p *Phrases) string { return p.PrivacyNotYours }, false, nil},
	{"privacy_erasing", func(p *Phrases) string { return p.PrivacyErasing }, false, nil},
	{"privacy_erase_busy", func(p *Phrases) string { return p.PrivacyEraseBusy }, false, nil},
	{"privacy_erase_done", func(p *Phrases) string { return p.PrivacyEraseDone }, false, nil},
	{"privacy_erased_list", func(p *Phrases) string { return p.PrivacyErasedList }, false, nil},
	{"privacy_erased_groups", func(p *Phrases) string { return p.PrivacyErasedGroups }, false, nil},
	{"privacy_erased_progress", func(p *Phrases) string { return p.PrivacyErasedProgress }, false, nil},
	{"privacy_erased_meter", func(p *Phrases) string { return p.PrivacyErasedMeter }, false, nil},
	{"privacy_erased_plan", func(p *Phrases) string { return p.PrivacyErasedPlan }, false, nil},
	{"privacy_erased_cards", func(p *Phrases) string { return p.PrivacyErasedCards }, false, nil},
	{"privacy_erased_planned", func(p *Phrases) string { return p.PrivacyErasedPlanned }, false, nil},
	{"privacy_erased_log", func(p *Phrases) string { return p.PrivacyErasedLog }, false, nil},
	{"privacy_erased_trainer", func(p *Phrases) string { return p.PrivacyErasedTrainer }, false, nil},
	{"privacy_erased_messages", func(p *Phrases) string { return p.PrivacyErasedMessages }, false, []string{"aantal"}},
	{"privacy_erased_nothing", func(p *Phrases) string { return p.PrivacyErasedNothing }, false, nil},
	{"casus_erased_actor", func(p *Phrases) string { return p.CasusErasedActor }, false, nil},
	// Trainingen beheren (/training).
	{"training_help", func(p *Phrases) string { return p.TrainingHelp }, false, nil},
	{"training_unknown", func(p *Phrases) string { return p.TrainingUnknown }, false, []string{"commando"}},
	{"training_no_cohort", func(p *Phrases) string { return p.TrainingNoCohort }, false, nil},
	{"training_not_trainer", func(p *Phrases) string { return p.TrainingNotTrainer }, false, []string{"cohort"}},
	{"training_not_channel", func(p *Phrases) string { return p.TrainingNotChannel }, false, nil},
	{"training_exists", func(p *Phrases) string { return p.TrainingExists }, false, []string{"cohort"}},
	{"training_new_title", func(p *Phrases) string { return p.TrainingNewTitle }, false, nil},
	{"training_new_intro", func(p *Phrases) string { return p.TrainingNewIntro }, false, []string{"kanaal"}},
	{"training_new_name", func(p *Phrases) string { return p.TrainingNewName }, false, nil},
	{"training_new_name_hint", func(p *Phrases) string { return p.TrainingNewNameHint }, false, nil},
	{"training_new_name_ph", func(p *Phrases) string { return p.TrainingNewNamePH }, false, nil},
	{"training_new_timezone", func(p *Phrases) string { return p.TrainingNewTimezone }, false, nil},
	{"training_new_trainers", func(p *Phrases) string { return p.TrainingNewTrainers }, false, nil},
	{"training_new_trainers_hint", func(p *Phrases) string { return p.TrainingNewTrainersHint }, false, nil},
	{"training_new_cases", func(p *Phrases) string { return p.TrainingNewCases }, false, nil},
	{"training_new_case", func(p *Phrases) string { return p.TrainingNewCase }, false, nil},
	{"training_new_module", func(p *Phrases) string { return p.TrainingNewModule }, false, []string{"module", "titel"}},
	{"training_new_date", func(p *Phrases) string { return p.TrainingNewDate }, false, nil},
	{"training_new_start", func(p *Phrases) string { return p.TrainingNewStart }, false, nil},
	{"training_new_end", func(p *Phrases) string { return p.TrainingNewEnd }, false, nil},
	{"training_new_location", func(p *Phrases) string { return p.TrainingNewLocation }, false, nil},
	{"training_new_location_ph", func(p *Phrases) string { return p.TrainingNewLocationPH }, false, nil},
	{"training_new_settings", func(p *Phrases) string { return p.TrainingNewSettings }, false, nil},
	{"training_new_quiet", func(p *Phrases) string { return p.TrainingNewQuiet }, false, nil},
	{"training_new_holidays", func(p *Phrases) string { return p.TrainingNewHolidays }, false, nil},
	{"training_new_auto_reveal", func(p *Phrases) string { return p.TrainingNewAutoReveal }, false, nil},
	{"training_new_settings_hint", func(p *Phrases) string { return p.TrainingNewSettingsHint }, false, nil},
	{"training_err_name", func(p *Phrases) string { return p.TrainingErrName }, false, nil},
	{"training_err_name_long", func(p *Phrases) string { return p.TrainingErrNameLong }, false, []string{"max"}},
	{"training_err_name_taken", func(p *Phrases) string { return p.TrainingErrNameTaken }, false, nil},
	{"training_err_channel_taken", func(p *Phrases) string { return p.TrainingErrChannelTaken }, false, nil},
	{"training_err_timezone", func(p *Phrases) string { return p.TrainingErrTimezone }, false, nil},
	{"training_err_trainers", func(p *Phrases) string { return p.TrainingErrTrainers }, false, nil},
	{"training_err_case", func(p *Phrases) string { return p.TrainingErrCase }, false, nil},
	{"training_err_date", func(p *Phrases) string { return p.TrainingErrDate }, false, nil},
	{"training_err_start", func(p *Phrases) string { return p.TrainingErrStart }, false, nil},
	{"training_err_end", func(p *Phrases) string { return p.TrainingErrEnd }, false, nil},
	{"training_err_end_before", func(p *Phrases) string { return p.TrainingErrEndBefore }, false, nil},
	{"training_err_past", func(p *Phrases) string { return p.TrainingErrPast }, false, nil},
	{"training_err_order", func(p *Phrases) string { return p.TrainingErrOrder }, false, []string{"module", "vorige"}},
	{"training_err_overlap", func(p *Phrases) string { return p.TrainingErrOverlap }, false, []string{"module", "vorige", "tijd"}},
	{"training_err_location", func(p *Phrases) string { return p.TrainingErrLocation }, false, nil},
	{"training_err_location_long", func(p *Phrases) string { return p.TrainingErrLocationLong }, false, []string{"max"}},
	{"training_err_settings", func(p *Phrases) string { return p.TrainingErrSettings }, false, nil},
	{"training_err_other", func(p *Phrases) string { return p.TrainingErrOther }, false, nil},
	{"training_err_no_time", func(p *Phrases) string { return p.TrainingErrNoTime }, false, nil},
	{"training_created_title", func(p *Phrases) string { return p.TrainingCreatedTitle }, false, nil},
	{"training_created_close", func(p *Phrases) string { return p.TrainingCreatedClose }, false, nil},
	{"training_created", func(p *Phrases) string { return p.TrainingCreated }, false, []string{"cohort", "kanaal", "aantal"}},
	{"training_created_first", func(p *Phrases) string { return p.TrainingCreatedFirst }, false, []string{"datum", "wie", "titel"}},
	{"training_created_next", func(p *Phrases) string { return p.TrainingCreatedNext }, false, nil},
	{"training_plan_head", func(p *Phrases) string { return p.TrainingPlanHead }, false, []string{"cohort", "tijdzone"}},
	{"training_plan_module", func(p *Phrases) string { return p.TrainingPlanModule }, false, []string{"module", "titel", "datum", "van", "tot", "plaats"}},
	{"training_plan_other", func(p *Phrases) string { return p.TrainingPlanOther }, false, nil},
	{"training_plan_empty", func(p *Phrases) string { return p.TrainingPlanEmpty }, false, nil},
	{"training_plan_canceled", func(p *Phrases) string { return p.TrainingPlanCanceled }, false, []string{"aantal"}},
	{"training_move_usage", func(p *Phrases) string { return p.TrainingMoveUsage }, false, nil},
	{"training_move_bad_module", func(p *Phrases) string { return p.TrainingMoveBadModule }, false, []string{"module"}},
	{"training_move_bad_date", func(p *Phrases) string { return p.TrainingMoveBadDate }, false, []string{"datum"}},
	{"training_move_bad_time", func(p *Phrases) string { return p.TrainingMoveBadTime }, false, []string{"tijd"}},
	{"training_move_started", func(p *Phrases) string { return p.TrainingMoveStarted }, false, []string{"module"}},
	{"training_move_same", func(p *Phrases) string { return p.TrainingMoveSame }, false, []string{"module", "datum", "tijd"}},
	{"training_move_invalid", func(p *Phrases) string { return p.TrainingMoveInvalid }, false, []string{"module", "datum", "tijd", "reden"}},
	{"training_move_past", func(p *Phrases) string { return p.TrainingMovePast }, false, nil},
	{"training_move_before", func(p *Phrases) string { return p.TrainingMoveBefore }, false, []string{"ander"}},
	{"training_move_after", func(p *Phrases) string { return p.TrainingMoveAfter }, false, []string{"ander"}},
	{"training_move_overlap", func(p *Phrases) string { return p.TrainingMoveOverlap }, false, []string{"ander"}},
	{"training_move_no_day", func(p *Phrases) string { return p.TrainingMoveNoDay }, false, nil},
	{"training_moved", func(p *Phrases) string { return p.TrainingMoved }, false, []string{"module", "titel", "van", "naar"}},
	{"training_moved_changed", func(p *Phrases) string { return p.TrainingMovedChanged }, false, []string{"aantal"}},
	{"training_moved_changed1", func(p *Phrases) string { return p.TrainingMovedChanged1 }, false, nil},
	{"training_moved_unchanged", func(p *Phrases) string { return p.TrainingMovedUnchanged }, false, nil},
	{"training_moved_added", func(p *Phrases) string { return p.TrainingMovedAdded }, false, []string{"aantal"}},
	{"training_moved_added1", func(p *Phrases) string { return p.TrainingMovedAdded1 }, false, nil},
	{"training_moved_cancelled", func(p *Phrases) string { return p.TrainingMovedCancelled }, false, []string{"aantal"}},
	{"training_moved_cancelled1", func(p *Phrases) string { return p.TrainingMovedCancelled1 }, false, nil},
	{"training_moved_kept", func(p *Phrases) string { return p.TrainingMovedKept }, false, []string{"aantal"}},
	{"training_moved_kept1", func(p *Phrases) string { return p.TrainingMovedKept1 }, false, nil},
	{"training_moved_told", func(p *Phrases) string { return p.TrainingMovedTold }, false, nil},
	{"training_move_invalid_any", func(p *Phrases) string { return p.TrainingMoveInvalidAny }, false, nil},
	{"training_status_head", func(p *Phrases) string { return p.TrainingStatusHead }, false, []string{"cohort"}},
	{"training_status_counts", func(p *Phrases) string { return p.TrainingStatusCounts }, false, []string{"verstuurd", "gepland", "bezig", "gemist", "mislukt", "vervallen"}},
	{"training_status_note", func(p *Phrases) string { return p.TrainingStatusNote }, false, nil},
	{"training_status_failed", func(p *Phrases) string { return p.TrainingStatusFailed }, false, nil},
	{"training_status_missed", func(p *Phrases) string { return p.TrainingStatusMissed }, false, nil},
	{"training_status_more", func(p *Phrases) string { return p.TrainingStatusMore }, false, []string{"aantal"}},
	{"training_status_all_ok", func(p *Phrases) string { return p.TrainingStatusAllOK }, false, nil},
	// Competentiemeter (/competentiemeter).
	{"meter_no_cohort", func(p *Phrases) string { return p.MeterNoCohort }, false, nil},
	{"meter_trainer", func(p *Phrases) string { return p.MeterTrainer }, false, nil},
	{"meter_old_button", func(p *Phrases) string { return p.MeterOldButton }, false, nil},
	{"meter_usage", func(p *Phrases) string { return p.MeterUsage }, false, []string{"commando"}},
	{"meter_sent_to_dm", func(p *Phrases) string { return p.MeterSentToDM }, false, nil},
	{"meter_eindmeting_later", func(p *Phrases) string { return p.MeterEindmetingLater }, false, []string{"datum"}},
	{"meter_answered", func(p *Phrases) string { return p.MeterAnswered }, false, []string{"aantal", "totaal"}},
	{"meter_question_fallback", func(p *Phrases) string { return p.MeterQuestionFallback }, false, []string{"nummer", "totaal", "stelling"}},
	{"meter_noted", func(p *Phrases) string { return p.MeterNoted }, false, []string{"nummer", "antwoord"}},
	{"meter_finish_button", func(p *Phrases) string { return p.MeterFinishButton }, true, nil},
	{"meter_reopen_button", func(p *Phrases) string { return p.MeterReopenButton }, true, nil},
	{"meter_plan_button", func(p *Phrases) string { return p.MeterPlanButton }, true, nil},
	{"meter_plan_edit_button", func(p *Phrases) string { return p.MeterPlanEditButton }, true, nil},
	{"meter_krachten", func(p *Phrases) string { return p.MeterKrachten }, false, nil},
	{"meter_uitdagingen", func(p *Phrases) string { return p.MeterUitdagingen }, false, nil},
	{"meter_tied", func(p *Phrases) string { return p.MeterTied }, false, []string{"score", "stellingen"}},
	{"meter_tied_one", func(p *Phrases) string { return p.MeterTiedOne }, false, []string{"score", "stelling"}},
	{"meter_tie_rule", func(p *Phrases) string { return p.MeterTieRule }, false, nil},
	{"meter_private", func(p *Phrases) string { return p.MeterPrivate }, false, nil},
	{"meter_shared_on", func(p *Phrases) string { return p.MeterSharedOn }, false, []string{"datum"}},
	{"meter_reopen_until", func(p *Phrases) string { return p.MeterReopenUntil }, false, []string{"datum"}},
	{"meter_reopened", func(p *Phrases) string { return p.MeterReopened }, false, nil},
	{"meter_already_open", func(p *Phrases) string { return p.MeterAlreadyOpen }, false, nil},
	{"meter_plan_title", func(p *Phrases) string { return p.MeterPlanTitle }, false, nil},
	{"meter_plan_points_label", func(p *Phrases) string { return p.MeterPlanPointsLabel }, false, nil},
	{"meter_plan_points_hint", func(p *Phrases) string { return p.MeterPlanPointsHint }, false, nil},
	{"meter_plan_how_label", func(p *Phrases) string { return p.MeterPlanHowLabel }, false, nil},
	{"meter_plan_how_hint", func(p *Phrases) string { return p.MeterPlanHowHint }, false, nil},
	{"meter_plan_empty", func(p *Phrases) string { return p.MeterPlanEmpty }, false, nil},
	{"meter_plan_saved", func(p *Phrases) string { return p.MeterPlanSaved }, false, nil},
	{"meter_per_area", func(p *Phrases) string { return p.MeterPerArea }, false, nil},
	{"meter_area_line", func(p *Phrases) string { return p.MeterAreaLine }, false, []string{"gebied", "voor", "na", "verschil"}},
	{"meter_statement_line", func(p *Phrases) string { return p.MeterStatementLine }, false, []string{"voor", "na", "stelling"}},
	{"meter_biggest", func(p *Phrases) string { return p.MeterBiggest }, false, nil},
	{"meter_no_growth", func(p *Phrases) string { return p.MeterNoGrowth }, false, nil},
	{"meter_still_low", func(p *Phrases) string { return p.MeterStillLow }, false, nil},
	{"meter_nothing_low", func(p *Phrases) string { return p.MeterNothingLow }, false, nil},
	{"meter_chart_note", func(p *Phrases) string { return p.MeterChartNote }, false, nil},
	{"meter_chart_title", func(p *Phrases) string { return p.MeterChartTitle }, false, nil},
	{"meter_chart_axis", func(p *Phrases) string { return p.MeterChartAxis }, false, nil},
	{"meter_no_voormeting", func(p *Phrases) string { return p.MeterNoVoormeting }, false, nil},
	{"meter_overview_no_cohort", func(p *Phrases) string { return p.MeterOverviewNoCohort }, false, nil},
	{"meter_overview_heading", func(p *Phrases) string { return p.MeterOverviewHeading }, false, []string{"cohort"}},
	{"meter_overview_kind", func(p *Phrases) string { return p.MeterOverviewKind }, false, []string{"meting", "aantal", "totaal"}},
	{"meter_overview_done", func(p *Phrases) string { return p.MeterOverviewDone }, false, []string{"namen"}},
	{"meter_overview_busy", func(p *Phrases) string { return p.MeterOverviewBusy }, false, []string{"namen"}},
	{"meter_overview_not_yet", func(p *Phrases) string { return p.MeterOverviewNotYet }, false, []string{"namen"}},
	{"meter_overview_group", func(p *Phrases) string { return p.MeterOverviewGroup }, false, []string{"meting", "aantal", "datum"}},
	{"meter_overview_too_few", func(p *Phrases) string { return p.MeterOverviewTooFew }, false, []string{"aantal", "meting"}},
	{"meter_overview_shared", func(p *Phrases) string { return p.MeterOverviewShared }, false, nil},
	{"meter_overview_no_shared", func(p *Phrases) string { return p.MeterOverviewNoShared }, false, nil},
	{"meter_overview_plans", func(p *Phrases) string { return p.MeterOverviewPlans }, false, []string{"aantal", "totaal"}},
	{"meter_overview_csv", func(p *Phrases) string { return p.MeterOverviewCSV }, false, nil},
	{"meter_csv_title", func(p *Phrases) string { return p.MeterCSVTitle }, false, []string{"cohort"}},
	{"meter_overview_nobody", func(p *Phrases) string { return p.MeterOverviewNobody }, false, nil},
	// Group figures that cannot be differenced, and consent that covers the answers as they were.
	{"meter_overview_unseen", func(p *Phrases) string { return p.MeterOverviewUnseen }, false, []string{"aantal", "meting", "minimum"}},
	{"meter_overview_pending", func(p *Phrases) string { return p.MeterOverviewPending }, false, []string{"datum", "minimum", "aantal"}},
	{"meter_overview_blocked", func(p *Phrases) string { return p.MeterOverviewBlocked }, false, []string{"datum"}},
	{"meter_overview_withheld", func(p *Phrases) string { return p.MeterOverviewWithheld }, false, []string{"deelnemer", "meting"}},
	{"meter_csv_group_status", func(p *Phrases) string { return p.MeterCSVGroupStatus }, false, []string{"aantal", "datum"}},
	{"meter_csv_withheld", func(p *Phrases) string { return p.MeterCSVWithheld }, false, nil},
	{"meter_share_withdrawn", func(p *Phrases) string { return p.MeterShareWithdrawn }, false, nil},
	{"meter_share_not_shown", func(p *Phrases) string { return p.MeterShareNotShown }, false, nil},
	// App Home.
	{"home_welcome", func(p *Phrases) string { return p.HomeWelcome }, false, nil},
	{"home_no_cohort", func(p *Phrases) string { return p.HomeNoCohort }, false, nil},
	{"home_footer", func(p *Phrases) string { return p.HomeFooter }, false, nil},
	{"home_participant_header", func(p *Phrases) string { return p.HomeParticipantHeader }, false, []string{"cohort"}},
	{"home_next", func(p *Phrases) string { return p.HomeNext }, false, []string{"module", "titel", "datum", "van", "tot", "plaats"}},
	{"home_now", func(p *Phrases) string { return p.HomeNow }, false, []string{"module", "titel", "datum", "van", "tot", "plaats"}},
	{"home_course_over", func(p *Phrases) string { return p.HomeCourseOver }, false, nil},
	{"home_readings", func(p *Phrases) string { return p.HomeReadings }, false, []string{"module"}},
	{"home_homework", func(p *Phrases) string { return p.HomeHomework }, false, nil},
	{"home_homework_module", func(p *Phrases) string { return p.HomeHomeworkModule }, false, []string{"module", "titel"}},
	{"home_homework_by_plan", func(p *Phrases) string { return p.HomeHomeworkByPlan }, false, nil},
	{"home_meter", func(p *Phrases) string { return p.HomeMeter }, false, nil},
	{"home_meter_not_started", func(p *Phrases) string { return p.HomeMeterNotStarted }, false, []string{"meting"}},
	{"home_meter_busy", func(p *Phrases) string { return p.HomeMeterBusy }, false, []string{"meting", "aantal", "totaal"}},
	{"home_meter_go_on", func(p *Phrases) string { return p.HomeMeterGoOn }, false, nil},
	{"home_meter_done", func(p *Phrases) string { return p.HomeMeterDone }, false, []string{"meting", "datum"}},
	{"home_meter_show", func(p *Phrases) string { return p.HomeMeterShow }, false, nil},
	{"home_meter_private", func(p *Phrases) string { return p.HomeMeterPrivate }, false, nil},
	{"home_meter_shared", func(p *Phrases) string { return p.HomeMeterShared }, false, []string{"datum"}},
	{"home_growth", func(p *Phrases) string { return p.HomeGrowth }, false, nil},
	{"home_growth_area", func(p *Phrases) string { return p.HomeGrowthArea }, false, []string{"gebied", "voor", "na", "verschil"}},
	{"home_plan_missing", func(p *Phrases) string { return p.HomePlanMissing }, false, nil},
	{"home_plan_written", func(p *Phrases) string { return p.HomePlanWritten }, false, nil},
	{"home_plan_write", func(p *Phrases) string { return p.HomePlanWrite }, false, nil},
	{"home_plan_edit", func(p *Phrases) string { return p.HomePlanEdit }, false, nil},
	{"home_stages_trimmed", func(p *Phrases) string { return p.HomeStagesTrimmed }, false, nil},
	{"home_trainer_header", func(p *Phrases) string { return p.HomeTrainerHeader }, false, nil},
	{"home_trainer_cohort", func(p *Phrases) string { return p.HomeTrainerCohort }, false, []string{"cohort", "kanaal"}},
	{"home_trainer_next", func(p *Phrases) string { return p.HomeTrainerNext }, false, []string{"module", "datum", "plaats"}},
	{"home_trainer_now", func(p *Phrases) string { return p.HomeTrainerNow }, false, []string{"module", "datum", "plaats"}},
	{"home_trainer_over", func(p *Phrases) string { return p.HomeTrainerOver }, false, nil},
	{"home_trainer_people", func(p *Phrases) string { return p.HomeTrainerPeople }, false, []string{"aantal"}},
	{"home_trainer_voormeting", func(p *Phrases) string { return p.HomeTrainerVoormeting }, false, []string{"aantal", "totaal"}},
	{"home_trainer_eindmeting", func(p *Phrases) string { return p.HomeTrainerEindmeting }, false, []string{"aantal", "totaal"}},
	{"home_trainer_homework", func(p *Phrases) string { return p.HomeTrainerHomework }, false, nil},
	{"home_trainer_homework_module", func(p *Phrases) string { return p.HomeTrainerHomeworkModule }, false, []string{"module", "aantal", "totaal"}},
	{"home_trainer_failed", func(p *Phrases) string { return p.HomeTrainerFailed }, false, []string{"aantal"}},
	{"home_trainer_more", func(p *Phrases) string { return p.HomeTrainerMore }, false, nil},
	{"home_trainer_trimmed", func(p *Phrases) string { return p.HomeTrainerTrimmed }, false, nil},
	// Cursusberichten, voortgang en bijpraten.
	{"course_sessions_heading", func(p *Phrases) string { return p.CourseSessionsHeading }, false, nil},
	{"course_session", func(p *Phrases) string { return p.CourseSession }, false, []string{"module", "titel", "datum", "van", "tot", "plaats"}},
	{"course_reading_heading", func(p *Phrases) string { return p.CourseReadingHeading }, false, nil},
	{"course_tasks_heading", func(p *Phrases) string { return p.CourseTasksHeading }, false, nil},
	{"course_link", func(p *Phrases) string { return p.CourseLink }, false, []string{"link", "label"}},
	{"course_meenemen_prepared", func(p *Phrases) string { return p.CourseMeenemenPrepared }, false, []string{"taken"}},
	{"course_meenemen_default", func(p *Phrases) string { return p.CourseMeenemenDefault }, false, nil},
	{"course_meter_reminder_eind", func(p *Phrases) string { return p.CourseMeterReminderEind }, false, nil},
	{"progress_read_done", func(p *Phrases) string { return p.ProgressReadDone }, false, []string{"deelnemer", "datum"}},
	{"progress_homework_done_by", func(p *Phrases) string { return p.ProgressHomeworkDoneBy }, false, []string{"deelnemer", "datum"}},
	{"progress_homework_done_by_plan", func(p *Phrases) string { return p.ProgressHomeworkDoneByPlan }, false, nil},
	{"progress_already_read", func(p *Phrases) string { return p.ProgressAlreadyRead }, false, []string{"titel", "datum"}},
	{"progress_already_homework", func(p *Phrases) string { return p.ProgressAlreadyHomework }, false, []string{"module", "datum"}},
	{"progress_trainer", func(p *Phrases) string { return p.ProgressTrainer }, false, nil},
	{"progress_no_cohort", func(p *Phrases) string { return p.ProgressNoCohort }, false, nil},
	{"progress_no_reading", func(p *Phrases) string { return p.ProgressNoReading }, false, nil},
	{"progress_no_homework", func(p *Phrases) string { return p.ProgressNoHomework }, false, nil},
	{"catchup_title", func(p *Phrases) string { return p.CatchUpTitle }, false, nil},
	{"catchup_intro", func(p *Phrases) string { return p.CatchUpIntro }, false, []string{"deelnemer", "cohort"}},
	{"catchup_now", func(p *Phrases) string { return p.CatchUpNow }, false, []string{"module", "titel", "datum"}},
	{"catchup_voor", func(p *Phrases) string { return p.CatchUpVoor }, false, nil},
	{"catchup_cases", func(p *Phrases) string { return p.CatchUpCases }, false, nil},
	{"catchup_more", func(p *Phrases) string { return p.CatchUpMore }, false, nil},
	{"catchup_nothing", func(p *Phrases) string { return p.CatchUpNothing }, false, nil},
	// Toegang.
	{"training_new_not_allowed", func(p *Phrases) string { return p.TrainingNewNotAllowed }, false, nil},
	{"training_new_not_allowed_named", func(p *Phrases) string { return p.TrainingNewNotAllowedNamed }, false, []string{"namen"}},
	{"gate_stranger", func(p *Phrases) string { return p.GateStranger }, false, nil},
	{"gate_left", func(p *Phrases) string { return p.GateLeft }, false, []string{"cohort"}},
	{"training_status_left", func(p *Phrases) string { return p.TrainingStatusLeft }, false, []string{"namen"}},
	{"meter_overview_left", func(p *Phrases) string { return p.MeterOverviewLeft }, false, []string{"namen"}},
	{"meter_overview_left_mark", func(p *Phrases) string { return p.MeterOverviewLeftMark }, false, nil},
	{"home_trainer_left", func(p *Phrases) string { return p.HomeTrainerLeft }, false, []string{"aantal"}},
	{"casus_role_left", func(p *Phrases) string { return p.CasusRoleLeft }, false, []string{"naam"}},
	// Inleiding en trainersmateriaal van een module.
	{"module_info_button", func(p *Phrases) string { return p.ModuleInfoButton }, true, nil},
	{"module_info_trainer_button", func(p *Phrases) string { return p.ModuleInfoTrainerButton }, true, nil},
	{"module_info_title", func(p *Phrases) string { return p.ModuleInfoTitle }, false, []string{"module"}},
	{"module_info_heading", func(p *Phrases) string { return p.ModuleInfoHeading }, false, []string{"module", "titel"}},
	{"module_info_inleiding", func(p *Phrases) string { return p.ModuleInfoInleiding }, false, nil},
	{"module_info_leeruitkomsten", func(p *Phrases) string { return p.ModuleInfoLeeruitkomsten }, false, nil},
	{"module_info_programma", func(p *Phrases) string { return p.ModuleInfoProgramma }, false, nil},
	{"module_info_meer_lezen", func(p *Phrases) string { return p.ModuleInfoMeerLezen }, false, nil},
	{"module_info_trainer", func(p *Phrases) string { return p.ModuleInfoTrainer }, false, nil},
	{"module_info_toelichting", func(p *Phrases) string { return p.ModuleInfoToelichting }, false, nil},
	{"module_info_materiaal", func(p *Phrases) string { return p.ModuleInfoMateriaal }, false, nil},
	{"module_info_literatuur", func(p *Phrases) string { return p.ModuleInfoLiteratuur }, false, nil},
	{"module_info_casussen", func(p *Phrases) string { return p.ModuleInfoCasussen }, false, nil},
	{"module_info_close", func(p *Phrases) string { return p.ModuleInfoClose }, true, nil},
	{"module_info_unknown", func(p *Phrases) string { return p.ModuleInfoUnknown }, false, nil},
	{"casus_status_trainer_note", func(p *Phrases) string { return p.CasusStatusTrainerNote }, false, nil},
	// What the store reports, in words.
	{"error_not_found", func(p *Phrases) string { return p.ErrorNotFound }, false, nil},
	{"error_exists", func(p *Phrases) string { return p.ErrorExists }, false, nil},
	{"cohort_not_found", func(p *Phrases) string { return p.CohortNotFound }, false, nil},
	{"cohort_not_named", func(p *Phrases) string { return p.CohortNotNamed }, false, []string{"cohort"}},
	{"cohort_not_in_channel", func(p *Phrases) string { return p.CohortNotInChannel }, false, nil},
	{"channel_taken", func(p *Phrases) string { return p.ChannelTaken }, false, []string{"kanaal"}},
	{"not_enrolled", func(p *Phrases) string { return p.NotEnrolled }, false, nil},
	{"casus_stage_not_revealed", func(p *Phrases) string { return p.CasusStageNotRevealed }, false, nil},
	{"casus_change_locked", func(p *Phrases) string { return p.CasusChangeLocked }, false, []string{"cohort", "datum", "casus", "stap"}},
	{"privacy_unknown_user", func(p *Phrases) string { return p.PrivacyUnknownUser }, false, nil},
	{"privacy_trainer_running", func(p *Phrases) string { return p.PrivacyTrainerRunning }, false, []string{"cohort"}},
	{"meter_locked", func(p *Phrases) string { return p.MeterLocked }, false, nil},
	{"meter_stale", func(p *Phrases) string { return p.MeterStale }, false, nil},
	{"meter_not_yours", func(p *Phrases) string { return p.MeterNotYours }, false, nil},
	{"meter_not_found", func(p *Phrases) string { return p.MeterNotFound }, false, nil},
	{"meter_gone", func(p *Phrases) string { return p.MeterGone }, false, nil},
	{"meter_not_started", func(p *Phrases) string { return p.MeterNotStarted }, false, nil},
	{"meter_unknown_answer", func(p *Phrases) string { return p.MeterUnknownAnswer }, false, nil},
	{"meter_incomplete", func(p *Phrases) string { return p.MeterIncomplete }, false, nil},
	{"meter_reopen_too_late", func(p *Phrases) string { return p.MeterReopenTooLate }, false, nil},
	{"meter_not_finished", func(p *Phrases) string { return p.MeterNotFinished }, false, nil},
	{"meter_no_plan", func(p *Phrases) string { return p.MeterNoPlan }, false, nil},
	{"retention_warning_title", func(p *Phrases) string { return p.RetentionWarningTitle }, false, nil},
	{"retention_warning", func(p *Phrases) string { return p.RetentionWarning }, false, []string{"cohort", "laatste", "datum"}},
	{"training_status_retention", func(p *Phrases) string { return p.TrainingStatusRetention }, false, []string{"datum"}},
	{"training_status_retained", func(p *Phrases) string { return p.TrainingStatusRetained }, false, []string{"datum"}},
	{"trainer_notice_head", func(p *Phrases) string { return p.TrainerNoticeHead }, false, []string{"cohort"}},
	{"trainer_notice_item", func(p *Phrases) string { return p.TrainerNoticeItem }, false, []string{"titel", "datum", "wie", "waarom"}},
	{"trainer_notice_channel", func(p *Phrases) string { return p.TrainerNoticeChannel }, false, []string{"kanaal"}},
	{"trainer_notice_everyone", func(p *Phrases) string { return p.TrainerNoticeEveryone }, false, nil},
	{"trainer_notice_foot", func(p *Phrases) string { return p.TrainerNoticeFoot }, false, nil},
	{"undelivered_not_in_channel", func(p *Phrases) string { return p.UndeliveredNotInChannel }, false, []string{"kanaal"}},
	{"undelivered_channel_not_found", func(p *Phrases) string { return p.UndeliveredChannelNotFound }, false, []string{"kanaal"}},
	{"undelivered_archived", func(p *Phrases) string { return p.UndeliveredArchived }, false, []string{"kanaal"}},
	{"undelivered_user_gone", func(p *Phrases) string { return p.UndeliveredUserGone }, false, nil},
	{"undelivered_no_dm", func(p *Phrases) string { return p.UndeliveredNoDM }, false, nil},
	{"undelivered_restricted", func(p *Phrases) string { return p.UndeliveredRestricted }, false, nil},
	{"undelivered_our_fault", func(p *Phrases) string { return p.UndeliveredOurFault }, false, []string{"code"}},
	{"undelivered_workspace", func(p *Phrases) string { return p.UndeliveredWorkspace }, false, nil},
	{"undelivered_gave_up", func(p *Phrases) string { return p.UndeliveredGaveUp }, false, nil},
	{"undelivered_missed", func(p *Phrases) string { return p.UndeliveredMissed }, false, nil},
	{"undelivered_missed_calendar", func(p *Phrases) string { return p.UndeliveredMissedCalendar }, false, nil},
	{"undelivered_unknown", func(p *Phrases) string { return p.UndeliveredUnknown }, false, []string{"code"}},
	{"notice_title", func(p *Phrases) string { return p.NoticeTitle }, false, nil},
	{"notice_close", func(p *Phrases) string { return p.NoticeClose }, false, nil},
	{"delivery_status_pending", func(p *Phrases) string { return p.DeliveryStatusPending }, false, nil},
	{"delivery_status_sending", func(p *Phrases) string { return p.DeliveryStatusSending }, false, nil},
	{"delivery_status_sent", func(p *Phrases) string { return p.DeliveryStatusSent }, false, nil},
	{"delivery_status_missed", func(p *Phrases) string { return p.DeliveryStatusMissed }, false, nil},
	{"delivery_status_failed", func(p *Phrases) string { return p.DeliveryStatusFailed }, false, nil},
	{"delivery_status_cancelled", func(p *Phrases) string { return p.DeliveryStatusCancelled }, false, nil},
	{"delivery_status_expanded", func(p *Phrases) string { return p.DeliveryStatusExpanded }, false, nil},
	{"delivery_sent_to", func(p *Phrases) string { return p.DeliverySentTo }, false, []string{"aantal"}},
	{"delivery_audience_channel", func(p *Phrases) string { return p.DeliveryAudienceChannel }, false, nil},
	{"delivery_audience_participants", func(p *Phrases) string { return p.DeliveryAudienceParticipants }, false, nil},
	{"delivery_audience_participant", func(p *Phrases) string { return p.DeliveryAudienceParticipant }, false, nil},
	{"delivery_audience_trainers", func(p *Phrases) string { return p.DeliveryAudienceTrainers }, false, nil},
	{"delivery_to", func(p *Phrases) string { return p.DeliveryTo }, false, []string{"naam"}},
	{"training_created_now", func(p *Phrases) string { return p.TrainingCreatedNow }, false, nil},
	{"training_new_zone_amsterdam", func(p *Phrases) string { return p.TrainingNewZoneAmsterdam }, false, nil},
	{"training_new_zone_brussels", func(p *Phrases) string { return p.TrainingNewZoneBrussels }, false, nil},
	{"training_new_zone_curacao", func(p *Phrases) string { return p.TrainingNewZoneCuracao }, false, nil},
	{"training_new_zone_aruba", func(p *Phrases) string { return p.TrainingNewZoneAruba }, false, nil},
	{"training_new_zone_kralendijk", func(p *Phrases) string { return p.TrainingNewZoneKralendijk }, false, nil},
	{"training_new_zone_paramaribo", func(p *Phrases) string { return p.TrainingNewZoneParamaribo }, false, nil},
	{"training_new_case_johan", func(p *Phrases) string { return p.TrainingNewCaseJohan }, false, nil},
	{"training_new_case_johanna", func(p *Phrases) string { return p.TrainingNewCaseJohanna }, false, nil},
	{"training_new_case_emma", func(p *Phrases) string { return p.TrainingNewCaseEmma }, false, nil},
	{"training_new_case_tom", func(p *Phrases) string { return p.TrainingNewCaseTom }, false, nil},
	{"undelivered_no_code", func(p *Phrases) string { return p.UndeliveredNoCode }, false, nil},
	{"privacy_other_person", func(p *Phrases) string { return p.PrivacyOtherPerson }, false, nil},
	{"meter_csv_col_meting", func(p *Phrases) string { return p.MeterCSVColMeting }, false, nil},
	{"meter_csv_col_deelnemer", func(p *Phrases) string { return p.MeterCSVColDeelnemer }, false, nil},
	{"meter_csv_col_status", func(p *Phrases) string { return p.MeterCSVColStatus }, false, nil},
	{"meter_csv_col_beantwoord", func(p *Phrases) string { return p.MeterCSVColBeantwoord }, false, nil},
	{"meter_csv_col_gedeeld", func(p *Phrases) string { return p.MeterCSVColGedeeld }, false, nil},
	{"meter_csv_done", func(p *Phrases) string { return p.MeterCSVDone }, false, nil},
	{"meter_csv_busy", func(p *Phrases) string { return p.MeterCSVBusy }, false, nil},
	{"meter_csv_not_started", func(p *Phrases) string { return p.MeterCSVNotStarted }, false, nil},
	{"meter_csv_yes", func(p *Phrases) string { return p.MeterCSVYes }, false, nil},
	{"meter_csv_no", func(p *Phrases) string { return p.MeterCSVNo }, false, nil},
	{"meter_csv_group", func(p *Phrases) string { return p.MeterCSVGroup }, false, nil},
	{"install_page_title", func(p *Phrases) string { return p.InstallPageTitle }, false, nil},
	{"install_done", func(p *Phrases) string { return p.InstallDone }, false, []string{"werkruimte"}},
	{"install_denied", func(p *Phrases) string { return p.InstallDenied }, false, nil},
	{"install_state_invalid", func(p *Phrases) string { return p.InstallStateInvalid }, false, nil},
	{"install_state_used", func(p *Phrases) string { return p.InstallStateUsed }, false, nil},
	{"install_state_expired", func(p *Phrases) string { return p.InstallStateExpired }, false, []string{"minuten"}},
	{"install_other_browser", func(p *Phrases) string { return p.InstallOtherBrowser }, false, nil},
	{"install_code_used", func(p *Phrases) string { return p.InstallCodeUsed }, false, nil},
	{"install_failed", func(p *Phrases) string { return p.InstallFailed }, false, nil},
}
