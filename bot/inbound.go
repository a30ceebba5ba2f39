package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"sync"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"

	"github.com/gesprekbot/gesprekbot/handlers"
	"github.com/gesprekbot/gesprekbot/store"
)

// EventLog remembers which Slack event ids were handled, so that a retry of a handled event is acknowledged but
// not handled twice; *store.DB implements it. An id is recorded only after its handler succeeded: a handler that
// failed, or a process that died in the middle of one, leaves Slack's retry to be handled.
type EventLog interface {
	EventHandled(ctx context.Context, id string) (bool, error)
	MarkEventHandled(ctx context.Context, id string) error
}

// Responder sends what a handler has to say after the ack; *Poster implements it.
type Responder interface {
	Respond(ctx context.Context, responseURL string, payload handlers.Payload) error
	PostEphemeral(ctx context.Context, channel, userID string, m Message) error
}

// InboundOptions configures an Inbound.
type InboundOptions struct {
	Registry  *handlers.Registry
	Events    EventLog  // retry dedupe of Events API events
	Responder Responder // response_url posts and ephemerals after the ack
	Log       *slog.Logger

	// AckTimeout bounds a handler's synchronous work so the ack makes Slack's 3 seconds: 2.5s by default.
	AckTimeout time.Duration
	// LaterTimeout bounds work that continues after the ack: 2 minutes by default.
	LaterTimeout time.Duration
	// Observer, when set, is told how long each request took to be ready for its ack (metrics).
	Observer AckObserver
	// DefaultTeam is the workspace of a request whose payload names none: the deployment's own (auth.test's).
	DefaultTeam string
}

// Inbound is what Socket Mode and HTTP mode share, the bot's side of every request Slack sends: it runs a request's handler
// (through the registry) within the ack deadline, drops retried events and redelivered interactions, and after
// the ack sends follow-up replies and runs work that continues. Adapters only decode, ack and encode.
type Inbound struct {
	opts     InboundOptions
	inflight inflight // handlers running and work after acks
	// stopped ends the work after acks that is still running (Close).
	stopped context.Context
	stop    context.CancelFunc

	mu       sync.Mutex
	triggers map[string]time.Time // interaction trigger ids seen recently (Socket Mode redeliveries)
	order    []seenAt             // the same ids, oldest first, so that forgetting them costs O(1) each
}

// NewInbound returns an Inbound.
func NewInbound(opts InboundOptions) *Inbound {
	if opts.Log == nil {
		opts.Log = slog.Default()
	}
	if opts.AckTimeout <= 0 {
		opts.AckTimeout = 2500 * time.Millisecond
	}
	if opts.LaterTimeout <= 0 {
		opts.LaterTimeout = 2 * time.Minute
	}
	d := &Inbound{opts: opts, triggers: map[string]time.Time{}}
	d.stopped, d.stop = context.WithCancel(context.Background())
	return d
}

// withTeam puts the request's workspace in ctx (store.WithTeam): the team its payload names, else the default one.
// Every handler then finds only that workspace's cohorts, and every call to Slack goes out with its token.
func (d *Inbound) withTeam(ctx context.Context, team string) context.Context {
	if team == "" {
		team = d.opts.DefaultTeam
	}
	return store.WithTeam(ctx, team)
}

// Close cancels the work after acks that is still running, for a shutdown that cannot wait for it (Wait gave up):
// App Home publishes waiting their turn in Slack's rate limit, say.
func (d *Inbound) Close() { d.stop() }

// laterContext is the context of work after an ack: it outlives the request, for up to LaterTimeout, until Close.
func (d *Inbound) laterContext(ctx context.Context) (context.Context, context.CancelFunc) {
	lctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), d.opts.LaterTimeout)
	unhook := context.AfterFunc(d.stopped, cancel)
	return lctx, func() { unhook(); cancel() }
}

// Wait blocks until no handler runs and the work started after acks has finished, or ctx ends. At shutdown, call
// it once the transports take no new requests.
func (d *Inbound) Wait(ctx context.Context) error {
	select {
	case <-d.inflight.idle():
		return nil
	case <-ctx.Done():
		return fmt.Errorf("wait for slack work: %w", ctx.Err())
	}
}

// inflight counts work in flight. Unlike a sync.WaitGroup it may be waited for while work is added (a request
// that arrived at shutdown), which a WaitGroup forbids, and panics on.
type inflight struct {
	mu   sync.Mutex
	n    int
	zero chan struct{} // closed while n is 0; nil before the first add
}

