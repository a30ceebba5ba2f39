// Package bottest runs the bot on the Slack fake for tests: the fake workspace, a real slack-go client pointed at
// it, the Poster (with fast pacing unless the test sets its own), the handlers' Port, the registry, the inbound
// Dispatcher, and Socket Mode (or HTTP mode) connected to the fake, all cleaned up when the test ends. Helpers
// type a slash command, click a button or submit a modal as a user and return once the work after the ack is done.
//
// It is test-support code: only _test.go files import it.
//
//	db := storetest.New(t)
//	w := bottest.New(t, db, bottest.Options{Phrases: course.Phrases})
//	anna := w.Fake.AddUser(slackfake.User{Name: "anna"})
//	handlers.RegisterMeter(w.Registry, handlers.MeterDeps{Course: course, Store: db, Slack: w.Port, Log: w.Log})
//	w.Connect(t)
//	w.Command(t, anna, channel, "/competentiemeter", "")
package bottest
