// Package handlers is what the bot does when someone in Slack acts: slash commands (/gesprekbot, /training, /casus,
// /competentiemeter), button clicks, modal submissions and events, registered in a Registry by name, and the
// messages the dispatcher sends (Deliveries renders a planned delivery). A handler reads and writes through small
// interfaces the store implements and posts through small interfaces the bot's poster implements, so the same
// code runs against Slack, the in-repo fake and the sandbox.
//
// Its one rule: the handlers choose the words. Every sentence a user reads is a phrase of the course
// (content.Phrases, filled with content.Fill); the store reports facts as typed errors (store/errors.go) and
// errors.go turns them into phrases. Nothing in this package talks to Slack or PostgreSQL directly.
package handlers
