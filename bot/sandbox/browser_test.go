package sandbox_test

import (
	"bufio"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/gesprekbot/gesprekbot/bot/sandbox"
	"github.com/gesprekbot/gesprekbot/store/storetest"
)

// chromiumPath is Debian's chromium; .ci/run installs it when missing.
const chromiumPath = "/usr/bin/chromium"

// browser is a headless chromium driven over the Chrome DevTools Protocol.
type browser struct {
	t    *testing.T
	cmd  *exec.Cmd
	conn *websocket.Conn

	mu      sync.Mutex
	nextID  int
	waiting map[int]chan cdpReply
}

type cdpReply struct {
	Result json.RawMessage `json:"result"`
	Error  *struct {
		Message string `json:"message"`
	} `json:"error"`
}

func startBrowser(t *testing.T) *browser {
	t.Helper()
	bin := os.Getenv("CHROMIUM")
	if bin == "" {
		bin = chromiumPath
	}
	if _, err := os.Stat(bin); err != nil {
		t.Skipf("chromium not found at %s (apt-get install chromium; .ci/run installs it): browser test skipped", bin)
	}
	cmd := exec.Command(bin, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
		"--user-data-dir="+t.TempDir(), "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0",
		"--window-size=1400,900", "about:blank")
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	b := &browser{t: t, cmd: cmd, waiting: map[int]chan cdpReply{}}
	t.Cleanup(b.close)
	found := make(chan string, 1)
	go func() {
		re := regexp.MustCompile(`DevTools listening on (ws://\S+)`)
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			if m := re.FindStringSubmatch(sc.Text()); m != nil {
				found <- m[1]
			}
		}
	}()
	var browserWS string
	select {
	case browserWS = <-found:
	case <-time.After(30 * time.Second):
		t.Fatal("chromium did not open its DevTools port")
	}
	// The page target's socket is at the same host: /devtools/page/<id>.
	host := strings.TrimPrefix(browserWS, "ws://")
	host = host[:strings.Index(host, "/")]
	var pageWS string
	for deadline := time.Now().Add(10 * time.Second); pageWS == "" && time.Now().Before(deadline); {
		pageWS = pageSocket(host)
		time.Sleep(100 * time.Millisecond)
	}
	if pageWS == "" {
		t.Fatal("chromium has no page target")
	}
	conn, _, err := websocket.DefaultDialer.Dial(pageWS, nil)
	if err != nil {
		t.Fatalf("connect to chromium: %v", err)
	}
	b.conn = conn
	go b.read()
	b.call("Page.enable", nil)
	b.call("Runtime.enable", nil)
	return b
}

func pageSocket(host string) string {
	resp, err := httpGet("http://" + host + "/json/list")
	if err != nil {
		return ""
	}
	var targets []struct {
		Type string `json:"type"`
		WS   string `json:"webSocketDebuggerUrl"`
	}
	if json.Unmarshal(resp, &targets) != nil {
		return ""
	}
	for _, t := range targets {
		if t.Type == "page" {
			return t.WS
		}
	}
	return ""
}

func (b *browser) read() {
	for {
		var msg struct {
			ID int `json:"id"`
			cdpReply
		}
		if err := b.conn.ReadJSON(&msg); err != nil {
			b.mu.Lock()
			for id, ch := range b.waiting {
				close(ch)
				delete(b.waiting, id)
			}
			b.mu.Unlock()
			return
		}
		if msg.ID == 0 {
			continue // an event
		}
		b.mu.Lock()
		ch := b.waiting[msg.ID]
		delete(b.waiting, msg.ID)
		b.mu.Unlock()
		if ch != nil {
			ch <- msg.cdpReply
		}
	}
}

func (b *browser) call(method string, params any) json.RawMessage {
	b.t.Helper()
	b.mu.Lock()
	b.nextID++
	id := b.nextID
	ch := make(chan cdpReply, 1)
	b.waiting[id] = ch
	err := b.conn.WriteJSON(map[string]any{"id": id, "method": method, "params": params})
	b.mu.Unlock()
	if err != nil {
		b.t.Fatalf("%s: %v", method, err)
	}
	select {
	case r, ok := <-ch:
		if !ok {
			b.t.Fatalf("%s: chromium went away", method)
		}
		if r.Error != nil {
			b.t.Fatalf("%s: %s", method, r.Error.Message)
		}
		return r.Result
	case <-time.After(30 * time.Second):
		b.t.Fatalf("%s: no answer from chromium", method)
	}
	return nil
}

// eval runs JavaScript in the page and returns its value as JSON.
func (b *browser) eval(js string) json.RawMessage {
	b.t.Helper()
	raw := b.call("Runtime.evaluate", map[string]any{"expression": js, "awaitPromise": true, "returnByValue": true})
	var r struct {
		Result struct {
			Value json.RawMessage `json:"value"`
		} `json:"result"`
		Exception *struct {
			Text      string `json:"text"`
			Exception struct {
				Description string `json:"description"`
			} `json:"exception"`
		} `json:"exceptionDetails"`
	}
	if err := json.Unmarshal(raw, &r); err != nil {
		b.t.Fatal(err)
	}
	if r.Exception != nil {
		b.t.Fatalf("javascript %q: %s %s", js, r.Exception.Text, r.Exception.Exception.Description)
	}
	return r.Result.Value
}

