package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/lib/pq"
)

// ErrNoPostgres means no PostgreSQL server binaries were found.
var ErrNoPostgres = errors.New("no PostgreSQL server binaries found: install PostgreSQL (e.g. apt-get install postgresql) " +
	"or set PG_BIN to the folder holding initdb and postgres, or set DATABASE_URL to use an existing database")

// LocalOptions configure a private PostgreSQL server.
type LocalOptions struct {
	// Dir holds the cluster (Dir/postgres), its password file and its log. It is created when missing.
	Dir string
	// BinDir is where initdb and postgres live; empty means PATH, then /usr/lib/postgresql/*/bin.
	BinDir string
	// Throwaway trades durability for speed (fsync off); for tests only.
	Throwaway bool
	Logger    *slog.Logger
}

// LocalServer is a private PostgreSQL server started from the installed binaries. Its data survives restarts; the
// server stops when Stop is called, and also when this process dies in any way (the kernel sends it SIGQUIT, an
// immediate shutdown, through the parent-death signal).
type LocalServer struct {
	dir     string
	pgdata  string
	url     string
	pid     int
	exited  chan struct{}
	logger  *slog.Logger
	stopped bool
}

// localUser is the role and database the bot uses on its private server.
const localUser = "gesprekbot"

// StartLocal starts (initialising on first use) a private PostgreSQL server listening on 127.0.0.1 only.
func StartLocal(ctx context.Context, opts LocalOptions) (*LocalServer, error) {
	logger := opts.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	bin, err := FindPostgres(opts.BinDir)
	if err != nil {
		return nil, err
	}
	cred, err := serverCredential()
	if err != nil {
		return nil, err
	}
	dir, err := filepath.Abs(opts.Dir)
	if err != nil {
		return nil, fmt.Errorf("data directory: %w", err)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("create data directory: %w", err)
	}
	s := &LocalServer{dir: dir, pgdata: filepath.Join(dir, "postgres"), exited: make(chan struct{}), logger: logger}
	if cred != nil {
		if err := reachableBy(dir, cred); err != nil {
			return nil, err
		}
	}
	password, err := s.initCluster(ctx, bin, cred, opts.Throwaway)
	if err != nil {
		return nil, err
	}
	if err := s.clearStalePid(); err != nil {
		return nil, err
	}
	// The port is found by binding and releasing it, so another process can take it before the server does; a
	// server that exits while starting is tried again on another port.
	for attempt := 1; ; attempt++ {
		port, err := freePort()
		if err != nil {
			return nil, err
		}
		s.exited, s.stopped = make(chan struct{}), false
		if err := s.startServer(bin, cred, port, opts.Throwaway); err != nil {
			return nil, err
		}
		s.url = (&url.URL{
			Scheme:   "postgres",
			User:     url.UserPassword(localUser, password),
			Host:     net.JoinHostPort("127.0.0.1", strconv.Itoa(port)),
			Path:     "/" + localUser,
			RawQuery: "sslmode=disable",
		}).String()
		err = s.waitReady(ctx)
		if err == nil {
			return s, nil
		}
		exitedEarly := false
		select {
		case <-s.exited:
			exitedEarly = true
		default:
		}
		s.Stop(context.Background())
		if !exitedEarly || attempt == 3 {
			return nil, err
		}
		s.logger.Warn("private postgres exited while starting; trying another port", slog.Int("port", port))
		if err := s.clearStalePid(); err != nil {
			return nil, err
		}
	}
}

// URL is the connection URL of the bot's database on this server. It holds a password: never log it.
func (s *LocalServer) URL() string { return s.url }

// DataDir is the cluster's directory.
func (s *LocalServer) DataDir() string { return s.pgdata }

// PID is the server's process id.
func (s *LocalServer) PID() int { return s.pid }

// Stop shuts the server down: a fast shutdown, then an immediate one if it has not ended by ctx's deadline (or
// after 15 s), then a kill.
func (s *LocalServer) Stop(ctx context.Context) error {
	if s == nil || s.stopped || s.pid == 0 {
		return nil
	}
	s.stopped = true
	select {
	case <-s.exited:
		return nil // already gone; its pid may belong to another process by now
	default:
	}
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, 15*time.Second)
		defer cancel()
	}
	syscall.Kill(s.pid, syscall.SIGINT) // fast shutdown: ends sessions, checkpoints, exits
	select {
	case <-s.exited:
		return nil
	case <-ctx.Done():
	}
	syscall.Kill(s.pid, syscall.SIGQUIT) // immediate shutdown
	select {
	case <-s.exited:
		return nil
	case <-time.After(5 * time.Second):
	}
	syscall.Kill(s.pid, syscall.SIGKILL)
	<-s.exited
	return fmt.Errorf("stop postgres: it did not shut down in time and was killed")
}

