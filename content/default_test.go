package content

import (
	"reflect"
	"testing"
)

// Default's copies are the embedded course as Load reads it, each its own: a change to one is not in the next.
func TestDefaultCopies(t *testing.T) {
	want, err := Load(DefaultFS())
	if err != nil {
		t.Fatal(err)
	}
	a, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(a, want) {
		t.Fatal("Default's course differs from what Load reads")
	}
	a.Rules[0].ID = "changed"
	a.Phrases.ButtonGelezen = "changed"
	a.Modules = a.Modules[:1]
	b, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(b, want) {
		t.Error("a change to one of Default's courses is in the next")
	}
}
