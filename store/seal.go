package store

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
)

// TokenKeySize is the size of a token encryption key: AES-256.
const TokenKeySize = 32

// sealAAD prefixes the additional data of a sealed token: the format, then the team ID, so that a sealed token
// moved to another workspace's row does not open.
const sealAAD = "gesprekbot/workspace-token/v1\x00"

// ErrTokenKeyMissing: a workspace's token was asked for or stored, but no TOKEN_ENCRYPTION_KEY was given.
var ErrTokenKeyMissing = errors.New("no token encryption key configured (TOKEN_ENCRYPTION_KEY)")

// ErrSealBroken: a sealed token did not open: the wrong key, a row it was not sealed for, or changed bytes. The
// error never holds the token or the key.
var ErrSealBroken = errors.New("sealed token does not open with this key and team")

// UnknownKeyError: a row was sealed with a key that is neither TOKEN_ENCRYPTION_KEY nor
// TOKEN_ENCRYPTION_KEY_PREVIOUS.
type UnknownKeyError struct{ KeyID string }

func (e *UnknownKeyError) Error() string {
	return fmt.Sprintf("token sealed with key %s, which is neither TOKEN_ENCRYPTION_KEY nor TOKEN_ENCRYPTION_KEY_PREVIOUS", e.KeyID)
}

// Keyring seals workspace bot tokens with AES-256-GCM under the current key, and opens tokens sealed under the
// current or the previous key (while a rotation is under way). A key's id is derived from the key itself (the
// first 8 bytes of its SHA-256, in hex): the operator configures keys only, and a row names the key that opens it
// without giving anything of the key away.
type Keyring struct {
	current  sealKey
	previous *sealKey
}

type sealKey struct {
	id   string
	aead cipher.AEAD
}

// ParseTokenKey reads a key as the environment gives it: base64 (standard or URL alphabet, padded or not) of
// exactly 32 random bytes. The error says what is wrong without repeating the value.
func ParseTokenKey(s string) ([]byte, error) {
	s = strings.TrimSpace(s)
	var b []byte
	var err error
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if b, err = enc.DecodeString(s); err == nil {
			break
		}
	}
	if err != nil {
		return nil, errors.New("must be base64 of 32 random bytes (generate one with: openssl rand -base64 32)")
	}
	if len(b) != TokenKeySize {
		return nil, fmt.Errorf("must be base64 of 32 random bytes, not %d bytes (generate one with: openssl rand -base64 32)", len(b))
	}
	return b, nil
}

// NewKeyring builds a keyring that seals with current and also opens what previous sealed; previous may be nil.
func NewKeyring(current, previous []byte) (*Keyring, error) {
	cur, err := newSealKey(current)
	if err != nil {
		return nil, fmt.Errorf("token encryption key: %w", err)
	}
	k := &Keyring{current: cur}
	if previous != nil {
		prev, err := newSealKey(previous)
		if err != nil {
			return nil, fmt.Errorf("previous token encryption key: %w", err)
		}
		if prev.id == cur.id {
			return nil, errors.New("previous token encryption key: the same as the current one")
		}
		k.previous = &prev
	}
	return k, nil
}

func newSealKey(key []byte) (sealKey, error) {
	if len(key) != TokenKeySize {
		return sealKey{}, fmt.Errorf("%d bytes, want %d", len(key), TokenKeySize)
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return sealKey{}, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return sealKey{}, err
	}
	sum := sha256.Sum256(key)
	return sealKey{id: hex.EncodeToString(sum[:8]), aead: aead}, nil
}

// KeyID is the id of the key new tokens are sealed with.
func (k *Keyring) KeyID() string { return k.current.id }

// PreviousKeyID is the id of the previous key, "" when there is none.
func (k *Keyring) PreviousKeyID() string {
	if k.previous == nil {
		return ""
	}
	return k.previous.id
}

// Seal encrypts token for teamID under the current key, with a fresh random nonce: the sealed bytes are the nonce
// followed by the ciphertext and its tag. It returns them with the key's id.
func (k *Keyring) Seal(teamID, token string) (sealed []byte, keyID string, err error) {
	nonce := make([]byte, k.current.aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return nil, "", fmt.Errorf("seal token: %w", err)
	}
	return k.current.aead.Seal(nonce, nonce, []byte(token), []byte(sealAAD+teamID)), k.current.id, nil
}

// Open decrypts a token sealed for teamID under the key keyID: ErrSealBroken when it does not open (another key
// with the same id cannot happen; another team, or changed bytes, can), *UnknownKeyError when the keyring does not
// hold that key.
func (k *Keyring) Open(teamID, keyID string, sealed []byte) (string, error) {
	var key *sealKey
	switch {
	case keyID == k.current.id:
		key = &k.current
	case k.previous != nil && keyID == k.previous.id:
		key = k.previous
	default:
		return "", &UnknownKeyError{KeyID: keyID}
	}
	n := key.aead.NonceSize()
	if len(sealed) < n+key.aead.Overhead() {
		return "", ErrSealBroken
	}
	plain, err := key.aead.Open(nil, sealed[:n], sealed[n:], []byte(sealAAD+teamID))
	if err != nil {
		return "", ErrSealBroken
	}
	return string(plain), nil
}
