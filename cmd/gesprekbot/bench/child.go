package bench

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"os/signal"
	"runtime/pprof"
	"syscall"
	"time"

	"github.com/gesprekbot/gesprekbot/bot"
	"github.com/gesprekbot/gesprekbot/cmd/gesprekbot/app"
	"github.com/gesprekbot/gesprekbot/store"
)

// profileEnv, when set, is where the bench's child process writes the bot's CPU profile.
const profileEnv = "GESPREKBOT_BENCH_CPUPROFILE"

// childEnv marks the bench's child process: the bot, built by app.New as "gesprekbot run" builds it in Socket
// Mode, with its poster paced on the fake's limits given in the value: "channel rate,channel burst,post rate,post
// burst".
const childEnv = "GESPREKBOT_BENCH_BOT"

// startBot runs the bot (built by app.New, as "gesprekbot run" builds it) in a child process (this binary
// again), so that its memory is measured on its own, configured through the environment like any deployment:
// the bench's database, the fake's URL and tokens, and with several workspaces the key their tokens are sealed with. It returns once the bot's Socket Mode connection is open (the
// fake then has conns connections); stop ends it with SIGTERM, as a process manager would.
func (b *bench) startBot(ctx context.Context, conns int) (stop func(), err error) {
	cfg := b.cfg
	exe, err := os.Executable()
	if err != nil {
		return nil, fmt.Errorf("start the bot: %w", err)
	}
	po := b.posterOptions()
	cmd := exec.Command(exe, "bench")
	cmd.Env = append(os.Environ(),
		"DATABASE_URL="+b.dbURL(), profileEnv+"="+b.o.CPUProfile,
		"SLACK_BOT_TOKEN="+cfg.SlackBotToken, "SLACK_APP_TOKEN="+cfg.SlackAppToken, "SLACK_API_URL="+cfg.SlackAPIURL,
		"SLACK_SIGNING_SECRET=", "CONTENT_DIR=", "TOKEN_ENCRYPTION_KEY="+b.tokenKey, "LOG_FORMAT=text", "LOG_LEVEL="+b.level.String(),
		fmt.Sprintf("%s=%g,%d,%g,%d", childEnv, po.ChannelRate.PerSecond, po.ChannelRate.Burst,
			po.PostRate.PerSecond, po.PostRate.Burst))
	cmd.Stdout, cmd.Stderr = b.logw, b.logw
	// Should the bench die, the kernel stops the bot too.
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGTERM}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start the bot: %w", err)
	}
	b.bots = append(b.bots, cmd)
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	stop = func() {
		cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(45 * time.Second):
			b.log.Error("bench: the bot did not stop within 45 s of SIGTERM; killing it")
			cmd.Process.Kill()
			<-exited
		}
	}
	wctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	connected := make(chan error, 1)
	go func() { connected <- b.fake.WaitConnected(wctx, conns) }()
	select {
	case err = <-connected:
	case err = <-exited:
		exited <- err
		err = fmt.Errorf("the bot exited: %v", err)
	}
	if err != nil {
		stop()
		return nil, fmt.Errorf("the bot did not connect over Socket Mode: %w", err)
	}
	return stop, nil
}

// child is the bench's child process: the bot in Socket Mode on the fake, with the poster paced as spec says,
// until SIGTERM. SIGUSR1 asks its dispatcher for a tick now (the bench's start of the fan-out).
func child(ctx context.Context, spec string, stdout, stderr io.Writer) int {
	var po bot.PosterOptions
	if _, err := fmt.Sscanf(spec, "%g,%d,%g,%d", &po.ChannelRate.PerSecond, &po.ChannelRate.Burst,
		&po.PostRate.PerSecond, &po.PostRate.Burst); err != nil {
		fmt.Fprintf(stderr, "gesprekbot bench: %s=%q: %v\n", childEnv, spec, err)
		return 2
	}
	if path := os.Getenv(profileEnv); path != "" {
		f, err := os.Create(path)
		if err == nil {
			err = pprof.StartCPUProfile(f)
		}
		if err != nil {
			fmt.Fprintf(stderr, "gesprekbot bench: bot: cpu profile: %v\n", err)
			return 1
		}
		defer f.Close()
		defer pprof.StopCPUProfile()
	}
	// The parent's own protocol, not LoadConfig's: the child runs where the parent says, nothing else.
	level := slog.LevelWarn
	_ = level.UnmarshalText([]byte(os.Getenv("LOG_LEVEL")))
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))
	cfg := app.Config{Mode: app.ModeSocket, DatabaseURL: os.Getenv("DATABASE_URL"), HTTPAddr: "127.0.0.1:0",
		SlackAPIURL: os.Getenv("SLACK_API_URL"), SlackBotToken: os.Getenv("SLACK_BOT_TOKEN"),
		SlackAppToken: os.Getenv("SLACK_APP_TOKEN")}
	if v := os.Getenv("TOKEN_ENCRYPTION_KEY"); v != "" {
		// The workspaces installed besides SLACK_BOT_TOKEN's: their tokens are in the database, sealed with this key.
		key, err := store.ParseTokenKey(v)
		if err == nil {
			cfg.TokenKeys, err = store.NewKeyring(key, nil)
		}
		if err != nil {
			fmt.Fprintf(stderr, "gesprekbot bench: bot: TOKEN_ENCRYPTION_KEY: %v\n", err)
			return 2
		}
	}
	a, err := app.New(ctx, cfg, app.Overrides{Log: log, Poster: po})
	if err == nil {
		defer a.Close()
		err = a.Start(ctx)
	}
	if err != nil {
		fmt.Fprintf(stderr, "gesprekbot bench: bot: %v\n", err)
		return 1
	}
	kick := make(chan os.Signal, 1)
	signal.Notify(kick, syscall.SIGUSR1)
	defer signal.Stop(kick)
	for {
		select {
		case <-ctx.Done():
			return 0
		case <-kick:
			a.Dispatcher.Kick()
		}
	}
}

// posterOptions paces the bot's poster on the fake's chat.postMessage limits, as an operator would configure it
// for a workspace: the same sustained rates, and bursts two below the fake's so that network jitter does not spend
// the fake's last token. Every other method keeps Slack's published tiers, as deployed.
func (b *bench) posterOptions() bot.PosterOptions {
	return bot.PosterOptions{
		ChannelRate: bot.Rate{PerSecond: b.o.ChannelRate, Burst: max(1, b.o.ChannelBurst-2)},
		PostRate:    bot.Rate{PerSecond: b.o.WorkspaceRate, Burst: max(1, b.o.WorkspaceBurst-2)},
	}
}
