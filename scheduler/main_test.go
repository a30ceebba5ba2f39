package scheduler_test

import (
	"os"
	"testing"

	"github.com/gesprekbot/gesprekbot/store/storetest"
)

// TestMain runs the dispatcher helper process when the test binary was started as one (see TestDispatchKilled),
// and the tests otherwise, with a throwaway PostgreSQL for those that need a database.
func TestMain(m *testing.M) {
	if os.Getenv(childEnv) != "" {
		os.Exit(dispatchChild())
	}
	storetest.Main(m)
}
