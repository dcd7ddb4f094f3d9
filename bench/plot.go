package main

import (
	"fmt"
	"image/color"
	"os"
	"path/filepath"
	"slices"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// plotDir is where the curve plots go, relative to the report.
const plotDir = "perf"

// serverColor gives each server the same colour in every plot.
var serverColor = map[string]color.Color{
	"haneul": color.RGBA{R: 0x1f, G: 0x6f, B: 0xd0, A: 0xff},
	"moto":   color.RGBA{R: 0xd0, G: 0x5a, B: 0x1f, A: 0xff},
}

// plotCurves writes one PNG per curve into dir: p50 latency against size,
// both axes logarithmic, one line per server.
func (r *report) plotCurves(dir string) error {
	if len(r.Curves) == 0 {
		return nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("plots: %w", err)
	}
	for _, cr := range r.Curves {
		pl := plot.New()
		pl.Title.Text = cr.Curve.Title + ": p50 latency against size"
		pl.X.Label.Text = cr.Curve.Size
		pl.Y.Label.Text = "p50 latency (ms), one client"
		pl.X.Scale, pl.X.Tick.Marker = plot.LogScale{}, plot.LogTicks{Prec: -1}
		pl.Y.Scale, pl.Y.Tick.Marker = plot.LogScale{}, plot.LogTicks{Prec: -1}
		pl.Add(plotter.NewGrid())
		pl.Legend.Top, pl.Legend.Left, pl.Legend.YOffs = true, true, -vg.Points(14)
		drawn := 0
		for _, s := range r.Servers {
			ps := cr.Points[s]
			if len(ps) == 0 {
				continue
			}
			xys := make(plotter.XYs, len(ps))
			for i, p := range ps {
				xys[i].X = float64(p.Size)
				xys[i].Y = max(float64(p.Result.P50.Microseconds())/1000, 0.001) // a log axis needs > 0
			}
			line, dots, err := plotter.NewLinePoints(xys)
			if err != nil {
				return fmt.Errorf("plot %s: %w", cr.Curve.Name, err)
			}
			c := serverColor[s]
			if c == nil {
				c = color.Black
			}
			line.Color, line.Width = c, vg.Points(1.5)
			dots.Color, dots.Shape, dots.Radius = c, draw.CircleGlyph{}, vg.Points(3)
			pl.Add(line, dots)
			pl.Legend.Add(s, line, dots)
			drawn++
		}
		if drawn == 0 {
			continue
		}
		path := filepath.Join(dir, cr.Curve.Name+".png")
		if err := pl.Save(7*vg.Inch, 4*vg.Inch, path); err != nil {
			return fmt.Errorf("plot %s: %w", cr.Curve.Name, err)
		}
		logf("wrote %s", path)
	}
	return nil
}

// curvesMarkdown writes the report's section on cost against size.
func (r *report) curvesMarkdown(p func(string, ...any)) {
	if len(r.Curves) == 0 {
		return
	}
	p("## Cost against data size")
	p("")
	p("The same call, with an answer of the same size, at growing amounts of stored data; one client, median round of %d. A flat line means the call's cost does not depend on how much is stored: it walks an index to its answer instead of scanning. moto_server's fixtures fill one to two orders of magnitude more slowly, so its lines stop earlier. \"Flatness\" is the p50 at the largest size measured over the p50 at the smallest.", r.Opts.Rounds)
	p("")
	for _, cr := range r.Curves {
		p("### %s, against %s", cr.Curve.Title, cr.Curve.Size)
		p("")
		if hasPoints(cr) {
			p("![%s](%s/%s.png)", cr.Curve.Title, plotDir, cr.Curve.Name)
			p("")
		}
		head, sep := "| Size |", "|---:|"
		for _, s := range r.Servers {
			head += fmt.Sprintf(" %s p50 | %s p99 | %s ops/s | %s fill |", s, s, s, s)
			sep += "---:|---:|---:|---:|"
		}
		p("%s", head)
		p("%s", sep)
		for _, n := range sizesOf(cr) {
			line := fmt.Sprintf("| %s |", count(n))
			for _, s := range r.Servers {
				pt, ok := pointAt(cr.Points[s], n)
				if !ok {
					line += " – | – | – | – |"
					continue
				}
				line += fmt.Sprintf(" %s | %s | %s | %s |", ms(pt.Result.P50), ms(pt.Result.P99), rate(pt.Result.Rate()), ms(pt.Fill))
			}
			p("%s", line)
		}
		p("")
		for _, s := range r.Servers {
			if f, ok := flatness(cr.Points[s]); ok {
				ps := cr.Points[s]
				p("- %s: flatness %.2f from %s to %s.", s, f, count(ps[0].Size), count(ps[len(ps)-1].Size))
			}
			if why := cr.Stopped[s]; why != "" {
				p("- %s: %s.", s, why)
			}
		}
		p("")
	}
}

func hasPoints(cr curveResult) bool {
	for _, ps := range cr.Points {
		if len(ps) > 0 {
			return true
		}
	}
	return false
}

// sizesOf is every size any server measured, ascending.
func sizesOf(cr curveResult) []int {
	seen := map[int]bool{}
	var out []int
	for _, ps := range cr.Points {
		for _, pt := range ps {
			if !seen[pt.Size] {
				seen[pt.Size] = true
				out = append(out, pt.Size)
			}
		}
	}
	slices.Sort(out)
	return out
}

func pointAt(ps []point, n int) (point, bool) {
	for _, pt := range ps {
		if pt.Size == n {
			return pt, true
		}
	}
	return point{}, false
}
