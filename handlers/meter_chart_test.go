package handlers_test

import (
	"bytes"
	"image/png"
	"os"
	"testing"

	"github.com/gesprekbot/gesprekbot/content"
	"github.com/gesprekbot/gesprekbot/handlers"
)

func TestGrowthChart(t *testing.T) {
	t.Parallel()
	course, err := content.Default()
	if err != nil {
		t.Fatal(err)
	}
	voor, na := map[string]int{}, map[string]int{}
	for i, s := range course.Meter.Statements() {
		voor[s.ID] = 1 + i%3
		na[s.ID] = 3 + i%3
	}
	data, err := handlers.GrowthChart(course.Phrases, handlers.Growth(course.Meter, voor, na))
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("not a PNG: %v", err)
	}
	if b := img.Bounds(); b.Dx() < 600 || b.Dy() < 300 {
		t.Errorf("chart is %dx%d, too small to read", b.Dx(), b.Dy())
	}
	if out := os.Getenv("METER_CHART_OUT"); out != "" {
		os.WriteFile(out, data, 0o644)
	}
}
