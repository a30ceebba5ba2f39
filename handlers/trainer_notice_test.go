package handlers_test

import (
	"strings"
	"testing"
	"time"

	"github.com/gesprekbot/gesprekbot/content"
	"github.com/gesprekbot/gesprekbot/handlers"
	"github.com/gesprekbot/gesprekbot/store"
)

func noticeDelivery(status, recorded, recipient string) content.Delivery {
	d := content.Delivery{Key: "c1/reminder_day/m1", Kind: "reminder_day", Module: 1, Audience: content.AudienceChannel,
		Recipient: recipient, DueAt: time.Date(2026, 12, 7, 15, 0, 0, 0, time.UTC), Status: status,
		Title: "Herinnering dag ervoor"}
	if recipient != "" {
		d.Audience = content.AudienceParticipant
	}
	if recorded != "" {
		d.Error = &recorded
	}
	return d
}

// TestUndeliveredReason checks that each way a delivery can fail for good or be missed is explained with what the
// trainer can do, and that an unknown code still says which one.
func TestUndeliveredReason(t *testing.T) {
	course, err := content.Default()
	if err != nil {
		t.Fatal(err)
	}
	c := &content.Cohort{Name: "Groep", Channel: "C0GROEP", Timezone: "Europe/Amsterdam"}
	tests := []struct{ status, in, want string }{
		{store.StatusFailed, "not_in_channel", "typ `/invite @gesprekbot` in <#C0GROEP>"},
		{store.StatusFailed, "slack chat.postMessage: channel_not_found", "kanaal <#C0GROEP> niet vinden"},
		{store.StatusFailed, "is_archived", "gearchiveerd"},
		{store.StatusFailed, "user_not_found", "verlaten of het account is gedeactiveerd"},
		{store.StatusFailed, "user_disabled", "verlaten of het account is gedeactiveerd"},
		{store.StatusFailed, "messages_tab_disabled", "geen berichten van de bot ontvangen"},
		{store.StatusFailed, "restricted_action", "instellingen van de Slack-werkruimte"},
		{store.StatusFailed, "invalid_blocks", "fout aan onze kant (foutcode `invalid_blocks`)"},
		{store.StatusFailed, "http_400", "fout aan onze kant (foutcode `http_400`)"},
		{store.StatusFailed, "token_revoked", "niet (meer) aangemeld"},
		{store.StatusFailed, "gave up after 5 attempts: post: context deadline exceeded", "na een aantal pogingen"},
		{store.StatusFailed, "slack chat.postMessage: something_new", "foutcode `something_new`"},
		{store.StatusFailed, "", "foutcode `onbekend`"},
		{store.StatusFailed, "weird `code`", "foutcode `weird 'code'`"},
		{store.StatusMissed, "deadline passed", "draaide niet op het geplande moment"},
		{store.StatusMissed, "deadline passed before the next sending time (weekend)", "rusttijd"},
	}
	for _, tt := range tests {
		got := handlers.UndeliveredReason(course.Phrases, c, noticeDelivery(tt.status, tt.in, ""))
		if !strings.Contains(got, tt.want) {
			t.Errorf("UndeliveredReason(%s %q) = %q, want %q", tt.status, tt.in, got, tt.want)
		}
	}
}

// TestTrainerNoticeMessage is the trainer's DM about three messages that did not arrive, against its golden JSON.
func TestTrainerNoticeMessage(t *testing.T) {
	course, err := content.Default()
	if err != nil {
		t.Fatal(err)
	}
	c := &content.Cohort{Name: "Utrecht <najaar>", Channel: "C0GROEP", Timezone: "Europe/Amsterdam"}
	everyone := noticeDelivery(store.StatusFailed, "gave up after 5 attempts: resolve recipients: internal_error", "")
	everyone.Audience = content.AudienceParticipants
	m := handlers.TrainerNoticeMessage(course.Phrases, c, []content.Delivery{
		noticeDelivery(store.StatusFailed, "not_in_channel", ""),
		noticeDelivery(store.StatusFailed, "user_not_found", "U0ANNA"),
		noticeDelivery(store.StatusMissed, "deadline passed", "U0BRAM"),
		everyone,
	})
	golden(t, "trainer_notice.json", m)
	validBlocks(t, m.Blocks)
	if !strings.Contains(m.Text, "Utrecht &lt;najaar&gt;") {
		t.Errorf("the cohort's name is not escaped in %q", m.Text)
	}
}
