package main

import (
	"strings"
	"testing"
)

// RETENTION_MONTHS: unset is 12; a whole number of at least 1 month is taken; anything else stops the bot at start
// with one line naming the variable (exit code 2).
func TestRetentionMonths(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		value string
		want  int    // 0: refused
		say   string // in the refusal
	}{
		{"", 12, ""},
		{"6", 6, ""},
		{" 24 ", 24, ""},
		{"1", 1, ""},
		{"0", 0, "at least 1 month"},
		{"-3", 0, "at least 1 month"},
		{"zes", 0, "whole number of months"},
		{"1.5", 0, "whole number of months"},
		{"1201", 0, "at most 1200"},
	} {
		t.Run(tt.value, func(t *testing.T) {
			cfg, err := LoadConfig(func(k string) string {
				return map[string]string{"HOME": "/home/x", "RETENTION_MONTHS": tt.value}[k]
			})
			if tt.want > 0 {
				if err != nil || cfg.RetentionMonths != tt.want {
					t.Fatalf("RETENTION_MONTHS=%q: %v, %v; want %d", tt.value, cfg, err, tt.want)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), "RETENTION_MONTHS") || !strings.Contains(err.Error(), tt.say) {
				t.Fatalf("RETENTION_MONTHS=%q: err = %v; want one naming the variable and saying %q", tt.value, err, tt.say)
			}
		})
	}
	t.Run("StartupRefused", func(t *testing.T) {
		env := map[string]string{"DATA_DIR": t.TempDir(), "RETENTION_MONTHS": "0"}
		code, _, stderr := runMain(t, env, "run")
		if code != 2 {
			t.Fatalf("exit code %d, want 2; stderr:\n%s", code, stderr)
		}
		oneLine(t, stderr, "invalid configuration: RETENTION_MONTHS", "at least 1 month")
	})
}
