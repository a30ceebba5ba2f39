package handlers_test

import (
	"testing"

	"github.com/gesprekbot/gesprekbot/store/storetest"
)

// TestMain is the one TestMain of the handlers tests: tests that need a database call storetest.New(t), which
// starts a throwaway PostgreSQL on first use; Main removes it when the tests are done.
func TestMain(m *testing.M) { storetest.Main(m) }
