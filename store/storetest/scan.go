package storetest

import (
	"context"
	"fmt"
	"regexp"
	"sort"
	"testing"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/gesprekbot/gesprekbot/store"
)

// wordRE is what Find searches for: a word of letters and digits.
var wordRE = regexp.MustCompile(`^[A-Za-z0-9]+$`)

// Find searches every column of every table that can hold text (text, varchar, char, json, jsonb, text arrays,
// bytea) for word as a whole word (a user ID, a DM's ID, a marker a test wrote), and returns "table.column (n)"
// for each column where it is found, sorted. The tables and columns come from information_schema, so a table
// added later is searched too. It reads every row: the proof in tests that an erasure left nothing behind, which
// the bot itself never needs to run (store.PrivacyColumns says where a person can be).
func Find(t testing.TB, db *store.DB, word string) []string {
	t.Helper()
	if !wordRE.MatchString(word) {
		t.Fatalf("storetest: find %q: only letters and digits", word)
	}
	ctx := context.Background()
	var cols []struct {
		Table  string `db:"table_name"`
		Column string `db:"column_name"`
		Type   string `db:"data_type"`
	}
	if err := sqlx.SelectContext(ctx, db, &cols, `
		SELECT c.table_name, c.column_name, c.data_type
		FROM information_schema.columns c
		JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
		WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE'
		  AND (c.data_type IN ('text', 'character varying', 'character', 'json', 'jsonb', 'bytea')
		       OR (c.data_type = 'ARRAY' AND c.udt_name IN ('_text', '_varchar', '_bpchar')))
		ORDER BY c.table_name, c.ordinal_position`); err != nil {
		t.Fatalf("storetest: find: columns: %v", err)
	}
	var out []string
	for _, c := range cols {
		ident := pq.QuoteIdentifier(c.Table) + "." + pq.QuoteIdentifier(c.Column)
		cond := ident + `::text ~ $1`
		arg := any(`(^|[^A-Za-z0-9])` + word + `([^A-Za-z0-9]|$)`)
		if c.Type == "bytea" {
			cond = `position(convert_to($1, 'UTF8') IN ` + ident + `) > 0`
			arg = word
		}
		var n int64
		if err := sqlx.GetContext(ctx, db, &n, `SELECT count(*) FROM `+pq.QuoteIdentifier(c.Table)+` WHERE `+cond, arg); err != nil {
			t.Fatalf("storetest: find in %s: %v", ident, err)
		}
		if n > 0 {
			out = append(out, fmt.Sprintf("%s.%s (%d)", c.Table, c.Column, n))
		}
	}
	sort.Strings(out)
	return out
}
