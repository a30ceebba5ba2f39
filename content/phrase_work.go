package content

import (
	"fmt"
	"unicode/utf8"
)

// WorkPhrases are the Dutch texts about the participants' own work: written homework (Report…), feedback on the
// role plays (Feedback…), the closing evaluation (Evaluation…) and the follow-up after the course (FollowUp…).
// They are part of Phrases (embedded) and of phrases.yaml like every other phrase; workPhraseSpecs declares them.
type WorkPhrases struct {
	ReportButton                string `yaml:"report_button"`
	ReportViewButton            string `yaml:"report_view_button"`
	ReportModalTitle            string `yaml:"report_modal_title"` // {module}
	ReportHandInButton          string `yaml:"report_hand_in_button"`
	ReportCloseButton           string `yaml:"report_close_button"`
	ReportPlaceholder           string `yaml:"report_placeholder"`
	ReportDraftNote             string `yaml:"report_draft_note"` // {datum}
	ReportDraftNoteOpen         string `yaml:"report_draft_note_open"`
	ReportOwnFormat             string `yaml:"report_own_format"`
	ReportReadOnly              string `yaml:"report_read_only"`     // {module} {datum}
	ReportHandedIn              string `yaml:"report_handed_in"`     // {datum}
	ReportHandedInAck           string `yaml:"report_handed_in_ack"` // {titel}
	ReportSavedAfterHandIn      string `yaml:"report_saved_after_hand_in"`
	ReportEmpty                 string `yaml:"report_empty"`
	ReportNothingOpen           string `yaml:"report_nothing_open"`
	ReportNoCohort              string `yaml:"report_no_cohort"`
	ReportTrainerSelf           string `yaml:"report_trainer_self"`
	ReportOldButton             string `yaml:"report_old_button"`
	ReportHomeHeading           string `yaml:"report_home_heading"`
	ReportHomeDraft             string `yaml:"report_home_draft"`        // {titel} {module}
	ReportHomeHandedIn          string `yaml:"report_home_handed_in"`    // {titel} {module} {datum}
	ReportHomeNotStarted        string `yaml:"report_home_not_started"`  // {titel} {module}
	ReportTrainerHeading        string `yaml:"report_trainer_heading"`   // {module} {titel} {cohort}
	ReportTrainerCounts         string `yaml:"report_trainer_counts"`    // {aantal} {totaal}
	ReportTrainerHandedIn       string `yaml:"report_trainer_handed_in"` // {namen}
	ReportTrainerNotYet         string `yaml:"report_trainer_not_yet"`   // {namen}
	ReportTrainerNone           string `yaml:"report_trainer_none"`
	ReportTrainerWork           string `yaml:"report_trainer_work"`      // {naam} {datum}
	ReportTrainerContinued      string `yaml:"report_trainer_continued"` // {naam} {deel} {delen}
	ReportSectionEmpty          string `yaml:"report_section_empty"`
	ReportTrainerFileTitle      string `yaml:"report_trainer_file_title"` // {module} {cohort}
	ReportTrainerFileNote       string `yaml:"report_trainer_file_note"`
	ReportTrainerUsage          string `yaml:"report_trainer_usage"`
	ReportTrainerBadModule      string `yaml:"report_trainer_bad_module"` // {module} {modules}
	ReportSectionContinued      string `yaml:"report_section_continued"`  // {titel}
	ReportTrainerSent           string `yaml:"report_trainer_sent"`
	FeedbackButton              string `yaml:"feedback_button"`
	FeedbackModalTitle          string `yaml:"feedback_modal_title"` // {module}
	FeedbackSendButton          string `yaml:"feedback_send_button"`
	FeedbackWhoLabel            string `yaml:"feedback_who_label"`
	FeedbackIntro               string `yaml:"feedback_intro"` // {naam}
	FeedbackScalePlaceholder    string `yaml:"feedback_scale_placeholder"`
	FeedbackCommentLabel        string `yaml:"feedback_comment_label"`
	FeedbackCommentPlaceholder  string `yaml:"feedback_comment_placeholder"`
	FeedbackSent                string `yaml:"feedback_sent"` // {naam}
	FeedbackUpdated             string `yaml:"feedback_updated"`
	FeedbackEmpty               string `yaml:"feedback_empty"`
	FeedbackUsage               string `yaml:"feedback_usage"`
	FeedbackSelf                string `yaml:"feedback_self"`
	FeedbackNotParticipant      string `yaml:"feedback_not_participant"` // {naam}
	FeedbackNoForm              string `yaml:"feedback_no_form"`
	FeedbackNoCohort            string `yaml:"feedback_no_cohort"`
	FeedbackReceivedNew         string `yaml:"feedback_received_new"` // {naam} {module}
	FeedbackReadButton          string `yaml:"feedback_read_button"`
	FeedbackReceivedHeading     string `yaml:"feedback_received_heading"` // {module}
	FeedbackReceivedScore       string `yaml:"feedback_received_score"`   // {naam} {oordeel}
	FeedbackReceivedComment     string `yaml:"feedback_received_comment"` // {naam} {toelichting}
	FeedbackReceivedOpen        string `yaml:"feedback_received_open"`
	FeedbackReceivedNone        string `yaml:"feedback_received_none"` // {module}
	FeedbackShareButton         string `yaml:"feedback_share_button"`
	FeedbackUnshareButton       string `yaml:"feedback_unshare_button"`
	FeedbackShared              string `yaml:"feedback_shared"`          // {module}
	FeedbackUnshared            string `yaml:"feedback_unshared"`        // {module}
	FeedbackTrainerHeading      string `yaml:"feedback_trainer_heading"` // {module} {cohort}
	FeedbackTrainerLine         string `yaml:"feedback_trainer_line"`    // {naam} {aantal}
	FeedbackTrainerLine1        string `yaml:"feedback_trainer_line1"`   // {naam}
	FeedbackTrainerShared       string `yaml:"feedback_trainer_shared"`  // {naam}
	FeedbackTrainerNotShared    string `yaml:"feedback_trainer_not_shared"`
	FeedbackTrainerNone         string `yaml:"feedback_trainer_none"` // {module}
	EvaluationButton            string `yaml:"evaluation_button"`
	EvaluationModalTitle        string `yaml:"evaluation_modal_title"`
	EvaluationSaveButton        string `yaml:"evaluation_save_button"`
	EvaluationNotePlaceholder   string `yaml:"evaluation_note_placeholder"`
	EvaluationNoteHint          string `yaml:"evaluation_note_hint"`
	EvaluationBoardChoice       string `yaml:"evaluation_board_choice"`
	EvaluationBoardHint         string `yaml:"evaluation_board_hint"`
	EvaluationSaved             string `yaml:"evaluation_saved"`
	EvaluationMessage           string `yaml:"evaluation_message"` // {titel}
	EvaluationNoCohort          string `yaml:"evaluation_no_cohort"`
	EvaluationUsage             string `yaml:"evaluation_usage"`
	EvaluationBoardHeading      string `yaml:"evaluation_board_heading"` // {titel} {cohort}
	EvaluationBoardPerson       string `yaml:"evaluation_board_person"`  // {naam}
	EvaluationBoardNone         string `yaml:"evaluation_board_none"`
	EvaluationBoardPosted       string `yaml:"evaluation_board_posted"` // {kanaal} {aantal}
	EvaluationBoardTrainerOnly  string `yaml:"evaluation_board_trainer_only"`
	EvaluationNoNotes           string `yaml:"evaluation_no_notes"`
	EvaluationTakeHome          string `yaml:"evaluation_take_home"`
	EvaluationOntwikkelpunten   string `yaml:"evaluation_ontwikkelpunten"`
	EvaluationNoOntwikkelpunten string `yaml:"evaluation_no_ontwikkelpunten"`
	FollowUpMessage             string `yaml:"followup_message"` // {cohort}
	FollowUpZaad                string `yaml:"followup_zaad"`
	FollowUpOntwikkelpunten     string `yaml:"followup_ontwikkelpunten"`
	FollowUpNothingWritten      string `yaml:"followup_nothing_written"`
	FollowUpQuestion            string `yaml:"followup_question"`
	FollowUpGelukt              string `yaml:"followup_gelukt"`
	FollowUpBezig               string `yaml:"followup_bezig"`
	FollowUpNogNiet             string `yaml:"followup_nog_niet"`
	FollowUpNoteButton          string `yaml:"followup_note_button"`
	FollowUpNoteTitle           string `yaml:"followup_note_title"`
	FollowUpNoteLabel           string `yaml:"followup_note_label"`
	FollowUpNoteHint            string `yaml:"followup_note_hint"`
	FollowUpAnswered            string `yaml:"followup_answered"` // {antwoord}
	FollowUpNoteFirst           string `yaml:"followup_note_first"`
	FollowUpNoteSaved           string `yaml:"followup_note_saved"`
	FollowUpOldButton           string `yaml:"followup_old_button"`
	FollowUpTrainerHeading      string `yaml:"followup_trainer_heading"` // {cohort}
	FollowUpTrainerCounts       string `yaml:"followup_trainer_counts"`  // {gelukt} {bezig} {nog_niet} {aantal} {totaal} {datum}
	FollowUpTrainerStale        string `yaml:"followup_trainer_stale"`
	FollowUpTrainerWithheld     string `yaml:"followup_trainer_withheld"` // {minimum}
	FollowUpTrainerNotSent      string `yaml:"followup_trainer_not_sent"`
	EvaluationTrainerHeading    string `yaml:"evaluation_trainer_heading"` // {cohort}
	EvaluationTrainerCounts     string `yaml:"evaluation_trainer_counts"`  // {aantal} {totaal} {bord}
	EvaluationTrainerHint       string `yaml:"evaluation_trainer_hint"`
	EvaluationTrainerWhich      string `yaml:"evaluation_trainer_which"`
	EvaluationTrainerSelf       string `yaml:"evaluation_trainer_self"`
	EvaluationBoardLabel        string `yaml:"evaluation_board_label"`
	PrivacyErasedWork           string `yaml:"privacy_erased_work"`
	PrivacyErasedFeedback       string `yaml:"privacy_erased_feedback"`
	PrivacyErasedEvaluation     string `yaml:"privacy_erased_evaluation"`
	PrivacyErasedFollowUp       string `yaml:"privacy_erased_followup"`
	PrivacyErasedCopies         string `yaml:"privacy_erased_copies"`
}

