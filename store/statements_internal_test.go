package store

import (
	"reflect"
	"testing"
)

// Every prepared statement of a handle is one CloseStatements closes.
func TestStatementsListsEveryPreparedStmt(t *testing.T) {
	n := 0
	typ := reflect.TypeOf(DB{})
	for i := range typ.NumField() {
		if typ.Field(i).Type == reflect.TypeOf(preparedStmt{}) {
			n++
		}
	}
	if got := len((&DB{}).statements()); got != n {
		t.Errorf("statements lists %d of DB's %d prepared statements", got, n)
	}
}
