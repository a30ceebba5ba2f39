package main

import (
	"slices"
	"strings"
	"testing"
)

// install is a valid OAuth install configuration in Socket Mode, changed by over ("" removes a variable).
func install(over map[string]string) map[string]string {
	env := map[string]string{"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xapp-1", "SLACK_CLIENT_ID": "123.456",
		"SLACK_CLIENT_SECRET": "s3cr3t", "SLACK_REDIRECT_URL": "https://bot.example.nl/slack/oauth/callback",
		"TOKEN_ENCRYPTION_KEY": "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="}
	for k, v := range over {
		env[k] = v
	}
	return env
}

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
		{"Install", install(nil), "", "socket"},
		{"InstallNoSecret", install(map[string]string{"SLACK_CLIENT_SECRET": ""}), "SLACK_CLIENT_SECRET", ""},
		{"InstallNoRedirect", install(map[string]string{"SLACK_REDIRECT_URL": ""}), "SLACK_REDIRECT_URL", ""},
		{"InstallHTTPRedirect", install(map[string]string{"SLACK_REDIRECT_URL": "http://bot.example.nl/slack/oauth/callback"}), "SLACK_REDIRECT_URL", ""},
		{"InstallLoopbackRedirect", install(map[string]string{"SLACK_REDIRECT_URL": "http://127.0.0.1:8080/slack/oauth/callback"}), "", "socket"},
		{"InstallOtherPath", install(map[string]string{"SLACK_REDIRECT_URL": "https://bot.example.nl/oauth"}), "SLACK_REDIRECT_URL", ""},
		{"InstallNoKey", install(map[string]string{"TOKEN_ENCRYPTION_KEY": ""}), "TOKEN_ENCRYPTION_KEY", ""},
		{"InstallNoBotToken", install(map[string]string{"SLACK_BOT_TOKEN": "", "SLACK_APP_TOKEN": ""}), "SLACK_BOT_TOKEN", ""},
		{"ShortKey", map[string]string{"TOKEN_ENCRYPTION_KEY": "c2hvcnQ="}, "TOKEN_ENCRYPTION_KEY", ""},
		{"KeyNotBase64", map[string]string{"TOKEN_ENCRYPTION_KEY": "xoxb-1 not a key"}, "TOKEN_ENCRYPTION_KEY", ""},
		{"PreviousKey", map[string]string{"TOKEN_ENCRYPTION_KEY": "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=", "TOKEN_ENCRYPTION_KEY_PREVIOUS": "HxwdHh8aGxwdHh8QERITFBUWFxgZGhscHR4fEBESExQ="}, "", "sandbox"},
		{"PreviousKeyAlone", map[string]string{"TOKEN_ENCRYPTION_KEY_PREVIOUS": "HxwdHh8aGxwdHh8QERITFBUWFxgZGhscHR4fEBESExQ="}, "TOKEN_ENCRYPTION_KEY", ""},
		{"PreviousKeySame", map[string]string{"TOKEN_ENCRYPTION_KEY": "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=", "TOKEN_ENCRYPTION_KEY_PREVIOUS": "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="}, "TOKEN_ENCRYPTION_KEY_PREVIOUS", ""},
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
			if strings.Contains(err.Error(), "xoxb-1") || strings.Contains(err.Error(), "xapp-1") ||
				strings.Contains(err.Error(), "s3cr3t") || strings.Contains(err.Error(), "c2hvcnQ") {
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
