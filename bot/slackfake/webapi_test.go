package slackfake_test

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/gesprekbot/gesprekbot/bot/slackfake"
)

// workspace is a fake with one participant, one trainer and a channel the bot is in.
type workspace struct {
	fake    *slackfake.Server
	api     *slack.Client
	anna    string
	trainer string
	channel string
}

func newWorkspace(t *testing.T, opts slackfake.Options) *workspace {
	t.Helper()
	fake := slackfake.New(opts)
	t.Cleanup(fake.Close)
	anna := fake.AddUser(slackfake.User{Name: "anna", RealName: "Anna de Vries", Email: "anna@example.nl"})
	trainer := fake.AddUser(slackfake.User{Name: "tom", RealName: "Tom Bakker"})
	ch := fake.AddChannel(slackfake.Channel{Name: "cohort-noord", Members: []string{anna, trainer, fake.BotUserID()}})
	api := slack.New(fake.BotToken(), slack.OptionAPIURL(fake.APIURL()), slack.OptionAppLevelToken(fake.AppToken()))
	return &workspace{fake: fake, api: api, anna: anna, trainer: trainer, channel: ch}
}

func slackErr(err error) string {
	var se slack.SlackErrorResponse
	if errors.As(err, &se) {
		return se.Err
	}
	if err != nil {
		return err.Error()
	}
	return ""
}

func TestAuth(t *testing.T) {
	t.Parallel()
	w := newWorkspace(t, slackfake.Options{})
	ctx := context.Background()

	res, err := w.api.AuthTestContext(ctx)
	if err != nil {
		t.Fatalf("auth.test: %v", err)
	}
	if res.UserID != w.fake.BotUserID() || res.TeamID != w.fake.TeamID() || res.BotID == "" {
		t.Errorf("auth.test = %+v", res)
	}

	tests := []struct {
		name  string
		token string
		want  string
	}{
		{"InvalidAuth", "xoxb-wrong", "invalid_auth"},
		{"NotAuthed", "", "not_authed"},
		{"AppTokenForBotMethod", w.fake.AppToken(), "not_allowed_token_type"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			api := slack.New(tt.token, slack.OptionAPIURL(w.fake.APIURL()))
			_, err := api.AuthTestContext(ctx)
			if got := slackErr(err); got != tt.want {
				t.Errorf("error = %q, want %q", got, tt.want)
			}
		})
	}

	t.Run("UnknownMethod", func(t *testing.T) {
		req, _ := http.NewRequest(http.MethodPost, w.fake.APIURL()+"chat.nonsense", strings.NewReader("token=xoxb-fake"))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var buf bytes.Buffer
		_, _ = buf.ReadFrom(resp.Body)
		if !strings.Contains(buf.String(), `"error":"unknown_method"`) {
			t.Errorf("body = %s", buf.String())
		}
	})
}

func TestRevokeBotToken(t *testing.T) {
	t.Parallel()
	w := newWorkspace(t, slackfake.Options{})
	ctx := context.Background()
	for _, code := range []string{"token_revoked", "invalid_auth"} {
		w.fake.RevokeBotToken(code)
		if _, err := w.api.AuthTestContext(ctx); slackErr(err) != code {
			t.Errorf("auth.test while revoked (%s): %v", code, err)
		}
		if _, _, err := w.api.PostMessageContext(ctx, w.channel, slack.MsgOptionText("hallo", false)); slackErr(err) != code {
			t.Errorf("chat.postMessage while revoked (%s): %v", code, err)
		}
		if n := len(w.fake.Messages(w.channel)); n != 0 {
			t.Fatalf("%d messages stored while the token was revoked", n)
		}
	}
	calls := w.fake.CallsTo("chat.postMessage")
	if len(calls) != 2 || calls[0].OK || calls[0].Error != "token_revoked" {
		t.Errorf("call log %+v, want the refused posts", calls)
	}
	w.fake.RestoreBotToken()
	if _, _, err := w.api.PostMessageContext(ctx, w.channel, slack.MsgOptionText("hallo", false)); err != nil {
		t.Fatalf("post after the token was restored: %v", err)
	}
	if n := len(w.fake.Messages(w.channel)); n != 1 {
		t.Errorf("%d messages after the restore, want 1", n)
	}
}

