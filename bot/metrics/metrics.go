// Package metrics is the bot's Prometheus metrics, served at GET /metrics: what became of the deliveries, how late
// they went out, how Slack's Web API answered, how fast Slack's requests were acknowledged, whether sending is
// paused and why, the database pool, and Go's runtime and the process.
//
// Each bot has a registry of its own (not Prometheus's global one), so that two bots in one process — the tests'
// — keep their counts apart. Counters count what this process did: with several replicas, each is scraped and the
// dashboard sums them (sum by (...) (rate(...))), the Prometheus way; nothing is read from PostgreSQL at scrape
// time, so a scrape costs the same at a million planned rows as at ten.
//
// Label values are bounded sets the bot chooses: delivery kinds from the course rules, states, Slack method names,
// outcome classes, request kinds, pause reasons. Never a person, a text, a token, a channel, a user or a cohort:
// the endpoint is safe to expose to whoever runs the monitoring.
package metrics

import (
	"database/sql"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Namespace prefixes every series of the bot's own.
const Namespace = "gesprekbot"

// Metrics holds the bot's collectors and the registry they are in. Its methods are safe for concurrent use.
type Metrics struct {
	Registry *prometheus.Registry

	deliveries   *prometheus.CounterVec
	lag          prometheus.Histogram
	slackCalls   *prometheus.CounterVec
	slackRetries *prometheus.CounterVec
	acks         *prometheus.HistogramVec
}

// Pause is a paused workspace as the dispatcher reports it (scheduler.Pause).
type Pause struct {
	Team   string // the workspace's team ID
	Reason string // Slack's error code
	Since  time.Time
}

// Options are what the metrics read at scrape time.
type Options struct {
	// DB is the database pool (database/sql's statistics); none when nil.
	DB *sql.DB
	// Paused returns the workspaces whose sending is paused now (scheduler.Dispatcher.Paused); none when nil.
	Paused func() []Pause
	// Now is the clock the pause's duration is measured on; time.Now when nil.
	Now func() time.Time
}

// PauseReasons are the reasons the pause gauges name; any other code is counted as "other", so that the label's
// values stay a known set. They are Slack's codes for a refused workspace (bot/slackerror.go).
var PauseReasons = []string{"invalid_auth", "not_authed", "token_revoked", "token_expired", "account_inactive",
	"missing_scope", "not_allowed_token_type", "team_access_not_granted", "ekm_access_denied", "org_login_required",
	"accesslimited", "other"}

// New returns the bot's metrics in a registry of their own, with the database pool, Go's runtime and the process.
func New(opts Options) *Metrics {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	m := &Metrics{
		Registry: prometheus.NewRegistry(),
		deliveries: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: Namespace, Name: "deliveries_total",
			Help: "Deliveries that reached a final state in this process, by kind (the course rule's) and state (sent, missed, failed, cancelled)."},
			[]string{"kind", "state"}),
		lag: prometheus.NewHistogram(prometheus.HistogramOpts{Namespace: Namespace, Name: "dispatch_lag_seconds",
			Help:    "Time from a delivery's due time to its post, for deliveries sent.",
			Buckets: []float64{0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600, 1800, 3600}}),
		slackCalls: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: Namespace, Name: "slack_calls_total",
			Help: "Attempts of calls to Slack's Web API, by method and outcome (ok, 429, 5xx, timeout, transient_error, permanent_error, cancelled)."},
			[]string{"method", "outcome"}),
		slackRetries: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: Namespace, Name: "slack_retries_total",
			Help: "Calls to Slack's Web API tried again, by method and what the failed attempt was (429, 5xx, timeout, transient_error)."},
			[]string{"method", "outcome"}),
		acks: prometheus.NewHistogramVec(prometheus.HistogramOpts{Namespace: Namespace, Name: "inbound_ack_seconds",
			Help:    "Time from receiving a request from Slack to its acknowledgement being ready, by kind (command, action, view, event, other).",
			Buckets: []float64{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 3}},
			[]string{"kind"}),
	}
	m.Registry.MustRegister(m.deliveries, m.lag, m.slackCalls, m.slackRetries, m.acks,
		&pauseCollector{paused: opts.Paused, now: opts.Now},
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	if opts.DB != nil {
		// go_sql_* series with db_name="gesprekbot": the pool's open, in-use and idle connections and its waits.
		m.Registry.MustRegister(collectors.NewDBStatsCollector(opts.DB, Namespace))
	}
	return m
}