// workPhraseSpecs declares the WorkPhrases: buttons, option labels and placeholders of input fields are held to
// MaxButtonLabel; every other text to the placeholders it shows.
var workPhraseSpecs = []phraseSpec{
	{"report_button", func(p *Phrases) string { return p.ReportButton }, true, nil},
	{"report_view_button", func(p *Phrases) string { return p.ReportViewButton }, true, nil},
	{"report_modal_title", func(p *Phrases) string { return p.ReportModalTitle }, false, []string{"module"}},
	{"report_hand_in_button", func(p *Phrases) string { return p.ReportHandInButton }, true, nil},
	{"report_close_button", func(p *Phrases) string { return p.ReportCloseButton }, true, nil},
	{"report_placeholder", func(p *Phrases) string { return p.ReportPlaceholder }, true, nil},
	{"report_draft_note", func(p *Phrases) string { return p.ReportDraftNote }, false, []string{"datum"}},
	{"report_draft_note_open", func(p *Phrases) string { return p.ReportDraftNoteOpen }, false, nil},
	{"report_own_format", func(p *Phrases) string { return p.ReportOwnFormat }, false, nil},
	{"report_read_only", func(p *Phrases) string { return p.ReportReadOnly }, false, []string{"module", "datum"}},
	{"report_handed_in", func(p *Phrases) string { return p.ReportHandedIn }, false, []string{"datum"}},
	{"report_handed_in_ack", func(p *Phrases) string { return p.ReportHandedInAck }, false, []string{"titel"}},
	{"report_saved_after_hand_in", func(p *Phrases) string { return p.ReportSavedAfterHandIn }, false, nil},
	{"report_empty", func(p *Phrases) string { return p.ReportEmpty }, false, nil},
	{"report_nothing_open", func(p *Phrases) string { return p.ReportNothingOpen }, false, nil},
	{"report_no_cohort", func(p *Phrases) string { return p.ReportNoCohort }, false, nil},
	{"report_trainer_self", func(p *Phrases) string { return p.ReportTrainerSelf }, false, nil},
	{"report_old_button", func(p *Phrases) string { return p.ReportOldButton }, false, nil},
	{"report_home_heading", func(p *Phrases) string { return p.ReportHomeHeading }, false, nil},
	{"report_home_draft", func(p *Phrases) string { return p.ReportHomeDraft }, false, []string{"titel", "module"}},
	{"report_home_handed_in", func(p *Phrases) string { return p.ReportHomeHandedIn }, false, []string{"titel", "module", "datum"}},
	{"report_home_not_started", func(p *Phrases) string { return p.ReportHomeNotStarted }, false, []string{"titel", "module"}},
	{"report_trainer_heading", func(p *Phrases) string { return p.ReportTrainerHeading }, false, []string{"module", "titel", "cohort"}},
	{"report_trainer_counts", func(p *Phrases) string { return p.ReportTrainerCounts }, false, []string{"aantal", "totaal"}},
	{"report_trainer_handed_in", func(p *Phrases) string { return p.ReportTrainerHandedIn }, false, []string{"namen"}},
	{"report_trainer_not_yet", func(p *Phrases) string { return p.ReportTrainerNotYet }, false, []string{"namen"}},
	{"report_trainer_none", func(p *Phrases) string { return p.ReportTrainerNone }, false, nil},
	{"report_trainer_work", func(p *Phrases) string { return p.ReportTrainerWork }, false, []string{"naam", "datum"}},
	{"report_trainer_continued", func(p *Phrases) string { return p.ReportTrainerContinued }, false, []string{"naam", "deel", "delen"}},
	{"report_section_empty", func(p *Phrases) string { return p.ReportSectionEmpty }, false, nil},
	{"report_trainer_file_title", func(p *Phrases) string { return p.ReportTrainerFileTitle }, false, []string{"module", "cohort"}},
	{"report_trainer_file_note", func(p *Phrases) string { return p.ReportTrainerFileNote }, false, nil},
	{"report_trainer_usage", func(p *Phrases) string { return p.ReportTrainerUsage }, false, nil},
	{"report_trainer_bad_module", func(p *Phrases) string { return p.ReportTrainerBadModule }, false, []string{"module", "modules"}},
	{"report_section_continued", func(p *Phrases) string { return p.ReportSectionContinued }, false, []string{"titel"}},
	{"report_trainer_sent", func(p *Phrases) string { return p.ReportTrainerSent }, false, nil},
	{"feedback_button", func(p *Phrases) string { return p.FeedbackButton }, true, nil},
	{"feedback_modal_title", func(p *Phrases) string { return p.FeedbackModalTitle }, false, []string{"module"}},
	{"feedback_send_button", func(p *Phrases) string { return p.FeedbackSendButton }, true, nil},
	{"feedback_who_label", func(p *Phrases) string { return p.FeedbackWhoLabel }, true, nil},
	{"feedback_intro", func(p *Phrases) string { return p.FeedbackIntro }, false, []string{"naam"}},
	{"feedback_scale_placeholder", func(p *Phrases) string { return p.FeedbackScalePlaceholder }, true, nil},
	{"feedback_comment_label", func(p *Phrases) string { return p.FeedbackCommentLabel }, true, nil},
	{"feedback_comment_placeholder", func(p *Phrases) string { return p.FeedbackCommentPlaceholder }, true, nil},
	{"feedback_sent", func(p *Phrases) string { return p.FeedbackSent }, false, []string{"naam"}},
	{"feedback_updated", func(p *Phrases) string { return p.FeedbackUpdated }, false, nil},
	{"feedback_empty", func(p *Phrases) string { return p.FeedbackEmpty }, false, nil},
	{"feedback_usage", func(p *Phrases) string { return p.FeedbackUsage }, false, nil},
	{"feedback_self", func(p *Phrases) string { return p.FeedbackSelf }, false, nil},
	{"feedback_not_participant", func(p *Phrases) string { return p.FeedbackNotParticipant }, false, []string{"naam"}},
	{"feedback_no_form", func(p *Phrases) string { return p.FeedbackNoForm }, false, nil},
	{"feedback_no_cohort", func(p *Phrases) string { return p.FeedbackNoCohort }, false, nil},
	{"feedback_received_new", func(p *Phrases) string { return p.FeedbackReceivedNew }, false, []string{"naam", "module"}},
	{"feedback_read_button", func(p *Phrases) string { return p.FeedbackReadButton }, true, nil},
	{"feedback_received_heading", func(p *Phrases) string { return p.FeedbackReceivedHeading }, false, []string{"module"}},
	{"feedback_received_score", func(p *Phrases) string { return p.FeedbackReceivedScore }, false, []string{"naam", "oordeel"}},
	{"feedback_received_comment", func(p *Phrases) string { return p.FeedbackReceivedComment }, false, []string{"naam", "toelichting"}},
	{"feedback_received_open", func(p *Phrases) string { return p.FeedbackReceivedOpen }, false, nil},
	{"feedback_received_none", func(p *Phrases) string { return p.FeedbackReceivedNone }, false, []string{"module"}},
	{"feedback_share_button", func(p *Phrases) string { return p.FeedbackShareButton }, true, nil},
	{"feedback_unshare_button", func(p *Phrases) string { return p.FeedbackUnshareButton }, true, nil},
	{"feedback_shared", func(p *Phrases) string { return p.FeedbackShared }, false, []string{"module"}},
	{"feedback_unshared", func(p *Phrases) string { return p.FeedbackUnshared }, false, []string{"module"}},
	{"feedback_trainer_heading", func(p *Phrases) string { return p.FeedbackTrainerHeading }, false, []string{"module", "cohort"}},
	{"feedback_trainer_line", func(p *Phrases) string { return p.FeedbackTrainerLine }, false, []string{"naam", "aantal"}},
	{"feedback_trainer_line1", func(p *Phrases) string { return p.FeedbackTrainerLine1 }, false, []string{"naam"}},
	{"feedback_trainer_shared", func(p *Phrases) string { return p.FeedbackTrainerShared }, false, []string{"naam"}},
	{"feedback_trainer_not_shared", func(p *Phrases) string { return p.FeedbackTrainerNotShared }, false, nil},
	{"feedback_trainer_none", func(p *Phrases) string { return p.FeedbackTrainerNone }, false, []string{"module"}},
	{"evaluation_button", func(p *Phrases) string { return p.EvaluationButton }, true, nil},
	{"evaluation_modal_title", func(p *Phrases) string { return p.EvaluationModalTitle }, false, nil},
	{"evaluation_save_button", func(p *Phrases) string { return p.EvaluationSaveButton }, true, nil},
	{"evaluation_note_placeholder", func(p *Phrases) string { return p.EvaluationNotePlaceholder }, true, nil},
	{"evaluation_note_hint", func(p *Phrases) string { return p.EvaluationNoteHint }, false, nil},
	{"evaluation_board_choice", func(p *Phrases) string { return p.EvaluationBoardChoice }, true, nil},
	{"evaluation_board_hint", func(p *Phrases) string { return p.EvaluationBoardHint }, false, nil},
	{"evaluation_saved", func(p *Phrases) string { return p.EvaluationSaved }, false, nil},
	{"evaluation_message", func(p *Phrases) string { return p.EvaluationMessage }, false, []string{"titel"}},
	{"evaluation_no_cohort", func(p *Phrases) string { return p.EvaluationNoCohort }, false, nil},
	{"evaluation_usage", func(p *Phrases) string { return p.EvaluationUsage }, false, nil},
	{"evaluation_board_heading", func(p *Phrases) string { return p.EvaluationBoardHeading }, false, []string{"titel", "cohort"}},
	{"evaluation_board_person", func(p *Phrases) string { return p.EvaluationBoardPerson }, false, []string{"naam"}},
	{"evaluation_board_none", func(p *Phrases) string { return p.EvaluationBoardNone }, false, nil},
	{"evaluation_board_posted", func(p *Phrases) string { return p.EvaluationBoardPosted }, false, []string{"kanaal", "aantal"}},
	{"evaluation_board_trainer_only", func(p *Phrases) string { return p.EvaluationBoardTrainerOnly }, false, nil},
	{"evaluation_no_notes", func(p *Phrases) string { return p.EvaluationNoNotes }, false, nil},
	{"evaluation_take_home", func(p *Phrases) string { return p.EvaluationTakeHome }, false, nil},
	{"evaluation_ontwikkelpunten", func(p *Phrases) string { return p.EvaluationOntwikkelpunten }, false, nil},
	{"evaluation_no_ontwikkelpunten", func(p *Phrases) string { return p.EvaluationNoOntwikkelpunten }, false, nil},
	{"followup_message", func(p *Phrases) string { return p.FollowUpMessage }, false, []string{"cohort"}},
	{"followup_zaad", func(p *Phrases) string { return p.FollowUpZaad }, false, nil},
	{"followup_ontwikkelpunten", func(p *Phrases) string { return p.FollowUpOntwikkelpunten }, false, nil},
	{"followup_nothing_written", func(p *Phrases) string { return p.FollowUpNothingWritten }, false, nil},
	{"followup_question", func(p *Phrases) string { return p.FollowUpQuestion }, false, nil},
	{"followup_gelukt", func(p *Phrases) string { return p.FollowUpGelukt }, true, nil},
	{"followup_bezig", func(p *Phrases) string { return p.FollowUpBezig }, true, nil},
	{"followup_nog_niet", func(p *Phrases) string { return p.FollowUpNogNiet }, true, nil},
	{"followup_note_button", func(p *Phrases) string { return p.FollowUpNoteButton }, true, nil},
	{"followup_note_title", func(p *Phrases) string { return p.FollowUpNoteTitle }, false, nil},
	{"followup_note_label", func(p *Phrases) string { return p.FollowUpNoteLabel }, true, nil},
	{"followup_note_hint", func(p *Phrases) string { return p.FollowUpNoteHint }, false, nil},
	{"followup_answered", func(p *Phrases) string { return p.FollowUpAnswered }, false, []string{"antwoord"}},
	{"followup_note_first", func(p *Phrases) string { return p.FollowUpNoteFirst }, false, nil},
	{"followup_note_saved", func(p *Phrases) string { return p.FollowUpNoteSaved }, false, nil},
	{"followup_old_button", func(p *Phrases) string { return p.FollowUpOldButton }, false, nil},
	{"followup_trainer_heading", func(p *Phrases) string { return p.FollowUpTrainerHeading }, false, []string{"cohort"}},
	{"followup_trainer_counts", func(p *Phrases) string { return p.FollowUpTrainerCounts }, false, []string{"gelukt", "bezig", "nog_niet", "aantal", "totaal", "datum"}},
	{"followup_trainer_stale", func(p *Phrases) string { return p.FollowUpTrainerStale }, false, nil},
	{"followup_trainer_withheld", func(p *Phrases) string { return p.FollowUpTrainerWithheld }, false, []string{"minimum"}},
	{"followup_trainer_not_sent", func(p *Phrases) string { return p.FollowUpTrainerNotSent }, false, nil},
	{"evaluation_trainer_heading", func(p *Phrases) string { return p.EvaluationTrainerHeading }, false, []string{"cohort"}},
	{"evaluation_trainer_counts", func(p *Phrases) string { return p.EvaluationTrainerCounts }, false, []string{"aantal", "totaal", "bord"}},
	{"evaluation_trainer_hint", func(p *Phrases) string { return p.EvaluationTrainerHint }, false, nil},
	{"evaluation_trainer_which", func(p *Phrases) string { return p.EvaluationTrainerWhich }, false, nil},
	{"evaluation_trainer_self", func(p *Phrases) string { return p.EvaluationTrainerSelf }, false, nil},
	{"evaluation_board_label", func(p *Phrases) string { return p.EvaluationBoardLabel }, true, nil},
	{"privacy_erased_work", func(p *Phrases) string { return p.PrivacyErasedWork }, false, nil},
	{"privacy_erased_feedback", func(p *Phrases) string { return p.PrivacyErasedFeedback }, false, nil},
	{"privacy_erased_evaluation", func(p *Phrases) string { return p.PrivacyErasedEvaluation }, false, nil},
	{"privacy_erased_followup", func(p *Phrases) string { return p.PrivacyErasedFollowUp }, false, nil},
	{"privacy_erased_copies", func(p *Phrases) string { return p.PrivacyErasedCopies }, false, nil},
}

// workModalTitles are the WorkPhrases that title a modal: filled with the longest module number they stay within
// Slack's MaxModalTitle.
var workModalTitles = []phraseSpec{
	{"report_modal_title", func(p *Phrases) string { return p.ReportModalTitle }, false, nil},
	{"feedback_modal_title", func(p *Phrases) string { return p.FeedbackModalTitle }, false, nil},
	{"evaluation_modal_title", func(p *Phrases) string { return p.EvaluationModalTitle }, false, nil},
	{"followup_note_title", func(p *Phrases) string { return p.FollowUpNoteTitle }, false, nil},
	// Not work, but a modal title all the same: the notice modal's.
	{"notice_title", func(p *Phrases) string { return p.NoticeTitle }, false, nil},
}

// validateWorkPhrases checks the modal titles among the WorkPhrases; validatePhrases checks the rest with phraseSpecs.
func (l *loader) validateWorkPhrases(p *Phrases) {
	for _, s := range workModalTitles {
		if n := utf8.RuneCountInString(Fill(s.get(p), Vars{"module": "4"})); n > MaxModalTitle {
			l.add("phrases.yaml", s.key, fmt.Sprintf("title is %d characters, Slack allows at most %d", n, MaxModalTitle))
		}
	}
}
