package xmlshape

import (
	"errors"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Timestamp formats, as the models' timestampFormat trait spells them.
const (
	ISO8601       = "iso8601"
	RFC822        = "rfc822"
	UnixTimestamp = "unixTimestamp"
)

// isoLayout is the ISO 8601 layout AWS writes in XML: UTC, milliseconds.
const isoLayout = "2006-01-02T15:04:05.000Z"

// FormatTime writes t in the named format (ISO8601 when format is empty or unknown).
func FormatTime(t time.Time, format string) string {
	t = t.UTC()
	switch format {
	case RFC822:
		return t.Format(http.TimeFormat)
	case UnixTimestamp:
		sec := float64(t.Unix()) + float64(t.Nanosecond()/1e6)/1e3
		return strconv.FormatFloat(sec, 'f', -1, 64)
	default:
		return t.Format(isoLayout)
	}
}

// isoLayouts are the ISO 8601 spellings clients send.
var isoLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05.999999999",
	"2006-01-02T15:04:05.999999999Z0700",
	"2006-01-02",
}

// rfc822Layouts are the HTTP date spellings clients send.
var rfc822Layouts = []string{
	http.TimeFormat,
	time.RFC1123Z,
	time.RFC1123,
	time.RFC850,
	time.ANSIC,
	"Mon, 2 Jan 2006 15:04:05 GMT",
}

// maxEpoch bounds epoch seconds to years 0001..9999, the range time.Time formats.
const maxEpoch = 253402300799

// ParseTime reads a timestamp. format names the spelling the model expects,
// but every spelling is accepted (ISO 8601, RFC 822, epoch seconds), as AWS is
// lenient with what clients send.
func ParseTime(s, format string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, errors.New("empty timestamp")
	}
	tryEpoch := func() (time.Time, bool) {
		f, err := strconv.ParseFloat(s, 64)
		if err != nil || math.IsNaN(f) || math.Abs(f) > maxEpoch {
			return time.Time{}, false
		}
		sec, frac := math.Modf(f)
		return time.Unix(int64(sec), int64(math.Round(frac*1e3))*1e6).UTC(), true
	}
	tryLayouts := func(layouts []string) (time.Time, bool) {
		for _, l := range layouts {
			if t, err := time.Parse(l, s); err == nil {
				return t.UTC(), true
			}
		}
		return time.Time{}, false
	}
	order := [][]string{isoLayouts, rfc822Layouts}
	if format == RFC822 {
		order[0], order[1] = order[1], order[0]
	}
	if format == UnixTimestamp {
		if t, ok := tryEpoch(); ok {
			return t, nil
		}
	}
	for _, layouts := range order {
		if t, ok := tryLayouts(layouts); ok {
			return t, nil
		}
	}
	if t, ok := tryEpoch(); ok {
		return t, nil
	}
	return time.Time{}, fmt.Errorf("invalid timestamp %q", s)
}