// Handler serves the registry in Prometheus's text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.Registry, promhttp.HandlerOpts{Registry: m.Registry})
}

// Delivered implements scheduler.Observer.
func (m *Metrics) Delivered(kind, state string, lag time.Duration) {
	m.deliveries.WithLabelValues(kind, state).Inc()
	if state == "sent" {
		m.lag.Observe(lag.Seconds())
	}
}

// SlackCall implements bot.CallObserver: one attempt of a Web API call ended with outcome.
func (m *Metrics) SlackCall(method, outcome string) {
	m.slackCalls.WithLabelValues(method, outcome).Inc()
}

// SlackRetry implements bot.CallObserver: a call is tried again after an attempt ended with outcome.
func (m *Metrics) SlackRetry(method, outcome string) {
	m.slackRetries.WithLabelValues(method, outcome).Inc()
}

// Acked implements bot.AckObserver: a request of kind was ready to be acknowledged after d.
func (m *Metrics) Acked(kind string, d time.Duration) {
	m.acks.WithLabelValues(kind).Observe(d.Seconds())
}

// pauseCollector reads at scrape time whether sending is paused, and why.
type pauseCollector struct {
	paused func() []Pause
	now    func() time.Time
}

var (
	pausedDesc = prometheus.NewDesc(Namespace+"_dispatch_paused",
		"1 while sending is paused because Slack refuses the workspace's token or app, else 0.", nil, nil)
	pausedReasonDesc = prometheus.NewDesc(Namespace+"_dispatch_paused_reason",
		"1 for the reason sending is paused (Slack's error code, or other), 0 for the other reasons.", []string{"reason"}, nil)
	pausedSecondsDesc = prometheus.NewDesc(Namespace+"_dispatch_paused_seconds",
		"How long sending has been paused; 0 when it is not.", nil, nil)
	pausedTeamDesc = prometheus.NewDesc(Namespace+"_dispatch_paused_team",
		"1 for each workspace (team ID) whose sending is paused; the others go on.", []string{"team"}, nil)
)

func (c *pauseCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- pausedDesc
	ch <- pausedReasonDesc
	ch <- pausedSecondsDesc
	ch <- pausedTeamDesc
}

func (c *pauseCollector) Collect(ch chan<- prometheus.Metric) {
	var ps []Pause
	if c.paused != nil {
		ps = c.paused()
	}
	reasons := map[string]bool{}
	var paused, seconds float64
	for _, p := range ps {
		paused = 1
		reasons[pauseReason(p.Reason)] = true
		seconds = max(seconds, c.now().Sub(p.Since).Seconds())
		ch <- prometheus.MustNewConstMetric(pausedTeamDesc, prometheus.GaugeValue, 1, p.Team)
	}
	ch <- prometheus.MustNewConstMetric(pausedDesc, prometheus.GaugeValue, paused)
	ch <- prometheus.MustNewConstMetric(pausedSecondsDesc, prometheus.GaugeValue, seconds)
	for _, r := range PauseReasons {
		v := 0.0
		if reasons[r] {
			v = 1
		}
		ch <- prometheus.MustNewConstMetric(pausedReasonDesc, prometheus.GaugeValue, v, r)
	}
}

// pauseReason is code when it is one of PauseReasons, else "other".
func pauseReason(code string) string {
	for _, r := range PauseReasons {
		if r == code {
			return r
		}
	}
	return "other"
}