func (f *inflight) add() {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.n == 0 {
		f.zero = make(chan struct{})
	}
	f.n++
}

func (f *inflight) done() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.n--
	if f.n == 0 {
		close(f.zero)
	}
}

// idle returns a channel that is closed once nothing is in flight.
func (f *inflight) idle() <-chan struct{} {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.zero == nil {
		f.zero = make(chan struct{})
		close(f.zero)
	}
	return f.zero
}

// Command runs a slash command's handler and returns the ack payload (nil for an empty ack) and what to run
// after the ack.
func (d *Inbound) Command(ctx context.Context, cmd slack.SlashCommand) (payload any, after func()) {
	// The workspace it came from: the handler, and the work after the ack (whose ctx derives from this one), act
	// there only.
	ctx = d.withTeam(ctx, cmd.TeamID)
	defer d.observeAck(AckCommand, time.Now())
	d.inflight.add()
	defer d.inflight.done()
	var ack handlers.Ack
	d.guard(ctx, "command", cmd.Command, func(ctx context.Context) {
		ack = d.opts.Registry.HandleCommand(ctx, cmd)
	}, func() {
		ack = handlers.Ack{Payload: d.opts.Registry.ErrorReply(ctx, errPanic, "command", cmd.Command).Payload()}
	})
	d.logRequest(ctx, "slash_command", cmd.Command, cmd.UserID, ack.Known)
	return ack.Payload, d.after(ctx, ack, cmd.ResponseURL, cmd.ChannelID, cmd.UserID)
}

// Interaction runs the handler of a block action, view submission or view close and returns the ack payload and
// what to run after the ack. redelivery says the transport marked this a retry (Socket Mode retry_attempt > 0):
// if its trigger was seen, it is acked without running the handler again.
func (d *Inbound) Interaction(ctx context.Context, cb slack.InteractionCallback, redelivery bool) (payload any, after func()) {
	team := cb.Team.ID
	if team == "" {
		team = cb.User.TeamID
	}
	ctx = d.withTeam(ctx, team)
	defer d.observeAck(interactionKind(cb.Type), time.Now())
	d.inflight.add()
	defer d.inflight.done()
	id := interactionID(cb)
	if d.seenTrigger(cb.TriggerID) && redelivery {
		d.opts.Log.InfoContext(ctx, "slack redelivery ignored", slog.String("interaction", string(cb.Type)), slog.String("id", id))
		return nil, func() {}
	}
	var ack handlers.Ack
	d.guard(ctx, string(cb.Type), id, func(ctx context.Context) {
		ack = d.opts.Registry.HandleInteraction(ctx, cb)
	}, func() {
		reply := d.opts.Registry.ErrorReply(ctx, errPanic, string(cb.Type), id)
		if cb.Type == slack.InteractionTypeViewSubmission {
			ack = handlers.Ack{Payload: slack.NewPushViewSubmissionResponse(d.opts.Registry.NoticeView(reply.Text))}
		} else {
			ack = handlers.Ack{Followup: reply}
		}
	})
	d.logRequest(ctx, string(cb.Type), id, cb.User.ID, ack.Known)
	channel := cb.Channel.ID
	if channel == "" {
		channel = cb.Container.ChannelID
	}
	return ack.Payload, d.after(ctx, ack, cb.ResponseURL, channel, cb.User.ID)
}

// ErrEventFailed says an event's handler failed; the adapter then does not acknowledge it (HTTP 500, or no
// Socket Mode ack), so that Slack delivers it again.
var ErrEventFailed = errors.New("slack event handler failed")