func TestChat(t *testing.T) {
	t.Parallel()
	w := newWorkspace(t, slackfake.Options{})
	w.fake.StrictT(t)
	ctx := context.Background()
	blocks := slack.MsgOptionBlocks(
		slack.NewSectionBlock(slack.NewTextBlockObject("mrkdwn", "*Voorbereiding module 1*", false, false), nil, nil),
		slack.NewActionBlock("lezen", slack.NewButtonBlockElement("gelezen", "reading-1",
			slack.NewTextBlockObject("plain_text", "Gelezen", false, false))),
	)
	meta := slack.MsgOptionMetadata(slack.SlackMetadata{EventType: "gesprekbot_delivery",
		EventPayload: map[string]any{"key": "c1/prep/1/C1"}})

	ch, ts, err := w.api.PostMessageContext(ctx, w.channel, slack.MsgOptionText("Voorbereiding", false), blocks, meta)
	if err != nil {
		t.Fatalf("chat.postMessage: %v", err)
	}
	if ch != w.channel || ts == "" {
		t.Fatalf("posted to %q at %q", ch, ts)
	}
	msgs := w.fake.Messages(w.channel)
	if len(msgs) != 1 || msgs[0].Metadata == nil || msgs[0].Metadata.EventPayload["key"] != "c1/prep/1/C1" ||
		!bytes.Contains(msgs[0].Blocks, []byte(`"gelezen"`)) {
		t.Fatalf("stored = %+v", msgs)
	}

	t.Run("TimestampsIncrease", func(t *testing.T) {
		_, ts2, err := w.api.PostMessageContext(ctx, w.channel, slack.MsgOptionText("twee", false))
		if err != nil {
			t.Fatal(err)
		}
		if ts2 <= ts {
			t.Errorf("second ts %s not after %s", ts2, ts)
		}
	})

	t.Run("DMByUserID", func(t *testing.T) {
		ch, _, err := w.api.PostMessageContext(ctx, w.anna, slack.MsgOptionText("Welkom!", false))
		if err != nil {
			t.Fatal(err)
		}
		if ch != w.fake.IMWith(w.anna) || !strings.HasPrefix(ch, "D") {
			t.Errorf("DM went to %q, IM is %q", ch, w.fake.IMWith(w.anna))
		}
		if m := w.fake.Messages(ch); len(m) != 1 || m[0].Text != "Welkom!" {
			t.Errorf("IM messages = %+v", m)
		}
	})

	t.Run("Update", func(t *testing.T) {
		_, _, _, err := w.api.UpdateMessageContext(ctx, w.channel, ts, slack.MsgOptionText("Bijgewerkt", false))
		if err != nil {
			t.Fatal(err)
		}
		m, _ := w.fake.Message(w.channel, ts)
		if m.Text != "Bijgewerkt" || !m.Edited || m.Blocks == nil {
			t.Errorf("updated = %+v", m)
		}
	})

	t.Run("Ephemeral", func(t *testing.T) {
		ets, err := w.api.PostEphemeralContext(ctx, w.channel, w.anna, slack.MsgOptionText("Alleen voor jou", false))
		if err != nil {
			t.Fatal(err)
		}
		e := w.fake.Ephemerals(w.anna)
		if len(e) != 1 || e[0].TS != ets || e[0].Text != "Alleen voor jou" || len(w.fake.Ephemerals(w.trainer)) != 0 {
			t.Errorf("ephemerals = %+v", e)
		}
	})

	t.Run("Delete", func(t *testing.T) {
		_, dts, _ := w.api.PostMessageContext(ctx, w.channel, slack.MsgOptionText("weg", false))
		if _, _, err := w.api.DeleteMessageContext(ctx, w.channel, dts); err != nil {
			t.Fatal(err)
		}
		if _, ok := w.fake.Message(w.channel, dts); ok {
			t.Error("message still there")
		}
		_, _, err := w.api.DeleteMessageContext(ctx, w.channel, dts)
		if got := slackErr(err); got != "message_not_found" {
			t.Errorf("second delete: %q", got)
		}
		// Like Slack, the bot's token deletes only the bot's own messages.
		own := slackfake.Message{Conversation: w.channel, TS: "4102444800.000001", User: w.anna, Text: "van Anna"}
		if err := w.fake.RestoreMessage(own); err != nil {
			t.Fatal(err)
		}
		_, _, err = w.api.DeleteMessageContext(ctx, w.channel, own.TS)
		if got := slackErr(err); got != "cant_delete_message" {
			t.Errorf("deleting someone's own message: %q, want cant_delete_message", got)
		}
		if _, ok := w.fake.Message(w.channel, own.TS); !ok {
			t.Error("Anna's message was deleted")
		}
	})

	t.Run("Errors", func(t *testing.T) {
		archived := w.fake.AddChannel(slackfake.Channel{Name: "oud", Archived: true, Members: []string{w.fake.BotUserID()}})
		outside := w.fake.AddChannel(slackfake.Channel{Name: "zonder-bot"})
		gone := w.fake.AddUser(slackfake.User{Name: "weg", Deleted: true})
		tests := []struct {
			name, channel, want string
			opts                []slack.MsgOption
		}{
			{"ChannelNotFound", "C0NOPE", "channel_not_found", nil},
			{"Archived", archived, "is_archived", nil},
			{"NotInChannel", outside, "not_in_channel", nil},
			{"DeletedUser", gone, "channel_not_found", nil},
			{"NoText", w.channel, "no_text", []slack.MsgOption{slack.MsgOptionText("", false)}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				opts := tt.opts
				if opts == nil {
					opts = []slack.MsgOption{slack.MsgOptionText("hallo", false)}
				}
				_, _, err := w.api.PostMessageContext(ctx, tt.channel, opts...)
				if got := slackErr(err); got != tt.want {
					t.Errorf("error = %q, want %q", got, tt.want)
				}
			})
		}
		_, err := w.api.PostEphemeralContext(ctx, outside, w.anna, slack.MsgOptionText("x", false))
		if got := slackErr(err); got != "not_in_channel" {
			t.Errorf("ephemeral outside: %q", got)
		}
	})

	calls := w.fake.CallsTo("chat.postMessage")
	if len(calls) == 0 || calls[0].Metadata == nil || calls[0].Metadata.EventType != "gesprekbot_delivery" || calls[0].Args.Get("token") != "" {
		t.Errorf("call log = %+v", calls[0])
	}
}

