package storetest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"

	"github.com/gesprekbot/gesprekbot/store"
)

// seedVersion changes when what a seed cluster holds changes, so that older seeds are not used.
const seedVersion = "1"

// seedCluster returns a folder holding an initialised, cleanly stopped throwaway cluster (what store.StartLocal
// leaves in its Dir), made once per machine, user and PostgreSQL binaries and shared by every test binary after:
// initdb takes seconds on a busy machine, copying its result a fraction of that. It returns "" when no seed can be
// made; the caller then starts from an empty folder as before. The seed holds no schema of ours (migrations differ
// between branches): each test binary migrates its own template.
func seedCluster(ctx context.Context) string {
	bin, err := store.FindPostgres(os.Getenv("PG_BIN"))
	if err != nil {
		return ""
	}
	sum := sha256.Sum256([]byte(seedVersion + "\x00" + bin))
	seed := filepath.Join(os.TempDir(), fmt.Sprintf("gesprekbot-pgseed-%d-%s", os.Geteuid(), hex.EncodeToString(sum[:6])))
	if _, err := os.Stat(filepath.Join(seed, "postgres", "PG_VERSION")); err == nil {
		return seed
	}
	// Built aside and renamed into place, so that a seed that exists is complete; when two test binaries build one
	// at once, the first rename wins and the other's is removed.
	build, err := os.MkdirTemp(os.TempDir(), "gesprekbot-pgseed-build-")
	if err != nil {
		return ""
	}
	defer os.RemoveAll(build)
	if os.Geteuid() == 0 {
		os.Chmod(build, 0o755) // the server runs as the postgres user
	}
	srv, err := store.StartLocal(ctx, store.LocalOptions{Dir: build, BinDir: os.Getenv("PG_BIN"), Throwaway: true})
	if err != nil {
		return ""
	}
	if err := srv.Stop(ctx); err != nil {
		return ""
	}
	os.Remove(filepath.Join(build, "postgres.log"))
	if err := os.Rename(build, seed); err != nil {
		if _, serr := os.Stat(filepath.Join(seed, "postgres", "PG_VERSION")); serr == nil {
			return seed
		}
		return ""
	}
	return seed
}

// fromSeed fills the empty folder dir with a copy of the seed cluster, keeping owners and modes (the cluster
// belongs to the postgres user when the tests run as root). It reports whether it did.
func fromSeed(ctx context.Context, dir string) bool {
	seed := seedCluster(ctx)
	if seed == "" {
		return false
	}
	if out, err := exec.CommandContext(ctx, "cp", "-a", seed+"/.", dir).CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "storetest: copy the seed cluster %s: %v: %s; starting from scratch\n", seed, err, out)
		emptyDir(dir)
		return false
	}
	conf := filepath.Join(dir, "postgres", "postgresql.auto.conf")
	if err := os.WriteFile(conf, []byte(clusterSettings), 0o600); err != nil {
		fmt.Fprintf(os.Stderr, "storetest: write %s: %v; starting from scratch\n", conf, err)
		emptyDir(dir)
		return false
	}
	if os.Geteuid() == 0 {
		// Owned like the rest of the cluster: the server (the postgres user) reads it.
		if fi, err := os.Stat(filepath.Join(dir, "postgres")); err == nil {
			if st, ok := fi.Sys().(*syscall.Stat_t); ok {
				os.Chown(conf, int(st.Uid), int(st.Gid))
			}
		}
	}
	return true
}

// clusterSettings are the settings of every test cluster copied from the seed, on top of store.StartLocal's
// throwaway ones (fsync, synchronous_commit and full_page_writes off), measured on the handlers tests (see the
// README's "Tests" section):
//   - max_wal_size bounds the WAL: every CREATE DATABASE … TEMPLATE writes the template's 9 MB to it, and with
//     the default 1 GB between checkpoints a cluster on a tmpfs (scratch.go) would hold a gigabyte of memory.
const clusterSettings = `# written by storetest (seed.go): a throwaway test cluster
max_wal_size = '96MB'
min_wal_size = '32MB'
`

// emptyDir removes what is in dir, keeping dir itself.
func emptyDir(dir string) {
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		os.RemoveAll(filepath.Join(dir, e.Name()))
	}
}