// Event handles an Events API event with the given event_id: a known type whose id was handled before is a retry
// and is dropped; an unknown type is dropped without touching the database. The id is recorded as handled only
// after the handler succeeded; when it fails, ErrEventFailed is returned, so that Slack's retry gets another
// chance. A handler registered with handlers.Registry.EventAfterAck runs after the ack instead: its failure is only
// logged, and its id recorded once it succeeded.
func (d *Inbound) Event(ctx context.Context, ev slackevents.EventsAPIEvent, eventID string) error {
	ctx = d.withTeam(ctx, ev.TeamID)
	defer d.observeAck(AckEvent, time.Now())
	d.inflight.add()
	defer d.inflight.done()
	typ := ev.InnerEvent.Type
	if !d.opts.Registry.HandlesEvent(typ) {
		d.opts.Log.DebugContext(ctx, "slack event ignored", slog.String("event_type", typ), slog.String("event_id", eventID))
		return nil
	}
	record := eventID != "" && d.opts.Events != nil
	if record {
		handled, err := d.opts.Events.EventHandled(ctx, eventID)
		if err != nil {
			// Handling twice is better than losing the event: handlers are idempotent.
			d.opts.Log.WarnContext(ctx, "slack event dedupe failed", slog.String("event_id", eventID), slog.Any("error", err))
		} else if handled {
			d.opts.Log.InfoContext(ctx, "slack event retry ignored", slog.String("event_type", typ), slog.String("event_id", eventID))
			return nil
		}
	}
	if d.opts.Registry.HandlesAfterAck(typ) {
		d.eventAfterAck(ctx, ev, eventID, record)
		d.logRequest(ctx, "event", typ, "", true)
		return nil
	}
	failed := false
	d.guard(ctx, "event", typ, func(ctx context.Context) {
		if _, err := d.opts.Registry.HandleEvent(ctx, ev); err != nil {
			failed = true
			d.opts.Log.ErrorContext(ctx, "slack event failed", slog.String("event_type", typ), slog.String("event_id", eventID), slog.Any("error", err))
		}
	}, func() { failed = true })
	d.logRequest(ctx, "event", typ, "", true)
	if failed {
		return ErrEventFailed
	}
	if record {
		d.markHandled(ctx, eventID)
	}
	return nil
}

// markHandled records that an event's handler ran to the end. The handler's work is committed: recording it must
// not be lost to a caller that stopped waiting.
func (d *Inbound) markHandled(ctx context.Context, eventID string) {
	mctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Second)
	defer cancel()
	if err := d.opts.Events.MarkEventHandled(mctx, eventID); err != nil {
		// A retry will run the handler again, which its idempotence allows.
		d.opts.Log.WarnContext(ctx, "slack event not recorded as handled", slog.String("event_id", eventID), slog.Any("error", err))
	}
}

// eventAfterAck runs an event's handler on its own goroutine, as work after the ack; record says to record the
// event id as handled once the handler succeeded.
func (d *Inbound) eventAfterAck(ctx context.Context, ev slackevents.EventsAPIEvent, eventID string, record bool) {
	typ := ev.InnerEvent.Type
	// Counted from here, while the event still counts: Wait cannot see zero in between.
	d.inflight.add()
	go func() {
		defer d.inflight.done()
		ctx, cancel := d.laterContext(ctx)
		defer cancel()
		defer func() {
			if p := recover(); p != nil {
				d.opts.Log.ErrorContext(ctx, "slack handler panicked", slog.String("request", "event"), slog.String("id", typ),
					slog.Any("panic", p), slog.String("stack", string(debug.Stack())))
			}
		}()
		if _, err := d.opts.Registry.HandleEvent(ctx, ev); err != nil {
			d.opts.Log.ErrorContext(ctx, "slack event failed", slog.String("event_type", typ), slog.String("event_id", eventID), slog.Any("error", err))
			return
		}
		if record {
			d.markHandled(ctx, eventID)
		}
	}()
}

// errPanic stands for a handler that panicked; the user sees the generic error.
var errPanic = errors.New("handler panicked")

// guard runs fn within the ack deadline and turns a panic into onPanic, so one bad handler cannot take the
// connection down.
func (d *Inbound) guard(ctx context.Context, what, id string, fn func(ctx context.Context), onPanic func()) {
	hctx, cancel := context.WithTimeout(ctx, d.opts.AckTimeout)
	defer cancel()
	defer func() {
		if p := recover(); p != nil {
			d.opts.Log.ErrorContext(ctx, "slack handler panicked", slog.String("request", what), slog.String("id", id),
				slog.Any("panic", p), slog.String("stack", string(debug.Stack())))
			onPanic()
		}
	}()
	fn(hctx)
}

// after returns the work that follows the ack: the follow-up reply, then Later with its reply or error.
func (d *Inbound) after(ctx context.Context, ack handlers.Ack, responseURL, channel, userID string) func() {
	if ack.Followup == nil && ack.Later == nil {
		return func() {}
	}
	// Counted from here, while the handler still counts: Wait cannot see zero in between.
	d.inflight.add()
	return func() {
		defer d.inflight.done()
		ctx, cancel := d.laterContext(ctx)
		defer cancel()
		if ack.Followup != nil {
			d.reply(ctx, ack.Followup, responseURL, channel, userID)
		}
		if ack.Later == nil {
			return
		}
		reply, err := d.runLater(ctx, ack.Later)
		if err != nil {
			reply = d.opts.Registry.ErrorReply(ctx, err, "later", responseURL)
		}
		if reply != nil {
			d.reply(ctx, reply, responseURL, channel, userID)
		}
	}
}