func TestConversations(t *testing.T) {
	t.Parallel()
	w := newWorkspace(t, slackfake.Options{})
	ctx := context.Background()
	var sent []string
	for i := range 7 {
		_, ts, err := w.api.PostMessageContext(ctx, w.channel, slack.MsgOptionText("bericht", false),
			slack.MsgOptionMetadata(slack.SlackMetadata{EventType: "gesprekbot_delivery",
				EventPayload: map[string]any{"key": "k" + string(rune('0'+i))}}))
		if err != nil {
			t.Fatal(err)
		}
		sent = append(sent, ts)
	}

	t.Run("HistoryPagesNewestFirstWithMetadata", func(t *testing.T) {
		var got []string
		cursor := ""
		for {
			res, err := w.api.GetConversationHistoryContext(ctx, &slack.GetConversationHistoryParameters{
				ChannelID: w.channel, Limit: 3, Cursor: cursor, IncludeAllMetadata: true})
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range res.Messages {
				if m.Metadata.EventType != "gesprekbot_delivery" {
					t.Errorf("message %s without metadata", m.Timestamp)
				}
				got = append(got, m.Timestamp)
			}
			if !res.HasMore {
				break
			}
			cursor = res.ResponseMetaData.NextCursor
		}
		if len(got) != len(sent) {
			t.Fatalf("got %d messages, want %d", len(got), len(sent))
		}
		for i := range got {
			if got[i] != sent[len(sent)-1-i] {
				t.Errorf("history[%d] = %s, want %s", i, got[i], sent[len(sent)-1-i])
			}
		}
	})

	t.Run("HistoryWithoutMetadataFlag", func(t *testing.T) {
		res, err := w.api.GetConversationHistoryContext(ctx, &slack.GetConversationHistoryParameters{ChannelID: w.channel})
		if err != nil {
			t.Fatal(err)
		}
		if res.Messages[0].Metadata.EventType != "" {
			t.Error("metadata returned without include_all_metadata")
		}
	})

	t.Run("HistoryOldestLatest", func(t *testing.T) {
		res, err := w.api.GetConversationHistoryContext(ctx, &slack.GetConversationHistoryParameters{
			ChannelID: w.channel, Oldest: sent[1], Latest: sent[4]})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Messages) != 2 || res.Messages[0].Timestamp != sent[3] || res.Messages[1].Timestamp != sent[2] {
			t.Errorf("exclusive range = %v", res.Messages)
		}
		res, _ = w.api.GetConversationHistoryContext(ctx, &slack.GetConversationHistoryParameters{
			ChannelID: w.channel, Oldest: sent[1], Latest: sent[4], Inclusive: true})
		if len(res.Messages) != 4 {
			t.Errorf("inclusive range has %d messages, want 4", len(res.Messages))
		}
	})

	t.Run("Members", func(t *testing.T) {
		ids, next, err := w.api.GetUsersInConversationContext(ctx, &slack.GetUsersInConversationParameters{ChannelID: w.channel, Limit: 2})
		if err != nil {
			t.Fatal(err)
		}
		more, next2, err := w.api.GetUsersInConversationContext(ctx, &slack.GetUsersInConversationParameters{ChannelID: w.channel, Limit: 2, Cursor: next})
		if err != nil {
			t.Fatal(err)
		}
		all := append(ids, more...)
		if next == "" || next2 != "" || len(all) != 3 || all[0] != w.anna || all[2] != w.fake.BotUserID() {
			t.Errorf("members = %v (cursors %q, %q)", all, next, next2)
		}
	})

	t.Run("InfoAndOpen", func(t *testing.T) {
		info, err := w.api.GetConversationInfoContext(ctx, &slack.GetConversationInfoInput{ChannelID: w.channel})
		if err != nil {
			t.Fatal(err)
		}
		if info.Name != "cohort-noord" || !info.IsMember || info.IsArchived {
			t.Errorf("info = %+v", info.GroupConversation)
		}
		im, _, already, err := w.api.OpenConversationContext(ctx, &slack.OpenConversationParameters{Users: []string{w.trainer}})
		if err != nil {
			t.Fatal(err)
		}
		if im.ID != w.fake.IMWith(w.trainer) || already {
			t.Errorf("open = %s (already %v), IM %s", im.ID, already, w.fake.IMWith(w.trainer))
		}
		_, _, already, _ = w.api.OpenConversationContext(ctx, &slack.OpenConversationParameters{Users: []string{w.trainer}})
		if !already {
			t.Error("second open not already_open")
		}
		_, err = w.api.GetConversationInfoContext(ctx, &slack.GetConversationInfoInput{ChannelID: "C0NOPE"})
		if slackErr(err) != "channel_not_found" {
			t.Errorf("unknown channel: %v", err)
		}
	})

	t.Run("UsersInfo", func(t *testing.T) {
		u, err := w.api.GetUserInfoContext(ctx, w.anna)
		if err != nil {
			t.Fatal(err)
		}
		if u.RealName != "Anna de Vries" || u.TZ != "Europe/Amsterdam" || u.Profile.Email != "anna@example.nl" {
			t.Errorf("user = %+v", u)
		}
		_, err = w.api.GetUserInfoContext(ctx, "U0NOPE")
		if slackErr(err) != "user_not_found" {
			t.Errorf("unknown user: %v", err)
		}
	})
}

