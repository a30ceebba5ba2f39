package storetest

import (
	"context"
	"io"
	"net"
	"net/url"
	"os"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gesprekbot/gesprekbot/store"
)

// Restartable is a PostgreSQL server of the test's own (the bot's default set-up, fsync off), reached through an
// address that stays the same when the server is stopped and started again on another port, as behind a service
// address. Fault tests use it to take the database away and bring it back.
type Restartable struct {
	t      testing.TB
	dir    string
	srv    atomic.Pointer[store.LocalServer]
	ln     net.Listener
	target atomic.Value // the server's current host:port
	url    string
}

// NewRestartable starts the server; it and the stable address are removed when the test ends.
func NewRestartable(t testing.TB) *Restartable {
	t.Helper()
	dir, err := clusterDir("gesprekbot-restartable-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	fromSeed(context.Background(), dir)
	r := &Restartable{t: t, dir: dir}
	if r.ln, err = net.Listen("tcp", "127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.ln.Close() })
	go r.accept()
	r.Start()
	t.Cleanup(func() { r.Stop() })
	return r
}

// URL is the bot's database on the server, through the stable address.
func (r *Restartable) URL() string { return r.url }

// Start starts the server (again), on the same data, and points the stable address at it.
func (r *Restartable) Start() {
	r.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	srv, err := store.StartLocal(ctx, store.LocalOptions{Dir: r.dir, BinDir: os.Getenv("PG_BIN"), Throwaway: true})
	if err != nil {
		r.t.Fatalf("start postgres: %v", err)
	}
	u, err := url.Parse(srv.URL())
	if err != nil {
		r.t.Fatal(err)
	}
	r.srv.Store(srv)
	r.target.Store(u.Host)
	u.Host = r.ln.Addr().String()
	r.url = u.String()
}

// Stop shuts the server down; connections through the stable address fail until Start. It may be called from
// any goroutine.
func (r *Restartable) Stop() error {
	return r.srv.Load().Stop(context.Background())
}

func (r *Restartable) accept() {
	for {
		c, err := r.ln.Accept()
		if err != nil {
			return
		}
		go func() {
			defer c.Close()
			up, err := net.DialTimeout("tcp", r.target.Load().(string), 2*time.Second)
			if err != nil {
				return
			}
			defer up.Close()
			done := make(chan struct{}, 2)
			go func() { io.Copy(up, c); done <- struct{}{} }()
			go func() { io.Copy(c, up); done <- struct{}{} }()
			<-done
		}()
	}
}
