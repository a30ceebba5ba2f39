module github.com/gesprekbot/gesprekbot

go 1.26.8

require (
	github.com/gorilla/websocket v1.5.3 // indirect
	github.com/jmoiron/sqlx v1.4.0 // indirect
	github.com/lib/pq v1.12.3 // indirect
	github.com/robfig/cron/v3 v3.0.1 // indirect
	github.com/slack-go/slack v0.35.0 // indirect
	gopkg.in/yaml.v3 v3.0.1 // indirect
)
