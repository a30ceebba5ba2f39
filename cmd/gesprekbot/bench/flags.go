package bench

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"time"
)

const usage = `usage: gesprekbot bench [flags]


Runs the bot in a child process, wired as "gesprekbot run" wires it, against the in-repo Slack fake over Socket
Mode and a real PostgreSQL, and measures: (a) the ack latency of competentiemeter answers that are committed
before the ack, sent open-loop at --rate for --duration; (b) a fan-out to every participant (a channel message
per cohort and a DM per participant) against the fake's rate limits: elapsed time, the floor those limits imply,
429s, duplicates and lost messages; (c) the bot process's peak resident memory.


The database is a private PostgreSQL in a throwaway folder under the system temp dir, or, with DATABASE_URL, a
fresh database on that server (a fresh schema when the user may not create databases), dropped afterwards.


Flags:
  --participants N      participants in all (default 1000)
  --cohorts C           cohorts, each with its own channel (default 50)
  --workspaces W        workspaces of the fake the cohorts are spread over, each at its own rate limits (default 1)
  --rate R              interactions a second (default 200)
  --duration D          how long interactions are sent (default 30s)
  --workspace-rate W    the fake's chat.postMessage limit for the workspace, a second (default 50)
  --workspace-burst B   its burst (default 10)
  --channel-rate R      the fake's chat.postMessage limit per channel, a second (default 1)
  --channel-burst B     its burst (default 3)
  --replicas N          bot processes on the one database, sharing the deliveries and Slack's budget (default 1)
  --skip-acks           measure only the fan-out
  --skip-fanout         measure only the interactions
  --cpuprofile FILE     write a CPU profile of the bot's process (go tool pprof)
  --format text|json    output format (default text)
`

// options are the bench's flags.
type options struct {
	Participants   int
	Cohorts        int
	Workspaces     int
	Rate           float64
	Duration       time.Duration
	WorkspaceRate  float64
	WorkspaceBurst int
	ChannelRate    float64
	ChannelBurst   int
	Replicas       int
	SkipAcks       bool
	SkipFanout     bool
	CPUProfile     string
	Format         string
}

// Result is what the bench measured; the JSON keys are the ones the README and CI read.
type Result struct {
	AckP50       float64 `json:"ack_p50_ms"`
	AckP95       float64 `json:"ack_p95_ms"`
	AckP99       float64 `json:"ack_p99_ms"`
	AckMax       float64 `json:"ack_max_ms"`
	Interactions int     `json:"interactions"`
	Errors       int     `json:"errors"`

	FanoutMessages int     `json:"fanout_messages"`
	FanoutSeconds  float64 `json:"fanout_seconds"`
	FanoutFloor    float64 `json:"fanout_floor_seconds"`
	FanoutRatio    float64 `json:"fanout_ratio"`
	RateLimited    int     `json:"ratelimited"`
	// RateLimitedShare is RateLimited as a share of the fan-out's messages.
	RateLimitedShare float64 `json:"ratelimited_share"`
	Duplicates       int     `json:"duplicates"`
	Lost             int     `json:"lost"`

	// RSSMB is the peak resident set of the bot's process; with replicas, of the largest.
	RSSMB    float64 `json:"rss_mb"`
	Replicas int     `json:"replicas"`

	Workspaces int `json:"workspaces"`

	// The floor the ack latency compares with: a single-row upsert commit on the same Postgres at the same rate.
	CommitP50 float64 `json:"commit_p50_ms"`
	CommitP99 float64 `json:"commit_p99_ms"`
}

func parseFlags(args []string) (options, error) {
	o := options{}
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.IntVar(&o.Participants, "participants", 1000, "")
	fs.IntVar(&o.Cohorts, "cohorts", 50, "")
	fs.IntVar(&o.Workspaces, "workspaces", 1, "")
	fs.Float64Var(&o.Rate, "rate", 200, "")
	fs.DurationVar(&o.Duration, "duration", 30*time.Second, "")
	fs.Float64Var(&o.WorkspaceRate, "workspace-rate", 50, "")
	fs.IntVar(&o.WorkspaceBurst, "workspace-burst", 10, "")
	fs.Float64Var(&o.ChannelRate, "channel-rate", 1, "")
	fs.IntVar(&o.ChannelBurst, "channel-burst", 3, "")
	fs.IntVar(&o.Replicas, "replicas", 1, "")
	fs.BoolVar(&o.SkipAcks, "skip-acks", false, "")
	fs.BoolVar(&o.SkipFanout, "skip-fanout", false, "")
	fs.StringVar(&o.CPUProfile, "cpuprofile", "", "")
	fs.StringVar(&o.Format, "format", "text", "")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	switch {
	case fs.NArg() > 0:
		return o, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	case o.Participants < 1 || o.Participants > 100000:
		return o, errors.New("--participants must be between 1 and 100000")
	case o.Cohorts < 1 || o.Cohorts > o.Participants:
		return o, errors.New("--cohorts must be between 1 and --participants")
	case o.Rate <= 0 || o.Rate > 20000:
		return o, errors.New("--rate must be above 0 and at most 20000")
	case o.Duration <= 0 || o.Duration > time.Hour:
		return o, errors.New("--duration must be above 0 and at most 1h")
	case o.WorkspaceRate <= 0 || o.ChannelRate <= 0:
		return o, errors.New("--workspace-rate and --channel-rate must be above 0")
	case o.WorkspaceBurst < 1 || o.ChannelBurst < 1:
		return o, errors.New("--workspace-burst and --channel-burst must be at least 1")
	case o.Replicas < 1 || o.Replicas > maxReplicas:
		return o, fmt.Errorf("--replicas must be between 1 and %d", maxReplicas)
	case o.Format != "text" && o.Format != "json":
		return o, errors.New("--format must be text or json")
	case o.SkipAcks && o.SkipFanout:
		return o, errors.New("--skip-acks and --skip-fanout together leave nothing to measure")
	}
	return o, checkWorkspaces(o)
}

func writeText(w io.Writer, o options, r Result) {
	if !o.SkipAcks {
		fmt.Fprintf(w, "interactions: %d sent at %g/s for %s after a %s warm-up, %d errors\n", r.Interactions, o.Rate, o.Duration, warmup, r.Errors)
		fmt.Fprintf(w, "ack latency:  p50 %.2f ms  p95 %.2f ms  p99 %.2f ms  max %.2f ms\n", r.AckP50, r.AckP95, r.AckP99, r.AckMax)
		fmt.Fprintf(w, "floor:        a single-row upsert commit p50 %.2f ms  p99 %.2f ms (ack p99 is %.1fx)\n",
			r.CommitP50, r.CommitP99, r.AckP99/math.Max(r.CommitP99, 0.001))
	}
	if !o.SkipFanout {
		fmt.Fprintf(w, "fan-out:      %d messages to %d participants in %d cohorts in %d workspaces in %.2f s; floor %.2f s; ratio %.3f\n",
			r.FanoutMessages, o.Participants, o.Cohorts, o.Workspaces, r.FanoutSeconds, r.FanoutFloor, r.FanoutRatio)
		fmt.Fprintf(w, "              %d answered 429 (%.1f%% of the messages), %d duplicates, %d lost\n", r.RateLimited,
			100*r.RateLimitedShare, r.Duplicates, r.Lost)
	}
	if o.Replicas > 1 {
		fmt.Fprintf(w, "memory:       the largest replica's peak resident set %.1f MB (%d bot processes on one database)\n",
			r.RSSMB, o.Replicas)
		return
	}
	fmt.Fprintf(w, "memory:       the bot's peak resident set %.1f MB (its own process)\n", r.RSSMB)
}
