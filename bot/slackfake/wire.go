package slackfake

import (
	"encoding/json"
	"strconv"
	"unicode/utf8"
)

// The JSON the fake sends on its hot path (a click's block_actions and the Socket Mode envelope around it) is
// appended by hand rather than marshalled from maps: the same document, with stored blocks copied as they are
// instead of being decoded and encoded again. Strings are escaped as encoding/json escapes them.

// appendJSONString appends s as a JSON string, escaped like encoding/json (HTML characters, U+2028 and U+2029
// as \u escapes; invalid UTF-8 as U+FFFD).
func appendJSONString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			default:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hex[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// appendJSONField appends `"key":` after a comma when the object already has a field.
func appendJSONField(b []byte, key string) []byte {
	if c := b[len(b)-1]; c != '{' && c != '[' {
		b = append(b, ',')
	}
	b = appendJSONString(b, key)
	return append(b, ':')
}

// appendJSONValue appends v as encoding/json marshals it.
func appendJSONValue(b []byte, v any) ([]byte, error) {
	j, err := json.Marshal(v)
	if err != nil {
		return b, err
	}
	return append(b, j...), nil
}

// appendWireMessage appends w as encoding/json marshals a wireMessage; w.Blocks, which the fake stores as
// checked JSON, is copied as it is.
func appendWireMessage(b []byte, w wireMessage) ([]byte, error) {
	str := func(key, v string, omitEmpty bool) {
		if v != "" || !omitEmpty {
			b = appendJSONField(b, key)
			b = appendJSONString(b, v)
		}
	}
	b = append(b, '{')
	str("type", w.Type, false)
	str("subtype", w.Subtype, true)
	str("user", w.User, true)
	str("bot_id", w.BotID, true)
	str("app_id", w.AppID, true)
	str("team", w.Team, true)
	str("text", w.Text, false)
	str("ts", w.TS, false)
	str("thread_ts", w.ThreadTS, true)
	if len(w.Blocks) > 0 {
		b = appendJSONField(b, "blocks")
		b = append(b, w.Blocks...)
	}
	var err error
	if w.Metadata != nil {
		b = appendJSONField(b, "metadata")
		if b, err = appendJSONValue(b, w.Metadata); err != nil {
			return b, err
		}
	}
	if len(w.Files) > 0 {
		b = appendJSONField(b, "files")
		if b, err = appendJSONValue(b, w.Files); err != nil {
			return b, err
		}
	}
	if w.Edited != nil {
		b = appendJSONField(b, "edited")
		b = append(b, '{')
		str("user", w.Edited.User, false)
		str("ts", w.Edited.TS, false)
		b = append(b, '}')
	}
	return append(b, '}'), nil
}

// appendEnvelope appends env as encoding/json marshals it; its payload is JSON the fake made, copied as it is.
func appendEnvelope(b []byte, env envelope) []byte {
	b = append(b, `{"envelope_id":`...)
	b = appendJSONString(b, env.EnvelopeID)
	b = append(b, `,"type":`...)
	b = appendJSONString(b, env.Type)
	b = append(b, `,"payload":`...)
	if len(env.Payload) == 0 {
		b = append(b, "null"...)
	} else {
		b = append(b, env.Payload...)
	}
	b = append(b, `,"accepts_response_payload":`...)
	b = strconv.AppendBool(b, env.AcceptsResponsePayload)
	b = append(b, `,"retry_attempt":`...)
	b = strconv.AppendInt(b, int64(env.RetryAttempt), 10)
	b = append(b, `,"retry_reason":`...)
	b = appendJSONString(b, env.RetryReason)
	return append(b, '}')
}
