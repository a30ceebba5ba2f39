package main

import (
	"slices"
	"strings"
	"testing"
)

func TestLoadConfig(t *testing.T) {
	t.Parallel()
	base := map[string]string{"HOME": "/home/trainer", "DATA_DIR": "/tmp/gesprekbot"}
	tests := []struct {
		name    string
		env     map[string]string
		wantVar string // "" = valid
		mode    string
	}{
		{"Defaults", nil, "", "sandbox"},
		{"SocketMode", map[string]string{"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xapp-1"}, "", "socket"},
		{"HTTPMode", map[string]string{"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s"}, "", "http"},
		{"BadBotToken", map[string]string{"SLACK_BOT_TOKEN": "xoxp-1", "SLACK_APP_TOKEN": "xapp-1"}, "SLACK_BOT_TOKEN", ""},
		{"BadAppToken", map[string]string{"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xoxb-2"}, "SLACK_APP_TOKEN", ""},
		{"AppTokenAlone", map[string]string{"SLACK_APP_TOKEN": "xapp-1"}, "SLACK_BOT_TOKEN", ""},
		{"BotTokenAlone", map[string]string{"SLACK_BOT_TOKEN": "xoxb-1"}, "SLACK_APP_TOKEN", ""},
		{"BadDatabaseURL", map[string]string{"DATABASE_URL": "mysql://x"}, "DATABASE_URL", ""},
		{"BadAPIURL", map[string]string{"SLACK_API_URL": "http://127.0.0.1:9/api"}, "SLACK_API_URL", ""},
		{"BadHTTPAddr", map[string]string{"HTTP_ADDR": "8080"}, "HTTP_ADDR", ""},
		{"AllInterfacesImplicit", map[string]string{"HTTP_ADDR": ":8080"}, "HTTP_ADDR", ""},
		{"BadTZ", map[string]string{"COURSE_TZ": "Europe/Utrecht"}, "COURSE_TZ", ""},
		{"BadLogFormat", map[string]string{"LOG_FORMAT": "xml"}, "LOG_FORMAT", ""},
		{"BadLogLevel", map[string]string{"LOG_LEVEL": "loud"}, "LOG_LEVEL", ""},
		{"TrainingCreators", map[string]string{"TRAINING_CREATORS": "U0TRAINER1, trainer@gemeente.nl W0ENTERPRISE"}, "", "sandbox"},
		{"BadTrainingCreator", map[string]string{"TRAINING_CREATORS": "U0TRAINER1,@marieke"}, "TRAINING_CREATORS", ""},
		{"LowerCaseUserID", map[string]string{"TRAINING_CREATORS": "u0trainer1"}, "TRAINING_CREATORS", ""},
		{"QualifiedCreators", map[string]string{"TRAINING_CREATORS": "U0TRAINER1 T0ZUID0001:U0PIET01,T0ZUID0001:piet@zuid.nl"}, "", "sandbox"},
		{"BadCreatorTeam", map[string]string{"TRAINING_CREATORS": "zuid:U0PIET01"}, "TRAINING_CREATORS", ""},
		{"BadQualifiedCreator", map[string]string{"TRAINING_CREATORS": "T0ZUID0001:piet"}, "TRAINING_CREATORS", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := map[string]string{}
			for k, v := range base {
				env[k] = v
			}
			for k, v := range tt.env {
				env[k] = v
			}
			c, err := LoadConfig(func(k string) string { return env[k] })
			if tt.wantVar == "" {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				if c.SlackMode() != tt.mode {
					t.Fatalf("mode %q, want %q", c.SlackMode(), tt.mode)
				}
				return
			}
			ce, ok := err.(*ConfigError)
			if !ok || ce.Var != tt.wantVar {
				t.Fatalf("error %v, want one naming %s", err, tt.wantVar)
			}
			if strings.Contains(err.Error(), "xoxb-1") || strings.Contains(err.Error(), "xapp-1") {
				t.Fatalf("error repeats a token: %v", err)
			}
		})
	}
}

func TestTrainingCreators(t *testing.T) {
	t.Parallel()
	env := map[string]string{"HOME": "/home/x", "TRAINING_CREATORS": " U0TRAINER1,trainer@gemeente.nl\tW0ENTERPRISE,,U0TRAINER1 "}
	c, err := LoadConfig(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"U0TRAINER1", "trainer@gemeente.nl", "W0ENTERPRISE"}; !slices.Equal(c.TrainingCreators, want) {
		t.Errorf("TrainingCreators = %q, want %q", c.TrainingCreators, want)
	}
	env["TRAINING_CREATORS"] = "U0TRAINER1 Marieke"
	_, err = LoadConfig(func(k string) string { return env[k] })
	if err == nil || !strings.Contains(err.Error(), "TRAINING_CREATORS") || !strings.Contains(err.Error(), `"Marieke"`) {
		t.Errorf("err = %v, want one naming TRAINING_CREATORS and the bad entry", err)
	}
}

func TestLoadConfigDefaults(t *testing.T) {
	t.Parallel()
	c, err := LoadConfig(func(k string) string { return map[string]string{"HOME": "/home/x"}[k] })
	if err != nil {
		t.Fatal(err)
	}
	if c.HTTPAddr != "127.0.0.1:8080" || c.CourseTZ.String() != "Europe/Amsterdam" || c.SlackAPIURL != "https://slack.com/api/" {
		t.Fatalf("defaults: %+v", c)
	}
	if c.DataDir == "" {
		t.Fatal("no default data directory")
	}
}