func TestUpload(t *testing.T) {
	t.Parallel()
	w := newWorkspace(t, slackfake.Options{})
	ctx := context.Background()
	content := "Stap 3: actieplan\n"
	f, err := w.api.UploadFileContext(ctx, slack.UploadFileParameters{
		Filename: "actieplan.txt", FileSize: len(content), Content: content, Title: "Actieplan",
		Channel: w.channel, InitialComment: "Je actieplan"})
	if err != nil {
		t.Fatalf("upload: %v", err)
	}
	if got := string(w.fake.FileBytes(f.ID)); got != content {
		t.Errorf("stored bytes = %q", got)
	}
	msgs := w.fake.Messages(w.channel)
	if len(msgs) != 1 || len(msgs[0].Files) != 1 || msgs[0].Files[0] != f.ID || msgs[0].Text != "Je actieplan" {
		t.Fatalf("file message = %+v", msgs)
	}
	files := w.fake.Files()
	if len(files) != 1 || files[0].Title != "Actieplan" || !files[0].Shared {
		t.Fatalf("files = %+v", files)
	}
	var buf bytes.Buffer
	if err := w.api.GetFileContext(ctx, files[0].URL, &buf); err != nil || buf.String() != content {
		t.Errorf("download = %q, %v", buf.String(), err)
	}

	t.Run("Delete", func(t *testing.T) {
		if err := w.api.DeleteFileContext(ctx, f.ID); err != nil {
			t.Fatalf("files.delete: %v", err)
		}
		if len(w.fake.Files()) != 0 || w.fake.FileBytes(f.ID) != nil {
			t.Errorf("file still there: %+v", w.fake.Files())
		}
		if msgs := w.fake.Messages(w.channel); len(msgs) != 1 || len(msgs[0].Files) != 0 {
			t.Errorf("the message that shared it: %+v; want it without the file", msgs)
		}
		var buf bytes.Buffer
		if err := w.api.GetFileContext(ctx, files[0].URL, &buf); err == nil {
			t.Errorf("a deleted file downloads: %q", buf.String())
		}
		if got := slackErr(w.api.DeleteFileContext(ctx, f.ID)); got != "file_not_found" {
			t.Errorf("second delete: %q, want file_not_found", got)
		}
	})
}

