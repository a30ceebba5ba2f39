package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"time"
)

// An owner is a process that holds leases (a dispatcher), registered with the PostgreSQL session it keeps open:
// while that session's backend is in pg_stat_activity the owner is alive; when the process dies, the kernel closes
// its connection and the backend goes with it, so the others know within moments, instead of after its leases run
// out. The owner also writes seen_at through that session every heartbeat, on the database's clock: work that may
// still be on its way (a post in flight) is taken over only once seen_at is older than an agreed quiet time, by
// which the owner, had it only lost its session, has stopped by itself (it fences itself when its heartbeat fails).
//
// The session is a connection of its own, outside the pool, so that it lives exactly as long as the registration.

// OwnerSession is a registered owner and the database session its liveness is judged by.
type OwnerSession struct {
	name string
	pool *sql.DB // one connection at most: the session

	mu   sync.Mutex
	conn *sql.Conn
}

// liveOwner is the condition, on owners o, that the owner's session is alive. An unprivileged role may not see
// another role's backend_start; the pid alone then counts, which errs on the side of alive.
const liveOwner = `EXISTS (SELECT 1 FROM pg_stat_activity a
	WHERE a.pid = o.backend_pid AND (a.backend_start IS NULL OR a.backend_start = o.backend_start))`

// RegisterOwner opens a session of its own and registers name as alive on it. Close the session when the owner
// stops.
func (db *DB) RegisterOwner(ctx context.Context, name string) (*OwnerSession, error) {
	if db.url == "" {
		return nil, errors.New("register owner: the database was not opened with store.Open")
	}
	pool, err := sql.Open("postgres", db.url)
	if err != nil {
		return nil, fmt.Errorf("register owner %s: %w", name, err)
	}
	pool.SetMaxOpenConns(1)
	pool.SetMaxIdleConns(1)
	// The session must stay the same connection: a pool that recycled it would make the owner look dead.
	pool.SetConnMaxLifetime(0)
	pool.SetConnMaxIdleTime(0)
	s := &OwnerSession{name: name, pool: pool}
	if err := s.register(ctx); err != nil {
		pool.Close()
		return nil, err
	}
	return s, nil
}

// ForgetDeadOwners removes the registrations of owners that died and hold no lease any more, and returns how
// many it removed.
func (db *DB) ForgetDeadOwners(ctx context.Context) (int, error) {
	res, err := db.ExecContext(ctx, `
		DELETE FROM owners o
		WHERE NOT `+liveOwner+`
		  AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.status = 'sending' AND d.lease_owner = o.name)`)
	if err != nil {
		return 0, fmt.Errorf("forget dead owners: %w", FormatError(err))
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("forget dead owners: %w", err)
	}
	return int(n), nil
}

// register takes a connection and records it as the owner's session.
func (s *OwnerSession) register(ctx context.Context) error {
	conn, err := s.pool.Conn(ctx)
	if err != nil {
		return fmt.Errorf("register owner %s: %w", s.name, FormatError(err))
	}
	if _, err := conn.ExecContext(ctx, `
		INSERT INTO owners (name, backend_pid, backend_start, registered_at, seen_at)
		SELECT $1, a.pid, a.backend_start, now(), now() FROM pg_stat_activity a WHERE a.pid = pg_backend_pid()
		ON CONFLICT (name) DO UPDATE SET backend_pid = EXCLUDED.backend_pid, backend_start = EXCLUDED.backend_start,
		                                 seen_at = EXCLUDED.seen_at`,
		s.name); err != nil {
		conn.Close()
		return fmt.Errorf("register owner %s: %w", s.name, FormatError(err))
	}
	s.mu.Lock()
	s.conn = conn
	s.mu.Unlock()
	return nil
}

// Beat records that the owner is alive, through its session. When the session was lost (PostgreSQL restarted, the
// connection was cut) or the registration is gone, it registers again on a new session; an error means the owner
// could not show it is alive.
func (s *OwnerSession) Beat(ctx context.Context) error {
	s.mu.Lock()
	conn := s.conn
	s.mu.Unlock()
	if conn != nil {
		res, err := conn.ExecContext(ctx, `
			UPDATE owners SET seen_at = now() WHERE name = $1 AND backend_pid = pg_backend_pid()`, s.name)
		if err == nil {
			if n, err := res.RowsAffected(); err == nil && n == 1 {
				return nil
			}
		}
		s.mu.Lock()
		s.conn = nil
		s.mu.Unlock()
		conn.Close()
	}
	return s.register(ctx)
}

// Close removes the registration and ends the session. Rows the owner still holds keep their leases: they are
// taken over when those run out.
func (s *OwnerSession) Close(ctx context.Context) error {
	s.mu.Lock()
	conn := s.conn
	s.conn = nil
	s.mu.Unlock()
	var err error
	if conn != nil {
		if _, e := conn.ExecContext(ctx, `DELETE FROM owners WHERE name = $1`, s.name); e != nil {
			err = fmt.Errorf("unregister owner %s: %w", s.name, FormatError(e))
		}
		conn.Close()
	}
	s.pool.Close()
	return err
}

// LiveOwners returns the names of the registered owners whose session is alive, in name order: the replicas that
// share work now (a later rate budget shared between replicas divides by them).
func (db *DB) LiveOwners(ctx context.Context) ([]string, error) {
	var out []string
	if err := db.SelectContext(ctx, &out, `
		SELECT o.name FROM owners o WHERE `+liveOwner+` ORDER BY o.name`); err != nil {
		return nil, fmt.Errorf("live owners: %w", FormatError(err))
	}
	return out, nil
}

// HasOrphans reports whether rows are sending under a registered owner whose session is gone, that self may take
// over now (ClaimOrphaned): a dispatcher asks every heartbeat, so that a replica that died hands its work over
// within seconds rather than at the next minute's tick.
func (db *DB) HasOrphans(ctx context.Context, self string, quiet time.Duration) (bool, error) {
	var found bool
	if err := db.GetContext(ctx, &found, `
		SELECT EXISTS (
			SELECT 1 FROM owners o JOIN deliveries d ON d.lease_owner = o.name AND d.status = 'sending'
			WHERE o.name <> $1 AND NOT `+liveOwner+`
			  AND (d.attempted_at IS NULL OR o.seen_at < now() - make_interval(secs => $2)))`,
		self, quiet.Seconds()); err != nil {
		return false, fmt.Errorf("orphaned deliveries: %w", FormatError(err))
	}
	return found, nil
}
