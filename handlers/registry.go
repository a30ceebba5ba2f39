package handlers

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"

	"github.com/gesprekbot/gesprekbot/content"
)

// CommandHandler handles a slash command. It commits what the command changes before it returns.
type CommandHandler func(ctx context.Context, cmd slack.SlashCommand) (Response, error)

// ActionHandler handles one block action (a button click, a select choice). action is the element that was used;
// cb carries the user, channel, message or view it was on; the clicked message's blocks (cb.Message.Blocks) only
// for actions registered with MessageAction. It commits the user's answer before it returns.
type ActionHandler func(ctx context.Context, cb slack.InteractionCallback, action *slack.BlockAction) (Response, error)

// ViewHandler handles a modal's view_submission. It commits what was submitted before it returns.
type ViewHandler func(ctx context.Context, cb slack.InteractionCallback) (ViewResponse, error)

// ViewClosedHandler handles a modal closed without submitting (only for views opened with notify_on_close).
type ViewClosedHandler func(ctx context.Context, cb slack.InteractionCallback) error

// EventHandler handles an Events API event (app_home_opened, member_joined_channel, message.im, ...).
type EventHandler func(ctx context.Context, ev slackevents.EventsAPIEvent) error

// Registry maps what Slack sends to the handler for it: slash commands by command (optionally with a first
// word, "/casus reveal"), block actions by action_id (the part before the first ":"), view submissions and closes
// by callback_id, events by the inner event's type. Socket Mode and HTTP mode both dispatch through it, so
// handlers never know the transport. Registering an id twice panics: that is a programming error found at start-up.
type Registry struct {
	phrases  content.Phrases
	log      *slog.Logger
	commands map[string]CommandHandler
	actions  map[string]ActionHandler
	messages map[string]bool // actions whose handler reads the clicked message's blocks
	views    map[string]ViewHandler
	closed   map[string]ViewClosedHandler
	events   map[string]EventHandler
	access   map[string]Access // entry points not open to everyone alike, by EntryPoint
	afterAck map[string]bool   // event types whose handler runs after the ack
}

// Access says who may use an entry point. Entry points are declared with it where they are registered, so that
// the gate's test (gate_test.go) can walk them all: one registered without a row in its table fails it.
type Access string

// Kinds of access besides "everyone".
const (
	// AccessTrainer: only a trainer of the cohort the request is about (Gate.Trains).
	AccessTrainer Access = "trainer"
	// AccessCreator: only a workspace admin or owner, or one of TRAINING_CREATORS (Gate.CanCreate).
	AccessCreator Access = "creator"
	// AccessTrainerPart: open to everyone, with a part that only trainers see (Gate.Trains or TrainedCohorts).
	AccessTrainerPart Access = "trainer part"
)

// EntryPoint names a registered entry point: "command /casus reveal", "view training_new",
// "event app_home_opened".
func EntryPoint(kind, key string) string { return kind + " " + key }

// NewRegistry returns an empty registry that answers errors and unknown requests with the given phrases.
func NewRegistry(phrases content.Phrases, log *slog.Logger) *Registry {
	return &Registry{
		phrases:  phrases,
		log:      log,
		commands: map[string]CommandHandler{},
		actions:  map[string]ActionHandler{},
		messages: map[string]bool{},
		views:    map[string]ViewHandler{},
		closed:   map[string]ViewClosedHandler{},
		events:   map[string]EventHandler{},
		access:   map[string]Access{},
		afterAck: map[string]bool{},
	}
}

// Command registers h for a slash command. name is the command ("/casus"), or the command and its first word
// ("/casus reveal"); a command with a first word that has its own registration goes there, anything else to the
// bare command's handler.
func (r *Registry) Command(name string, h CommandHandler) {
	fields := strings.Fields(name)
	if len(fields) == 0 || len(fields) > 2 || !strings.HasPrefix(fields[0], "/") || h == nil {
		panic(fmt.Sprintf("handlers: invalid command registration %q", name))
	}
	register(r.commands, "command", commandKey(name), h)
}

// TrainerCommand registers h like Command, declared as a trainer command: h must refuse (writing nothing) anyone
// the gate does not know as a trainer of the cohort the command is about.
func (r *Registry) TrainerCommand(name string, h CommandHandler) {
	r.Command(name, h)
	r.declare(EntryPoint("command", commandKey(name)), AccessTrainer)
}

// CreatorCommand registers h like Command, declared as open only to those who may set up a training.
func (r *Registry) CreatorCommand(name string, h CommandHandler) {
	r.Command(name, h)
	r.declare(EntryPoint("command", commandKey(name)), AccessCreator)
}

