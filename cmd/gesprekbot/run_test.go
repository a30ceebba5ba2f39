package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/gesprekbot/gesprekbot/bot/slackfake"
	"github.com/gesprekbot/gesprekbot/handlers"
	"github.com/gesprekbot/gesprekbot/store"
	"github.com/gesprekbot/gesprekbot/store/storetest"
)

// mainOnFake is the real Main in Socket Mode or HTTP mode against the Slack fake, on a fresh database.
type mainOnFake struct {
	m      *Main
	fake   *slackfake.Server
	url    string // the database
	addr   string // where it listens (HTTP_ADDR is port 0: the address it printed)
	log    *syncBuffer
	ran    chan struct{} // closed when Run returned, with its error in runErr
	runErr error
	stop   context.CancelFunc
	user   string
	chann  string
}

// startMainOnFake starts Main in mode ("socket" or "http") against a fake whose ack timeout is a minute (a
// handler the test holds is not given up on), with tune applied to Main before it runs; it returns once the bot
// is ready.
func startMainOnFake(t *testing.T, mode string, tune func(m *Main)) *mainOnFake {
	t.Helper()
	f := &mainOnFake{url: storetest.URL(t), log: &syncBuffer{}, ran: make(chan struct{})}
	f.fake = slackfake.New(slackfake.Options{AckTimeout: time.Minute})
	t.Cleanup(f.fake.Close)
	f.user = f.fake.AddUser(slackfake.User{Name: "sanne.jansen", RealName: "Sanne Jansen"})
	f.chann = f.fake.AddChannel(slackfake.Channel{Name: "het-gesprek", Members: []string{f.user, f.fake.BotUserID()}})
	env := map[string]string{"DATABASE_URL": f.url, "HTTP_ADDR": "127.0.0.1:0", "DATA_DIR": t.TempDir(), "LOG_LEVEL": "info",
		"SLACK_BOT_TOKEN": f.fake.BotToken(), "SLACK_API_URL": f.fake.APIURL()}
	if mode == "socket" {
		env["SLACK_APP_TOKEN"] = f.fake.AppToken()
	} else {
		env["SLACK_SIGNING_SECRET"] = "geheim-voor-de-test"
	}
	cfg, err := LoadConfig(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	stdout := &syncBuffer{}
	f.m = NewMain(cfg, stdout, f.log)
	if tune != nil {
		tune(f.m)
	}
	ctx, cancel := context.WithCancel(context.Background())
	f.stop = cancel
	go func() { f.runErr = f.m.Run(ctx, nil); close(f.ran) }()
	t.Cleanup(func() {
		cancel()
		select {
		case <-f.ran:
		case <-time.After(time.Minute):
		}
		f.m.Close()
	})
	f.waitLog(t, `msg="gesprekbot ready"`)
	health := regexp.MustCompile(`health: http://(127\.0\.0\.1:[1-9][0-9]*)/readyz`).FindStringSubmatch(stdout.String())
	if health == nil {
		t.Fatalf("the bot did not print where it listens:\n%s", stdout.String())
	}
	f.addr = health[1]
	if mode != "socket" {
		f.fake.UseHTTP("http://"+f.addr, "geheim-voor-de-test")
	}
	if mode == "socket" {
		wctx, wcancel := context.WithTimeout(context.Background(), time.Minute)
		defer wcancel()
		if err := f.fake.WaitConnected(wctx, 1); err != nil {
			t.Fatal(err)
		}
	}
	return f
}

// waitLog waits until the bot's log has a line containing s (or fails after a minute).
func (f *mainOnFake) waitLog(t *testing.T, s string) {
	t.Helper()
	for deadline := time.Now().Add(time.Minute); !strings.Contains(f.log.String(), s); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("waited a minute in vain for %q in the log:\n%s", s, f.log.String())
		}
	}
}

// logOrder checks that the log has a line for each of want, in that order.
func logOrder(t *testing.T, log string, want ...string) {
	t.Helper()
	at := -1
	for _, w := range want {
		i := strings.Index(log, w)
		if i < 0 {
			t.Errorf("the log has no %q:\n%s", w, log)
			return
		}
		if i < at {
			t.Errorf("%q came before %q; want the order %q:\n%s", w, want[0], want, log)
			return
		}
		at = i
	}
}

