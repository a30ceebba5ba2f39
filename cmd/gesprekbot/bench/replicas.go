package bench

import (
	"context"
	"fmt"
	"sync"
)

// maxReplicas bounds --replicas: each replica is a whole bot process with its database connections.
const maxReplicas = 10

// startBots runs the bench's bot as --replicas processes, each built by app.New exactly as "gesprekbot run" builds
// it, on the one database and the one fake: they share the deliveries by the dispatcher's claims (leases, FOR
// UPDATE SKIP LOCKED) and Slack's budget by the database's slot book, as the replicas of a deployment do. The
// fan-out kicks every replica's dispatcher at once. stop ends them all.
func (b *bench) startBots(ctx context.Context) (stop func(), err error) {
	var stops []func()
	stop = func() {
		// Together, as a process manager stops a deployment: each waits for its own posts in flight.
		var wg sync.WaitGroup
		for _, s := range stops {
			wg.Go(s)
		}
		wg.Wait()
	}
	for i := range b.o.Replicas {
		if b.o.Replicas > 1 {
			fmt.Fprintf(b.logw, "bench: starting bot replica %d of %d\n", i+1, b.o.Replicas)
		}
		s, err := b.startBot(ctx, i+1)
		if err != nil {
			stop()
			return nil, fmt.Errorf("replica %d: %w", i+1, err)
		}
		stops = append(stops, s)
	}
	return stop, nil
}
