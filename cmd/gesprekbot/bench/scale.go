package bench

import (
	"errors"
	"math"
)

// workspace is one workspace of the fake that the bench seeds and fans out to: its cohorts are b.people[first:end],
// b.chans[first:end] and b.ids[first:end]. Each workspace has its own rate limits at the flags' values, as Slack
// counts them per workspace, so the workspaces of a fan-out run in parallel.
type workspace struct {
	team        string // team ID; the first workspace is the fake's default one (SLACK_BOT_TOKEN's)
	bot         string // the app's bot user in the workspace
	trainer     string // the user ID of the workspace's trainer
	first, end  int    // its cohorts' indexes in the bench's cohort slices
	participant int    // participants seeded in it
}

// spaceOf is the workspace of cohort number ci.
func (b *bench) spaceOf(ci int) workspace {
	for _, w := range b.spaces {
		if ci >= w.first && ci < w.end {
			return w
		}
	}
	return workspace{}
}

// spread divides total over parts as evenly as it goes, the first ones taking the remainder: how many cohorts
// each workspace gets, and how many participants each cohort.
func spread(total, parts int) []int {
	out := make([]int, parts)
	for i := range out {
		out[i] = total / parts
		if i < total%parts {
			out[i]++
		}
	}
	return out
}

// checkWorkspaces validates --workspaces against the other flags.
func checkWorkspaces(o options) error {
	switch {
	case o.Workspaces < 1 || o.Workspaces > 100:
		return errors.New("--workspaces must be between 1 and 100")
	case o.Workspaces > o.Cohorts:
		return errors.New("--workspaces must be at most --cohorts: each workspace needs a cohort")
	}
	return nil
}

// workspaceLoad is one workspace's share of a fan-out: its messages in all, and per cohort channel.
type workspaceLoad struct {
	total      int
	perChannel []int
}

// fanoutFloorWorkspaces is the fan-out's floor when each workspace is paced at its own limits and they all send at
// once: the floor of the slowest workspace (fanoutFloor of its own messages).
func fanoutFloorWorkspaces(loads []workspaceLoad, o options) float64 {
	floor := 0.0
	for _, l := range loads {
		floor = math.Max(floor, fanoutFloor(l.total, l.perChannel, o))
	}
	return floor
}