// TestShutdown: on SIGTERM the bot stops taking Slack's requests, lets the handler in flight finish — its answer
// reaches the user and its database write lands, as does the work after its ack — then stops the dispatcher, and
// closes the database last. A request that comes after the signal is not handled.
func TestShutdown(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		mode   string
		closed string // the log line after which no request is taken
	}{
		{"socket", "step=slack_closed"},
		{"http", "step=http_closed"},
	} {
		t.Run(tt.mode, func(t *testing.T) {
			started, release := make(chan struct{}, 1), make(chan struct{})
			var calls atomic.Int32
			var f *mainOnFake
			f = startMainOnFake(t, tt.mode, func(m *Main) {
				// Slack's 3 s would cut the held handler off; this test holds it for as long as it needs.
				m.overrides.AckTimeout = time.Minute
				m.overrides.Register = func(reg *handlers.Registry) {
					reg.Command("/vasthouden", func(ctx context.Context, cmd slack.SlashCommand) (handlers.Response, error) {
						calls.Add(1)
						started <- struct{}{}
						<-release
						if _, err := m.App.DB.ExecContext(ctx, `INSERT INTO cohorts (name, channel_id) VALUES ($1, $1)`, "handler "+cmd.Text); err != nil {
							m.Logger.Error("test handler failed", "error", err)
							return handlers.Response{}, err
						}
						m.Logger.Info("test handler committed")
						return handlers.Response{Reply: &handlers.Reply{Text: "Vastgelegd."},
							Later: func(ctx context.Context) (*handlers.Reply, error) {
								if _, err := m.App.DB.ExecContext(ctx, `INSERT INTO cohorts (name, channel_id) VALUES ($1, $1)`, "later "+cmd.Text); err != nil {
									m.Logger.Error("test later failed", "error", err)
									return nil, err
								}
								m.Logger.Info("test later committed")
								return nil, nil
							}}, nil
					})
				}
			})

			type result struct {
				resp slackfake.Response
				err  error
			}
			first := make(chan result, 1)
			go func() {
				resp, err := f.fake.Command(context.Background(), f.user, f.chann, "/vasthouden", "een")
				first <- result{resp, err}
			}()
			select {
			case <-started:
			case <-time.After(time.Minute):
				t.Fatalf("the handler did not start:\n%s", f.log.String())
			}

			f.stop() // SIGTERM: signal.NotifyContext cancels Run's context
			if <-f.ran; f.runErr != nil {
				t.Fatal(f.runErr)
			}
			closed := make(chan error, 1)
			go func() { closed <- f.m.Close() }()
			f.waitLog(t, tt.closed)

			// A request after the signal: Socket Mode does not handle it (no ack), HTTP mode does not accept it.
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			_, err := f.fake.Command(ctx, f.user, f.chann, "/vasthouden", "twee")
			cancel()
			if err == nil {
				t.Errorf("a command sent after SIGTERM was acknowledged")
			}

			close(release)
			r := <-first
			if r.err != nil || !strings.Contains(string(r.resp.Payload), "Vastgelegd.") {
				t.Errorf("the command in flight: %v, ack %s; want its answer", r.err, r.resp.Payload)
			}
			select {
			case err := <-closed:
				if err != nil {
					t.Errorf("close: %v", err)
				}
			case <-time.After(time.Minute):
				t.Fatalf("Close did not return within a minute:\n%s", f.log.String())
			}

			log := f.log.String()
			if strings.Contains(log, "test handler failed") || strings.Contains(log, "test later failed") {
				t.Errorf("the work in flight failed at shutdown:\n%s", log)
			}
			logOrder(t, log, tt.closed, "test handler committed", "test later committed", "step=handlers_finished",
				"step=dispatcher_stopped", "step=database_closed")
			if n := calls.Load(); n != 1 {
				t.Errorf("the handler ran %d times, want once: the command after SIGTERM was handled", n)
			}
			db, err := store.Open(context.Background(), f.url)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			var names []string
			if err := db.SelectContext(context.Background(), &names, `SELECT name FROM cohorts ORDER BY name`); err != nil {
				t.Fatal(err)
			}
			if fmt.Sprint(names) != "[handler een later een]" {
				t.Errorf("rows written: %q; want the handler's and its later work's for the first command only", names)
			}
		})
	}
}

// TestHTTPReadTimeout: a client that sends its request body slowly does not hold a connection: the server cuts it
// off after the read timeout, and nothing reaches a handler.
func TestHTTPReadTimeout(t *testing.T) {
	t.Parallel()
	var calls atomic.Int32
	f := startMainOnFake(t, "http", func(m *Main) {
		m.HTTPTimeouts.Read = 300 * time.Millisecond
		m.overrides.Register = func(reg *handlers.Registry) {
			reg.Command("/vasthouden", func(ctx context.Context, cmd slack.SlashCommand) (handlers.Response, error) {
				calls.Add(1)
				return handlers.Response{}, nil
			})
		}
	})
	conn, err := net.Dial("tcp", f.addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	body := "command=%2Fvasthouden&text=een&user_id=" + f.user + "&channel_id=" + f.chann
	fmt.Fprintf(conn, "POST /slack/commands HTTP/1.1\r\nHost: %s\r\nContent-Type: application/x-www-form-urlencoded\r\n"+
		"Content-Length: %d\r\n\r\n%s", f.addr, len(body), body[:10])
	// The rest of the body never comes. A safety net, not a measurement: the server must close the connection
	// long before.
	conn.SetReadDeadline(time.Now().Add(20 * time.Second))
	_, err = io.Copy(io.Discard, conn)
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		t.Fatalf("the server kept the connection of a client that sends its body slowly open for 20 s")
	}
	if n := calls.Load(); n != 0 {
		t.Errorf("the handler ran %d times for an unfinished request", n)
	}
}
