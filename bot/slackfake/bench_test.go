package slackfake_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/slack-go/slack"

	"github.com/gesprekbot/gesprekbot/bot/slackfake"
)

// rawApp is a Socket Mode app on a bare websocket that acks every envelope at once and keeps what it received;
// it costs far less than slack-go's client, so a benchmark measures mostly the fake.
type rawApp struct {
	ws   *websocket.Conn
	done chan struct{}

	mu   sync.Mutex
	keep bool
	got  [][]byte // envelopes received, when keep is set
}

func connectRawApp(tb testing.TB, fake *slackfake.Server) *rawApp {
	tb.Helper()
	api := slack.New(fake.BotToken(), slack.OptionAPIURL(fake.APIURL()), slack.OptionAppLevelToken(fake.AppToken()))
	_, wsURL, err := api.StartSocketModeContext(context.Background())
	if err != nil {
		tb.Fatalf("apps.connections.open: %v", err)
	}
	ws, _, err := websocket.DefaultDialer.Dial(wsURL, nil)
	if err != nil {
		tb.Fatalf("dial socket mode: %v", err)
	}
	a := &rawApp{ws: ws, done: make(chan struct{})}
	go a.run()
	tb.Cleanup(func() {
		_ = ws.Close()
		<-a.done
	})
	return a
}

func (a *rawApp) run() {
	defer close(a.done)
	idKey := []byte(`"envelope_id":"`)
	for {
		_, data, err := a.ws.ReadMessage()
		if err != nil {
			return
		}
		i := bytes.Index(data, idKey)
		if i < 0 {
			continue
		}
		id := data[i+len(idKey):]
		id = id[:bytes.IndexByte(id, '"')]
		a.mu.Lock()
		if a.keep {
			a.got = append(a.got, data)
		}
		a.mu.Unlock()
		if err := a.ws.WriteMessage(websocket.TextMessage, []byte(`{"envelope_id":"`+string(id)+`"}`)); err != nil {
			return
		}
	}
}

// questionBlocks is a competentiemeter question as the bot renders it: progress, the statement, five score
// buttons (the chosen one marked) and the navigation.
func questionBlocks(ms, i, chosen int) []slack.Block {
	st := fmt.Sprintf("gv%d", i+1)
	var scores []slack.BlockElement
	for v := 1; v <= 5; v++ {
		label := []string{"nog niet", "een beetje", "redelijk", "goed", "uitstekend"}[v-1]
		b := slack.NewButtonBlockElement(fmt.Sprintf("meter_score:%d", v), fmt.Sprintf("%d/%s/%d", ms, st, v), nil)
		if v == chosen {
			label = "✓ " + label
			b = b.WithStyle(slack.StylePrimary)
		}
		b.Text = slack.NewTextBlockObject(slack.PlainTextType, fmt.Sprintf("%d · %s", v, label), false, false)
		scores = append(scores, b)
	}
	return []slack.Block{
		slack.NewContextBlock("", slack.NewTextBlockObject(slack.MarkdownType,
			fmt.Sprintf("Vraag %d van 21 · Gespreksvaardigheden · %d van 21 beantwoord", i+1, i), false, false)),
		slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType,
			"*Ik kan een gesprek openen, structureren en afronden, en houd daarbij de regie zonder de inwoner "+
				"het gesprek uit handen te nemen.*", false, false), nil, nil),
		slack.NewActionBlock("meter_q_1", scores...),
		slack.NewActionBlock("meter_nav",
			slack.NewButtonBlockElement("meter_prev", fmt.Sprintf("%d/%s", ms, st),
				slack.NewTextBlockObject(slack.PlainTextType, "Vorige", false, false)),
			slack.NewButtonBlockElement("meter_later", fmt.Sprintf("%d", ms),
				slack.NewTextBlockObject(slack.PlainTextType, "Later verder", false, false))),
	}
}

// BenchmarkClickRoundTrip is one competentiemeter score click as the bench drives it: the fake delivers
// block_actions over Socket Mode, the app acks, and the app replaces the message with the next question through
// the response_url. allocs/op counts the app's side too (a bare websocket and net/http's client).
func BenchmarkClickRoundTrip(b *testing.B) {
	fake := slackfake.New(slackfake.Options{})
	b.Cleanup(fake.Close)
	anna := fake.AddUser(slackfake.User{Name: "anna", RealName: "Anna de Vries"})
	dm := fake.AddIM(anna, "")
	connectRawApp(b, fake)
	api := slack.New(fake.BotToken(), slack.OptionAPIURL(fake.APIURL()))
	ctx := context.Background()
	_, ts, err := api.PostMessageContext(ctx, dm, slack.MsgOptionText("Competentiemeter", false),
		slack.MsgOptionBlocks(questionBlocks(7, 0, 0)...))
	if err != nil {
		b.Fatal(err)
	}
	// The replacements, rendered before the clock runs: question i with score i%5+1 chosen.
	var bodies [][]byte
	for i := range 20 {
		body, err := json.Marshal(map[string]any{"replace_original": true, "text": "Competentiemeter",
			"blocks": questionBlocks(7, i, i%5+1)})
		if err != nil {
			b.Fatal(err)
		}
		bodies = append(bodies, body)
	}
	client := &http.Client{}
	b.ReportAllocs()
	b.ResetTimer()
	cpu0 := processCPU(b)
	for i := range b.N {
		score := (i+4)%5 + 1 // the message shows question i%20 (after the first round) with i%5+1 chosen
		resp, err := fake.Click(ctx, anna, dm, ts, fmt.Sprintf("meter_score:%d", score), "")
		if err != nil || !resp.Acked {
			b.Fatalf("click %d: %v %+v", i, err, resp)
		}
		r, err := client.Post(resp.ResponseURL, "application/json", bytes.NewReader(bodies[i%len(bodies)]))
		if err != nil {
			b.Fatal(err)
		}
		out, _ := io.ReadAll(r.Body)
		_ = r.Body.Close()
		if !strings.Contains(string(out), `"ok":true`) {
			b.Fatalf("response_url: %s", out)
		}
	}
	b.ReportMetric(float64(processCPU(b)-cpu0)/float64(b.N), "cpu-ns/op")
}

// processCPU is the CPU time (user and system) this process has used; per click it is what the fake and the app
// burn, whatever the wall clock says on a busy machine.
func processCPU(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatalf("getrusage: %v", err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
