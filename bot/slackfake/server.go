package slackfake

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Options configure a fake workspace. Every field has a working default.
type Options struct {
	// Team is the workspace name; TeamID its ID ("T…").
	Team   string
	TeamID string
	// TeamDomain is the workspace's subdomain, sent in slash commands.
	TeamDomain string
	// BotUserID is the bot's user ID, BotID its bot ID and AppID the app's ID.
	BotUserID string
	BotID     string
	AppID     string
	// BotName is the bot user's name.
	BotName string
	// BotToken is the accepted bot token (default "xoxb-fake"); AppToken the
	// app-level token for apps.connections.open (default "xapp-fake").
	BotToken string
	AppToken string
	// ClientID and ClientSecret are the app's OAuth credentials, for the consent page and oauth.v2.access
	// (default "fake-client-id" and "fake-client-secret").
	ClientID     string
	ClientSecret string
	// SigningSecret signs requests in HTTP mode (UseHTTP can override it).
	SigningSecret string
	// VerificationToken is the deprecated "token" field Slack puts in payloads.
	VerificationToken string
	// Now is the workspace clock used for message timestamps and event times.
	// Default time.Now.
	Now func() time.Time
	// WallNow is the clock for rate limits and trigger expiry, which follow real
	// waiting. Default time.Now.
	WallNow func() time.Time
	// PingInterval is how often Socket Mode connections are pinged (default 10s).
	PingInterval time.Duration
	// AckTimeout is how long the fake waits for a Socket Mode ack or an HTTP
	// response before it gives up, like Slack's 3 seconds (default 3s).
	AckTimeout time.Duration
	// TriggerTTL is how long a trigger_id can open a modal (default 3s).
	TriggerTTL time.Duration
	// CallLogSize bounds the call log (default 10000; negative means unbounded).
	CallLogSize int
	// OnChange, when set, is called after a conversation's messages changed,
	// outside the fake's locks. The sandbox uses it to refresh its pages.
	OnChange func(conversationID string)
}

// Server is a running fake Slack workspace: Web API, Socket Mode websocket,
// response URLs, file uploads and the HTTP-mode sender.
type Server struct {
	opts     Options
	listener net.Listener
	httpSrv  *http.Server
	base     string // "http://127.0.0.1:port/"

	mu         sync.Mutex
	ids        uint64
	lastTS     int64 // microseconds of the last issued ts
	users      map[string]*User
	userOrder  []string
	convs      map[string]*conversation
	convOrder  []string
	ims        map[string]string // user ID -> IM conversation ID
	ephemerals map[string][]*Message
	views      map[string]*view
	modals     map[string][]string // user ID -> modal stack of view IDs
	homes      map[string]string   // user ID -> home view ID
	triggers   map[string]trigger
	// triggersKept is how many triggers the last sweep of expired ones left.
	triggersKept int
	files        map[string]*file
	responses    map[string]*responseURL
	tickets      map[string]bool
	// OAuth (oauth.go): codes the consent page issued, and the bot tokens installs issued (token -> its team).
	codes      map[string]*oauthCode
	botTokens  map[string]*installedToken
	tokenOrder []string

	log    callLog
	limits *limiter
	faults *faults

	strict strictReporter

	sock  *socketHub
	httpm *httpMode

	closeOnce sync.Once
	closed    chan struct{}
	wg        sync.WaitGroup
}

// ErrNotConnected is returned when an interaction cannot be delivered: no
// Socket Mode connection is open and HTTP mode is not configured.
var ErrNotConnected = errors.New("slackfake: app not connected (no socket mode connection, no http mode)")

// ErrAckTimeout is returned when the app did not acknowledge within AckTimeout.
var ErrAckTimeout = errors.New("slackfake: no acknowledgement within the ack timeout")

// New starts a fake workspace listening on 127.0.0.1 on a free port.
// It panics if it cannot listen, which only happens on a broken host.
func New(opts Options) *Server {
	opts = opts.withDefaults()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(fmt.Sprintf("slackfake: listen: %v", err))
	}
	s := &Server{
		opts:       opts,
		listener:   ln,
		base:       "http://" + ln.Addr().String() + "/",
		users:      map[string]*User{},
		convs:      map[string]*conversation{},
		ims:        map[string]string{},
		ephemerals: map[string][]*Message{},
		views:      map[string]*view{},
		modals:     map[string][]string{},
		homes:      map[string]string{},
		triggers:   map[string]trigger{},
		files:      map[string]*file{},
		responses:  map[string]*responseURL{},
		tickets:    map[string]bool{},
		log:        callLog{max: opts.CallLogSize},
		limits:     newLimiter(opts.WallNow),
		faults:     newFaults(),
		closed:     make(chan struct{}),
	}
	s.sock = newSocketHub(s)
	s.addUserLocked(User{ID: opts.BotUserID, Name: opts.BotName, RealName: opts.BotName, IsBot: true, BotID: opts.BotID})

	mux := http.NewServeMux()
	mux.HandleFunc("/api/{method}", s.serveAPI)
	mux.HandleFunc("POST /upload/{id}", s.serveUpload)
	mux.HandleFunc("GET /files/{id}/{name}", s.serveFile)
	mux.HandleFunc("POST /response/{id}", s.serveResponseURL)
	mux.HandleFunc("GET /link/", s.sock.serveWS)
	mux.HandleFunc("GET /oauth/v2/authorize", s.serveAuthorize)
	mux.HandleFunc("POST /oauth/v2/authorize", s.serveAuthorize)
	s.httpSrv = &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	s.wg.Go(func() {
		// Serve returns ErrServerClosed on Close; nothing else to report.
		_ = s.httpSrv.Serve(ln)
	})
	return s
}

