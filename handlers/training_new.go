package handlers

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/gesprekbot/gesprekbot/content"
	"github.com/gesprekbot/gesprekbot/store"
)

// CallbackTrainingNew is the callback_id of the /training nieuw modal.
const CallbackTrainingNew = "training_new"

// Block ids of the /training nieuw modal; each input block's element has the same string as action_id. Module
// blocks are "training_m<n>_date", "_start", "_end" and "_location" (see trainingModuleBlock).
const (
	blockTrainingName     = "training_name"
	blockTrainingTimezone = "training_timezone"
	blockTrainingTrainers = "training_trainers"
	blockTrainingCase     = "training_case"
	blockTrainingSettings = "training_settings"
)

// Values of the settings checkboxes.
const (
	trainingSettingQuiet      = "quiet_hours"
	trainingSettingHolidays   = "holidays"
	trainingSettingAutoReveal = "auto_reveal"
)

// trainingNoQuietHours is the quiet-hours window that means none (equal start and end).
const trainingNoQuietHours = "00:00-00:00"

// Default times the modal suggests for a module: a morning half day, as in the example cohort.
const (
	trainingDefaultStart = "09:00"
	trainingDefaultEnd   = "13:00"
)

// trainingNewMeta is the modal's private_metadata: the channel the training is made for.
type trainingNewMeta struct {
	Channel     string `json:"channel"`
	ChannelName string `json:"channel_name,omitempty"`
}

// trainingModuleBlock returns the block id of one field of module n: "date", "start", "end" or "location".
func trainingModuleBlock(n int, field string) string {
	return "training_m" + strconv.Itoa(n) + "_" + field
}

// New handles `/training nieuw`: in a channel without a training it opens the modal to create one, for those who
// may set up a training (Gate.CanCreate; anyone else is told who can); a channel that has a training already is
// told so; typed in a DM it says to use the group's channel.
func (t *Training) New(ctx context.Context, cmd slack.SlashCommand) (Response, error) {
	if !content.IsChannelRef(cmd.ChannelID) {
		return Ephemeral(t.phrases.TrainingNotChannel), nil
	}
	c, err := t.channelCohort(ctx, cmd.ChannelID, cmd.ChannelName)
	if err != nil {
		return Response{}, err
	}
	if c != nil {
		trainer, err := t.deps.Gate.Trains(ctx, c, cmd.UserID)
		if err != nil {
			return Response{}, err
		}
		if !trainer {
			return Ephemeral(content.Fill(t.phrases.TrainingNotTrainer, content.Vars{"cohort": c.Name})), nil
		}
		return Ephemeral(content.Fill(t.phrases.TrainingExists, content.Vars{"cohort": c.Name})), nil
	}
	ok, err := t.deps.Gate.CanCreate(ctx, cmd.UserID)
	if err != nil {
		return Response{}, fmt.Errorf("training nieuw: %w", err)
	}
	if !ok {
		return Ephemeral(t.notCreator(ctx)), nil
	}
	view := TrainingNewView(t.deps.Course, t.phrases, cmd.ChannelID, cmd.ChannelName, cmd.UserID)
	// The trigger_id is valid for 3 seconds: the modal is opened now, before the ack.
	if _, err := t.deps.Slack.OpenView(ctx, cmd.TriggerID, view); err != nil {
		return Response{}, fmt.Errorf("training nieuw: open modal: %w", err)
	}
	return Response{}, nil
}

// notCreator is the refusal of /training nieuw: who may set up a training.
func (t *Training) notCreator(ctx context.Context) string {
	var names []string
	for _, c := range t.deps.Gate.Creators(ctx) {
		if content.IsEmail(c) {
			names = append(names, escape(c))
		} else {
			names = append(names, "<@"+c+">")
		}
	}
	if len(names) == 0 {
		return t.phrases.TrainingNewNotAllowed
	}
	return content.Fill(t.phrases.TrainingNewNotAllowedNamed, content.Vars{"namen": content.Markup(orJoin(names))})
}

// orJoin joins names as "a, b of c".
func orJoin(items []string) string {
	if len(items) <= 1 {
		return strings.Join(items, "")
	}
	return strings.Join(items[:len(items)-1], ", ") + " of " + items[len(items)-1]
}

