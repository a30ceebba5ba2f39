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
				o.Duration != 30*time.Second || o.Format != "text" || o.Replicas != 1) {
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
