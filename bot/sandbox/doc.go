// Package sandbox is the whole bot in a browser, with no Slack and no settings: when no Slack tokens are set, the
// bare `gesprekbot` command starts the in-repo Slack fake (bot/slackfake), connects the bot to it over Socket Mode
// — the same code path as real Slack — and serves this package's page and JSON API on HTTP_ADDR (127.0.0.1 unless
// HTTP_ADDR names another loopback address). cmd/gesprekbot enforces where it may run: never with Slack tokens,
// never from `gesprekbot run` (what deployments use), never on an address other machines reach, never on a
// database a real workspace has used (store/world.go).
//
// It has no accounts, so every request must come from this machine's browser or scripts and carry the token made
// at this start (guard.go): the bot prints the URL with it (http://127.0.0.1:8080/?token=…), the page keeps it in
// a SameSite=Strict cookie, scripts send "Authorization: Bearer …". Requests at another Host name, from another
// origin, or (for the API's writes) not JSON are refused.
//
// The page shows the demo cohort's channel, each demo user's direct messages with the bot and their App Home,
// rendered from Block Kit; its buttons, selects, modals and slash-command box act as the chosen demo user through
// the fake, exactly as Slack would deliver them. A clock panel lists the next planned deliveries and moves the
// bot's injected clock (Clock), after which the dispatcher runs, so a whole course can be walked through in
// minutes. Everything is served from the binary (go:embed); the page loads nothing from the network.
//
// State survives a restart: the demo workspace is re-created with the same IDs on every start, the clock's
// offset from real time and a copy of every conversation, App Home view and uploaded file are kept in Postgres
// (store/sandbox.go) and loaded back into the fake before the bot connects.
//
// Wiring, in cmd/gesprekbot/app (app.New, sandbox mode only):
//
//	clock, _ := sandbox.LoadClock(ctx, db)             // the persisted simulated time
//	db = db.WithNow(clock.Now)                          // the same clock for the store, handlers, dispatcher and fake
//	fake := slackfake.New(slackfake.Options{Now: clock.Now})
//	sb := sandbox.New(sandbox.Options{Fake: fake, Clock: clock, Store: db, Course: course, Tick: ..., Log: log})
//	_ = sb.Start(ctx)                                   // before the bot connects and the dispatcher runs
//	mux.Handle("/", sb.Handler())                      // guarded; print sb.URL(addr) for the user to open
//	defer sb.Close()
//
// The JSON scripting API (documented in the README) is what the page itself uses:
//
//	GET  /sandbox/api/state                     now, users, conversations
//	GET  /sandbox/api/messages?conversation=ID  messages (add &user=ID for that user's ephemeral messages)
//	POST /sandbox/api/command                   {"user","conversation","command","text"} -> {"ack_ms","response"}
//	POST /sandbox/api/action                    {"user","conversation","ts","action_id","value"} -> {"ack_ms"}
//	                                            (or {"user","view_id","action_id","value"} in a modal or App Home)
//	GET  /sandbox/api/views?user=ID             open modals and the App Home view, each with its view_id
//	POST /sandbox/api/views/submit              {"user","view_id","values":{block_id:{action_id:value}}}
//	POST /sandbox/api/views/close               {"user","view_id"}
//	POST /sandbox/api/home                      {"user"}: the user opens the App Home tab
//	GET  /sandbox/api/clock                     now and the next planned deliveries
//	POST /sandbox/api/clock                     {"advance":"36h"} | {"to":RFC3339} | {"next":true} -> {"now","delivered"}
//
// Every request needs the token (cookie or Authorization: Bearer); POSTs need Content-Type: application/json.
// Bad requests get a 4xx answer with {"error": "..."} saying what is wrong.
package sandbox
