package bench

import (
	"strings"
	"testing"
	"time"
)

func TestParseBenchFlags(t *testing.T) {
	for _, tt := range []struct {
		name string
		args []string
		want string // error text; "" for none
	}{
		{"Defaults", nil, ""},
		{"All", []string{"--participants", "10", "--cohorts", "2", "--rate", "5", "--duration", "2s", "--format", "json"}, ""},
		{"MoreCohortsThanPeople", []string{"--participants", "2", "--cohorts", "3"}, "--cohorts"},
		{"NoRate", []string{"--rate", "0"}, "--rate"},
		{"BadDuration", []string{"--duration", "soon"}, "invalid value"},
		{"BadFormat", []string{"--format", "xml"}, "--format"},
		{"Replicas", []string{"--replicas", "3"}, ""},
		{"NoReplicas", []string{"--replicas", "0"}, "--replicas"},
		{"TooManyReplicas", []string{"--replicas", "11"}, "--replicas"},
		{"NothingToMeasure", []string{"--skip-acks", "--skip-fanout"}, "nothing to measure"},
		{"Argument", []string{"now"}, "unexpected argument"},
		{"NoWorkspace", []string{"--workspaces", "0"}, "--workspaces"},
		{"MoreWorkspacesThanCohorts", []string{"--cohorts", "4", "--workspaces", "5"}, "--workspaces"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			o, err := parseFlags(tt.args)
			switch {
			case tt.want == "" && err != nil:
				t.Fatalf("error %v", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Fatalf("error %v, want one about %s", err, tt.want)
			}
			if tt.name == "Defaults" && (o.Participants != 1000 || o.Cohorts != 50 || o.Rate != 200 ||
				o.Duration != 30*time.Second || o.Format != "text" || o.Workspaces != 1 || o.Replicas != 1) {
				t.Errorf("defaults %+v, want the issue's targets: 1,000 participants, 50 cohorts, 200/s for 30 s", o)
			}
		})
	}
}

func TestFanoutFloor(t *testing.T) {
	o := options{WorkspaceRate: 50, WorkspaceBurst: 10, ChannelRate: 1, ChannelBurst: 3}
	for _, tt := range []struct {
		name       string
		total      int
		perChannel []int
		want       float64
	}{
		{"WorkspaceBinds", 1050, []int{1, 1, 1}, (1050 - 10) / 50.0},
		{"ChannelBinds", 30, []int{30}, 27},
		{"WithinTheBursts", 3, []int{3}, 0},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := fanoutFloor(tt.total, tt.perChannel, o); got != tt.want {
				t.Errorf("floor %g s, want %g s", got, tt.want)
			}
		})
	}
}

// TestFanoutFloorWorkspaces: workspaces are paced each at its own limits and send at once, so the floor is the
// slowest workspace's, not that of all messages through one workspace's limit.
func TestFanoutFloorWorkspaces(t *testing.T) {
	o := options{WorkspaceRate: 50, WorkspaceBurst: 10, ChannelRate: 1, ChannelBurst: 3}
	for _, tt := range []struct {
		name  string
		loads []workspaceLoad
		want  float64
	}{
		{"One", []workspaceLoad{{1050, []int{1, 1}}}, (1050 - 10) / 50.0},
		{"TwoEven", []workspaceLoad{{525, []int{1}}, {525, []int{1}}}, (525 - 10) / 50.0},
		{"SlowestBinds", []workspaceLoad{{110, []int{1}}, {1010, []int{1}}, {60, []int{1}}}, (1010 - 10) / 50.0},
		{"ChannelInOneBinds", []workspaceLoad{{20, []int{1}}, {30, []int{30}}}, 27},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := fanoutFloorWorkspaces(tt.loads, o); got != tt.want {
				t.Errorf("floor %g s, want %g s", got, tt.want)
			}
		})
	}
}

func TestSpread(t *testing.T) {
	for _, tt := range []struct {
		total, parts int
		want         []int
	}{
		{10000, 50, nil}, // 200 each
		{10, 3, []int{4, 3, 3}},
		{50, 20, []int{3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2}},
	} {
		got := spread(tt.total, tt.parts)
		sum := 0
		for i, n := range got {
			sum += n
			if tt.want != nil && n != tt.want[i] {
				t.Errorf("spread(%d, %d) = %v, want %v", tt.total, tt.parts, got, tt.want)
				break
			}
			if tt.want == nil && n != tt.total/tt.parts {
				t.Errorf("spread(%d, %d) = %v, want %d each", tt.total, tt.parts, got, tt.total/tt.parts)
				break
			}
		}
		if len(got) != tt.parts || sum != tt.total {
			t.Errorf("spread(%d, %d) = %v: %d parts summing to %d", tt.total, tt.parts, got, len(got), sum)
		}
	}
}

func TestQuantile(t *testing.T) {
	var d []time.Duration
	for i := 1; i <= 100; i++ {
		d = append(d, time.Duration(i)*time.Millisecond)
	}
	if p50, p99 := quantileMS(d, 0.5), quantileMS(d, 0.99); p50 != 50 || p99 != 99 {
		t.Errorf("p50 %g, p99 %g; want 50 and 99", p50, p99)
	}
	if quantileMS(nil, 0.99) != 0 {
		t.Error("quantile of nothing is not 0")
	}
}