// CreatorView registers h like ViewSubmission, declared as open only to those who may set up a training.
func (r *Registry) CreatorView(callbackID string, h ViewHandler) {
	r.ViewSubmission(callbackID, h)
	r.declare(EntryPoint("view", callbackID), AccessCreator)
}

// DeclareTrainerPart declares that the entry point kind/key ("command", "/gesprekbot help"; "event",
// "app_home_opened"), registered for everyone, shows a part only to trainers.
func (r *Registry) DeclareTrainerPart(kind, key string) {
	if kind == "command" {
		key = commandKey(key)
	}
	r.declare(EntryPoint(kind, key), AccessTrainerPart)
}

func (r *Registry) declare(entry string, a Access) {
	if _, ok := r.access[entry]; ok {
		panic(fmt.Sprintf("handlers: access of %s declared twice", entry))
	}
	r.access[entry] = a
}

// Access returns the declared entry points that are not open to everyone alike, by EntryPoint.
func (r *Registry) Access() map[string]Access {
	out := make(map[string]Access, len(r.access))
	for k, v := range r.access {
		out[k] = v
	}
	return out
}

func commandKey(name string) string { return strings.ToLower(strings.Join(strings.Fields(name), " ")) }

// Action registers h for a block action_id. The id must not contain ":"; elements may add a suffix after ":" to
// stay unique within a block ("meter_score:3"), and all of them reach h.
func (r *Registry) Action(actionID string, h ActionHandler) {
	if actionID == "" || strings.Contains(actionID, ":") || h == nil {
		panic(fmt.Sprintf("handlers: invalid action registration %q", actionID))
	}
	register(r.actions, "action", actionID, h)
}

// MessageAction registers h like Action, for a handler that reads the blocks of the message that was clicked
// (cb.Message.Blocks), to change one of them, say. For other actions the adapters leave those blocks undecoded:
// decoding them is most of the work of reading a click (README, "Performance").
func (r *Registry) MessageAction(actionID string, h ActionHandler) {
	r.Action(actionID, h)
	r.messages[actionID] = true
}

// ReadsMessage reports whether the handler of actionID (as sent, suffix and all) reads the clicked message's
// blocks: whether it was registered with MessageAction.
func (r *Registry) ReadsMessage(actionID string) bool { return r.messages[ActionKey(actionID)] }

// ViewSubmission registers h for the view_submission of modals with this callback_id.
func (r *Registry) ViewSubmission(callbackID string, h ViewHandler) {
	if callbackID == "" || h == nil {
		panic(fmt.Sprintf("handlers: invalid view registration %q", callbackID))
	}
	register(r.views, "view submission", callbackID, h)
}

// ViewClosed registers h for the view_closed of modals with this callback_id.
func (r *Registry) ViewClosed(callbackID string, h ViewClosedHandler) {
	if callbackID == "" || h == nil {
		panic(fmt.Sprintf("handlers: invalid view closed registration %q", callbackID))
	}
	register(r.closed, "view closed", callbackID, h)
}

// Event registers h for an Events API event type ("app_home_opened"; "message" for message.im).
func (r *Registry) Event(eventType string, h EventHandler) {
	if eventType == "" || h == nil {
		panic(fmt.Sprintf("handlers: invalid event registration %q", eventType))
	}
	register(r.events, "event", eventType, h)
}

// EventAfterAck registers h for an Events API event type whose handling may take longer than Slack's 3 seconds
// (drawing and publishing an App Home, which waits its turn in views.publish's rate limit): the event is
// acknowledged first, and h runs after the ack with the time work after an ack gets. Slack does not send the event
// again when h fails; the error is logged.
func (r *Registry) EventAfterAck(eventType string, h EventHandler) {
	r.Event(eventType, h)
	r.afterAck[eventType] = true
}

// Entries lists every registered entry point, sorted: "command /casus reveal", "action meter_score",
// "view training_new", "view_closed training_new", "event app_home_opened". The wiring's test walks them to
// prove each is reachable.
func (r *Registry) Entries() []string {
	var out []string
	for k := range r.commands {
		out = append(out, EntryPoint("command", k))
	}
	for k := range r.actions {
		out = append(out, EntryPoint("action", k))
	}
	for k := range r.views {
		out = append(out, EntryPoint("view", k))
	}
	for k := range r.closed {
		out = append(out, EntryPoint("view_closed", k))
	}
	for k := range r.events {
		out = append(out, EntryPoint("event", k))
	}
	slices.Sort(out)
	return out
}

