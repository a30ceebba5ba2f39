package bot

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// SignatureWindow is how far a request's X-Slack-Request-Timestamp may be from now: older (or newer) requests
// are refused as possible replays.
const SignatureWindow = 5 * time.Minute

// Signature errors.
var (
	ErrSignatureMissing = errors.New("slack signature or timestamp missing")
	ErrSignatureStale   = errors.New("slack request timestamp outside the 5-minute window")
	ErrSignatureInvalid = errors.New("slack signature does not match")
)

// VerifySignature checks Slack's v0 request signature: HMAC-SHA256 of "v0:{timestamp}:{body}" with the signing
// secret, compared in constant time, and the timestamp within SignatureWindow of now. It is
// slack.NewSecretsVerifier's check with the clock injected, so tests and the sandbox can move time.
func VerifySignature(header http.Header, body []byte, secret string, now time.Time) error {
	sig := header.Get("X-Slack-Signature")
	ts := header.Get("X-Slack-Request-Timestamp")
	if sig == "" || ts == "" || secret == "" {
		return ErrSignatureMissing
	}
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return ErrSignatureInvalid
	}
	if now.Sub(time.Unix(sec, 0)).Abs() > SignatureWindow {
		return ErrSignatureStale
	}
	hexSig, ok := strings.CutPrefix(sig, "v0=")
	if !ok {
		return ErrSignatureInvalid
	}
	got, err := hex.DecodeString(hexSig)
	if err != nil || len(got) != sha256.Size {
		return ErrSignatureInvalid
	}
	if !hmac.Equal(got, Sign(secret, ts, body)) {
		return ErrSignatureInvalid
	}
	return nil
}

// Sign returns the raw v0 signature of body sent at timestamp ts (Unix seconds) — what Slack puts, hex-encoded
// after "v0=", in X-Slack-Signature.
func Sign(secret, ts string, body []byte) []byte {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte("v0:" + ts + ":"))
	mac.Write(body)
	return mac.Sum(nil)
}
