// Package awstime formats and parses timestamps in the spellings the AWS
// protocols use: epoch seconds, ISO 8601 and RFC 7231 http-dates.
package awstime

import (
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Timestamp formats, as the models' timestampFormat trait spells them.
const (
	EpochSeconds = "unixTimestamp"
	ISO8601      = "iso8601"
	HTTPDate     = "rfc822"
)

// Format renders t in format. Sub-second precision is kept to milliseconds.
func Format(t time.Time, format string) string {
	t = t.UTC()
	switch format {
	case EpochSeconds:
		return EpochString(t)
	case HTTPDate:
		return t.Format(http.TimeFormat)
	default:
		// AWS: ISO 8601 timestamps carry milliseconds only when there are some.
		if t.Nanosecond()/1e6 != 0 {
			return t.Format("2006-01-02T15:04:05.000Z")
		}
		return t.Format("2006-01-02T15:04:05Z")
	}
}

// EpochString renders t as decimal epoch seconds with up to millisecond precision.
func EpochString(t time.Time) string {
	ms := t.UnixMilli()
	if ms%1000 == 0 {
		return strconv.FormatInt(ms/1000, 10)
	}
	return strconv.FormatFloat(float64(ms)/1000, 'f', -1, 64)
}

// Epoch returns t as fractional epoch seconds (millisecond precision).
func Epoch(t time.Time) float64 { return float64(t.UnixMilli()) / 1000 }

// FromEpoch converts fractional epoch seconds to a time, rounding to milliseconds.
func FromEpoch(secs float64) (time.Time, error) {
	if math.IsNaN(secs) || math.IsInf(secs, 0) || math.Abs(secs) > 1e14 {
		return time.Time{}, fmt.Errorf("timestamp %v out of range", secs)
	}
	return time.UnixMilli(int64(math.Round(secs * 1000))).UTC(), nil
}

// Parse reads s in any of the spellings clients send: epoch seconds (possibly
// fractional), ISO 8601 / RFC 3339, or an http-date. The format hint is
// tried first.
func Parse(s, format string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, fmt.Errorf("empty timestamp")
	}
	if f, err := strconv.ParseFloat(s, 64); err == nil {
		return FromEpoch(f)
	}
	layouts := []string{time.RFC3339Nano, "2006-01-02T15:04:05Z0700", "2006-01-02T15:04:05", "2006-01-02", http.TimeFormat, time.RFC1123Z, time.RFC1123, time.RFC850, time.ANSIC}
	if format == HTTPDate {
		layouts = append([]string{http.TimeFormat}, layouts...)
	}
	for _, l := range layouts {
		if t, err := time.Parse(l, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("cannot parse timestamp %q", s)
}