// HandlesAfterAck reports whether the handler of an event type runs after the ack (see EventAfterAck).
func (r *Registry) HandlesAfterAck(eventType string) bool {
	return r.afterAck[eventType]
}

func register[H any](m map[string]H, kind, key string, h H) {
	if _, ok := m[key]; ok {
		panic(fmt.Sprintf("handlers: %s %q registered twice", kind, key))
	}
	m[key] = h
}

// ActionKey returns the part of an action_id the registry matches on: everything before the first ":".
func ActionKey(actionID string) string {
	key, _, _ := strings.Cut(actionID, ":")
	return key
}

// Phrases returns the phrases the registry answers with, for handlers that share them.
func (r *Registry) Phrases() content.Phrases { return r.phrases }

func (r *Registry) command(cmd slack.SlashCommand) (CommandHandler, bool) {
	name := strings.ToLower(cmd.Command)
	if first, _, _ := strings.Cut(strings.TrimSpace(cmd.Text), " "); first != "" {
		if h, ok := r.commands[name+" "+strings.ToLower(first)]; ok {
			return h, true
		}
	}
	h, ok := r.commands[name]
	return h, ok
}

// HandlesCommand reports whether a handler is registered for cmd.
func (r *Registry) HandlesCommand(cmd slack.SlashCommand) bool {
	_, ok := r.command(cmd)
	return ok
}

// HandlesInteraction reports whether a handler is registered for cb.
func (r *Registry) HandlesInteraction(cb slack.InteractionCallback) bool {
	switch cb.Type {
	case slack.InteractionTypeBlockActions:
		a := firstAction(cb)
		if a == nil {
			return false
		}
		_, ok := r.actions[ActionKey(a.ActionID)]
		return ok
	case slack.InteractionTypeViewSubmission:
		_, ok := r.views[cb.View.CallbackID]
		return ok
	case slack.InteractionTypeViewClosed:
		_, ok := r.closed[cb.View.CallbackID]
		return ok
	}
	return false
}

// HandlesEvent reports whether a handler is registered for the inner event type.
func (r *Registry) HandlesEvent(eventType string) bool {
	_, ok := r.events[eventType]
	return ok
}

func firstAction(cb slack.InteractionCallback) *slack.BlockAction {
	if len(cb.ActionCallback.BlockActions) == 0 {
		return nil
	}
	return cb.ActionCallback.BlockActions[0]
}

// Ack is what an adapter does with one inbound request, whatever the transport: ack with Payload (nil: an empty
// ack), then send Followup to the response_url, then run Later.
type Ack struct {
	Payload  any                                       // the ack's JSON body; nil for an empty ack
	Followup *Reply                                    // sent to the response_url (or as an ephemeral) after the ack
	Later    func(ctx context.Context) (*Reply, error) // work that continues after the ack
	Known    bool                                      // false when nothing was registered: nothing was handled
}

// HandleCommand runs the handler for cmd and says how to ack. An unknown command gets a friendly "I don't know
// this command" reply; a handler error becomes a user-facing reply (see ErrorReply).
func (r *Registry) HandleCommand(ctx context.Context, cmd slack.SlashCommand) Ack {
	h, ok := r.command(cmd)
	if !ok {
		name := strings.TrimSpace(cmd.Command + " " + firstWord(cmd.Text))
		reply := &Reply{Text: content.Fill(r.phrases.UnknownCommand, content.Vars{"commando": name})}
		return Ack{Payload: reply.Payload()}
	}
	res, err := h(ctx, cmd)
	if err != nil {
		return Ack{Payload: r.ErrorReply(ctx, err, "command", cmd.Command).Payload(), Known: true}
	}
	ack := Ack{Later: res.Later, Known: true}
	if res.Reply != nil {
		ack.Payload = res.Reply.Payload()
	}
	return ack
}

func firstWord(s string) string {
	first, _, _ := strings.Cut(strings.TrimSpace(s), " ")
	return first
}

// HandleInteraction runs the handler for a block action, view submission or view close and says how to ack.
// An unknown action gets "this button no longer works", an unknown modal is replaced by a short notice; other
// interaction types are acked and ignored.
func (r *Registry) HandleInteraction(ctx context.Context, cb slack.InteractionCallback) Ack {
	switch cb.Type {
	case slack.InteractionTypeBlockActions:
		return r.handleAction(ctx, cb)
	case slack.InteractionTypeViewSubmission:
		return r.handleView(ctx, cb)
	case slack.InteractionTypeViewClosed:
		h, ok := r.closed[cb.View.CallbackID]
		if !ok {
			return Ack{}
		}
		if err := h(ctx, cb); err != nil {
			r.ErrorReply(ctx, err, "view_closed", cb.View.CallbackID)
		}
		return Ack{Known: true}
	}
	return Ack{}
}

