package content

// Phrases are the fixed Dutch texts the bot says. Placeholders in braces ({module}, {tijd}, ...) are filled with
// Fill; phraseSpecs says which placeholders each phrase may use.
type Phrases struct {
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
	VoormetingIntro      string `yaml:"voormeting_intro"`      // before module 1
	EindmetingIntro      string `yaml:"eindmeting_intro"`      // after module 4
	MeterQuestion        string `yaml:"meter_question"`        // {nummer} {totaal} {gebied}
	MeterDone            string `yaml:"meter_done"`            // {meting}
	MeterShared          string `yaml:"meter_shared"`          // after "Deel met trainer"
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
	{"voormeting_intro", func(p *Phrases) string { return p.VoormetingIntro }, false, nil},
	{"eindmeting_intro", func(p *Phrases) string { return p.EindmetingIntro }, false, nil},
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
}
