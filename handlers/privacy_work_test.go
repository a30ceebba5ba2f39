package handlers_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/gesprekbot/gesprekbot/content"
	"github.com/gesprekbot/gesprekbot/handlers"
	"github.com/gesprekbot/gesprekbot/store"
)

// TestErasedMessageListsOwnWork checks that the closing message of an erasure names the participants' own work it
// removed: homework, feedback, evaluation and follow-up answer.
func TestErasedMessageListsOwnWork(t *testing.T) {
	t.Parallel()
	c, err := content.Default()
	if err != nil {
		t.Fatal(err)
	}
	p := c.Phrases
	msg := handlers.ErasedMessage(p, store.ErasedCounts{"written_work": 1, "feedback": 2, "evaluations": 1, "followup_answers": 1})
	raw, err := json.Marshal(msg.Blocks)
	if err != nil {
		t.Fatal(err)
	}
	var all strings.Builder
	all.WriteString(msg.Text)
	all.Write(raw)
	for _, want := range []string{p.PrivacyErasedWork, p.PrivacyErasedFeedback, p.PrivacyErasedEvaluation, p.PrivacyErasedFollowUp} {
		if !strings.Contains(all.String(), want) {
			t.Errorf("the erasure message does not say %q:\n%s", want, all.String())
		}
	}
}