func (o Options) withDefaults() Options {
	def := func(v *string, d string) {
		if *v == "" {
			*v = d
		}
	}
	def(&o.Team, "Het Gesprek")
	def(&o.TeamID, "T0FAKE0001")
	def(&o.TeamDomain, "hetgesprek")
	def(&o.BotUserID, "U0BOT00001")
	def(&o.BotID, "B0BOT00001")
	def(&o.AppID, "A0APP00001")
	def(&o.BotName, "gesprekbot")
	def(&o.BotToken, "xoxb-fake")
	def(&o.AppToken, "xapp-fake")
	def(&o.ClientID, "fake-client-id")
	def(&o.ClientSecret, "fake-client-secret")
	def(&o.VerificationToken, "fakeverificationtoken")
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.WallNow == nil {
		o.WallNow = time.Now
	}
	if o.PingInterval <= 0 {
		o.PingInterval = 10 * time.Second
	}
	if o.AckTimeout <= 0 {
		o.AckTimeout = 3 * time.Second
	}
	if o.TriggerTTL <= 0 {
		o.TriggerTTL = 3 * time.Second
	}
	if o.CallLogSize == 0 {
		o.CallLogSize = 10000
	}
	return o
}

// URL is the fake's base URL, ending in "/".
func (s *Server) URL() string { return s.base }

// APIURL is the Web API base URL, ending in "/api/", for slack.OptionAPIURL.
func (s *Server) APIURL() string { return s.base + "api/" }

// BotToken is the bot token the fake accepts.
func (s *Server) BotToken() string { return s.opts.BotToken }

// AppToken is the app-level token the fake accepts for Socket Mode.
func (s *Server) AppToken() string { return s.opts.AppToken }

// BotUserID is the bot's user ID.
func (s *Server) BotUserID() string { return s.opts.BotUserID }

// TeamID is the workspace's ID.
func (s *Server) TeamID() string { return s.opts.TeamID }

// Close drops all connections, stops the server and waits for its goroutines.
func (s *Server) Close() {
	s.closeOnce.Do(func() {
		close(s.closed)
		s.sock.closeAll()
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		if err := s.httpSrv.Shutdown(ctx); err != nil {
			_ = s.httpSrv.Close()
		}
		s.wg.Wait()
	})
}

// newIDLocked returns a unique Slack-style ID with the given prefix, e.g. "V0000001F".
func (s *Server) newIDLocked(prefix string) string {
	s.ids++
	return prefix + strings.ToUpper(fmt.Sprintf("%08s", strconv.FormatUint(s.ids, 36)))
}

// newID is newIDLocked for callers that do not hold the lock.
func (s *Server) newID(prefix string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.newIDLocked(prefix)
}

// newTSLocked returns a unique, increasing message timestamp like "1733212345.000100".
func (s *Server) newTSLocked() string {
	us := s.opts.Now().UnixMicro()
	if us <= s.lastTS {
		us = s.lastTS + 1
	}
	s.lastTS = us
	return formatTS(us)
}

func formatTS(us int64) string {
	return fmt.Sprintf("%d.%06d", us/1_000_000, us%1_000_000)
}

// parseTS turns "1733212345.000100" into microseconds; ok is false when malformed.
func parseTS(ts string) (int64, bool) {
	sec, frac, found := strings.Cut(ts, ".")
	s, err := strconv.ParseInt(sec, 10, 64)
	if err != nil {
		return 0, false
	}
	var us int64
	if found {
		frac = (frac + "000000")[:6]
		f, err := strconv.ParseInt(frac, 10, 64)
		if err != nil {
			return 0, false
		}
		us = f
	}
	return s*1_000_000 + us, true
}

// changed tells the OnChange hook about a conversation; call without locks held.
func (s *Server) changed(conversationID string) {
	if s.opts.OnChange != nil && conversationID != "" {
		s.opts.OnChange(conversationID)
	}
}
