package handlers

import (
	"bytes"
	"fmt"
	"image/color"
	"strconv"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/gesprekbot/gesprekbot/content"
)

// Colours of the growth chart's bars.
var (
	chartVoor = color.RGBA{R: 0x9c, G: 0xb8, B: 0xd9, A: 0xff} // light blue
	chartNa   = color.RGBA{R: 0x1f, G: 0x5f, B: 0xa8, A: 0xff} // dark blue
)

// GrowthChart draws the growth report's areas as a PNG: per area a bar for the voormeting's average and one for the
// eindmeting's, on the scale 1–5, with a legend "voormeting" / "eindmeting".
func GrowthChart(phrases content.Phrases, r GrowthReport) ([]byte, error) {
	p := plot.New()
	p.Title.Text = phrases.MeterChartTitle
	p.Title.TextStyle.Font.Size = vg.Points(15)
	p.Title.Padding = vg.Points(10)
	p.Y.Label.Text = phrases.MeterChartAxis
	p.Y.Min, p.Y.Max = 0, 5.9
	var ticks []plot.Tick
	for v := 0; v <= 5; v++ {
		ticks = append(ticks, plot.Tick{Value: float64(v), Label: strconv.Itoa(v)})
	}
	p.Y.Tick.Marker = plot.ConstantTicks(ticks)

	voor := make(plotter.Values, len(r.Areas))
	na := make(plotter.Values, len(r.Areas))
	names := make([]string, len(r.Areas))
	for i, a := range r.Areas {
		voor[i], na[i] = a.Voor, a.Na
		names[i] = wrapLabel(a.Area, 16)
	}
	w := vg.Points(34)
	bv, err := plotter.NewBarChart(voor, w)
	if err != nil {
		return nil, fmt.Errorf("growth chart: %w", err)
	}
	bv.Color, bv.LineStyle.Width, bv.Offset = chartVoor, 0, -w/2
	bn, err := plotter.NewBarChart(na, w)
	if err != nil {
		return nil, fmt.Errorf("growth chart: %w", err)
	}
	bn.Color, bn.LineStyle.Width, bn.Offset = chartNa, 0, w/2
	p.Add(plotter.NewGrid(), bv, bn)
	p.Legend.Add("voormeting", bv)
	p.Legend.Add("eindmeting", bn)
	p.Legend.Top = true
	p.Legend.Left = false
	p.Legend.XOffs = -vg.Points(8)
	p.NominalX(names...)
	// Room on both sides so the outer bars and their labels are not cut off.
	p.X.Min, p.X.Max = -0.7, float64(len(names))-0.3
	p.X.Tick.Label.Font.Size = vg.Points(11)
	p.X.Tick.Label.YAlign = draw.YTop

	wt, err := p.WriterTo(9*vg.Inch, 5*vg.Inch, "png")
	if err != nil {
		return nil, fmt.Errorf("growth chart: %w", err)
	}
	var buf bytes.Buffer
	if _, err := wt.WriteTo(&buf); err != nil {
		return nil, fmt.Errorf("growth chart: %w", err)
	}
	return buf.Bytes(), nil
}

// wrapLabel breaks a label at spaces into lines of about width characters.
func wrapLabel(s string, width int) string {
	var lines []string
	line := ""
	for _, w := range strings.Fields(s) {
		if line != "" && len(line)+1+len(w) > width {
			lines = append(lines, line)
			line = w
			continue
		}
		if line != "" {
			line += " "
		}
		line += w
	}
	return strings.Join(append(lines, line), "\n")
}