// FindPostgres returns the folder holding initdb and postgres: binDir if given, then PATH, then the newest
// /usr/lib/postgresql/*/bin.
func FindPostgres(binDir string) (string, error) {
	has := func(d string) bool {
		for _, name := range []string{"initdb", "postgres"} {
			if fi, err := os.Stat(filepath.Join(d, name)); err != nil || fi.IsDir() || fi.Mode()&0o111 == 0 {
				return false
			}
		}
		return true
	}
	if binDir != "" {
		if !has(binDir) {
			return "", fmt.Errorf("PG_BIN=%s does not hold initdb and postgres: %w", binDir, ErrNoPostgres)
		}
		return binDir, nil
	}
	if p, err := exec.LookPath("postgres"); err == nil {
		if real, err := filepath.EvalSymlinks(p); err == nil && has(filepath.Dir(real)) {
			return filepath.Dir(real), nil
		}
		if has(filepath.Dir(p)) {
			return filepath.Dir(p), nil
		}
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool { return pgVersion(dirs[i]) > pgVersion(dirs[j]) })
	for _, d := range dirs {
		if has(d) {
			return d, nil
		}
	}
	return "", ErrNoPostgres
}

func pgVersion(binDir string) float64 {
	v, _ := strconv.ParseFloat(filepath.Base(filepath.Dir(binDir)), 64)
	return v
}

// serverCredential returns the postgres system user's credential when running as root (initdb and postgres
// refuse to run as root), or nil to run as ourselves.
func serverCredential() (*syscall.Credential, error) {
	if os.Geteuid() != 0 {
		return nil, nil
	}
	u, err := user.Lookup("postgres")
	if err != nil {
		return nil, fmt.Errorf("running as root, the private PostgreSQL must run as the 'postgres' system user, "+
			"which does not exist (%v): create it, run as a normal user, or set DATABASE_URL", err)
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid), NoSetGroups: true}, nil
}

// reachableBy checks that the server's user can reach dir: every folder above it must let others pass.
func reachableBy(dir string, cred *syscall.Credential) error {
	for d := filepath.Dir(dir); ; d = filepath.Dir(d) {
		fi, err := os.Stat(d)
		if err != nil {
			return fmt.Errorf("data directory: %w", err)
		}
		st := fi.Sys().(*syscall.Stat_t)
		ok := fi.Mode()&0o001 != 0 || st.Uid == cred.Uid || (st.Gid == cred.Gid && fi.Mode()&0o010 != 0)
		if !ok {
			return fmt.Errorf("DATA_DIR %s is inside %s, which the postgres system user cannot enter; "+
				"as root choose a DATA_DIR outside it (the default is /var/lib/gesprekbot)", dir, d)
		}
		if d == "/" {
			return nil
		}
	}
}

// initCluster creates the cluster on first use and returns the bot role's password. A throwaway cluster is not
// synced to disk, which on a busy machine saves a good part of initdb's seconds.
func (s *LocalServer) initCluster(ctx context.Context, bin string, cred *syscall.Credential, throwaway bool) (string, error) {
	pwPath := filepath.Join(s.dir, "postgres.pw")
	if _, err := os.Stat(filepath.Join(s.pgdata, "PG_VERSION")); err == nil {
		b, err := os.ReadFile(pwPath)
		if err != nil {
			return "", fmt.Errorf("the private database in %s has lost its password file %s (%v); "+
				"restore it, or remove %s to start with an empty database", s.pgdata, pwPath, err, s.pgdata)
		}
		return strings.TrimSpace(string(b)), nil
	}
	// A folder without PG_VERSION is what an interrupted initdb leaves behind: start over.
	if err := os.RemoveAll(s.pgdata); err != nil {
		return "", fmt.Errorf("remove unfinished cluster: %w", err)
	}
	if err := os.Mkdir(s.pgdata, 0o700); err != nil {
		return "", fmt.Errorf("create cluster folder: %w", err)
	}
	raw := make([]byte, 18)
	rand.Read(raw)
	password := hex.EncodeToString(raw)
	// initdb reads the password from a file, which must be readable by the server's user.
	pwTmp := filepath.Join(s.pgdata, "..", ".initdb.pw")
	if err := os.WriteFile(pwTmp, []byte(password+"\n"), 0o600); err != nil {
		return "", fmt.Errorf("write password: %w", err)
	}
	defer os.Remove(pwTmp)
	if cred != nil {
		for _, p := range []string{s.dir, s.pgdata, pwTmp} {
			if err := os.Chown(p, int(cred.Uid), int(cred.Gid)); err != nil {
				return "", fmt.Errorf("hand %s to the postgres user: %w", p, err)
			}
		}
	}
	args := []string{"-D", s.pgdata, "-U", localUser, "--pwfile", pwTmp, "--auth", "scram-sha-256",
		"--encoding", "UTF8", "--locale", "C", "--no-instructions"}
	if throwaway {
		args = append(args, "--no-sync")
	}
	cmd := exec.CommandContext(ctx, filepath.Join(bin, "initdb"), args...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred, Setpgid: true}
	cmd.Dir = "/"
	if out, err := cmd.CombinedOutput(); err != nil {
		os.RemoveAll(s.pgdata)
		return "", fmt.Errorf("initdb: %w\n%s", err, strings.TrimSpace(string(out)))
	}
	if err := os.WriteFile(pwPath, []byte(password+"\n"), 0o600); err != nil {
		return "", fmt.Errorf("save password: %w", err)
	}
	s.logger.Info("private postgres initialised", slog.String("data_dir", s.pgdata))
	return password, nil
}

