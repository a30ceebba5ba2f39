package bot

import (
	"context"
	"errors"
	"time"

	"github.com/slack-go/slack"

	"github.com/gesprekbot/gesprekbot/scheduler"
)

// DefaultSenderTimeout bounds each call the delivery dispatcher makes through a Sender, waiting for its slot and
// retries included: as long as the dispatcher lets a post run (three quarters of its two-minute lease), so that a
// stalled call gives its row back for a retry rather than holding it.
const DefaultSenderTimeout = 90 * time.Second

// Sender lets the delivery dispatcher post, look for a delivery in a conversation's history, read a channel's
// members and ask whether a user is a bot, all through the Poster (paced, retried, effectively once): it
// implements scheduler.Sender. Every call runs under Timeout. Slack's permanent refusals come back as
// *scheduler.PermanentError, so that the dispatcher fails them at once; refusals of the whole workspace (a revoked
// token, a missing scope) as *scheduler.WorkspaceError, so that it pauses.
type Sender struct {
	poster *Poster
	// Timeout bounds each call (DefaultSenderTimeout); a deadline of the caller's that comes sooner stays.
	Timeout time.Duration
}

// NewSender returns the Sender over p.
func NewSender(p *Poster) *Sender {
	return &Sender{poster: p, Timeout: DefaultSenderTimeout}
}

func (s *Sender) deadline(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(ctx, s.Timeout)
}

// Post implements scheduler.Sender.
func (s *Sender) Post(ctx context.Context, to, text string, blocks []slack.Block, key string) (string, string, bool, error) {
	ctx, cancel := s.deadline(ctx)
	defer cancel()
	m := Message{Channel: to, Text: text, Blocks: blocks, DeliveryKey: key}
	if isUserID(to) {
		m.UserID = to
	}
	p, err := s.poster.Send(ctx, m)
	if err != nil {
		return "", "", false, permanent(err)
	}
	return p.Channel, p.TS, p.Found, nil
}

// FindDelivery implements scheduler.Sender; for a user it searches the user's DM with the bot.
func (s *Sender) FindDelivery(ctx context.Context, to, key string, oldest time.Time) (string, string, bool, error) {
	ctx, cancel := s.deadline(ctx)
	defer cancel()
	channel := to
	if isUserID(to) {
		dm, err := s.poster.OpenDM(ctx, to)
		if err != nil {
			return "", "", false, permanent(err)
		}
		channel = dm
	}
	ts, found, err := s.poster.FindDelivery(ctx, channel, key, oldest)
	if err != nil {
		return "", "", false, permanent(err)
	}
	return channel, ts, found, nil
}

// Members implements scheduler.Sender.
func (s *Sender) Members(ctx context.Context, channel string) ([]string, error) {
	ctx, cancel := s.deadline(ctx)
	defer cancel()
	ids, err := s.poster.Members(ctx, channel)
	if err != nil {
		return nil, permanent(err)
	}
	return ids, nil
}

// IsBot reports whether a user is a bot (users.info), for the handlers that meet one person at a time.
func (s *Sender) IsBot(ctx context.Context, userID string) (bool, error) {
	ctx, cancel := s.deadline(ctx)
	defer cancel()
	u, err := s.poster.UserInfo(ctx, userID)
	if err != nil {
		return false, permanent(err)
	}
	return isBot(u), nil
}

// usersInfoMax is how many people Bots asks users.info about one by one: tier 4's burst, which goes at once. For
// more it lists the workspace (users.list, tier 2, 1,000 people a call): a cohort of 1,000 nobody has recorded
// would otherwise wait ten minutes on 100 users.info calls a minute.
const usersInfoMax = 5

// Bots implements scheduler.Sender: for a few users users.info about each, for more one listing of the whole
// workspace, whose answer for everyone in it comes back (the dispatcher keeps it). People the listing does not
// hold (a guest from another workspace in a shared channel) are asked about one by one.
func (s *Sender) Bots(ctx context.Context, userIDs []string) (map[string]bool, error) {
	ctx, cancel := s.deadline(ctx)
	defer cancel()
	out := map[string]bool{}
	if len(userIDs) > usersInfoMax {
		err := s.poster.EachUser(ctx, func(users []slack.User) {
			for i := range users {
				out[users[i].ID] = isBot(&users[i])
			}
		})
		if err != nil {
			return nil, permanent(err)
		}
	}
	for _, id := range userIDs {
		if _, ok := out[id]; ok {
			continue
		}
		u, err := s.poster.UserInfo(ctx, id)
		if err != nil {
			return nil, permanent(err)
		}
		out[id] = isBot(u)
	}
	return out, nil
}

func isBot(u *slack.User) bool { return u.IsBot || u.IsAppUser || u.ID == "USLACKBOT" }

// CheckAuth implements scheduler.Sender with one auth.test, paced like every call.
func (s *Sender) CheckAuth(ctx context.Context) error {
	ctx, cancel := s.deadline(ctx)
	defer cancel()
	err := s.poster.once(ctx, "auth.test", func(ctx context.Context) error {
		_, err := s.poster.slack(ctx).AuthTestContext(ctx)
		return err
	})
	return permanent(err)
}

// permanent marks a refusal of the whole workspace for the dispatcher; the message's own permanent errors are
// *scheduler.PermanentError already. A workspace refusal keeps the words of the Poster's error but not the
// *scheduler.PermanentError in it: it is not the message's failure, and nothing should fail a delivery for it.
func permanent(err error) error {
	var pe *scheduler.PermanentError
	if errors.As(err, &pe) && pe.Workspace() {
		return &scheduler.WorkspaceError{Reason: pe.Reason, Err: errors.New(err.Error())}
	}
	return err
}
