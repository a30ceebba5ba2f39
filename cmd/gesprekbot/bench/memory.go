package bench

import (
	"fmt"
	"math"
	"os"
	"strconv"
	"strings"
)

// peakRSSMB returns the kernel's peak resident set size of the bot's process (VmHWM in /proc/<pid>/status) in MiB,
// or 0 where /proc is not available. The bot runs in a process of its own, so neither the fake Slack nor the load
// generator is counted; neither is PostgreSQL.
func peakRSSMB(pid int) float64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, err := strconv.ParseFloat(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 64)
			if err != nil {
				return 0
			}
			return math.Round(kb/1024*10) / 10
		}
	}
	return 0
}