func (d *Inbound) runLater(ctx context.Context, later func(context.Context) (*handlers.Reply, error)) (reply *handlers.Reply, err error) {
	defer func() {
		if p := recover(); p != nil {
			d.opts.Log.ErrorContext(ctx, "slack later work panicked", slog.Any("panic", p), slog.String("stack", string(debug.Stack())))
			reply, err = nil, errPanic
		}
	}()
	return later(ctx)
}

// reply sends r to the response_url, or, where there is none (a button in a modal or on App Home), as an
// ephemeral in the channel.
func (d *Inbound) reply(ctx context.Context, r *handlers.Reply, responseURL, channel, userID string) {
	var err error
	switch {
	case d.opts.Responder == nil:
		return
	case responseURL != "":
		err = d.opts.Responder.Respond(ctx, responseURL, r.Payload())
	case channel != "" && userID != "":
		err = d.opts.Responder.PostEphemeral(ctx, channel, userID, Message{Text: r.Text, Blocks: r.Blocks})
	default:
		d.opts.Log.WarnContext(ctx, "slack reply has nowhere to go", slog.String("user_id", userID))
		return
	}
	if err != nil {
		d.opts.Log.ErrorContext(ctx, "slack reply failed", slog.String("user_id", userID), slog.Any("error", err))
	}
}

func (d *Inbound) logRequest(ctx context.Context, kind, id, userID string, known bool) {
	if !known {
		d.opts.Log.InfoContext(ctx, "slack request unknown", slog.String("kind", kind), slog.String("id", id), slog.String("user_id", userID))
		return
	}
	d.opts.Log.DebugContext(ctx, "slack request handled", slog.String("kind", kind), slog.String("id", id), slog.String("user_id", userID))
}

// triggerTTL is how long a trigger id is remembered; Slack gives up on an envelope long before.
const triggerTTL = 10 * time.Minute

// seenTrigger records an interaction's trigger id in memory and reports whether it was there already. Slack does
// not retry interactions over HTTP, and the handlers' writes are idempotent, so a process-local memory is enough to
// drop a Socket Mode redelivery without a database round trip on every click.
func (d *Inbound) seenTrigger(trigger string) bool {
	if trigger == "" {
		return false
	}
	now := time.Now()
	d.mu.Lock()
	defer d.mu.Unlock()
	// Forget what is older than the TTL from the front of the queue: a sweep over the whole map on every click
	// made each click cost O(clicks in the last ten minutes) under this lock (at 1,000 clicks a second the acks
	// took seconds).
	n := 0
	for n < len(d.order) && now.Sub(d.order[n].at) > triggerTTL {
		if at, ok := d.triggers[d.order[n].id]; ok && at.Equal(d.order[n].at) {
			delete(d.triggers, d.order[n].id)
		}
		n++
	}
	if n > 0 {
		d.order = d.order[n:]
	}
	if at, ok := d.triggers[trigger]; ok && now.Sub(at) <= triggerTTL {
		return true
	}
	d.triggers[trigger] = now
	d.order = append(d.order, seenAt{id: trigger, at: now})
	return false
}

// seenAt is a trigger id and when it was first seen.
type seenAt struct {
	id string
	at time.Time
}

func interactionID(cb slack.InteractionCallback) string {
	switch cb.Type {
	case slack.InteractionTypeBlockActions:
		if len(cb.ActionCallback.BlockActions) > 0 {
			return cb.ActionCallback.BlockActions[0].ActionID
		}
	case slack.InteractionTypeViewSubmission, slack.InteractionTypeViewClosed:
		return cb.View.CallbackID
	}
	return cb.CallbackID
}

// respond posts a payload to a response_url, logging a failure.
func (d *Inbound) respond(ctx context.Context, responseURL string, p handlers.Payload) {
	if d.opts.Responder == nil {
		return
	}
	if err := d.opts.Responder.Respond(ctx, responseURL, p); err != nil {
		d.opts.Log.ErrorContext(ctx, "slack reply failed", slog.Any("error", err))
	}
}
