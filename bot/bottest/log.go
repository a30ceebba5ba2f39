package bottest

import (
	"io"
	"log/slog"
)

// QuietLog returns a logger that writes nothing: for the tests of one part (a registry, a dispatcher, a Poster)
// that do not read what it logs.
func QuietLog() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }
