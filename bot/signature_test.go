package bot_test

import (
	"encoding/hex"
	"errors"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/gesprekbot/gesprekbot/bot"
)

func TestVerifySignature(t *testing.T) {
	t.Parallel()
	const secret = "8f742231b10e8888abcd99yyyzzz85a5"
	now := time.Unix(1_770_000_000, 0)
	body := []byte("token=x&command=%2Fgesprekbot&text=help")
	header := func(ts int64, sig string) http.Header {
		h := http.Header{}
		if ts != 0 {
			h.Set("X-Slack-Request-Timestamp", strconv.FormatInt(ts, 10))
		}
		if sig != "" {
			h.Set("X-Slack-Signature", sig)
		}
		return h
	}
	sign := func(secret string, ts int64, body []byte) string {
		return "v0=" + hex.EncodeToString(bot.Sign(secret, strconv.FormatInt(ts, 10), body))
	}
	tampered := append([]byte{}, body...)
	tampered[len(tampered)-1] = 'X'
	tests := []struct {
		name   string
		header http.Header
		body   []byte
		want   error
	}{
		{"OK", header(now.Unix(), sign(secret, now.Unix(), body)), body, nil},
		{"OKFourMinutesOld", header(now.Unix()-240, sign(secret, now.Unix()-240, body)), body, nil},
		{"Missing", header(0, ""), body, bot.ErrSignatureMissing},
		{"MissingTimestamp", header(0, sign(secret, now.Unix(), body)), body, bot.ErrSignatureMissing},
		{"BadSecret", header(now.Unix(), sign("other", now.Unix(), body)), body, bot.ErrSignatureInvalid},
		{"Stale", header(now.Unix()-301, sign(secret, now.Unix()-301, body)), body, bot.ErrSignatureStale},
		{"Future", header(now.Unix()+301, sign(secret, now.Unix()+301, body)), body, bot.ErrSignatureStale},
		{"Tampered", header(now.Unix(), sign(secret, now.Unix(), body)), tampered, bot.ErrSignatureInvalid},
		{"NoV0", header(now.Unix(), sign(secret, now.Unix(), body)[3:]), body, bot.ErrSignatureInvalid},
		{"NotHex", header(now.Unix(), "v0=zz"), body, bot.ErrSignatureInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := bot.VerifySignature(tt.header, tt.body, secret, now)
			if !errors.Is(err, tt.want) {
				t.Errorf("got %v, want %v", err, tt.want)
			}
		})
	}
}
