package bot

import (
	"net"
	"net/http"
	"time"
)

// NewHTTPClient returns the HTTP client for every outbound call to Slack: the Web API (give it to slack.New with
// slack.OptionHTTPClient; slack-go's file uploads go through the same client), apps.connections.open, and the
// Poster's response_url replies. No request outlives timeout, whatever its context says; dialling and the TLS
// handshake have shorter bounds of their own, so that an unreachable host fails fast. One client, so that every
// call shares its pool of connections: every Web API call and every response_url is on one host, so it keeps
// enough idle connections to it for a burst (the default transport's two made each call beyond two in flight
// dial, and Slack's side accept, a new connection).
func NewHTTPClient(timeout time.Duration) *http.Client {
	if timeout <= 0 {
		timeout = DefaultAttemptTimeout
	}
	connect := min(timeout, 5*time.Second)
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.DialContext = (&net.Dialer{Timeout: connect, KeepAlive: 30 * time.Second}).DialContext
	t.TLSHandshakeTimeout = connect
	t.ResponseHeaderTimeout = timeout
	t.MaxIdleConnsPerHost = 64
	return &http.Client{Timeout: timeout, Transport: t}
}
