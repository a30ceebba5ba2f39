package app

import (
	"context"
	"fmt"
	"io"
	"log/slog"

	"github.com/gesprekbot/gesprekbot/content"
	"github.com/gesprekbot/gesprekbot/store"
)

// OpenDB connects to cfg.DatabaseURL, or starts the private PostgreSQL in cfg.DataDir, and applies the
// migrations; it says on notices which one it uses. The caller closes the database, then stops local (which is
// returned even with an error, once started). New opens the bot's database with it; "gesprekbot migrate" and
// "gesprekbot cohort" use it alone.
func OpenDB(ctx context.Context, cfg Config, log *slog.Logger, notices io.Writer) (*store.DB, *store.LocalServer, error) {
	url := cfg.DatabaseURL
	var local *store.LocalServer
	if url == "" {
		var err error
		local, err = store.StartLocal(ctx, store.LocalOptions{Dir: cfg.DataDir, BinDir: cfg.PGBin, Logger: log})
		if err != nil {
			return nil, nil, fmt.Errorf("private database: %w", err)
		}
		url = local.URL()
		fmt.Fprintf(notices, "database: private PostgreSQL in %s\n", local.DataDir())
	} else {
		fmt.Fprintln(notices, "database: DATABASE_URL")
	}
	db, err := store.Open(ctx, url)
	if err != nil {
		return nil, local, err
	}
	if err := db.Migrate(ctx); err != nil {
		db.Close()
		return nil, local, err
	}
	return db, local, nil
}

// LoadCourse returns the trainer-edited course in dir, or the built-in one when dir is empty; the error says
// which of the two is not valid.
func LoadCourse(dir string) (*content.Course, error) {
	if dir == "" {
		c, err := content.Default()
		if err != nil {
			return nil, fmt.Errorf("built-in course content: %w", err)
		}
		return c, nil
	}
	c, err := content.LoadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("CONTENT_DIR %s is not valid course content:\n%w", dir, err)
	}
	return c, nil
}