// TrainingNewView builds the /training nieuw modal for a channel, with userID preselected as trainer.
func TrainingNewView(course *content.Course, p content.Phrases, channelID, channelName, userID string) slack.ModalViewRequest {
	plain := func(s string) *slack.TextBlockObject {
		return slack.NewTextBlockObject(slack.PlainTextType, s, false, false)
	}
	mrkdwn := func(s string) *slack.TextBlockObject {
		return slack.NewTextBlockObject(slack.MarkdownType, s, false, false)
	}
	section := func(s string) slack.Block { return slack.NewSectionBlock(mrkdwn(s), nil, nil) }

	name := slack.NewPlainTextInputBlockElement(plain(p.TrainingNewNamePH), blockTrainingName)
	name.MaxLength = content.MaxCohortName

	var zones []*slack.OptionBlockObject
	for _, z := range trainingTimezones(&p) {
		zones = append(zones, slack.NewOptionBlockObject(z.zone, plain(z.label), nil))
	}
	zone := slack.NewOptionsSelectBlockElement(slack.OptTypeStatic, nil, blockTrainingTimezone, zones...)
	zone.InitialOption = zones[0]

	trainers := slack.NewOptionsMultiSelectBlockElement(slack.MultiOptTypeUser, nil, blockTrainingTrainers)
	trainers.InitialUsers = []string{userID}

	var cases []*slack.OptionBlockObject
	for _, c := range trainingLVBCases(&p) {
		cases = append(cases, slack.NewOptionBlockObject(c.id, plain(c.label), plain(c.desc)))
	}
	lvb := slack.NewOptionsSelectBlockElement(slack.OptTypeStatic, nil, blockTrainingCase, cases...)

	blocks := []slack.Block{
		section(content.Fill(p.TrainingNewIntro, content.Vars{"kanaal": content.Markup("<#" + channelID + ">")})),
		slack.NewInputBlock(blockTrainingName, plain(p.TrainingNewName), plain(p.TrainingNewNameHint), name),
		slack.NewInputBlock(blockTrainingTimezone, plain(p.TrainingNewTimezone), nil, zone),
		slack.NewInputBlock(blockTrainingTrainers, plain(p.TrainingNewTrainers), plain(p.TrainingNewTrainersHint), trainers),
		section(p.TrainingNewCases),
		slack.NewInputBlock(blockTrainingCase, plain(p.TrainingNewCase), nil, lvb),
	}
	for n := 1; n <= 4; n++ {
		title := ""
		if m, ok := course.Module(n); ok {
			title = m.Title
		}
		date := slack.NewDatePickerBlockElement(trainingModuleBlock(n, "date"))
		start := slack.NewTimePickerBlockElement(trainingModuleBlock(n, "start"))
		start.InitialTime = trainingDefaultStart
		end := slack.NewTimePickerBlockElement(trainingModuleBlock(n, "end"))
		end.InitialTime = trainingDefaultEnd
		place := slack.NewPlainTextInputBlockElement(plain(p.TrainingNewLocationPH), trainingModuleBlock(n, "location"))
		place.MaxLength = content.MaxLocation
		blocks = append(blocks,
			slack.NewDividerBlock(),
			section(content.Fill(p.TrainingNewModule, content.Vars{"module": strconv.Itoa(n), "titel": title})),
			slack.NewInputBlock(trainingModuleBlock(n, "date"), plain(p.TrainingNewDate), nil, date),
			slack.NewInputBlock(trainingModuleBlock(n, "start"), plain(p.TrainingNewStart), nil, start),
			slack.NewInputBlock(trainingModuleBlock(n, "end"), plain(p.TrainingNewEnd), nil, end),
			slack.NewInputBlock(trainingModuleBlock(n, "location"), plain(p.TrainingNewLocation), nil, place),
		)
	}

	settings := []*slack.OptionBlockObject{
		slack.NewOptionBlockObject(trainingSettingQuiet, plain(p.TrainingNewQuiet), nil),
		slack.NewOptionBlockObject(trainingSettingHolidays, plain(p.TrainingNewHolidays), nil),
		slack.NewOptionBlockObject(trainingSettingAutoReveal, plain(p.TrainingNewAutoReveal), nil),
	}
	boxes := slack.NewCheckboxGroupsBlockElement(blockTrainingSettings, settings...)
	boxes.InitialOptions = settings
	settingsBlock := slack.NewInputBlock(blockTrainingSettings, plain(p.TrainingNewSettings), plain(p.TrainingNewSettingsHint), boxes)
	settingsBlock.Optional = true
	blocks = append(blocks, slack.NewDividerBlock(), settingsBlock)

	meta, _ := json.Marshal(trainingNewMeta{Channel: channelID, ChannelName: channelName})
	return slack.ModalViewRequest{
		Type:            slack.VTModal,
		CallbackID:      CallbackTrainingNew,
		Title:           plain(p.TrainingNewTitle),
		Submit:          plain(p.ButtonBewaar),
		Close:           plain(p.ButtonAnnuleer),
		Blocks:          slack.Blocks{BlockSet: blocks},
		PrivateMetadata: string(meta),
	}
}

