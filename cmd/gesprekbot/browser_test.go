package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"

	"github.com/gesprekbot/gesprekbot/bot/sandbox"
	"github.com/gesprekbot/gesprekbot/content"
	"github.com/gesprekbot/gesprekbot/store/storetest"
)

// chromiumPath is Debian's chromium; .ci/run installs it when missing. CHROMIUM names another binary.
const chromiumPath = "/usr/bin/chromium"

// browserWait bounds every wait for the page: generous, because a busy 2-core machine runs Postgres, the bot, the
// fake and chromium at once.
const browserWait = 20 * time.Second

// browserAction bounds one call to chromium, as a lost browser must fail the test rather than hang it.
const browserAction = 30 * time.Second

// browser is a headless chromium driven with chromedp: it clicks with the mouse at an element's place on the
// screen and types with the keyboard, as a user does.
type browser struct {
	t    *testing.T
	ctx  context.Context // the page's chromedp context; every action runs under a deadline of its own below it
	stop func()          // closes the page and chromium; more calls do nothing
}

// startBrowser starts headless chromium with one empty page, or skips the test when chromium is not installed.
func startBrowser(t *testing.T) *browser {
	t.Helper()
	bin := os.Getenv("CHROMIUM")
	if bin == "" {
		bin = chromiumPath
	}
	if _, err := os.Stat(bin); err != nil {
		t.Skipf("chromium not found at %s (apt-get install chromium, or set CHROMIUM; .ci/run installs it): browser test skipped", bin)
	}
	// chromedp's defaults are headless with Puppeteer's flags, a throwaway profile it removes afterwards, and the
	// DevTools protocol over a pipe.
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(bin), chromedp.NoSandbox,
		chromedp.DisableGPU, chromedp.Flag("disable-quic", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("lang", "nl-NL"), chromedp.WindowSize(1400, 900))
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(allocCtx)
	// Cancelling the allocator waits for chromium to exit and its profile to be removed.
	stop := func() {
		cancel()
		cancelAlloc()
	}
	t.Cleanup(stop)
	// The first call starts chromium and binds it to ctx: no deadline of its own, or chromium would stop with it.
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	return &browser{t: t, ctx: ctx, stop: stop}
}

// do runs actions on the page, bounded by browserAction.
func (b *browser) do(actions ...chromedp.Action[chromedp.Void]) error {
	ctx, cancel := context.WithTimeout(b.ctx, browserAction)
	defer cancel()
	return chromedp.Do(ctx, actions...)
}

// navigate opens url in the page.
func (b *browser) navigate(url string) {
	b.t.Helper()
	if err := b.do(chromedp.Navigate(url)); err != nil {
		b.t.Fatalf("open %s: %v", url, err)
	}
}

// eval runs JavaScript in the page, waiting for a promise it returns, and returns its value as JSON.
func (b *browser) eval(js string) json.RawMessage {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, browserAction)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[[]byte](js, chromedp.EvalAwaitPromise))
	if err != nil {
		b.t.Fatalf("javascript %q: %v", js, err)
	}
	return v
}

// text returns the value of a JavaScript expression that yields a string ("" when it throws or is not a string).
func (b *browser) text(js string) string {
	b.t.Helper()
	var s string
	_ = json.Unmarshal(b.eval("(() => { try { return String("+js+"); } catch (e) { return ''; } })()"), &s)
	return s
}

// count returns the value of a JavaScript expression that yields a number (-1 when it throws).
func (b *browser) count(js string) int {
	b.t.Helper()
	n := -1
	_ = json.Unmarshal(b.eval("(() => { try { return Number("+js+"); } catch (e) { return -1; } })()"), &n)
	return n
}

// waitFor waits until the JavaScript condition is true.
func (b *browser) waitFor(what, cond string) {
	b.t.Helper()
	if !b.within(browserWait, cond) {
		b.t.Fatalf("waited %s in vain for %s (%s)", browserWait, what, cond)
	}
}

// within reports whether cond holds within d.
func (b *browser) within(d time.Duration, cond string) bool {
	deadline := time.Now().Add(d)
	for {
		if string(b.eval("(() => { try { return !!("+cond+"); } catch (e) { return false; } })()")) == "true" {
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// click waits until the element the JavaScript expression el yields is on the page, enabled and not covered by
// anything, then clicks its middle with the mouse.
func (b *browser) click(what, el string) {
	b.t.Helper()
	locate := `(() => { try {
		const el = ` + el + `;
		if (!el || el.disabled) return null;
		el.scrollIntoView({block: "center", inline: "center"});
		const r = el.getBoundingClientRect();
		if (r.width === 0 || r.height === 0) return null;
		const x = r.left + r.width / 2, y = r.top + r.height / 2;
		const hit = document.elementFromPoint(x, y);
		if (!hit || !(el === hit || el.contains(hit))) return null;
		return {x, y};
	} catch (e) { return null; } })()`
	var at *struct{ X, Y float64 }
	deadline := time.Now().Add(browserWait)
	for {
		at = nil
		_ = json.Unmarshal(b.eval(locate), &at)
		if at != nil {
			break
		}
		if time.Now().After(deadline) {
			b.t.Fatalf("waited %s in vain to click %s: not on the page, disabled or covered (%s)", browserWait, what, el)
		}
		time.Sleep(100 * time.Millisecond)
	}
	if err := b.do(chromedp.MouseEvent(chromedp.MouseMoved, at.X, at.Y), chromedp.MouseClickXY(at.X, at.Y)); err != nil {
		b.t.Fatalf("click %s: %v", what, err)
	}
}

// typeText clicks into the field el and types s with the keyboard.
func (b *browser) typeText(what, el, s string) {
	b.t.Helper()
	b.click(what, el)
	b.waitFor(what+" to have the focus", `document.activeElement === (`+el+`)`)
	insert := chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, input.InsertText, input.InsertTextParams{Text: s})
		return err
	})
	if err := b.do(insert); err != nil {
		b.t.Fatalf("type into %s: %v", what, err)
	}
}

// screenshot saves a PNG of the page at path.
func (b *browser) screenshot(path string) error {
	ctx, cancel := context.WithTimeout(b.ctx, browserAction)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return os.WriteFile(path, png, 0o644)
}

