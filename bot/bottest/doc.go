// Package bottest is the tests' one world: the bot as app.New builds it (every product handler, the Poster, the
// inbound side, the dispatcher) on a fresh database, connected to a fresh Slack fake over Socket Mode or HTTP
// mode, with one test clock (Clock) that the store, the handlers and the dispatcher read. Helpers add people and
// channels, type a slash command, click a button, submit a modal, open the App Home and tick the dispatcher, and
// return once the work after the ack is done. Everything stops when the test ends.
//
// It is test-support code: only _test.go files import it.
//
//	w := bottest.New(t, bottest.Options{Now: time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)})
//	anna := w.AddUser(slackfake.User{Name: "anna"})
//	channel := w.AddChannel("het-gesprek", anna)
//	w.Command(t, anna, channel, "/competentiemeter", "")
package bottest