// NewSubmit handles the submitted /training nieuw modal: every problem is shown under its field and the modal
// stays open; otherwise the training is saved and planned in one transaction, the creator is audited, and the
// modal turns into a summary of what was planned. Someone who may not set up a training (the modal was opened by
// someone else's command, or the submission is forged) is told who can, and nothing is written.
func (t *Training) NewSubmit(ctx context.Context, cb slack.InteractionCallback) (ViewResponse, error) {
	ok, err := t.deps.Gate.CanCreate(ctx, cb.User.ID)
	if err != nil {
		return ViewResponse{}, fmt.Errorf("training nieuw: %w", err)
	}
	if !ok {
		return ViewResponse{Action: slack.NewUpdateViewSubmissionResponse(NoticeView(t.phrases, t.notCreator(ctx)))}, nil
	}
	var meta trainingNewMeta
	if err := json.Unmarshal([]byte(cb.View.PrivateMetadata), &meta); err != nil || meta.Channel == "" {
		return ViewResponse{}, fmt.Errorf("training nieuw: private metadata %q: %w", cb.View.PrivateMetadata, err)
	}
	now := t.deps.Now()
	c, errs := trainingCohortFromState(t.phrases, cb.View.State, meta.Channel, cb.User.ID)
	if c != nil {
		if err := c.Validate(now, false); err != nil {
			fes, ok := err.(content.Errors)
			if !ok {
				return ViewResponse{}, fmt.Errorf("training nieuw: validate: %w", err)
			}
			trainingAddFieldErrors(t.phrases, errs, fes, c)
		}
	}
	if len(errs) > 0 {
		return ViewErrors(errs), nil
	}

	existing, err := t.channelCohort(ctx, meta.Channel, meta.ChannelName)
	if err != nil {
		return ViewResponse{}, err
	}
	if existing != nil {
		return ViewErrors(map[string]string{blockTrainingName: t.phrases.TrainingErrChannelTaken}), nil
	}
	if _, err := t.deps.Store.CohortByName(ctx, c.Name); err == nil {
		return ViewErrors(map[string]string{blockTrainingName: t.phrases.TrainingErrNameTaken}), nil
	} else if content.ErrorCode(err) != content.ENOTFOUND {
		return ViewResponse{}, fmt.Errorf("training nieuw: %w", err)
	}

	var planned []content.Delivery
	plan := t.planner()
	res, err := t.deps.Store.ApplyCohort(ctx, c, func(saved *content.Cohort) ([]content.Delivery, error) {
		ds, err := plan(saved)
		planned = ds
		return ds, err
	})
	if err != nil {
		var taken *store.ChannelTakenError
		if errors.As(err, &taken) {
			return ViewErrors(map[string]string{blockTrainingName: t.phrases.TrainingErrChannelTaken}), nil
		}
		return ViewResponse{}, fmt.Errorf("training nieuw: %w", err)
	}
	id := c.ID
	t.audit(ctx, store.AuditEntry{CohortID: &id, Actor: cb.User.ID, Action: "cohort_created", Detail: map[string]any{
		"name": c.Name, "channel": c.Channel, "trainers": c.Trainers, "cases": c.Cases, "via": "slack",
		"planned": res.Added + res.Updated, "kept": res.Kept, "cancelled": res.Cancelled,
	}})
	t.kick()
	view := TrainingCreatedView(t.phrases, c, planned, now)
	return ViewResponse{Action: slack.NewUpdateViewSubmissionResponse(&view)}, nil
}

