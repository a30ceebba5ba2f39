// Package content is the course and the domain at the bottom of gesprekbot: the course "Het Gesprek" as trainers
// edit it (data/*.yaml, or a CONTENT_DIR: modules, readings, cases and their stages, the competentiemeter, the
// schedule rules, and every sentence the bot says in phrases.yaml, filled with Fill), loaded and validated by
// Load; and the one type of each concept the other packages share: Cohort, Delivery, Stage, with Error and its
// codes for failures that cross layers.
//
// Its one rule: content imports nothing of gesprekbot's own, so every other package can import it, and a type
// defined here is the only definition of its concept (the store maps rows onto it, the scheduler and handlers use
// it as it is).
package content