func TestRateLimits(t *testing.T) {
	t.Parallel()
	now := time.Unix(1_733_212_345, 0)
	clock := func() time.Time { return now }
	w := newWorkspace(t, slackfake.Options{WallNow: clock})
	ctx := context.Background()

	t.Run("PerChannel", func(t *testing.T) {
		w.fake.SetChannelRate(1, 2)
		for i := range 2 {
			if _, _, err := w.api.PostMessageContext(ctx, w.channel, slack.MsgOptionText("burst", false)); err != nil {
				t.Fatalf("post %d inside the burst: %v", i, err)
			}
		}
		_, _, err := w.api.PostMessageContext(ctx, w.channel, slack.MsgOptionText("te veel", false))
		var rl *slack.RateLimitedError
		if !errors.As(err, &rl) || rl.RetryAfter != time.Second {
			t.Fatalf("third post: %v, want RateLimitedError with Retry-After 1s", err)
		}
		// Another channel has its own budget.
		other := w.fake.AddChannel(slackfake.Channel{Name: "ander", Members: []string{w.fake.BotUserID()}})
		if _, _, err := w.api.PostMessageContext(ctx, other, slack.MsgOptionText("ok", false)); err != nil {
			t.Errorf("other channel: %v", err)
		}
		now = now.Add(time.Second)
		if _, _, err := w.api.PostMessageContext(ctx, w.channel, slack.MsgOptionText("na wachten", false)); err != nil {
			t.Errorf("after Retry-After: %v", err)
		}
		if n := w.fake.RateLimited("chat.postMessage"); n != 1 {
			t.Errorf("429s counted = %d, want 1", n)
		}
		if n := len(w.fake.Messages(w.channel)); n != 3 {
			t.Errorf("stored %d messages, want 3 (the refused one not stored)", n)
		}
		w.fake.SetChannelRate(0, 0)
	})

	t.Run("PerMethodTier", func(t *testing.T) {
		w.fake.SetRateLimit("users.info", 20, 1)
		if _, err := w.api.GetUserInfoContext(ctx, w.anna); err != nil {
			t.Fatal(err)
		}
		_, err := w.api.GetUserInfoContext(ctx, w.anna)
		var rl *slack.RateLimitedError
		if !errors.As(err, &rl) || rl.RetryAfter != 3*time.Second {
			t.Fatalf("second call: %v, want Retry-After 3s (20/min)", err)
		}
		now = now.Add(3 * time.Second)
		if _, err := w.api.GetUserInfoContext(ctx, w.anna); err != nil {
			t.Errorf("after waiting: %v", err)
		}
	})

	t.Run("PerMinuteQuota", func(t *testing.T) {
		// Slack counts a tier in per-minute windows: the minute's 100 conversations.members calls may come at
		// once, and a client that spends more within the minute (a token bucket with a full minute's burst would,
		// refilling meanwhile) is answered 429 until the oldest call is a minute old.
		w.fake.UseSlackLimits()
		defer w.fake.SetChannelRate(0, 0)
		start := now
		for i := range 100 {
			if _, _, err := w.api.GetUsersInConversationContext(ctx, &slack.GetUsersInConversationParameters{ChannelID: w.channel}); err != nil {
				t.Fatalf("call %d of the minute's 100: %v", i+1, err)
			}
			now = now.Add(300 * time.Millisecond)
		}
		// 30 s in: a token bucket of 100 a minute would have refilled 50 by now.
		_, _, err := w.api.GetUsersInConversationContext(ctx, &slack.GetUsersInConversationParameters{ChannelID: w.channel})
		var rl *slack.RateLimitedError
		if !errors.As(err, &rl) || rl.RetryAfter != start.Add(time.Minute).Sub(now) {
			t.Fatalf("call 101 at %v: %v, want Retry-After %v", now.Sub(start), err, start.Add(time.Minute).Sub(now))
		}
		now = start.Add(time.Minute)
		if _, _, err := w.api.GetUsersInConversationContext(ctx, &slack.GetUsersInConversationParameters{ChannelID: w.channel}); err != nil {
			t.Errorf("once the first call is a minute old: %v", err)
		}
		if _, _, err := w.api.GetUsersInConversationContext(ctx, &slack.GetUsersInConversationParameters{ChannelID: w.channel}); !errors.As(err, &rl) {
			t.Errorf("a second call then: %v, want 429 (the second call is not a minute old yet)", err)
		}
	})
}

