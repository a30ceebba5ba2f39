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
}