// TrainingCreatedView is what the modal shows once the training is saved: where, how many messages are planned,
// and the first of them.
func TrainingCreatedView(phrases content.Phrases, c *content.Cohort, planned []content.Delivery, now time.Time) slack.ModalViewRequest {
	text := content.Fill(phrases.TrainingCreated, content.Vars{
		"cohort": c.Name, "kanaal": content.Markup("<#" + c.Channel + ">"), "aantal": strconv.Itoa(len(planned)),
	})
	if len(planned) > 0 {
		first := planned[0]
		when := trainingDateTime(first.DueAt)
		if !first.DueAt.After(now) {
			when = phrases.TrainingCreatedNow
		}
		text += "\n" + content.Fill(phrases.TrainingCreatedFirst, content.Vars{
			"datum": when, "titel": first.Title, "wie": trainingAudienceName(&phrases, first.Audience),
		})
	}
	text += "\n\n" + phrases.TrainingCreatedNext
	return slack.ModalViewRequest{
		Type:   slack.VTModal,
		Title:  slack.NewTextBlockObject(slack.PlainTextType, phrases.TrainingCreatedTitle, false, false),
		Close:  slack.NewTextBlockObject(slack.PlainTextType, phrases.TrainingCreatedClose, false, false),
		Blocks: slack.Blocks{BlockSet: TextSections(text)},
	}
}

// trainingCohortFromState reads the submitted modal into a cohort for channel, with the submitter as a trainer.
// Fields the form leaves empty are reported per block (Slack checks required inputs too, but a form must not
// rely on that); c is nil when nothing can be checked further.
func trainingCohortFromState(phrases content.Phrases, state *slack.ViewState, channel, userID string) (*content.Cohort, map[string]string) {
	errs := map[string]string{}
	value := func(block string) slack.BlockAction {
		if state == nil {
			return slack.BlockAction{}
		}
		return state.Values[block][block]
	}

	c := &content.Cohort{
		Name:     strings.TrimSpace(value(blockTrainingName).Value),
		Channel:  channel,
		Timezone: value(blockTrainingTimezone).SelectedOption.Value,
		Settings: content.CohortSettings{QuietHours: trainingNoQuietHours},
	}
	if c.Timezone == "" {
		c.Timezone = content.DefaultTimezone
	}
	loc, err := time.LoadLocation(c.Timezone)
	if err != nil {
		errs[blockTrainingTimezone] = phrases.TrainingErrTimezone
		loc = time.UTC
	}

	// The one who creates the training is always one of its trainers, first in the list.
	c.Trainers = []string{userID}
	for _, u := range value(blockTrainingTrainers).SelectedUsers {
		if u != "" && !strings.EqualFold(u, userID) {
			c.Trainers = append(c.Trainers, u)
		}
	}

	c.Cases = []string{content.CohortCaseRichard}
	if v := value(blockTrainingCase).SelectedOption.Value; v != "" {
		c.Cases = append(c.Cases, v)
	} else {
		errs[blockTrainingCase] = phrases.TrainingErrCase
	}

	for n := 1; n <= 4; n++ {
		m := content.CohortModule{Number: n, Location: strings.TrimSpace(value(trainingModuleBlock(n, "location")).Value)}
		date := value(trainingModuleBlock(n, "date")).SelectedDate
		start := value(trainingModuleBlock(n, "start")).SelectedTime
		end := value(trainingModuleBlock(n, "end")).SelectedTime
		if date == "" {
			errs[trainingModuleBlock(n, "date")] = phrases.TrainingErrDate
		}
		if start == "" {
			errs[trainingModuleBlock(n, "start")] = phrases.TrainingErrStart
		}
		if end == "" {
			errs[trainingModuleBlock(n, "end")] = phrases.TrainingErrEnd
		}
		if date != "" && start != "" {
			if m.Start, err = trainingLocalTime(date, start, loc); err != nil {
				errs[trainingModuleBlock(n, "start")] = phrases.TrainingErrNoTime
			}
		}
		if date != "" && end != "" {
			if m.End, err = trainingLocalTime(date, end, loc); err != nil {
				errs[trainingModuleBlock(n, "end")] = phrases.TrainingErrNoTime
			}
		}
		c.Modules = append(c.Modules, m)
	}

	checked := map[string]bool{}
	for _, o := range value(blockTrainingSettings).SelectedOptions {
		checked[o.Value] = true
	}
	if checked[trainingSettingQuiet] {
		c.Settings.QuietHours = content.DefaultQuietHours
	}
	c.Settings.Holidays = checked[trainingSettingHolidays]
	c.Settings.AutoReveal = checked[trainingSettingAutoReveal]
	return c, errs
}

