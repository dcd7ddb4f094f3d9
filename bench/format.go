package main

import (
	"fmt"
	"time"
)

// ms formats d in milliseconds with a precision that suits its size.
func ms(d time.Duration) string {
	f := float64(d) / float64(time.Millisecond)
	switch {
	case f < 10:
		return fmt.Sprintf("%.2f ms", f)
	case f < 100:
		return fmt.Sprintf("%.1f ms", f)
	default:
		return fmt.Sprintf("%.0f ms", f)
	}
}

// mb formats a byte count in megabytes (10^6 bytes), the unit of the targets.
func mb(b int64) string {
	return fmt.Sprintf("%.1f MB", float64(b)/1e6)
}

// rate formats operations per second with thousands separators.
func rate(r float64) string {
	n := int64(r + 0.5)
	s := fmt.Sprint(n)
	var out []byte
	for i := range len(s) {
		if i > 0 && (len(s)-i)%3 == 0 {
			out = append(out, ',')
		}
		out = append(out, s[i])
	}
	return string(out)
}

// us formats d in microseconds.
func us(d time.Duration) string {
	return fmt.Sprintf("%.0f µs", float64(d)/float64(time.Microsecond))
}
