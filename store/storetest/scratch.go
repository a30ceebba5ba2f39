package storetest

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
)

// Where the test clusters live. A cluster on a disk file system (ext4 here) spends about half its CPU in the
// kernel, creating and unlinking the few hundred files that every CREATE DATABASE … TEMPLATE and DROP DATABASE
// write and remove; on a tmpfs the same tests take about a third less CPU in all. The clusters are throwaway
// (fsync off) and small, so memory is the right place for them when there is room.
const (
	shmDir = "/dev/shm"
	// tmpfsMagic is the f_type statfs reports for a tmpfs.
	tmpfsMagic = 0x01021994
	// shmFloor is the room /dev/shm must have left to be used: a test binary's cluster with the databases of
	// its running tests and its WAL (bounded by clusterSettings) stays well under 200 MB, and several test
	// binaries run at once. Below it (Docker gives containers 64 MB) the clusters stay on disk as before.
	shmFloor = 2 << 30
)

// scratchRoot returns the folder to make test clusters in: STORETEST_DIR when set, else /dev/shm when it is a
// tmpfs with room, else the system's temporary folder.
func scratchRoot() string {
	if d := os.Getenv("STORETEST_DIR"); d != "" {
		return d
	}
	var st syscall.Statfs_t
	if err := syscall.Statfs(shmDir, &st); err == nil && int64(st.Type) == tmpfsMagic &&
		st.Bavail*uint64(st.Bsize) >= shmFloor && syscall.Access(shmDir, 2 /* W_OK */) == nil {
		return shmDir
	}
	return os.TempDir()
}

// clusterDir makes an empty folder for a throwaway cluster under scratchRoot, named after pattern and this
// process, that the postgres system user can enter when the tests run as root. It first removes the folders that
// test processes no longer running left behind (a test binary killed by a timeout or by kill -9 cannot clean up),
// as on a tmpfs they would hold memory until the next reboot.
func clusterDir(pattern string) (string, error) {
	root := scratchRoot()
	removeOrphans(root, pattern)
	dir, err := os.MkdirTemp(root, pattern+strconv.Itoa(os.Getpid())+"-")
	if err != nil {
		return "", err
	}
	if os.Geteuid() == 0 {
		// The server runs as the postgres user, which must be able to enter the folder.
		os.Chmod(dir, 0o755)
	}
	return dir, nil
}

// removeOrphans removes root's folders named pattern+PID+"-…" whose process has ended. A process's folders stay
// while it runs, even after a PID is reused by another program: that only delays their removal.
func removeOrphans(root, pattern string) {
	entries, err := os.ReadDir(root)
	if err != nil {
		return
	}
	for _, e := range entries {
		rest, ok := strings.CutPrefix(e.Name(), pattern)
		if !ok || !e.IsDir() {
			continue
		}
		pidText, _, ok := strings.Cut(rest, "-")
		pid, err := strconv.Atoi(pidText)
		if !ok || err != nil || pid <= 0 {
			continue
		}
		if _, err := os.Stat("/proc/" + pidText); err == nil || !os.IsNotExist(err) {
			continue
		}
		os.RemoveAll(filepath.Join(root, e.Name()))
	}
}

// ClusterDir returns an empty folder for a PostgreSQL cluster of t's own (store.StartLocal's Dir, a bot's
// DATA_DIR): on a tmpfs when there is one with room, like the shared test server's, and enterable by the postgres
// user when the tests run as root. It is removed when t ends.
func ClusterDir(t testing.TB) string {
	t.Helper()
	dir, err := clusterDir("gesprekbot-cluster-")
	if err != nil {
		t.Fatalf("cluster folder: %v", err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	return dir
}
