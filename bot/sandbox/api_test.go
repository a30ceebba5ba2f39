package sandbox_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/gesprekbot/gesprekbot/bot/sandbox"
	"github.com/gesprekbot/gesprekbot/cmd/gesprekbot/app"
	"github.com/gesprekbot/gesprekbot/content"
	"github.com/gesprekbot/gesprekbot/handlers"
)

// call does one API request and decodes the answer into out (when not nil); it returns the status.
func (e *env) call(t *testing.T, method, path string, body any, out any) int {
	t.Helper()
	var r io.Reader
	if s, ok := body.(string); ok {
		r = strings.NewReader(s)
	} else if body != nil {
		b, _ := json.Marshal(body)
		r = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, e.base+path, r)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Authorization", "Bearer "+e.sb.Token())
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if out != nil {
		if err := json.Unmarshal(raw, out); err != nil {
			t.Fatalf("%s %s: %d %s: %v", method, path, resp.StatusCode, raw, err)
		}
	}
	return resp.StatusCode
}

type apiMessage struct {
	TS       string          `json:"ts"`
	User     string          `json:"user"`
	Text     string          `json:"text"`
	Blocks   json.RawMessage `json:"blocks"`
	Metadata *struct {
		EventType    string         `json:"event_type"`
		EventPayload map[string]any `json:"event_payload"`
	} `json:"metadata"`
	Files     []map[string]string `json:"files"`
	Edited    bool                `json:"edited"`
	Ephemeral bool                `json:"ephemeral"`
}

func (e *env) messages(t *testing.T, conv, user string) []apiMessage {
	t.Helper()
	var ms []apiMessage
	path := "/sandbox/api/messages?conversation=" + conv
	if user != "" {
		path += "&user=" + user
	}
	if code := e.call(t, "GET", path, nil, &ms); code != 200 {
		t.Fatalf("messages of %s: %d", conv, code)
	}
	return ms
}

// findAction returns the ts and value of the first element with the action_id (before any ":") in ms.
func findAction(ms []apiMessage, actionID string) (ts, fullID, value string, ok bool) {
	for _, m := range ms {
		var blocks []struct {
			Elements  []map[string]any `json:"elements"`
			Accessory map[string]any   `json:"accessory"`
		}
		_ = json.Unmarshal(m.Blocks, &blocks)
		for _, b := range blocks {
			els := b.Elements
			if b.Accessory != nil {
				els = append(els, b.Accessory)
			}
			for _, el := range els {
				id, _ := el["action_id"].(string)
				if handlers.ActionKey(id) == actionID {
					v, _ := el["value"].(string)
					return m.TS, id, v, true
				}
			}
		}
	}
	return "", "", "", false
}

var (
	sanne = sandbox.DemoUsers[1]
	joost = sandbox.DemoUsers[3]
)

// moved is the sandbox's answer to a move of its clock.
type moved struct {
	Now       time.Time `json:"now"`
	Delivered int       `json:"delivered"`
}

// next presses "Volgende levering" through the API.
func (e *env) next(t *testing.T) moved {
	t.Helper()
	var res moved
	if code := e.call(t, "POST", "/sandbox/api/clock", map[string]any{"next": true}, &res); code != 200 {
		t.Fatalf("clock next: status %d", code)
	}
	return res
}

// TestNextFollowsAHeldDelivery: a sandbox started in the evening has the demo's welcome due at once, but the
// cohort's quiet hours (from 21:00) hold DMs until the morning. "Volgende levering" follows the welcome there and
// delivers it, rather than answering that nothing was delivered.
func TestNextFollowsAHeldDelivery(t *testing.T) {
	t.Parallel()
	db := testDB(t)
	loc, err := time.LoadLocation(content.DefaultTimezone)
	if err != nil {
		t.Fatal(err)
	}
	today := time.Now().In(loc)
	evening := time.Date(today.Year(), today.Month(), today.Day()+1, 21, 30, 0, 0, loc)
	if err := db.SetSandboxClockOffset(context.Background(), time.Until(evening)); err != nil {
		t.Fatal(err)
	}
	// No tick of the dispatcher's own: the one the button runs is the first to meet the welcome.
	e := newEnvWith(t, db, app.Overrides{ManualTicks: true})
	var cs sandbox.ClockState
	e.call(t, "GET", "/sandbox/api/clock", nil, &cs)
	if len(cs.Upcoming) == 0 || cs.Upcoming[0].Kind != "welcome" || cs.Upcoming[0].DueAt.After(cs.Now) {
		t.Fatalf("at %s upcoming = %+v, want the welcome due at once", cs.Now, cs.Upcoming)
	}
	res := e.next(t)
	if res.Delivered < 5 {
		t.Errorf("delivered %d, want at least the welcome for each of the five participants", res.Delivered)
	}
	// The next sending time: a working day's morning (after a weekend, Monday's).
	if sent := res.Now.In(loc); !sent.After(evening) || sent.Sub(evening) > 4*24*time.Hour || sent.Hour() < 8 ||
		sent.Hour() >= 21 || sent.Weekday() == time.Saturday || sent.Weekday() == time.Sunday {
		t.Errorf("the clock went from %s to %s, want the first sending time after it", evening, sent)
	}
	if ms := e.messages(t, sanne.IMID, ""); len(ms) == 0 {
		t.Errorf("Sanne's DM is empty, want the welcome")
	}
}

