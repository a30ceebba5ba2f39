package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/gesprekbot/gesprekbot/store"
)

// backupUsage and restoreUsage are the help texts of `gesprekbot backup` and `gesprekbot restore`.
const (
	backupUsage = `Usage: gesprekbot backup [--force] FILE

Writes a consistent dump of the bot's database to FILE (pg_dump's custom format), while the bot runs. Without
DATABASE_URL it backs up the private database in DATA_DIR: through the server the running bot started, or, when
the bot is not running, by starting that server for the moment of the backup. FILE is written under a temporary
name and renamed when complete; an existing FILE is kept unless --force is given. The dump holds personal data:
keep it as carefully as the database itself (see the README).
`
	restoreUsage = `Usage: gesprekbot restore FILE

Restores a dump made by "gesprekbot backup" into an empty database: the private database in an empty DATA_DIR
(initialised for it), or the empty database at DATABASE_URL. A database that holds anything is refused and left as
it is. Everything is restored in one transaction: on an error, nothing is. Migrations newer than the dump are
applied at the bot's next start, as always (or run "gesprekbot migrate").
`
)

// backupCmd runs `gesprekbot backup`: 0 written, 1 failed, 2 usage or setup error.
func backupCmd(ctx context.Context, cfg *Config, args []string, stdout, stderr io.Writer) int {
	var file string
	force := false
	for _, a := range args {
		switch {
		case a == "-h" || a == "--help" || a == "help":
			fmt.Fprint(stdout, backupUsage)
			return 0
		case a == "--force" || a == "-force":
			force = true
		case strings.HasPrefix(a, "-"):
			fmt.Fprintf(stderr, "gesprekbot backup: unknown flag %s\n\n%s", a, backupUsage)
			return 2
		case file != "":
			fmt.Fprintf(stderr, "gesprekbot backup: one FILE only, got %q and %q\n\n%s", file, a, backupUsage)
			return 2
		default:
			file = a
		}
	}
	if file == "" {
		fmt.Fprintf(stderr, "gesprekbot backup: name the FILE to write\n\n%s", backupUsage)
		return 2
	}
	n, err := runBackup(ctx, cfg, file, force, stdout)
	if err != nil {
		fmt.Fprintf(stderr, "gesprekbot backup: %v\n", err)
		var setup *SetupError
		if errors.As(err, &setup) {
			return 2
		}
		return 1
	}
	fmt.Fprintf(stdout, "backup written: %s (%d bytes)\n", file, n)
	return 0
}