// html returns the page's DOM as HTML.
func (b *browser) html() (string, error) {
	ctx, cancel := context.WithTimeout(b.ctx, browserAction)
	defer cancel()
	return chromedp.Run(ctx, chromedp.Evaluate[string]("document.documentElement.outerHTML"))
}

// js quotes s as a JavaScript string literal.
func js(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// syncBuffer collects the bot's log, which goroutines write while the test reads it.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.String()
}

// sandboxRun is the bot running as the bare `gesprekbot` with no Slack tokens.
type sandboxRun struct {
	base  string // http://127.0.0.1:PORT
	open  string // the URL it printed, with this start's token
	token string
	log   *syncBuffer
}

// startSandbox runs the real Main as `gesprekbot` does with no Slack tokens, on a fresh database, and returns the
// sandbox page's address and the URL with the token it printed. The bot stops when the test ends.
func startSandbox(t *testing.T) *sandboxRun {
	t.Helper()
	env := map[string]string{
		"DATABASE_URL": storetest.URL(t),
		"HTTP_ADDR":    "127.0.0.1:0", // the system's choice of port; the printed URL says which
		"DATA_DIR":     t.TempDir(),
		"LOG_LEVEL":    "info",
	}
	cfg, err := LoadConfig(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	if cfg.SlackMode() != "sandbox" {
		t.Fatalf("slack mode %q with no tokens, want sandbox", cfg.SlackMode())
	}
	log, stdout := &syncBuffer{}, &syncBuffer{}
	m := NewMain(cfg, stdout, log)
	m.AllowSandbox = true // the bare command
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- m.Run(ctx, nil) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("run: %v", err)
			}
		case <-time.After(60 * time.Second):
			t.Errorf("the bot did not stop within 60 s")
		}
		if err := m.Close(); err != nil {
			t.Errorf("close: %v", err)
		}
	})
	for deadline := time.Now().Add(60 * time.Second); !strings.Contains(stdout.String(), "ready; press Ctrl-C"); {
		select {
		case err := <-done:
			t.Fatalf("the bot stopped before it was ready: %v\n%s%s", err, stdout.String(), log.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("the bot was not ready within 60 s\n%s%s", stdout.String(), log.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
	// What a trainer sees in the terminal, and opens.
	printed := regexp.MustCompile(`sandbox: open ((http://127\.0\.0\.1:[1-9][0-9]*)/\?token=([0-9a-f]+)) in a browser`).FindStringSubmatch(stdout.String())
	if printed == nil {
		t.Fatalf("the bot did not print the sandbox's URL, on 127.0.0.1 with its port and token:\n%s", stdout.String())
	}
	run := &sandboxRun{base: printed[2], open: printed[1], token: printed[3], log: log}
	return run
}

// get reads a path of the sandbox's API with the token, as a script does.
func (s *sandboxRun) get(path string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, "GET", s.base+path, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+s.token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err == nil && resp.StatusCode != http.StatusOK {
		err = fmt.Errorf("GET %s: %s: %s", path, resp.Status, body)
	}
	return body, err
}

// post sends a JSON request to the sandbox's API with the token, as a script does, and returns the answer.
func (s *sandboxRun) post(path string, body any) ([]byte, error) {
	raw, err := json.Marshal(body)
	if err != nil {
		return nil, err
	}
	// A clock move delivers what falls due on the way, at the fake's pace.
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, "POST", s.base+path, bytes.NewReader(raw))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+s.token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	if err == nil && resp.StatusCode != http.StatusOK {
		err = fmt.Errorf("POST %s: %s: %s", path, resp.Status, out)
	}
	return out, err
}

// dueOf returns when the first planned delivery of kind is due, from the sandbox's clock panel.
func dueOf(t *testing.T, sb *sandboxRun, kind string) time.Time {
	t.Helper()
	return dueOfModule(t, sb, kind, 0)
}

// dueOfModule returns when the first planned delivery of kind for module n (0: any module) is due.
func dueOfModule(t *testing.T, sb *sandboxRun, kind string, n int) time.Time {
	t.Helper()
	body, err := sb.get("/sandbox/api/clock?n=200")
	if err != nil {
		t.Fatal(err)
	}
	var c struct {
		Upcoming []struct {
			Kind   string    `json:"kind"`
			Module int       `json:"module"`
			DueAt  time.Time `json:"due_at"`
		} `json:"upcoming"`
	}
	if err := json.Unmarshal(body, &c); err != nil {
		t.Fatal(err)
	}
	for _, u := range c.Upcoming {
		if u.Kind == kind && (n == 0 || u.Module == n) {
			return u.DueAt
		}
	}
	t.Fatalf("no %s (module %d) planned: %s", kind, n, body)
	return time.Time{}
}

// apiMessage is what the test reads of GET /sandbox/api/messages.
type apiMessage struct {
	TS        string          `json:"ts"`
	User      string          `json:"user"`
	Text      string          `json:"text"`
	Blocks    json.RawMessage `json:"blocks"`
	Ephemeral bool            `json:"ephemeral"`
}

// messages reads a conversation from the sandbox's API, with user's ephemeral messages when user is set.
func messages(t *testing.T, sb *sandboxRun, conversation, user string) []apiMessage {
	t.Helper()
	body, err := sb.get("/sandbox/api/messages?conversation=" + conversation + "&user=" + user)
	if err != nil {
		t.Fatal(err)
	}
	var ms []apiMessage
	if err := json.Unmarshal(body, &ms); err != nil {
		t.Fatal(err)
	}
	return ms
}

// Demo people of the sandbox.
var (
	demoTrainer = sandbox.DemoUsers[0]
	demoSanne   = sandbox.DemoUsers[1]
)

// TestBrowser runs the real bot with no settings but a database, as `go run ./cmd/gesprekbot` does, and walks the
// sandbox page in headless chromium through the product's own flows, with the mouse and the keyboard: the welcome
// and the whole voormeting, a reading marked read, the trainer's plan and case reveal, a participant reading the
// case back, the development plan modal with its validation, the App Home showing where she stands, a report
// written, kept as a draft and handed in, two observers' feedback read by the gespreksvoerder, the closing
// evaluation and the follow-up.
func TestBrowser(t *testing.T) {
	t.Parallel()
	b := startBrowser(t)
	sb := startSandbox(t)
	// The browser goes before the bot: the bot's shutdown otherwise waits about 6 s for the page's requests in
	// flight. (Cleanups run last first; keepFailure's below still sees the page.)
	t.Cleanup(b.stop)
	log := sb.log
	// keepFailure saves what the page looked like when t failed, and the bot's log.
	kept := false
	keepFailure := func(t *testing.T) {
		if !t.Failed() || kept {
			return
		}
		kept = true
		name := filepath.Join("testdata", "failures", fmt.Sprintf("%s-%s", strings.ReplaceAll(t.Name(), "/", "_"), time.Now().Format("150405")))
		abs, _ := filepath.Abs(name)
		if err := b.screenshot(name + ".png"); err != nil {
			t.Logf("no screenshot: %v", err)
		} else {
			t.Logf("screenshot of the page at the failure: %s.png", abs)
		}
		if h, err := b.html(); err == nil && os.WriteFile(name+".html", []byte(h), 0o644) == nil {
			t.Logf("the page's HTML at the failure: %s.html", abs)
		}
		t.Logf("the bot's log:\n%s", log.String())
	}
	// step runs one flow as a subtest with the browser reporting to it; a failed step ends the walk, since the
	// next one starts where it left off.
	parent := t
	step := func(name string, f func(t *testing.T)) {
		if parent.Failed() {
			return
		}
		parent.Run(name, func(t *testing.T) {
			b.t = t
			defer func() { b.t = parent }()
			defer keepFailure(t)
			f(t)
		})
	}
	t.Cleanup(func() { keepFailure(t) })
	// SANDBOX_SCREENSHOTS=dir keeps a picture of every step, to look at the page as a trainer would.
	shot := func(name string) {
		if dir := os.Getenv("SANDBOX_SCREENSHOTS"); dir != "" {
			if err := b.screenshot(filepath.Join(dir, name+".png")); err != nil {
				b.t.Errorf("screenshot: %v", err)
			}
		}
	}

	// Without the token the page shows nothing of the sandbox, only where to find the link.
	b.navigate(sb.base + "/")
	b.waitFor("the page that says to open the link from the terminal", `document.body.innerText.includes("link uit de terminal")`)
	if n := b.count(`document.querySelectorAll("script, #messages").length`); n != 0 {
		t.Fatalf("the page without the token has %d scripts or message lists, want none", n)
	}
	// The link printed in the terminal: the page opens, and the token leaves the address bar for a cookie that
	// scripts in the page cannot read.
	b.navigate(sb.open)
	b.waitFor("the page to load", `document.body.dataset.ready === "1"`)
	if got := b.text(`location.href`); got != sb.base+"/" {
		t.Errorf("address after opening the link: %q, want %q (no token)", got, sb.base+"/")
	}
	if strings.Contains(b.text(`document.cookie`), sb.token) {
		t.Errorf("the token is readable by the page's scripts (document.cookie); want an HttpOnly cookie")
	}
	b.waitFor("the banner", `document.getElementById("banner").textContent.includes("lokale simulatie")`)
	// shown is true once the page shows the conversation (or "home") as user.
	shown := func(conversation, user string) string {
		return `document.getElementById("messages").dataset.shown === ` + js(conversation+"/"+user)
	}
	b.waitFor("acting as Sanne in her DM", `document.getElementById("acting").value === `+js(demoSanne.ID)+
		` && document.getElementById("nav-dm").classList.contains("active") && `+shown(demoSanne.IMID, demoSanne.ID))

	const (
		msgs      = `[...document.querySelectorAll("#messages .msg")]`
		buttons   = `[...document.querySelectorAll("#messages .msg button")]`
		lastMsg   = `[...document.querySelectorAll("#messages .msg")].pop()`
		modalOpen = `!document.getElementById("modal-backdrop").hidden`
	)
	button := func(label string) string {
		return buttons + `.find(b => b.textContent.trim() === ` + js(label) + `)`
	}
	// next clicks "Volgende levering" and waits for the clock to say what it delivered.
	next := func() {
		b.t.Helper()
		before := b.text(`document.getElementById("clock-result").textContent`)
		b.click("Volgende levering", `document.getElementById("clock-next")`)
		b.waitFor("the clock to move", `(() => { const r = document.getElementById("clock-result").textContent;
			return r.includes("bezorgd") && r !== `+js(before)+`; })()`)
	}
	// caughtUp waits until the page shows every message the workspace has in the conversation it shows.
	caughtUp := func() {
		b.t.Helper()
		where := strings.SplitN(b.text(`document.getElementById("messages").dataset.shown`), "/", 2)
		if len(where) != 2 || where[0] == "home" {
			b.t.Fatalf("caughtUp: the page shows %q, not a conversation", where)
		}
		n := len(messages(b.t, sb, where[0], where[1]))
		b.waitFor(fmt.Sprintf("the page to show all %d messages", n), `document.querySelectorAll("#messages .msg").length >= `+fmt.Sprint(n))
	}
	// nextUntil moves the clock, one planned delivery at a time, until cond holds on the page.
	nextUntil := func(what, cond string) {
		b.t.Helper()
		for i := 0; ; i++ {
			if string(b.eval("(() => { try { return !!("+cond+"); } catch (e) { return false; } })()")) == "true" {
				return
			}
			if i == 12 {
				b.t.Fatalf("%s did not arrive after moving the clock %d times", what, i)
			}
			next()
			caughtUp()
		}
	}
	// command types a slash command into the composer and sends it.
	command := func(cmd string) {
		b.t.Helper()
		b.waitFor("an empty composer", `document.getElementById("command").value === ""`)
		b.typeText("the composer", `document.getElementById("command")`, cmd)
		b.click("Verstuur", `document.getElementById("send")`)
		b.waitFor("the composer to be emptied after sending "+cmd, `document.getElementById("command").value === ""`)
	}
	// open clicks a navigation control until the page shows cond: the page redraws its lists while it polls, and a
	// press and release that straddle a redraw land on two different elements and make no click. Going to the same
	// place twice is harmless.
	open := func(what, nav, cond string) {
		b.t.Helper()
		deadline := time.Now().Add(browserWait)
		for {
			b.click(what, nav)
			if b.within(3*time.Second, cond) {
				return
			}
			if time.Now().After(deadline) {
				b.t.Fatalf("clicked %s for %s in vain: the page never showed %s", what, browserWait, cond)
			}
		}
	}

	step("Voormeting", func(t *testing.T) {
		nextUntil("the welcome with its voormeting button", button("Voormeting invullen"))
		shot("1-welkom")
		// The clock panel follows the plan: after the moves it lists what the API says comes next.
		body, err := sb.get("/sandbox/api/clock")
		if err != nil {
			t.Fatal(err)
		}
		var clock struct {
			Upcoming []struct{ Title string } `json:"upcoming"`
		}
		if err := json.Unmarshal(body, &clock); err != nil || len(clock.Upcoming) == 0 {
			t.Fatalf("the clock's plan: %v: %s", err, body)
		}
		b.waitFor("the clock panel to list "+clock.Upcoming[0].Title+" first",
			`(document.querySelector("#upcoming li") || {}).textContent.includes(`+js(clock.Upcoming[0].Title)+`)`)
		b.click("Voormeting invullen", button("Voormeting invullen"))
		b.waitFor("the first statement", msgs+`.some(m => m.innerText.includes("Stelling 1 van 21"))`)
		shot("1-stelling-1")
		for i := 1; i <= 21; i++ {
			// Scores 1 to 5 in turn, so that Stap 2 has clear krachten and uitdagingen.
			score := (i*2)%5 + 1
			sel := `document.querySelector('#messages .msg button[data-action-id="meter_score:` + fmt.Sprint(score) + `"]')`
			if i < 21 {
				b.waitFor(fmt.Sprintf("statement %d", i), lastMsg+`.innerText.includes("Stelling `+fmt.Sprint(i)+` van 21")`)
			}
			b.click(fmt.Sprintf("score %d on statement %d", score, i), sel)
			if i < 21 {
				b.waitFor(fmt.Sprintf("statement %d after scoring %d", i+1, i), msgs+`.some(m => m.innerText.includes("Stelling `+fmt.Sprint(i+1)+` van 21"))`)
			}
		}
		b.waitFor("Stap 2 with krachten and uitdagingen", msgs+`.some(m => m.innerText.includes("Stap 2") && m.innerText.includes("Krachten") && m.innerText.includes("Uitdagingen"))`)
		shot("1-stap-2")
	})

	step("Gelezen", func(t *testing.T) {
		reading := `document.querySelector('#messages .msg button[data-action-id^="reading_done"]')`
		nextUntil("the preparation checklist with Gelezen buttons", reading)
		shot("2-voorbereiding")
		ts := b.text(reading + `.closest(".msg").dataset.ts`)
		msg := `document.querySelector('#messages .msg[data-ts="` + ts + `"]')`
		buttonsBefore := b.count(msg + `.querySelectorAll('button[data-action-id^="reading_done"]').length`)
		b.click("Gelezen", reading)
		b.waitFor("the checklist to show the reading as read", msg+`.innerText.includes("Gelezen door @Sanne Jansen") && `+
			msg+`.querySelectorAll('button[data-action-id^="reading_done"]').length === `+fmt.Sprint(buttonsBefore-1))
		shot("2-gelezen")

		// In the channel the preparation is everyone's: a click there is confirmed to Sanne alone.
		open("the channel", `document.querySelector('#channels button[data-conversation="`+sandbox.DemoChannelID+`"]')`,
			`document.getElementById("conv-title").textContent === "# `+sandbox.DemoChannelName+`" && `+shown(sandbox.DemoChannelID, demoSanne.ID))
		unread := `[...document.querySelectorAll('#messages .msg button[data-action-id^="reading_done"]')].pop()`
		b.waitFor("the preparation in the channel", unread)
		b.click("Gelezen in the channel", unread)
		confirmation := `[...document.querySelectorAll("#messages .msg.ephemeral")].find(m => m.innerText.includes("Genoteerd: je hebt") && m.innerText.includes("gelezen."))`
		b.waitFor("the confirmation only Sanne sees, in view", `(() => { const m = `+confirmation+`, box = document.getElementById("messages").getBoundingClientRect(), r = m.getBoundingClientRect();
			return r.top >= box.top - 1 && r.bottom <= box.bottom + 1; })()`)
		shot("2-gelezen-kanaal")
	})

	step("TrainerPlanAndCasus", func(t *testing.T) {
		open("Marieke's view", `[...document.querySelectorAll("#others button")].find(b => b.textContent.startsWith(`+js(demoTrainer.Name)+`))`,
			`document.getElementById("acting").value === `+js(demoTrainer.ID)+` && `+shown(demoTrainer.IMID, demoTrainer.ID))
		open("the channel as Marieke", `document.querySelector('#channels button[data-conversation="`+sandbox.DemoChannelID+`"]')`,
			`document.getElementById("conv-title").textContent === "# `+sandbox.DemoChannelName+`" && `+shown(sandbox.DemoChannelID, demoTrainer.ID))
		ephemerals := `[...document.querySelectorAll("#messages .msg.ephemeral")]`
		posts := `[...document.querySelectorAll("#messages .msg:not(.ephemeral)")]`

		command("/training plan")
		b.waitFor("the timeline, only for Marieke", ephemerals+`.some(m => m.innerText.includes("Planning van `+sandbox.DemoCohortName+`") &&
			m.innerText.includes("Module 4") && m.innerText.includes("Voorbereiding"))`)
		shot("3-training-plan")

		before := len(messages(t, sb, sandbox.DemoChannelID, ""))
		command("/casus reveal")
		b.waitFor("Marieke told what was shared", ephemerals+`.some(m => m.innerText.includes("Gedeeld in het kanaal: Casus 1: Johanna") &&
			m.innerText.includes("Gedeeld in het kanaal: Casus 3: Richard"))`)
		b.waitFor("the two case stages in the channel", posts+`.length === `+fmt.Sprint(before+2))
		shot("3-casus-reveal")
		stages := b.count(posts + `.length`)

		command("/casus reveal")
		b.waitFor("Marieke told the stages were just shared", ephemerals+`.some(m => m.innerText.includes("heb ik zojuist al gedeeld"))`)
		// The answer to the second reveal came after anything it might have posted.
		if got := b.count(posts + `.length`); got != stages {
			t.Errorf("%d messages in the channel after the second /casus reveal, want still %d", got, stages)
		}
		if got := len(messages(t, sb, sandbox.DemoChannelID, "")); got != stages {
			t.Errorf("the fake has %d messages in the channel, the page shows %d", got, stages)
		}
		shot("3-casus-reveal-again")

		open("Sanne's view", `[...document.querySelectorAll("#others button")].find(b => b.textContent.startsWith(`+js(demoSanne.Name)+`))`,
			`document.getElementById("acting").value === `+js(demoSanne.ID)+` && `+shown(demoSanne.IMID, demoSanne.ID))
		open("the channel as Sanne", `document.querySelector('#channels button[data-conversation="`+sandbox.DemoChannelID+`"]')`,
			`document.getElementById("conv-title").textContent === "# `+sandbox.DemoChannelName+`" && `+shown(sandbox.DemoChannelID, demoSanne.ID))
		command("/casus")
		b.waitFor("the revealed stages, for Sanne", ephemerals+`.some(m => m.innerText.includes("Wat er tot nu toe van de casussen gedeeld is") &&
			m.innerText.includes("Richard") && m.innerText.includes("Johanna"))`)
		shot("3-casus-sanne")
	})

	step("Ontwikkelpunten", func(t *testing.T) {
		open("Sanne's messages", `document.getElementById("nav-dm")`, `document.getElementById("conv-title").textContent === "gesprekbot" && `+shown(demoSanne.IMID, demoSanne.ID))
		b.click("Mijn ontwikkelpunten", button("Mijn ontwikkelpunten"))
		b.waitFor("the modal", modalOpen+` && document.getElementById("modal-title").textContent === "Mijn ontwikkelpunten"`)
		shot("4-modal")
		// It opens at its top, where Stap 3 is explained, as Slack shows it.
		b.waitFor("the modal at its top", `document.getElementById("modal-body").scrollTop === 0 &&
			document.getElementById("modal-body").innerText.startsWith("Stap 3")`)
		submit := `document.getElementById("modal-submit")`
		if label, visible := b.text(submit+`.textContent`), b.text(`(() => { const c = getComputedStyle(`+submit+`); return c.color !== c.backgroundColor; })()`); label != "Bewaren" || visible != "true" {
			t.Errorf("submit button says %q (readable: %s), want a readable Bewaren", label, visible)
		}
		field := `document.querySelector('#modal-body .bk-input[data-block-id="ontwikkelpunten"] .field')`
		b.click("Bewaren", submit)
		inView := func(el string) string {
			return `(() => { const r = (` + el + `).getBoundingClientRect(), box = document.getElementById("modal-body").getBoundingClientRect();
				return r.top >= box.top - 1 && r.bottom <= box.bottom + 1; })()`
		}
		errorText := `document.querySelector('#modal-body .bk-input[data-block-id="ontwikkelpunten"] .error')`
		b.waitFor("the error under the empty field, in view", errorText+`.textContent.includes("minstens één ontwikkelpunt") && `+inView(errorText))
		shot("4-modal-fout")
		b.typeText("the ontwikkelpunten", field, "Doorvragen naar wat de burger zelf al probeert.")
		b.typeText("how", `document.querySelector('#modal-body .bk-input[data-block-id="aanpak"] .field')`, "Na elk gesprek vijf minuten terugkijken met mijn collega.")
		b.click("Bewaren", submit)
		b.waitFor("the modal to close, and the warning about the empty field with it", `document.getElementById("modal-backdrop").hidden &&
			document.getElementById("toast").hidden`)
		b.waitFor("the saved plan in the DM", lastMsg+`.innerText.includes("Je ontwikkelpunten zijn bewaard") && `+lastMsg+`.innerText.includes("Doorvragen naar wat de burger zelf al probeert.")`)
		shot("4-bewaard")
	})

	step("Startpagina", func(t *testing.T) {
		home := `document.querySelector("#messages .home")`
		open("the App Home", `document.getElementById("nav-home")`, shown("home", demoSanne.ID)+` && `+home)
		b.waitFor("Sanne's state on her App Home", `(() => { const h = `+home+`.innerText;
			return h.includes("Het Gesprek – `+sandbox.DemoCohortName+`") && h.includes("Volgende bijeenkomst: module 1") &&
				(h.match(/Gelezen door @Sanne Jansen/g) || []).length === 2 && /Voormeting: afgerond op/.test(h) &&
				h.includes("Ontwikkelpunten (stap 3 en 4): opgeschreven") && h.includes("Richard") && h.includes("Johanna"); })()`)
		shot("5-startpagina")
		// The plan she wrote opens from here too, with what she wrote in it.
		b.click("Bekijken of aanpassen", `[...document.querySelectorAll("#messages .home button")].find(b => b.textContent.trim() === "Bekijken of aanpassen")`)
		b.waitFor("the modal with her plan", modalOpen+` && document.querySelector('#modal-body .bk-input[data-block-id="ontwikkelpunten"] .field').value === "Doorvragen naar wat de burger zelf al probeert."`)
		b.click("Annuleer", `document.getElementById("modal-close")`)
		b.waitFor("the modal to close", `document.getElementById("modal-backdrop").hidden`)

		// Marieke's App Home shows her group at a glance: Sanne's voormeting counted, no scores.
		b.click("Marieke's view", `[...document.querySelectorAll("#others button")].find(b => b.textContent.startsWith(`+js(demoTrainer.Name)+`))`)
		b.waitFor("Marieke's messages", shown(demoTrainer.IMID, demoTrainer.ID))
		open("Marieke's App Home", `document.getElementById("nav-home")`, shown("home", demoTrainer.ID)+` && `+home)
		b.waitFor("the group at a glance", `(() => { const h = `+home+`.innerText;
			return h.includes("Je groepen als trainer") && h.includes(`+js(sandbox.DemoCohortName)+`) &&
				h.includes("#`+sandbox.DemoChannelName+`") && h.includes("Voormeting afgerond: 1 van 5") && !h.includes("Krachten"); })()`)
		shot("5-startpagina-trainer")
	})

	// The sandbox shows two workspaces: switching to the second municipality's shows only its people, its channel
	// and its cohort; switching back shows the first's again.
	step("TweedeWerkplek", func(t *testing.T) {
		home := `document.querySelector("#messages .home")`
		karin := sandbox.DemoUsers2[0]
		switchTo := func(team string) {
			b.eval(`(() => { const s = document.getElementById("team"); s.value = ` + js(team) + `;
				s.dispatchEvent(new Event("change")); return true; })()`)
		}
		b.waitFor("the workspace switch", `document.getElementById("team").options.length === 2 && !document.getElementById("team").parentElement.hidden`)
		switchTo(sandbox.DemoTeam2.ID)
		b.waitFor("acting as Karin in Amersfoort, among Amersfoort's people only", `document.getElementById("acting").value === `+js(karin.ID)+
			` && document.getElementById("acting").options.length === `+strconv.Itoa(len(sandbox.DemoUsers2))+
			` && document.querySelector('#channels button[data-conversation="`+sandbox.DemoChannel2ID+`"]') !== null`+
			` && document.querySelector('#channels button[data-conversation="`+sandbox.DemoChannelID+`"]') === null`+
			` && ![...document.querySelectorAll("#others button")].some(b => b.textContent.startsWith(`+js(demoSanne.Name)+`))`)
		open("Karin's App Home", `document.getElementById("nav-home")`, shown("home", karin.ID)+` && `+home)
		b.waitFor("Amersfoort's cohort, not Utrecht's", `(() => { const h = `+home+`.innerText;
			return h.includes("Je groepen als trainer") && h.includes(`+js(sandbox.DemoCohort2Name)+`) && !h.includes(`+js(sandbox.DemoCohortName)+`); })()`)
		shot("5-tweede-werkplek")
		switchTo(b.text(`document.getElementById("team").options[0].value`))
		b.waitFor("back in the first workspace", `document.getElementById("acting").value === `+js(demoTrainer.ID)+
			` && document.querySelector('#channels button[data-conversation="`+sandbox.DemoChannelID+`"]') !== null`)
	})

	// skipTo moves the clock, weeks ahead, to a minute before the first delivery of kind, as a script does; the
	// page's "Volgende levering" then brings it.
	skipTo := func(kind string) {
		b.t.Helper()
		due := dueOf(b.t, sb, kind)
		if _, err := sb.post("/sandbox/api/clock", map[string]any{"to": due.Add(-time.Minute).Format(time.RFC3339)}); err != nil {
			b.t.Fatal(err)
		}
	}
	asSanne := func() {
		b.t.Helper()
		// The list of others leaves out the one acting: when Sanne acts already there is nothing to click.
		if b.text(`document.getElementById("acting").value`) != demoSanne.ID {
			open("Sanne's view", `[...document.querySelectorAll("#others button")].find(b => b.textContent.startsWith(`+js(demoSanne.Name)+`))`,
				`document.getElementById("acting").value === `+js(demoSanne.ID))
		}
		open("Sanne's messages", `document.getElementById("nav-dm")`, shown(demoSanne.IMID, demoSanne.ID))
	}
	asMariekeInChannel := func() {
		b.t.Helper()
		open("Marieke's view", `[...document.querySelectorAll("#others button")].find(b => b.textContent.startsWith(`+js(demoTrainer.Name)+`))`,
			`document.getElementById("acting").value === `+js(demoTrainer.ID))
		open("the channel as Marieke", `document.querySelector('#channels button[data-conversation="`+sandbox.DemoChannelID+`"]')`,
			`document.getElementById("conv-title").textContent === "# `+sandbox.DemoChannelName+`" && `+shown(sandbox.DemoChannelID, demoTrainer.ID))
	}
	modalField := func(block string) string {
		return `document.querySelector('#modal-body .bk-input[data-block-id="` + block + `"] .field')`
	}
	ephemeralWith := func(text string) string {
		return `[...document.querySelectorAll("#messages .msg.ephemeral")].some(m => m.innerText.includes(` + js(text) + `))`
	}

	// After module 2: Sanne writes her report from the homework message, closes the window and finds her draft when
	// she opens it again, and hands it in; Marieke reads who handed in.
	step("Huiswerk", func(t *testing.T) {
		asSanne()
		due := dueOfModule(t, sb, content.KindHomework, 2)
		if _, err := sb.post("/sandbox/api/clock", map[string]any{"to": due.Add(-time.Minute).Format(time.RFC3339)}); err != nil {
			t.Fatal(err)
		}
		caughtUp()
		write := `[...document.querySelectorAll("#messages .msg")].filter(m => m.innerText.includes("Huiswerk na module 2")).flatMap(m =>
			[...m.querySelectorAll('button[data-action-id="report_open"]')]).pop()`
		nextUntil("the homework of module 2 with its Huiswerk schrijven button", write)
		shot("6-huiswerk")
		report := modalOpen + ` && document.getElementById("modal-title").textContent === "Huiswerk module 2"`
		b.click("Huiswerk schrijven", write)
		b.waitFor("the report's window with the format's sections", report+` && `+modalField("report/doel/0")+` && `+modalField("report/levensgebieden/0"))
		b.typeText("Doel van het Gesprek", modalField("report/doel/0"), "Samen met Johanna uitzoeken wat zij nodig heeft.")
		b.typeText("Wat weet je over de situatie?", modalField("report/situatie/0"), "Johanna woont alleen en heeft schulden.")
		shot("6-huiswerk-venster")
		b.click("Sluiten", `document.getElementById("modal-close")`)
		b.waitFor("the window to close", `document.getElementById("modal-backdrop").hidden`)

		// Her draft is kept: /huiswerk opens it again with what she wrote.
		command("/huiswerk")
		b.waitFor("the report's window, with her draft", report+` && `+modalField("report/doel/0")+`.value === "Samen met Johanna uitzoeken wat zij nodig heeft." && `+
			modalField("report/situatie/0")+`.value === "Johanna woont alleen en heeft schulden."`)
		b.typeText("De vraag achter de vraag", modalField("report/vraag/0"), "Rust in haar hoofd en grip op haar geld.")
		b.click("Inleveren", `document.getElementById("modal-submit")`)
		b.waitFor("the window to close", `document.getElementById("modal-backdrop").hidden`)
		b.waitFor("her work handed in, in the DM", lastMsg+`.innerText.includes("is ingeleverd")`)
		shot("6-huiswerk-ingeleverd")

		asMariekeInChannel()
		command("/training huiswerk 2")
		b.waitFor("Marieke sees that Sanne handed in", `[...document.querySelectorAll("#messages .msg.ephemeral")].some(m =>
			m.innerText.includes("Ingeleverd: 1 van") && m.innerText.includes("Ingeleverd: @Sanne Jansen"))`)
		shot("6-huiswerk-trainer")
		// The work itself goes to her DM: each section as Sanne wrote it, and all of it in a file.
		for deadline := time.Now().Add(browserWait); ; time.Sleep(100 * time.Millisecond) {
			body, err := sb.get("/sandbox/api/messages?conversation=" + demoTrainer.IMID)
			if err != nil {
				t.Fatal(err)
			}
			if bytes.Contains(body, []byte("Rust in haar hoofd en grip op haar geld.")) && bytes.Contains(body, []byte("Johanna woont alleen en heeft schulden.")) &&
				bytes.Contains(body, []byte(".txt")) {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("Marieke's DM holds no message and file with Sanne's report:\n%s", body)
			}
		}
	})

	// The role play of module 2: two observers fill in the Feedbackformulier about Sanne; she reads it, per point,
	// with who gave it.
	step("Feedback", func(t *testing.T) {
		for i, o := range []struct {
			user    sandbox.DemoUser
			comment string
		}{{sandbox.DemoUsers[2], "Je noemde het doel meteen aan het begin."}, {sandbox.DemoUsers[3], "Helder over je eigen rol als gespreksvoerder."}} {
			open(o.user.Name+"'s view", `[...document.querySelectorAll("#others button")].find(b => b.textContent.startsWith(`+js(o.user.Name)+`))`,
				`document.getElementById("acting").value === `+js(o.user.ID))
			open("the channel as "+o.user.Name, `document.querySelector('#channels button[data-conversation="`+sandbox.DemoChannelID+`"]')`,
				shown(sandbox.DemoChannelID, o.user.ID))
			command("/feedback <@" + demoSanne.ID + ">")
			b.waitFor("the Feedbackformulier about Sanne", modalOpen+` && document.getElementById("modal-title").textContent === "Feedback module 2" &&
				document.getElementById("modal-body").innerText.includes("Feedback voor @Sanne Jansen")`)
			b.click("Duidelijk gezien", `document.querySelector('#modal-body .bk-input[data-block-id="fb/doel/score"] input[value="3"]')`)
			b.typeText("the comment", modalField("fb/doel/comment"), o.comment)
			shot(fmt.Sprintf("6-feedback-%d", i+1))
			b.click("Versturen", `document.getElementById("modal-submit")`)
			b.waitFor("the window to close", `document.getElementById("modal-backdrop").hidden`)
		}

		asSanne()
		read := `[...document.querySelectorAll('#messages .msg button[data-action-id="feedback_read"]')].pop()`
		b.waitFor("the news that Joost gave feedback", msgs+`.some(m => m.innerText.includes("@Joost Bakker heeft je feedback gegeven"))`)
		b.click("Lees je feedback", read)
		b.waitFor("both observers' feedback, with their names", msgs+`.some(m => { const s = m.innerText;
			return s.includes("Feedback op jou als gespreksvoerder") && s.includes("@Youssef El Amrani") && s.includes("Je noemde het doel meteen aan het begin.") &&
				s.includes("@Joost Bakker") && s.includes("Helder over je eigen rol als gespreksvoerder.") && s.includes("Duidelijk gezien"); })`)
		shot("6-feedback-gelezen")
	})

	// Module 4: Sanne fills in the closing evaluation and puts her notes on the board; Marieke posts the board.
	step("Evaluatie", func(t *testing.T) {
		asSanne()
		skipTo("evaluation")
		caughtUp()
		nextUntil("the evaluation at the start of module 4", button("Evaluatie invullen"))
		shot("6-evaluatie")
		b.click("Evaluatie invullen", button("Evaluatie invullen"))
		b.waitFor("the evaluation window", modalOpen+` && document.getElementById("modal-title").textContent === "Evaluatie" &&
			document.getElementById("modal-body").innerText.includes("Wat wil ik me meer eigen maken")`)
		b.typeText("the bloem", modalField("evaluation_bloem"), "Rustig doorvragen")
		b.typeText("the zaad", modalField("evaluation_zaad"), "Het netwerk eerder betrekken")
		b.click("op het bord", `document.querySelector('#modal-body .bk-input[data-block-id="evaluation_board"] input[type="checkbox"]')`)
		shot("6-evaluatie-venster")
		b.click("Bewaren", `document.getElementById("modal-submit")`)
		b.waitFor("the window to close", `document.getElementById("modal-backdrop").hidden`)
		b.waitFor("the evaluation saved, in the DM", lastMsg+`.innerText.includes("Je evaluatie is bewaard")`)

		asMariekeInChannel()
		command("/evaluatie bord")
		b.waitFor("the board in the channel with Sanne's notes under her name", `[...document.querySelectorAll("#messages .msg:not(.ephemeral)")].some(m =>
			m.innerText.includes("het bord van `+sandbox.DemoCohortName+`") && m.innerText.includes("@Sanne Jansen") &&
			m.innerText.includes("Rustig doorvragen") && m.innerText.includes("Het netwerk eerder betrekken"))`)
		b.waitFor("Marieke told where the board is", ephemeralWith("Deelnemers op het bord: 1."))
		shot("6-bord")
	})

	// Six weeks after module 4: the follow-up brings Sanne's zaad back; her answer reaches Marieke as a count.
	step("FollowUp", func(t *testing.T) {
		asSanne()
		skipTo("followup")
		caughtUp()
		nextUntil("the follow-up", button("Gelukt"))
		follow := `[...document.querySelectorAll("#messages .msg")].find(m => m.querySelector('button[data-action-id^="followup_answer"]'))`
		b.waitFor("her zaad and ontwikkelpunten in the follow-up", follow+`.innerText.includes("Het netwerk eerder betrekken") && `+
			follow+`.innerText.includes("Doorvragen naar wat de burger zelf al probeert.")`)
		if ms := messages(t, sb, demoSanne.IMID, ""); !slices.ContainsFunc(ms, func(m apiMessage) bool {
			return strings.Contains(string(m.Blocks), "Je bloem en je zaad") && strings.Contains(string(m.Blocks), "Rustig doorvragen")
		}) {
			t.Errorf("Sanne did not get her bloem and zaad when module 4 ended")
		}
		shot("7-follow-up")
		b.click("Gelukt", button("Gelukt"))
		b.waitFor("her answer confirmed to her", ephemeralWith("Genoteerd: Gelukt"))
		b.click("Notitie toevoegen", button("Notitie toevoegen"))
		b.waitFor("the note window", modalOpen+` && document.getElementById("modal-title").textContent === "Hoe staat het ermee?"`)
		b.typeText("the note", modalField("followup_note"), "Besproken met mijn teamleider.")
		b.click("Bewaren", `document.getElementById("modal-submit")`)
		b.waitFor("the window to close", `document.getElementById("modal-backdrop").hidden`)
		b.waitFor("the note saved, in the DM", lastMsg+`.innerText.includes("Je notitie is bewaard")`)

		// Two others answer through the API, as a script would; then there is something to count.
		for _, a := range []struct {
			user   sandbox.DemoUser
			answer string
		}{{sandbox.DemoUsers[2], "ermee_bezig"}, {sandbox.DemoUsers[3], "nog_niet"}} {
			ms := messages(t, sb, a.user.IMID, "")
			i := slices.IndexFunc(ms, func(m apiMessage) bool { return strings.Contains(string(m.Blocks), "followup_answer") })
			if i < 0 {
				t.Fatalf("%s got no follow-up", a.user.Name)
			}
			var value string
			var blocks []struct {
				Elements []struct {
					ActionID string `json:"action_id"`
					Value    string `json:"value"`
				} `json:"elements"`
			}
			_ = json.Unmarshal(ms[i].Blocks, &blocks)
			for _, bl := range blocks {
				for _, el := range bl.Elements {
					if el.ActionID == "followup_answer:"+a.answer {
						value = el.Value
					}
				}
			}
			if _, err := sb.post("/sandbox/api/action", map[string]any{"user": a.user.ID, "conversation": a.user.IMID,
				"ts": ms[i].TS, "action_id": "followup_answer:" + a.answer, "value": value}); err != nil {
				t.Fatal(err)
			}
		}

		asMariekeInChannel()
		command("/evaluatie")
		b.waitFor("the counts, and no one's answer", ephemeralWith("Gelukt: 1 · Ermee bezig: 1 · Nog niet: 1")+` && !`+ephemeralWith("teamleider"))
		shot("7-aantallen")
	})

	// Two pages of other origins in the same browser, which holds the sandbox's cookie: another program's page on
	// 127.0.0.1 (another port: the same site, so the browser sends the cookie along) and a page on localhost
	// (another site). They try to read Sanne's DM and to move the clock by every means a page has; they get
	// nothing, and the clock stays where it was.
	step("AnotherSite", func(t *testing.T) {
		other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			fmt.Fprint(w, `<!doctype html><title>elders</title><iframe name="sink"></iframe>`)
		}))
		defer other.Close()
		now := func() time.Time {
			var c struct{ Now time.Time }
			body, err := sb.get("/sandbox/api/clock")
			if err != nil || json.Unmarshal(body, &c) != nil {
				t.Fatalf("clock: %v %s", err, body)
			}
			return c.Now
		}
		before := now()
		attack := `(async () => {
			const base = ` + js(sb.base) + `, out = {};
			try { const r = await fetch(base + "/sandbox/api/messages?conversation=` + demoSanne.IMID + `", {credentials: "include"});
				out.read = "read " + r.status + " " + (await r.text()).slice(0, 40); } catch (e) { out.read = "blocked"; }
			try { const r = await fetch(base + "/sandbox/api/clock", {method: "POST", credentials: "include",
				headers: {"Content-Type": "application/json"}, body: '{"advance": "48h"}'}); out.json = "sent " + r.status; } catch (e) { out.json = "blocked"; }
			for (const [type, body] of [["text/plain", '{"advance": "48h"}'], ["application/x-www-form-urlencoded", "advance=48h"]]) {
				try { await fetch(base + "/sandbox/api/clock", {method: "POST", mode: "no-cors", credentials: "include",
					headers: {"Content-Type": type}, body}); } catch (e) {}
			}
			// A cross-site request forgery's form, into the frame.
			await new Promise((done) => {
				const f = document.createElement("form");
				f.method = "POST"; f.action = base + "/sandbox/api/clock"; f.enctype = "text/plain"; f.target = "sink";
				const i = document.createElement("input"); i.name = '{"advance": "48h", "x": "'; i.value = '"}';
				f.appendChild(i); document.body.appendChild(f);
				document.querySelector("iframe").addEventListener("load", done, {once: true});
				setTimeout(done, 5000);
				f.submit();
			});
			return out;
		})()`
		for _, origin := range []string{other.URL, strings.Replace(other.URL, "127.0.0.1", "localhost", 1)} {
			b.navigate(origin + "/")
			b.waitFor("the page of "+origin, `document.title === "elders"`)
			var got struct{ Read, JSON string }
			if err := json.Unmarshal(b.eval(attack), &got); err != nil {
				t.Fatal(err)
			}
			if got.Read != "blocked" || got.JSON != "blocked" {
				t.Errorf("a page on %s: reading Sanne's DM: %q, posting JSON: %q; want both blocked", origin, got.Read, got.JSON)
			}
		}
		if after := now(); after.Sub(before) > time.Hour {
			t.Errorf("the clock moved from %s to %s while pages of other origins were open", before, after)
		}
	})
}
