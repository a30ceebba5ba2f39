// Command gesprekbot runs the Slack bot for the train-the-trainer course "Het Gesprek", and the operator's tools
// around it. Run "gesprekbot help" for the subcommands.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime"
	"syscall"
	"time"

	"github.com/gesprekbot/gesprekbot/cmd/gesprekbot/bench"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

const usage = `gesprekbot runs the Slack bot for the course "Het Gesprek".

Usage:
  gesprekbot                run the bot; with no Slack tokens: the local sandbox (a simulated Slack in the browser)
  gesprekbot run            run the bot against Slack: needs the Slack tokens (what the Procfile and deployments use)
  gesprekbot migrate        apply the database migrations and exit
  gesprekbot content ...    check, export or show the course content (gesprekbot content help)
  gesprekbot plan -f FILE   print a cohort file's timeline, with no Slack and no database
  gesprekbot cohort ...     apply, list or show cohorts in the database (gesprekbot cohort help)
  gesprekbot workspaces ... list the workspaces installed with OAuth, or re-seal their tokens with a new key
                            (gesprekbot workspaces help)
  gesprekbot backup FILE    write a consistent dump of the database, also while the bot runs
  gesprekbot restore FILE   restore such a dump into an empty database
  gesprekbot bench          measure ack latency, fan-out and memory against the Slack fake (gesprekbot bench --help)
  gesprekbot version        print the version
  gesprekbot help           print this help

Configuration comes from environment variables; see the README.
`

func main() {
	os.Exit(realMain(os.Args[1:], os.Getenv, os.Stdout, os.Stderr))
}

func realMain(args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	cmd := "run"
	// Only the bare command may open the sandbox: "gesprekbot run" is what deployments use, and one whose Slack
	// secrets failed to load must not come up as a sandbox on its production database and address.
	bare := len(args) == 0
	if !bare {
		cmd, args = args[0], args[1:]
	}
	switch cmd {
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return 0
	case "version", "--version":
		fmt.Fprintf(stdout, "gesprekbot %s (%s)\n", version, runtime.Version())
		return 0
	case "content":
		return contentCmd(args, stdout, stderr)
	case "bench":
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		defer stop()
		return bench.Main(ctx, args, stdout, stderr)
	case "plan":
		cfg, err := LoadConfig(getenv)
		if err != nil {
			fmt.Fprintf(stderr, "gesprekbot: invalid configuration: %v\n", err)
			return 2
		}
		return runPlan(args, stdout, stderr, cfg, time.Now())
	case "cohort":
		if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
			fmt.Fprint(stdout, cohortUsage)
			return 0
		}
	case "workspaces":
		if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
			fmt.Fprint(stdout, workspacesUsage)
			return 0
		}
	case "backup", "restore":
		cfg, err := LoadConfig(getenv)
		if err != nil {
			fmt.Fprintf(stderr, "gesprekbot: invalid configuration: %v\n", err)
			return 2
		}
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		defer stop()
		if cmd == "backup" {
			return backupCmd(ctx, cfg, args, stdout, stderr)
		}
		return restoreCmd(ctx, cfg, args, stdout, stderr)
	case "run", "migrate":
	default:
		fmt.Fprintf(stderr, "gesprekbot: unknown command %q\n\n%s", cmd, usage)
		return 2
	}

	cfg, err := LoadConfig(getenv)
	if err != nil {
		fmt.Fprintf(stderr, "gesprekbot: invalid configuration: %v\n", err)
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	m := NewMain(cfg, stdout, stderr)
	m.AllowSandbox = bare
	switch cmd {
	case "migrate":
		err = m.Migrate(ctx)
	case "cohort", "workspaces":
		// Where the database lives is news for the operator, not part of the command's output.
		m.Stdout = stderr
		if err = m.openDB(ctx); err == nil {
			var code int
			if cmd == "workspaces" {
				m.DB.Keys = cfg.TokenKeys
				code = workspacesCmd(ctx, m.DB, args, stdout, stderr)
			} else {
				code = runCohort(ctx, m.DB, args, stdout, stderr, cfg)
			}
			if err := m.Close(); err != nil {
				fmt.Fprintf(stderr, "gesprekbot: %v\n", err)
			}
			return code
		}
	default:
		err = m.Run(ctx, args)
	}
	if cerr := m.Close(); err == nil {
		err = cerr
	}
	var usageErr *UsageError
	var setupErr *SetupError
	switch {
	case errors.As(err, &usageErr), errors.As(err, &setupErr):
		fmt.Fprintf(stderr, "gesprekbot: %v\n", err)
		return 2
	case err != nil:
		fmt.Fprintf(stderr, "gesprekbot: %v\n", err)
		return 1
	}
	return 0
}

// UsageError is a mistake in the command line.
type UsageError struct{ Msg string }

func (e *UsageError) Error() string { return e.Msg }

// SetupError says the environment does not fit what was asked (no Slack tokens for "run", a sandbox on a public
// address, a database of the other world): nothing started, and the one line says what to change. Exit code 2.
type SetupError struct{ Msg string }

func (e *SetupError) Error() string { return e.Msg }