// clearStalePid removes a postmaster.pid left by a server that no longer runs. Postgres itself refuses to start
// when the pid in it belongs to any live process, which after a crash and a reboot can be an unrelated one.
func (s *LocalServer) clearStalePid() error {
	pidFile := filepath.Join(s.pgdata, "postmaster.pid")
	b, err := os.ReadFile(pidFile)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	} else if err != nil {
		return fmt.Errorf("read postmaster.pid: %w", err)
	}
	first, _, _ := strings.Cut(string(b), "\n")
	pid, _ := strconv.Atoi(strings.TrimSpace(first))
	if pid > 0 && isPostgresOn(pid, s.pgdata) {
		return fmt.Errorf("another PostgreSQL server (pid %d) is running on %s: is another gesprekbot using the same DATA_DIR?", pid, s.pgdata)
	}
	s.logger.Info("removing stale postmaster.pid", slog.Int("pid", pid))
	if err := os.Remove(pidFile); err != nil {
		return fmt.Errorf("remove stale postmaster.pid: %w", err)
	}
	return nil
}

func isPostgresOn(pid int, pgdata string) bool {
	cmdline, err := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
	if err != nil {
		return false
	}
	args := strings.Split(string(cmdline), "\x00")
	return len(args) > 0 && filepath.Base(args[0]) == "postgres" && strings.Contains(string(cmdline), pgdata)
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("find a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

func (s *LocalServer) startServer(bin string, cred *syscall.Credential, port int, throwaway bool) error {
	logPath := filepath.Join(s.dir, "postgres.log")
	logFile, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return fmt.Errorf("open postgres log: %w", err)
	}
	args := []string{"-D", s.pgdata, "-p", strconv.Itoa(port),
		"-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories=", "-c", "max_connections=200"}
	if throwaway {
		args = append(args, "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off")
	}
	cmd := exec.Command(filepath.Join(bin, "postgres"), args...)
	cmd.Dir = "/"
	cmd.Stdout, cmd.Stderr = logFile, logFile
	cmd.SysProcAttr = &syscall.SysProcAttr{
		Credential: cred,
		// Its own process group keeps a terminal's Ctrl-C away from it: the bot stops it last, in order.
		Setpgid: true,
		// If the bot dies, even by SIGKILL, the kernel tells the server to shut down at once.
		Pdeathsig: syscall.SIGQUIT,
	}
	// The parent-death signal fires when the thread that started the child exits, so start and wait for it on
	// one locked thread that lives as long as the server.
	started := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		defer logFile.Close()
		if err := cmd.Start(); err != nil {
			started <- err
			return
		}
		s.pid = cmd.Process.Pid
		started <- nil
		cmd.Wait()
		close(s.exited)
	}()
	if err := <-started; err != nil {
		return fmt.Errorf("start postgres: %w", err)
	}
	s.logger.Info("private postgres started", slog.Int("pid", s.pid), slog.Int("port", port), slog.String("log", logPath))
	return nil
}

// waitReady waits until the server accepts connections, then creates the bot's database on first use.
func (s *LocalServer) waitReady(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	u, _ := url.Parse(s.url)
	u.Path = "/postgres"
	for {
		db, err := sql.Open("postgres", u.String())
		if err == nil {
			err = db.PingContext(ctx)
			if err == nil {
				err = createDatabase(ctx, db, localUser)
				db.Close()
				return err
			}
			db.Close()
		}
		select {
		case <-s.exited:
			return fmt.Errorf("postgres exited while starting; see %s", filepath.Join(s.dir, "postgres.log"))
		case <-ctx.Done():
			return fmt.Errorf("postgres did not become ready: %w (see %s)", err, filepath.Join(s.dir, "postgres.log"))
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// createDatabase creates the database name unless it exists.
func createDatabase(ctx context.Context, db *sql.DB, name string) error {
	var n int
	if err := db.QueryRowContext(ctx, `SELECT count(*) FROM pg_database WHERE datname = $1`, name).Scan(&n); err != nil {
		return fmt.Errorf("look up database %s: %w", name, err)
	}
	if n > 0 {
		return nil
	}
	if _, err := db.ExecContext(ctx, `CREATE DATABASE `+pq.QuoteIdentifier(name)); err != nil {
		return fmt.Errorf("create database %s: %w", name, err)
	}
	return nil
}