func TestFaults(t *testing.T) {
	t.Parallel()
	w := newWorkspace(t, slackfake.Options{})
	ctx := context.Background()
	post := func(api *slack.Client) error {
		_, _, err := api.PostMessageContext(ctx, w.channel, slack.MsgOptionText("hallo", false))
		return err
	}

	t.Run("ServerError", func(t *testing.T) {
		w.fake.FailNext("chat.postMessage", 2, slackfake.Fault500)
		for range 2 {
			var sc slack.StatusCodeError
			if err := post(w.api); !errors.As(err, &sc) || sc.Code != 500 {
				t.Fatalf("err = %v, want StatusCodeError 500", err)
			}
		}
		if err := post(w.api); err != nil {
			t.Fatalf("after the faults: %v", err)
		}
	})

	t.Run("ErrorCode", func(t *testing.T) {
		w.fake.FailNextError("chat.postMessage", 1, "channel_not_found")
		if got := slackErr(post(w.api)); got != "channel_not_found" {
			t.Errorf("err = %q", got)
		}
	})

	t.Run("LostResponse", func(t *testing.T) {
		before := len(w.fake.Messages(w.channel))
		w.fake.FailNext("chat.postMessage", 1, slackfake.FaultLostResponse)
		if err := post(w.api); err == nil {
			t.Fatal("no error for a lost response")
		}
		if got := len(w.fake.Messages(w.channel)); got != before+1 {
			t.Errorf("messages = %d, want %d: the post must take effect", got, before+1)
		}
	})

	t.Run("Timeout", func(t *testing.T) {
		api := slack.New(w.fake.BotToken(), slack.OptionAPIURL(w.fake.APIURL()),
			slack.OptionHTTPClient(&http.Client{Timeout: 200 * time.Millisecond}))
		before := len(w.fake.Messages(w.channel))
		w.fake.FailNext("chat.postMessage", 1, slackfake.FaultTimeout)
		start := time.Now()
		err := post(api)
		if err == nil || time.Since(start) < 200*time.Millisecond {
			t.Fatalf("err = %v after %v, want a client timeout", err, time.Since(start))
		}
		if got := len(w.fake.Messages(w.channel)); got != before {
			t.Errorf("a timed-out post was stored")
		}
	})

	t.Run("InOneConversation", func(t *testing.T) {
		w.fake.FailNextIn("chat.postMessage", w.anna, 1, slackfake.Fault503)
		w.fake.FailNextIn("users.info", w.trainer, 1, slackfake.Fault500)
		// Other conversations and users go through.
		if err := post(w.api); err != nil {
			t.Fatalf("a post to the channel: %v", err)
		}
		if _, err := w.api.GetUserInfoContext(ctx, w.anna); err != nil {
			t.Fatalf("users.info of anna: %v", err)
		}
		var sc slack.StatusCodeError
		if _, _, err := w.api.PostMessageContext(ctx, w.anna, slack.MsgOptionText("hoi", false)); !errors.As(err, &sc) || sc.Code != 503 {
			t.Errorf("a post to anna's DM: %v, want a 503", err)
		}
		if _, err := w.api.GetUserInfoContext(ctx, w.trainer); !errors.As(err, &sc) || sc.Code != 500 {
			t.Errorf("users.info of the trainer: %v, want a 500", err)
		}
		if _, _, err := w.api.PostMessageContext(ctx, w.anna, slack.MsgOptionText("hoi", false)); err != nil {
			t.Errorf("the next post to anna's DM: %v", err)
		}
	})

	t.Run("HeldUntilReleased", func(t *testing.T) {
		before := len(w.fake.Messages(w.channel))
		w.fake.FailNext("chat.postMessage", 1, slackfake.FaultTimeout)
		done := make(chan error, 1)
		go func() { done <- post(w.api) }()
		deadline := time.Now().Add(10 * time.Second)
		for w.fake.Held() != 1 {
			if time.Now().After(deadline) {
				t.Fatal("the fake does not hold the post")
			}
			time.Sleep(5 * time.Millisecond)
		}
		select {
		case err := <-done:
			t.Fatalf("the held post was answered: %v", err)
		default:
		}
		w.fake.ReleaseHeld()
		select {
		case err := <-done:
			if err != nil {
				t.Fatalf("the released post: %v", err)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("the released post was not answered")
		}
		if got := len(w.fake.Messages(w.channel)); got != before+1 {
			t.Errorf("messages = %d, want %d: a released post is performed", got, before+1)
		}
		if n := w.fake.Held(); n != 0 {
			t.Errorf("the fake still holds %d requests", n)
		}
	})
}