// runBackup writes the dump to file and returns its size.
func runBackup(ctx context.Context, cfg *Config, file string, force bool, stdout io.Writer) (int64, error) {
	file, err := filepath.Abs(file)
	if err != nil {
		return 0, fmt.Errorf("%s: %w", file, err)
	}
	if _, err := os.Stat(file); err == nil && !force {
		return 0, &SetupError{fmt.Sprintf("%s exists; choose another name, or give --force to replace it", file)}
	}
	dir := filepath.Dir(file)
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		return 0, &SetupError{fmt.Sprintf("folder %s does not exist; create it first", dir)}
	}
	dbURL, binDir, stop, err := openSource(ctx, cfg, stdout)
	if err != nil {
		return 0, err
	}
	defer stop()
	if err := checkIsBotDatabase(ctx, dbURL); err != nil {
		return 0, err
	}
	pgDump, err := store.FindClientTool("pg_dump", binDir)
	if err != nil {
		return 0, &SetupError{err.Error()}
	}
	if err := checkToolVersion(ctx, pgDump, dbURL); err != nil {
		return 0, err
	}
	pgRestore, err := store.FindClientTool("pg_restore", binDir)
	if err != nil {
		return 0, &SetupError{err.Error()}
	}

	// A temporary file in the same folder, renamed when complete: a backup that fails leaves nothing under FILE,
	// and a nightly job never finds half a dump where the last good one was. CreateTemp makes it 0600: it holds
	// personal data.
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(file)+".*.partial")
	if err != nil {
		return 0, fmt.Errorf("create temporary file: %w", err)
	}
	done := false
	defer func() {
		if !done {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if err := store.Dump(ctx, pgDump, dbURL, tmp); err != nil {
		return 0, err
	}
	if err := tmp.Sync(); err != nil {
		return 0, fmt.Errorf("write %s: %w", tmp.Name(), err)
	}
	fi, err := tmp.Stat()
	if err != nil {
		return 0, fmt.Errorf("write %s: %w", tmp.Name(), err)
	}
	if err := tmp.Close(); err != nil {
		return 0, fmt.Errorf("write %s: %w", tmp.Name(), err)
	}
	// Read it back: a dump pg_restore cannot list is no backup.
	tables, err := store.DumpTables(ctx, pgRestore, tmp.Name())
	if err != nil {
		return 0, fmt.Errorf("the dump cannot be read back: %w", err)
	}
	if !slices.Contains(tables, "schema_migrations") {
		return 0, fmt.Errorf("the dump cannot be read back: it lists no schema_migrations table")
	}
	if force {
		err = os.Rename(tmp.Name(), file)
	} else {
		// A link fails when FILE appeared meanwhile, where a rename would replace it.
		err = os.Link(tmp.Name(), file)
		if err == nil {
			os.Remove(tmp.Name())
		} else if errors.Is(err, os.ErrExist) {
			return 0, &SetupError{fmt.Sprintf("%s exists; choose another name, or give --force to replace it", file)}
		}
	}
	if err != nil {
		return 0, fmt.Errorf("rename the dump to %s: %w", file, err)
	}
	done = true
	if d, err := os.Open(dir); err == nil {
		d.Sync() // the rename itself survives a crash
		d.Close()
	}
	return fi.Size(), nil
}

// openSource returns the URL of the database to back up, the folder its server binaries are in ("" for
// DATABASE_URL), and what to call when done: it stops a private server started for the backup.
func openSource(ctx context.Context, cfg *Config, stdout io.Writer) (string, string, func(), error) {
	noop := func() {}
	if cfg.DatabaseURL != "" {
		fmt.Fprintln(stdout, "database: DATABASE_URL")
		return cfg.DatabaseURL, cfg.PGBin, noop, nil
	}
	binDir, err := store.FindPostgres(cfg.PGBin)
	if err != nil {
		return "", "", noop, &SetupError{err.Error()}
	}
	u, err := store.RunningLocalURL(cfg.DataDir)
	if err == nil {
		fmt.Fprintf(stdout, "database: the running private PostgreSQL in %s\n", cfg.DataDir)
		return u, binDir, noop, nil
	}
	if !errors.Is(err, store.ErrLocalNotRunning) {
		return "", "", noop, fmt.Errorf("private database in DATA_DIR %s: %w", cfg.DataDir, err)
	}
	if !store.HasLocalCluster(cfg.DataDir) {
		return "", "", noop, &SetupError{fmt.Sprintf("DATA_DIR %s holds no private database: nothing to back up "+
			"(set DATA_DIR to the bot's, or DATABASE_URL)", cfg.DataDir)}
	}
	// The bot is not running: start its server for the moment of the backup. A bot started meanwhile refuses to
	// start (another server runs on DATA_DIR) until the backup is done.
	fmt.Fprintf(stdout, "database: the private PostgreSQL in %s (the bot is not running; started for the backup)\n", cfg.DataDir)
	local, err := store.StartLocal(ctx, store.LocalOptions{Dir: cfg.DataDir, BinDir: cfg.PGBin, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		return "", "", noop, fmt.Errorf("private database: %w", err)
	}
	return local.URL(), binDir, func() { stopLocal(local) }, nil
}

func stopLocal(local *store.LocalServer) {
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	local.Stop(ctx)
}

// checkIsBotDatabase refuses to back up a database the bot has never used: DATABASE_URL probably points elsewhere.
func checkIsBotDatabase(ctx context.Context, dbURL string) error {
	c, err := store.ReadContents(ctx, dbURL)
	if err != nil {
		return err
	}
	if !slices.ContainsFunc(c.Tables, func(t store.TableRows) bool { return t.Name == "schema_migrations" }) {
		return &SetupError{"the database holds no gesprekbot tables (no schema_migrations): is DATABASE_URL right?"}
	}
	return nil
}

// checkToolVersion makes sure pg_dump is at least as new as the server: an older pg_dump cannot read a newer
// server's catalogue.
func checkToolVersion(ctx context.Context, tool, dbURL string) error {
	toolMajor, err := store.ToolMajor(ctx, tool)
	if err != nil {
		return err
	}
	serverMajor, err := store.ServerMajor(ctx, dbURL)
	if err != nil {
		return err
	}
	if toolMajor < serverMajor {
		return &SetupError{fmt.Sprintf("%s is PostgreSQL %d and the server is PostgreSQL %d: pg_dump must be at least "+
			"the server's version; install PostgreSQL %d's client programs (e.g. apt-get install postgresql-client-%d) "+
			"and put them on PATH, or set PG_BIN to their folder", tool, toolMajor, serverMajor, serverMajor, serverMajor)}
	}
	return nil
}

// restoreCmd runs `gesprekbot restore`: 0 restored, 1 failed, 2 usage or setup error (a target that holds data).
func restoreCmd(ctx context.Context, cfg *Config, args []string, stdout, stderr io.Writer) int {
	var file string
	for _, a := range args {
		switch {
		case a == "-h" || a == "--help" || a == "help":
			fmt.Fprint(stdout, restoreUsage)
			return 0
		case strings.HasPrefix(a, "-"):
			fmt.Fprintf(stderr, "gesprekbot restore: unknown flag %s\n\n%s", a, restoreUsage)
			return 2
		case file != "":
			fmt.Fprintf(stderr, "gesprekbot restore: one FILE only, got %q and %q\n\n%s", file, a, restoreUsage)
			return 2
		default:
			file = a
		}
	}
	if file == "" {
		fmt.Fprintf(stderr, "gesprekbot restore: name the FILE to restore\n\n%s", restoreUsage)
		return 2
	}
	if err := runRestore(ctx, cfg, file, stdout); err != nil {
		fmt.Fprintf(stderr, "gesprekbot restore: %v\n", err)
		var setup *SetupError
		if errors.As(err, &setup) {
			return 2
		}
		return 1
	}
	return 0
}

func runRestore(ctx context.Context, cfg *Config, file string, stdout io.Writer) error {
	if _, err := os.Stat(file); err != nil {
		return &SetupError{fmt.Sprintf("cannot read %s: %v", file, err)}
	}
	binDir := cfg.PGBin
	if cfg.DatabaseURL == "" {
		d, err := store.FindPostgres(cfg.PGBin)
		if err != nil {
			return &SetupError{err.Error()}
		}
		binDir = d
	}
	pgRestore, err := store.FindClientTool("pg_restore", binDir)
	if err != nil {
		return &SetupError{err.Error()}
	}
	// Check the file before touching any database.
	tables, err := store.DumpTables(ctx, pgRestore, file)
	if err != nil {
		return &SetupError{fmt.Sprintf("%s is not a dump %s can read (made by gesprekbot backup, with a pg_dump no "+
			"newer than it?): %v", file, pgRestore, err)}
	}
	if !slices.Contains(tables, "schema_migrations") {
		return &SetupError{fmt.Sprintf("%s is not a gesprekbot backup: it holds no schema_migrations table", file)}
	}

	var dbURL, where, emptyHint string
	if cfg.DatabaseURL != "" {
		dbURL, where = cfg.DatabaseURL, "the database at DATABASE_URL"
		emptyHint = "restore into an empty database: create one (e.g. createdb gesprekbot_restored) and point " +
			"DATABASE_URL at it; to replace this one, back it up, drop it and create it empty"
	} else {
		where = "the private database in DATA_DIR " + cfg.DataDir
		emptyHint = "restore into an empty DATA_DIR: set DATA_DIR to a new folder, or stop the bot and move " +
			filepath.Join(cfg.DataDir, "postgres") + " away first (after backing it up)"
		if _, err := store.RunningLocalURL(cfg.DataDir); err == nil {
			return &SetupError{fmt.Sprintf("a bot is running on %s, so it is not empty: %s", where, emptyHint)}
		} else if !errors.Is(err, store.ErrLocalNotRunning) {
			return fmt.Errorf("%s: %w", where, err)
		}
		if store.HasLocalCluster(cfg.DataDir) {
			fmt.Fprintf(stdout, "database: the private PostgreSQL in %s\n", cfg.DataDir)
		} else {
			fmt.Fprintf(stdout, "database: a new private PostgreSQL in %s\n", cfg.DataDir)
		}
		local, err := store.StartLocal(ctx, store.LocalOptions{Dir: cfg.DataDir, BinDir: cfg.PGBin, Logger: slog.New(slog.DiscardHandler)})
		if err != nil {
			return fmt.Errorf("private database: %w", err)
		}
		defer stopLocal(local)
		dbURL = local.URL()
	}
	contents, err := store.ReadContents(ctx, dbURL)
	if err != nil {
		return err
	}
	if !contents.Empty() {
		return &SetupError{fmt.Sprintf("%s is not empty, so nothing was restored: it holds %s; %s",
			where, contents.Summary(), emptyHint)}
	}
	if err := store.Restore(ctx, pgRestore, dbURL, file); err != nil {
		return fmt.Errorf("nothing was restored into %s: %w", where, err)
	}
	return describeRestored(ctx, dbURL, file, where, stdout)
}

// describeRestored tells the operator what came back: cohorts, the migration the dump was at, and its world.
func describeRestored(ctx context.Context, dbURL, file, where string, stdout io.Writer) error {
	db, err := store.Open(ctx, dbURL)
	if err != nil {
		return err
	}
	defer db.Close()
	var cohorts, version int
	if err := db.GetContext(ctx, &cohorts, `SELECT count(*) FROM cohorts`); err != nil {
		return fmt.Errorf("read the restored database: %w", err)
	}
	if err := db.GetContext(ctx, &version, `SELECT COALESCE(max(version), 0) FROM schema_migrations`); err != nil {
		return fmt.Errorf("read the restored database: %w", err)
	}
	fmt.Fprintf(stdout, "restored %s into %s: %d cohorts\n", file, where, cohorts)
	latest, err := store.LatestMigration()
	if err != nil {
		return err
	}
	switch {
	case version < latest:
		fmt.Fprintf(stdout, "the backup is at migration %d; the bot applies migrations %d to %d at its next start "+
			"(or run gesprekbot migrate)\n", version, version+1, latest)
	case version > latest:
		fmt.Fprintf(stdout, "the backup is at migration %d, newer than this gesprekbot knows (%d): run the version "+
			"that made it\n", version, latest)
	}
	// The world marker comes along: the restored database is the same world as the one backed up.
	mark, err := db.World(ctx)
	if err != nil {
		// A dump from before migration 0011 has no world table; the bot decides at its next start.
		return nil
	}
	switch mark.Kind {
	case store.WorldSlack:
		teams := make([]string, 0, len(mark.Teams))
		for _, t := range mark.Teams {
			teams = append(teams, t.TeamID)
		}
		fmt.Fprintf(stdout, "it belongs to real Slack (workspace %s), as the backed-up database did: the sandbox "+
			"will not run on it\n", strings.Join(teams, ", "))
	case store.WorldSandbox:
		fmt.Fprintln(stdout, "it belongs to the sandbox, as the backed-up database did: gesprekbot run with Slack "+
			"tokens will refuse it")
	}
	return nil
}