// waitFor waits until the JavaScript condition is true.
func (b *browser) waitFor(what, cond string) {
	b.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		if string(b.eval("(() => { try { return !!("+cond+"); } catch (e) { return false; } })()")) == "true" {
			return
		}
		if time.Now().After(deadline) {
			b.t.Fatalf("waited in vain for %s (%s)", what, cond)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func (b *browser) screenshot(path string) error {
	raw := b.call("Page.captureScreenshot", map[string]any{"format": "png"})
	var r struct {
		Data string `json:"data"`
	}
	if err := json.Unmarshal(raw, &r); err != nil {
		return err
	}
	png, err := base64.StdEncoding.DecodeString(r.Data)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return os.WriteFile(path, png, 0o644)
}

func (b *browser) close() {
	if b.conn != nil {
		b.conn.Close()
	}
	if b.cmd.Process != nil {
		_ = b.cmd.Process.Kill()
		_ = b.cmd.Wait()
	}
}

func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// TestBrowser walks the page as a participant: a delivered message's button, a slash command with its reply
// only she sees, a modal with a validation error, and the clock bringing the next delivery.
func TestBrowser(t *testing.T) {
	b := startBrowser(t)
	db := storetest.New(t)
	e := newEnv(t, db)
	t.Cleanup(func() {
		if t.Failed() {
			name := filepath.Join("testdata", "failures", fmt.Sprintf("%s-%s.png", strings.ReplaceAll(t.Name(), "/", "_"), time.Now().Format("150405")))
			if err := b.screenshot(name); err == nil {
				abs, _ := filepath.Abs(name)
				t.Logf("screenshot of the page at the failure: %s", abs)
			}
		}
	})
	b.call("Page.navigate", map[string]any{"url": e.srv.URL + "/"})
	b.waitFor("the page to load", `document.body.dataset.ready === "1"`)
	b.waitFor("the banner", `document.getElementById("banner").textContent.includes("lokale simulatie")`)
	b.waitFor("acting as Sanne", `document.getElementById("acting").value === `+jsString(sanne.ID))

	next := func() {
		t.Helper()
		before := string(b.eval(`document.getElementById("clock-result").textContent`))
		b.eval(`document.getElementById("clock-next").click()`)
		b.waitFor("the clock to move", `(() => { const r = document.getElementById("clock-result").textContent; return r.includes("bezorgd") && JSON.stringify(r) !== `+jsString(before)+`; })()`)
	}

	t.Run("ClickButtonOnDelivery", func(t *testing.T) {
		next()
		b.waitFor("the welcome in Sanne's DM", `document.querySelectorAll("#messages .msg").length > 0`)
		sel := `#messages .msg button[data-action-id^="reading_done"]`
		for i := 0; i < 6 && string(b.eval(`!!document.querySelector(`+jsString(sel)+`)`)) != "true"; i++ {
			next()
			time.Sleep(300 * time.Millisecond)
		}
		b.waitFor("a Gelezen button", `document.querySelector(`+jsString(sel)+`)`)
		ts := strings.Trim(string(b.eval(`document.querySelector(`+jsString(sel)+`).closest(".msg").dataset.ts`)), `"`)
		before := string(b.eval(`document.querySelector('.msg[data-ts="` + ts + `"]').innerText`))
		b.eval(`document.querySelector(` + jsString(sel) + `).click()`)
		b.waitFor("the message to update", `(() => { const m = document.querySelector('.msg[data-ts="`+ts+`"]'); return m && JSON.stringify(m.innerText) !== `+jsString(before)+`; })()`)
	})

	t.Run("SlashCommand", func(t *testing.T) {
		b.eval(`document.getElementById("command").value = "/gesprekbot help"; document.getElementById("send").click()`)
		b.waitFor("the help, only for Sanne", `[...document.querySelectorAll("#messages .msg.ephemeral")].some(m => m.innerText.length > 20)`)
	})

	t.Run("Modal", func(t *testing.T) {
		b.eval(`document.getElementById("command").value = "` + testCommand + `"; document.getElementById("send").click()`)
		b.waitFor("the modal", `!document.getElementById("modal-backdrop").hidden && document.getElementById("modal-title").textContent === "Even voorstellen"`)
		b.eval(`document.getElementById("modal-submit").click()`)
		b.waitFor("the error under the field", `document.querySelector('#modal-body .bk-input[data-block-id="naam"] .error')`)
		b.eval(`(() => { const f = document.querySelector('#modal-body .bk-input[data-block-id="naam"] .field'); f.value = "Sanne"; f.dispatchEvent(new Event("input")); document.getElementById("modal-submit").click(); })()`)
		b.waitFor("the modal to close", `document.getElementById("modal-backdrop").hidden`)
		b.waitFor("the thank-you", `document.getElementById("messages").innerText.includes("Dank je, Sanne!")`)
	})

	t.Run("ClockBringsNextDelivery", func(t *testing.T) {
		b.eval(`document.querySelector('#channels button[data-conversation="` + sandbox.DemoChannelID + `"]').click()`)
		b.waitFor("the channel", `document.getElementById("conv-title").textContent.includes("het-gesprek-demo")`)
		count := func() int {
			var n int
			_ = json.Unmarshal(b.eval(`document.querySelectorAll("#messages .msg:not(.ephemeral)").length`), &n)
			return n
		}
		start := count()
		for i := 0; i < 8 && count() == start; i++ {
			next()
			time.Sleep(1200 * time.Millisecond)
		}
		if count() == start {
			t.Fatalf("no new message in the channel after moving the clock")
		}
	})

	if p := os.Getenv("SANDBOX_SCREENSHOT"); p != "" {
		if err := b.screenshot(p); err != nil {
			t.Errorf("screenshot: %v", err)
		}
	}
}

func httpGet(url string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, "GET", url, nil)
	if err != nil {
		return nil, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	return io.ReadAll(resp.Body)
}
