package content_test

import (
	"errors"
	"io/fs"
	"sort"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/gesprekbot/gesprekbot/content"
)

// The fuzz targets below run their seed corpus with every "go test"; "go test -fuzz=FuzzParseCohort ./content"
// explores further. Whatever a trainer's file holds, the loaders must not panic, and must either accept it as a
// whole, valid thing or say what is wrong in terms the trainer can act on.

const fuzzCohort = `name: Utrecht najaar 2026
channel: "#het-gesprek-utrecht"
timezone: Europe/Amsterdam
trainers: [U0TRAINER1, trainer@gemeente.nl]
cases: [richard, johanna]
modules:
  - {number: 1, start: 2026-12-07T09:00, end: 2026-12-07T13:00, location: "Stadskantoor, zaal 3"}
  - {number: 2, start: 2026-12-14T09:00, end: 2026-12-14T13:00, location: "Stadskantoor, zaal 3"}
  - {number: 3, start: 2027-01-11T09:00, end: 2027-01-11T13:00, location: "Stadskantoor, zaal 3"}
  - {number: 4, start: 2027-01-18T09:00, end: 2027-01-18T13:00, location: "Stadskantoor, zaal 3"}
quiet_hours: "21:00-08:00"
holidays: true
auto_reveal: true
`

func FuzzParseCohort(f *testing.F) {
	f.Add([]byte(fuzzCohort))
	f.Add([]byte(""))
	f.Add([]byte("name: x\n"))
	f.Add([]byte(strings.Replace(fuzzCohort, "johanna", "emma", 1)))
	f.Add([]byte(strings.Replace(fuzzCohort, "2026-12-14T09:00", "2026-12-07T10:00", 1)))
	f.Add([]byte(strings.Replace(fuzzCohort, "21:00-08:00", "25:00-08:61", 1)))
	f.Add([]byte(strings.Replace(fuzzCohort, "Europe/Amsterdam", "Mars/Olympus", 1)))
	f.Add([]byte(fuzzCohort + "onbekend: 1\n"))
	f.Add([]byte("modules: [{number: 99999999999999999999}]\n"))
	f.Add([]byte("- just\n- a list\n"))
	f.Add([]byte("name: &a [*a]\n"))
	f.Add([]byte("\x00\xff\xfe"))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := content.ParseCohort(data, "fuzz.yaml")
		if err != nil {
			if c != nil {
				t.Errorf("ParseCohort returned a cohort with the error %v", err)
			}
			var errs content.Errors
			if !errors.As(err, &errs) || len(errs) == 0 {
				t.Fatalf("error %T %q is not a list of problems", err, err)
			}
			for _, e := range errs {
				if !strings.HasPrefix(e.Error(), "fuzz.yaml") || strings.TrimSpace(e.Msg) == "" {
					t.Errorf("problem %q does not name the file and say what is wrong", e.Error())
				}
			}
			return
		}
		// Accepted: a whole cohort, as the planner relies on.
		if strings.TrimSpace(c.Name) == "" || !content.IsChannelRef(c.Channel) || len(c.Trainers) == 0 {
			t.Errorf("accepted a cohort without a name, channel or trainer: %+v", c)
		}
		for _, tr := range c.Trainers {
			if !content.IsUserRef(tr) {
				t.Errorf("accepted trainer %q", tr)
			}
		}
		if len(c.Modules) != 4 {
			t.Fatalf("accepted %d modules, want 4", len(c.Modules))
		}
		for i, m := range c.Modules {
			if m.Number != i+1 || !m.End.After(m.Start) {
				t.Errorf("accepted module %+v at position %d", m, i+1)
			}
			if i > 0 && !m.Start.After(c.Modules[i-1].End) && !m.Start.Equal(c.Modules[i-1].End) {
				t.Errorf("accepted module %d overlapping module %d", m.Number, i)
			}
		}
		if _, err := c.Location(); err != nil {
			t.Errorf("accepted a time zone it cannot load: %v", err)
		}
	})
}

// defaultFiles returns the embedded content files by path, sorted, with their bytes.
func defaultFiles(t testing.TB) ([]string, fstest.MapFS) {
	t.Helper()
	src := content.DefaultFS()
	files := fstest.MapFS{}
	var paths []string
	err := fs.WalkDir(src, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(src, p)
		if err != nil {
			return err
		}
		files[p] = &fstest.MapFile{Data: b}
		paths = append(paths, p)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(paths)
	return paths, files
}

func FuzzLoadContent(f *testing.F) {
	paths, _ := defaultFiles(f)
	for i, p := range paths {
		b, _ := fs.ReadFile(content.DefaultFS(), p)
		f.Add(uint8(i), b)
		// A file cut short, and one whose first line lost its key.
		f.Add(uint8(i), b[:len(b)/2])
		if nl := strings.IndexByte(string(b), '\n'); nl > 0 {
			f.Add(uint8(i), append([]byte("kapot: [\n"), b[nl:]...))
		}
	}
	f.Add(uint8(0), []byte(""))
	f.Add(uint8(1), []byte("\t\x00"))
	f.Fuzz(func(t *testing.T, which uint8, data []byte) {
		paths, files := defaultFiles(t)
		p := paths[int(which)%len(paths)]
		files[p] = &fstest.MapFile{Data: data}
		c, err := content.Load(files)
		if err != nil {
			if c != nil {
				t.Errorf("Load returned a course with the error %v", err)
			}
			if strings.TrimSpace(err.Error()) == "" {
				t.Error("Load failed without saying why")
			}
			return
		}
		// Accepted: the course as the bot uses it, with all four modules and the whole competentiemeter.
		for n := 1; n <= 4; n++ {
			if _, ok := c.Module(n); !ok {
				t.Errorf("accepted content without module %d (%s replaced)", n, p)
			}
		}
		if len(c.Meter.Statements()) == 0 || len(c.Meter.Scale) == 0 {
			t.Errorf("accepted content without the competentiemeter (%s replaced)", p)
		}
		if c.Phrases.ErrorGeneric == "" || c.Phrases.TryAgain == "" {
			t.Errorf("accepted content without the error phrases (%s replaced)", p)
		}
	})
}