// trainingLocalTime reads a picker's date ("2026-12-07") and time ("09:00") in loc. A time that does not exist
// that day (skipped by the change to summer time) is an error rather than silently moved.
func trainingLocalTime(date, clock string, loc *time.Location) (time.Time, error) {
	const layout = "2006-01-02 15:04"
	s := date + " " + clock
	t, err := time.ParseInLocation(layout, s, loc)
	if err != nil {
		return time.Time{}, fmt.Errorf("read %q: %w", s, err)
	}
	if t.Format(layout) != s {
		return time.Time{}, fmt.Errorf("%q does not exist in %s", s, loc)
	}
	return t, nil
}

var trainingModuleFieldRE = regexp.MustCompile(`^modules\[(\d+)\]\.(\w+)$`)

// trainingAddFieldErrors puts the cohort's validation problems under the modal's blocks, in Dutch. The modal lists
// module i+1 as modules[i]. A block keeps the first problem found for it (the form's own check comes first).
func trainingAddFieldErrors(phrases content.Phrases, errs map[string]string, fes content.Errors, c *content.Cohort) {
	add := func(block, msg string) {
		if _, ok := errs[block]; !ok {
			errs[block] = msg
		}
	}
	for _, fe := range fes {
		field, _, _ := strings.Cut(fe.Field, "[")
		if m := trainingModuleFieldRE.FindStringSubmatch(fe.Field); m != nil {
			i, _ := strconv.Atoi(m[1])
			n := i + 1
			prev := strconv.Itoa(n - 1)
			switch {
			case m[2] == "end" && strings.Contains(fe.Msg, "after the start"):
				add(trainingModuleBlock(n, "end"), phrases.TrainingErrEndBefore)
			case m[2] == "end":
				add(trainingModuleBlock(n, "end"), phrases.TrainingErrEnd)
			case m[2] == "location" && strings.Contains(fe.Msg, "too long"):
				add(trainingModuleBlock(n, "location"), content.Fill(phrases.TrainingErrLocationLong, content.Vars{"max": content.MaxLocation}))
			case m[2] == "location":
				add(trainingModuleBlock(n, "location"), phrases.TrainingErrLocation)
			case m[2] == "start" && strings.Contains(fe.Msg, "in the past"):
				add(trainingModuleBlock(n, "date"), phrases.TrainingErrPast)
			case m[2] == "start" && strings.Contains(fe.Msg, "out of order"):
				add(trainingModuleBlock(n, "date"), content.Fill(phrases.TrainingErrOrder, content.Vars{"module": strconv.Itoa(n), "vorige": prev}))
			case m[2] == "start" && strings.Contains(fe.Msg, "overlaps") && i > 0 && i-1 < len(c.Modules):
				add(trainingModuleBlock(n, "start"), content.Fill(phrases.TrainingErrOverlap, content.Vars{
					"module": strconv.Itoa(n), "vorige": prev, "tijd": c.Modules[i-1].End.Format("15:04"),
				}))
			case m[2] == "start":
				add(trainingModuleBlock(n, "start"), phrases.TrainingErrStart)
			default:
				add(trainingModuleBlock(n, "date"), phrases.TrainingErrOther)
			}
			continue
		}
		switch field {
		case "name":
			if strings.Contains(fe.Msg, "too long") {
				add(blockTrainingName, content.Fill(phrases.TrainingErrNameLong, content.Vars{"max": content.MaxCohortName}))
			} else {
				add(blockTrainingName, phrases.TrainingErrName)
			}
		case "timezone":
			add(blockTrainingTimezone, phrases.TrainingErrTimezone)
		case "trainers":
			add(blockTrainingTrainers, phrases.TrainingErrTrainers)
		case "cases":
			add(blockTrainingCase, phrases.TrainingErrCase)
		case "quiet_hours":
			add(blockTrainingSettings, phrases.TrainingErrSettings)
		case "modules":
			add(trainingModuleBlock(1, "date"), phrases.TrainingErrOther)
		default:
			// The channel comes from where the command was typed, which IsChannelRef checked; anything else
			// has no block of its own, so it goes under the name at the top.
			add(blockTrainingName, phrases.TrainingErrOther)
		}
	}
}
