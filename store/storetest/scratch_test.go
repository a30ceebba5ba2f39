package storetest

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
)

// A folder left by a test process that has ended is removed by the next clusterDir; one of a process that still
// runs, and folders of other names, stay.
func TestClusterDirRemovesOrphans(t *testing.T) {
	root := t.TempDir()
	t.Setenv("STORETEST_DIR", root)
	// A process that has ended: its PID is free (until reused, which would only delay the removal).
	done := exec.Command("true")
	if err := done.Run(); err != nil {
		t.Skipf("cannot run true: %v", err)
	}
	deadPID := strconv.Itoa(done.Process.Pid)
	orphan := filepath.Join(root, "gesprekbot-test-"+deadPID+"-123")
	live := filepath.Join(root, "gesprekbot-test-"+strconv.Itoa(os.Getpid())+"-456")
	other := filepath.Join(root, "gesprekbot-test-789")
	for _, d := range []string{orphan, live, other} {
		if err := os.MkdirAll(filepath.Join(d, "postgres"), 0o700); err != nil {
			t.Fatal(err)
		}
	}
	dir, err := clusterDir("gesprekbot-test-")
	if err != nil {
		t.Fatal(err)
	}
	if filepath.Dir(dir) != root {
		t.Errorf("cluster folder %s, want one in STORETEST_DIR %s", dir, root)
	}
	if _, err := os.Stat(orphan); !os.IsNotExist(err) {
		t.Errorf("the folder of ended process %s is still there (%v)", deadPID, err)
	}
	for _, d := range []string{live, other, dir} {
		if _, err := os.Stat(d); err != nil {
			t.Errorf("%s removed: %v", d, err)
		}
	}
}