func (r *Registry) handleAction(ctx context.Context, cb slack.InteractionCallback) Ack {
	a := firstAction(cb)
	if a == nil {
		return Ack{Followup: &Reply{Text: r.phrases.UnknownAction}}
	}
	h, ok := r.actions[ActionKey(a.ActionID)]
	if !ok {
		return Ack{Followup: &Reply{Text: r.phrases.UnknownAction}}
	}
	res, err := h(ctx, cb, a)
	if err != nil {
		return Ack{Followup: r.ErrorReply(ctx, err, "action", a.ActionID), Known: true}
	}
	return Ack{Followup: res.Reply, Later: res.Later, Known: true}
}

func (r *Registry) handleView(ctx context.Context, cb slack.InteractionCallback) Ack {
	h, ok := r.views[cb.View.CallbackID]
	if !ok {
		return Ack{Payload: slack.NewUpdateViewSubmissionResponse(NoticeView(r.phrases, r.phrases.UnknownView))}
	}
	res, err := h(ctx, cb)
	if err != nil {
		// Pushing a notice keeps what the user typed in the modal underneath it.
		reply := r.ErrorReply(ctx, err, "view_submission", cb.View.CallbackID)
		return Ack{Payload: slack.NewPushViewSubmissionResponse(r.NoticeView(reply.Text)), Known: true}
	}
	ack := Ack{Known: true}
	if res.Action != nil {
		ack.Payload = res.Action
	}
	if res.Later != nil {
		later := res.Later
		ack.Later = func(ctx context.Context) (*Reply, error) { return nil, later(ctx) }
	}
	return ack
}

// HandleEvent runs the handler for an Events API event. It returns handled=false, and writes nothing, when no
// handler is registered for the inner type.
func (r *Registry) HandleEvent(ctx context.Context, ev slackevents.EventsAPIEvent) (handled bool, err error) {
	h, ok := r.events[ev.InnerEvent.Type]
	if !ok {
		return false, nil
	}
	if err := h(ctx, ev); err != nil {
		return true, fmt.Errorf("handle event %s: %w", ev.InnerEvent.Type, err)
	}
	return true, nil
}

// ErrorReply turns a handler error into what the user sees: "try again shortly" when a dependency is unavailable;
// the phrase for a fact the store reports (storeErrorText); a content.Error's own message; otherwise the generic
// "something went wrong", with the error logged (internals never reach the user). what and id name the request for
// the log.
func (r *Registry) ErrorReply(ctx context.Context, err error, what, id string) *Reply {
	code := content.ErrorCode(err)
	switch {
	case code == content.EUNAVAILABLE:
		r.log.WarnContext(ctx, "dependency unavailable", slog.String("request", what), slog.String("id", id), slog.Any("error", err))
		return &Reply{Text: r.phrases.TryAgain}
	case code != content.EINTERNAL && storeErrorText(&r.phrases, err) != "":
		return &Reply{Text: storeErrorText(&r.phrases, err)}
	case code != content.EINTERNAL && content.ErrorMessage(err) != "":
		return &Reply{Text: content.ErrorMessage(err)}
	case errors.Is(err, context.DeadlineExceeded):
		r.log.ErrorContext(ctx, "handler too slow", slog.String("request", what), slog.String("id", id), slog.Any("error", err))
		return &Reply{Text: r.phrases.TryAgain}
	}
	r.log.ErrorContext(ctx, "handler failed", slog.String("request", what), slog.String("id", id), slog.Any("error", err))
	return &Reply{Text: r.phrases.ErrorGeneric}
}

// NoticeView returns a small modal that only shows text, with a close button: the bot's inbound side pushes it
// too (a view submission whose handler panicked), through the Registry's NoticeView.
func NoticeView(p content.Phrases, text string) *slack.ModalViewRequest {
	return &slack.ModalViewRequest{
		Type:  slack.VTModal,
		Title: slack.NewTextBlockObject(slack.PlainTextType, p.NoticeTitle, false, false),
		Close: slack.NewTextBlockObject(slack.PlainTextType, p.NoticeClose, false, false),
		Blocks: slack.Blocks{BlockSet: []slack.Block{
			slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, text, false, false), nil, nil),
		}},
	}
}

// NoticeView is NoticeView with the registry's phrases, for those that have the registry but not the course: the
// bot's inbound side.
func (r *Registry) NoticeView(text string) *slack.ModalViewRequest {
	return NoticeView(r.phrases, text)
}