func TestAPI(t *testing.T) {
	t.Parallel()
	db := testDB(t)
	e := newEnv(t, db)

	t.Run("State", func(t *testing.T) {
		var st sandbox.State
		if code := e.call(t, "GET", "/sandbox/api/state", nil, &st); code != 200 {
			t.Fatalf("status %d", code)
		}
		// Two workspaces, each with its bot, its people, one channel with all of them, and a DM for each.
		if len(st.Teams) != 2 || st.Teams[1].ID != sandbox.DemoTeam2.ID {
			t.Fatalf("teams = %+v, want the default one and %s", st.Teams, sandbox.DemoTeam2.ID)
		}
		for i, people := range [][]sandbox.DemoUser{sandbox.DemoUsers, sandbox.DemoUsers2} {
			team := st.Teams[i].ID
			users, channel, ims := 0, 0, 0
			for _, u := range st.Users {
				if u.Team == team {
					users++
				}
			}
			for _, c := range st.Conversations {
				if c.Team != team {
					continue
				}
				switch c.Kind {
				case "channel":
					channel++
					if len(c.Members) != len(people)+1 {
						t.Errorf("%s's channel = %+v", team, c)
					}
				case "im":
					ims++
				}
			}
			if users != len(people)+1 || channel != 1 || ims != len(people) {
				t.Errorf("%s: %d users, %d channels and %d IMs, want the bot and %d people, 1 and %d",
					team, users, channel, ims, len(people), len(people))
			}
		}
	})

	t.Run("ClockDeliversWelcome", func(t *testing.T) {
		var cs sandbox.ClockState
		e.call(t, "GET", "/sandbox/api/clock", nil, &cs)
		if len(cs.Upcoming) == 0 || cs.Upcoming[0].Title == "" {
			t.Fatalf("upcoming = %+v, want the demo cohort's plan", cs.Upcoming)
		}
		res := e.next(t)
		if res.Delivered < 5 {
			t.Errorf("delivered %d, want at least the welcome for each of the five participants", res.Delivered)
		}
		ms := e.messages(t, sanne.IMID, "")
		if len(ms) == 0 || ms[0].Metadata == nil || ms[0].Metadata.EventPayload["key"] == "" {
			t.Fatalf("Sanne's DM = %+v, want the welcome with its delivery key", ms)
		}
		if len(e.messages(t, sandbox.DemoUsers[0].IMID, "")) != 0 {
			t.Errorf("the trainer got a participant's welcome")
		}
	})

	t.Run("ClockToPreparationAndClick", func(t *testing.T) {
		var ts, actionID, value string
		for i := 0; i < 6; i++ {
			if ts, actionID, value, _ = findAction(e.messages(t, sanne.IMID, ""), handlers.ActionReadingDone); ts != "" {
				break
			}
			if code := e.call(t, "POST", "/sandbox/api/clock", map[string]any{"next": true}, nil); code != 200 {
				t.Fatalf("clock next: %d", code)
			}
		}
		if ts == "" {
			t.Fatal("no message with a Gelezen button reached Sanne")
		}
		before, _ := e.fake.Message(sanne.IMID, ts)
		var ack struct {
			AckMS *float64 `json:"ack_ms"`
		}
		code := e.call(t, "POST", "/sandbox/api/action", map[string]any{"user": sanne.ID, "conversation": sanne.IMID,
			"ts": ts, "action_id": actionID, "value": value}, &ack)
		if code != 200 || ack.AckMS == nil {
			t.Fatalf("action: %d %+v", code, ack)
		}
		deadline := time.Now().Add(5 * time.Second)
		for {
			after, _ := e.fake.Message(sanne.IMID, ts)
			if string(after.Blocks) != string(before.Blocks) {
				break
			}
			if time.Now().After(deadline) {
				t.Fatal("the message did not change after the click")
			}
			time.Sleep(50 * time.Millisecond)
		}
	})

	t.Run("Command", func(t *testing.T) {
		var res struct {
			AckMS    float64         `json:"ack_ms"`
			Response json.RawMessage `json:"response"`
		}
		code := e.call(t, "POST", "/sandbox/api/command", map[string]any{"user": sanne.ID,
			"conversation": sandbox.DemoChannelID, "command": "/gesprekbot", "text": "help"}, &res)
		if code != 200 || len(res.Response) == 0 || string(res.Response) == "null" {
			t.Fatalf("command: %d %s", code, res.Response)
		}
		var mine, theirs int
		for _, m := range e.messages(t, sandbox.DemoChannelID, sanne.ID) {
			if m.Ephemeral {
				mine++
			}
		}
		for _, m := range e.messages(t, sandbox.DemoChannelID, joost.ID) {
			if m.Ephemeral {
				theirs++
			}
		}
		if mine != 1 || theirs != 0 {
			t.Errorf("ephemeral help: Sanne sees %d, Joost %d; want 1 and 0", mine, theirs)
		}
	})

	t.Run("Modal", func(t *testing.T) {
		if code := e.call(t, "POST", "/sandbox/api/command", map[string]any{"user": sanne.ID,
			"conversation": sanne.IMID, "command": testCommand}, nil); code != 200 {
			t.Fatalf("command: %d", code)
		}
		var views []sandbox.APIView
		e.call(t, "GET", "/sandbox/api/views?user="+sanne.ID, nil, &views)
		if len(views) == 0 || views[0].Type != "modal" || views[0].Title != "Even voorstellen" {
			t.Fatalf("views = %+v, want the modal", views)
		}
		id := views[0].ViewID
		var res struct {
			ResponseAction string            `json:"response_action"`
			Errors         map[string]string `json:"errors"`
		}
		e.call(t, "POST", "/sandbox/api/views/submit", map[string]any{"user": sanne.ID, "view_id": id,
			"values": map[string]map[string]string{"naam": {"naam": " "}}}, &res)
		if res.ResponseAction != "errors" || res.Errors["naam"] == "" {
			t.Fatalf("empty name: %+v, want an error on block naam", res)
		}
		e.call(t, "GET", "/sandbox/api/views?user="+sanne.ID, nil, &views)
		if len(views) == 0 || views[0].Errors["naam"] == "" {
			t.Errorf("views after a refused submit = %+v, want the error shown", views)
		}
		e.call(t, "POST", "/sandbox/api/views/submit", map[string]any{"user": sanne.ID, "view_id": id,
			"values": map[string]map[string]string{"naam": {"naam": "Sanne"}}}, &res)
		e.call(t, "GET", "/sandbox/api/views?user="+sanne.ID, nil, &views)
		for _, v := range views {
			if v.Type == "modal" {
				t.Errorf("modal still open after a good submit: %+v", v)
			}
		}
		ms := e.messages(t, sanne.IMID, "")
		if last := ms[len(ms)-1]; last.Text != "Dank je, Sanne!" {
			t.Errorf("last DM = %q, want the thank-you", last.Text)
		}
	})

	t.Run("TypedKeptInModal", func(t *testing.T) {
		// What is typed (views/type) stays in the modal's state, as in Slack: a submit without values carries it.
		e.call(t, "POST", "/sandbox/api/command", map[string]any{"user": sanne.ID, "conversation": sanne.IMID, "command": testCommand}, nil)
		var views []sandbox.APIView
		e.call(t, "GET", "/sandbox/api/views?user="+sanne.ID, nil, &views)
		if len(views) == 0 || views[0].Type != "modal" {
			t.Fatalf("views = %+v, want the modal", views)
		}
		id := views[0].ViewID
		if code := e.call(t, "POST", "/sandbox/api/views/type", map[string]any{"user": sanne.ID, "view_id": id,
			"block_id": "naam", "action_id": "naam", "value": "Sanna"}, nil); code != 200 {
			t.Fatalf("type: %d", code)
		}
		e.call(t, "POST", "/sandbox/api/views/submit", map[string]any{"user": sanne.ID, "view_id": id}, nil)
		ms := e.messages(t, sanne.IMID, "")
		if last := ms[len(ms)-1]; last.Text != "Dank je, Sanna!" {
			t.Errorf("last DM = %q, want the thank-you with the typed name", last.Text)
		}
		if code := e.call(t, "POST", "/sandbox/api/views/type", map[string]any{"user": sanne.ID, "view_id": id,
			"block_id": "naam", "action_id": "naam", "value": "x"}, nil); code != 400 {
			t.Errorf("typing in a closed modal: %d, want 400", code)
		}
	})

	t.Run("BadRequests", func(t *testing.T) {
		tests := []struct {
			name, method, path string
			body               any
			want               int
			mention            string
		}{
			{"UnknownUser", "POST", "/sandbox/api/command", map[string]any{"user": "U0NOBODY", "conversation": sandbox.DemoChannelID, "command": "/gesprekbot"}, 400, "unknown user"},
			{"BotAsUser", "POST", "/sandbox/api/command", map[string]any{"user": e.fake.BotUserID(), "conversation": sandbox.DemoChannelID, "command": "/gesprekbot"}, 400, "bot"},
			{"UnknownConversation", "GET", "/sandbox/api/messages?conversation=C0NOPE", nil, 400, "unknown conversation"},
			{"NotAMember", "POST", "/sandbox/api/command", map[string]any{"user": joost.ID, "conversation": sanne.IMID, "command": "/gesprekbot"}, 400, "not in conversation"},
			{"BadCommand", "POST", "/sandbox/api/command", map[string]any{"user": sanne.ID, "conversation": sanne.IMID, "command": "gesprekbot"}, 400, "starting with"},
			{"BadJSON", "POST", "/sandbox/api/action", `{"user":`, 400, "bad JSON"},
			{"UnknownField", "POST", "/sandbox/api/clock", `{"advanse":"1h"}`, 400, "bad JSON"},
			{"BadDuration", "POST", "/sandbox/api/clock", map[string]any{"advance": "soon"}, 400, "bad duration"},
			{"Backwards", "POST", "/sandbox/api/clock", map[string]any{"advance": "-1h"}, 400, "forward"},
			{"Past", "POST", "/sandbox/api/clock", map[string]any{"to": "2001-01-01T00:00:00Z"}, 400, "forward"},
			{"TwoMoves", "POST", "/sandbox/api/clock", map[string]any{"advance": "1h", "next": true}, 400, "exactly one"},
			{"NoMessage", "POST", "/sandbox/api/action", map[string]any{"user": sanne.ID, "conversation": sanne.IMID, "ts": "1.000001", "action_id": "x"}, 400, "no message"},
			{"NoModal", "POST", "/sandbox/api/views/submit", map[string]any{"user": joost.ID, "view_id": "V0NOPE"}, 400, "no open modal"},
			{"ViewsWithoutUser", "GET", "/sandbox/api/views", nil, 400, "user is missing"},
			{"UnknownEndpoint", "GET", "/sandbox/api/nothing", nil, 404, "no such"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				var out map[string]string
				code := e.call(t, tt.method, tt.path, tt.body, &out)
				if code != tt.want || !strings.Contains(out["error"], tt.mention) {
					t.Errorf("got %d %q, want %d with %q", code, out["error"], tt.want, tt.mention)
				}
			})
		}
	})

	t.Run("Restart", func(t *testing.T) {
		if err := e.sb.Save(context.Background()); err != nil {
			t.Fatal(err)
		}
		if code := e.call(t, "POST", "/sandbox/api/clock", map[string]any{"advance": "2h"}, nil); code != 200 {
			t.Fatalf("advance: %d", code)
		}
		nowBefore := e.clock.Now()
		dm := e.messages(t, sanne.IMID, "")
		channel := e.messages(t, sandbox.DemoChannelID, "")
		e.stop()

		e2 := newEnv(t, db)
		if got := e2.clock.Now(); got.Before(nowBefore) {
			t.Errorf("clock after restart %v, before %v", got, nowBefore)
		}
		dm2 := e2.messages(t, sanne.IMID, "")
		if len(dm2) != len(dm) || dm2[0].TS != dm[0].TS || !sameJSON(dm2[0].Blocks, dm[0].Blocks) {
			t.Errorf("Sanne's DM after restart: %d messages, want the same %d", len(dm2), len(dm))
		}
		if len(e2.messages(t, sandbox.DemoChannelID, "")) != len(channel) {
			t.Errorf("channel after restart differs")
		}
		var cs sandbox.ClockState
		e2.call(t, "GET", "/sandbox/api/clock", nil, &cs)
		var res struct{ Delivered int }
		e2.call(t, "POST", "/sandbox/api/clock", map[string]any{"next": true}, &res)
		if res.Delivered == 0 {
			t.Errorf("nothing delivered after restart; next was %+v", cs.Upcoming[:1])
		}
		if len(e2.messages(t, sanne.IMID, ""))+len(e2.messages(t, sandbox.DemoChannelID, "")) <= len(dm)+len(channel) {
			t.Errorf("no new message after restart")
		}
	})
}

// sameJSON compares two JSON values regardless of key order and spacing (Postgres jsonb keeps neither).
func sameJSON(a, b json.RawMessage) bool {
	var x, y any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return false
	}
	return reflect.DeepEqual(x, y)
}
