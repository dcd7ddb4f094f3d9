package dynamodb

import (
	"math/big"
	"strconv"
	"strings"
)

// A decimal is a DynamoDB number: sign × 0.digits × 10^exp, exact.
// digits has no leading or trailing zeros; zero has no digits.
//
// AWS: numbers are variable-length decimals with up to 38 significant digits,
// positive magnitudes from 1E-130 to 9.9999999999999999999999999999999999999E+125
// (and the same negated), compared numerically.
type decimal struct {
	neg    bool
	digits string
	exp    int
}

const (
	maxDigits = 38
	maxExp    = 126  // 0.999…E126 = 9.99…E125
	minExp    = -129 // 0.1E-129 = 1E-130
)

// Errors about numbers, in AWS's words.
var (
	errNotANumber    = validation("A value provided cannot be converted into a number")
	errTooPrecise    = validation("Attempting to store more than 38 significant digits in a Number")
	errNumOverflow   = validation("Number overflow. Attempting to store a number with magnitude larger than supported range")
	errNumUnderflow  = validation("Number underflow. Attempting to store a number with magnitude smaller than supported range")
	errNumEmptyValue = validation("One or more parameter values were invalid: An number value may not be empty")
)

// parseNumber parses and range-checks a DynamoDB number.
func parseNumber(s string) (decimal, error) {
	var d decimal
	if s == "" {
		return d, errNotANumber
	}
	i := 0
	if s[0] == '+' || s[0] == '-' {
		d.neg = s[0] == '-'
		i++
	}
	var mant []byte
	pointAt := -1
	seen := false
	for ; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			mant = append(mant, c)
			seen = true
		case c == '.' && pointAt < 0:
			pointAt = len(mant)
		default:
			goto exponent
		}
	}
exponent:
	if !seen {
		return d, errNotANumber
	}
	e := 0
	if i < len(s) {
		if s[i] != 'e' && s[i] != 'E' {
			return d, errNotANumber
		}
		n, err := strconv.Atoi(s[i+1:])
		if err != nil {
			return d, errNotANumber
		}
		if n > 10000 || n < -10000 {
			if n > 0 {
				return d, errNumOverflow
			}
			return d, errNumUnderflow
		}
		e = n
	}
	if pointAt < 0 {
		pointAt = len(mant)
	}
	// value = 0.mant × 10^(pointAt+e); strip leading zeros.
	lead := 0
	for lead < len(mant) && mant[lead] == '0' {
		lead++
	}
	mant = mant[lead:]
	exp := pointAt - lead + e
	end := len(mant)
	for end > 0 && mant[end-1] == '0' {
		end--
	}
	mant = mant[:end]
	if len(mant) == 0 {
		return decimal{}, nil
	}
	if len(mant) > maxDigits {
		return d, errTooPrecise
	}
	if exp > maxExp {
		return d, errNumOverflow
	}
	if exp < minExp {
		return d, errNumUnderflow
	}
	d.digits, d.exp = string(mant), exp
	return d, nil
}

func (d decimal) isZero() bool { return d.digits == "" }

// String renders d in plain notation, as DynamoDB returns numbers.
func (d decimal) String() string {
	if d.isZero() {
		return "0"
	}
	var b strings.Builder
	if d.neg {
		b.WriteByte('-')
	}
	switch {
	case d.exp <= 0:
		b.WriteString("0.")
		b.WriteString(strings.Repeat("0", -d.exp))
		b.WriteString(d.digits)
	case d.exp >= len(d.digits):
		b.WriteString(d.digits)
		b.WriteString(strings.Repeat("0", d.exp-len(d.digits)))
	default:
		b.WriteString(d.digits[:d.exp])
		b.WriteByte('.')
		b.WriteString(d.digits[d.exp:])
	}
	return b.String()
}

// cmp compares a and b numerically.
func (a decimal) cmp(b decimal) int {
	sa, sb := a.sign(), b.sign()
	if sa != sb {
		if sa < sb {
			return -1
		}
		return 1
	}
	if sa == 0 {
		return 0
	}
	c := 0
	switch {
	case a.exp != b.exp:
		if a.exp < b.exp {
			c = -1
		} else {
			c = 1
		}
	default:
		c = strings.Compare(a.digits, b.digits)
	}
	return c * sa
}

func (d decimal) sign() int {
	switch {
	case d.isZero():
		return 0
	case d.neg:
		return -1
	}
	return 1
}

// bigScaled returns d as an integer i and scale s with d = i × 10^-s.
func (d decimal) bigScaled() (*big.Int, int) {
	i := new(big.Int)
	if d.isZero() {
		return i, 0
	}
	i.SetString(d.digits, 10)
	if d.neg {
		i.Neg(i)
	}
	return i, len(d.digits) - d.exp
}

// add returns a+b exactly, or an error when the result cannot be stored.
func (a decimal) add(b decimal) (decimal, error) {
	ia, sa := a.bigScaled()
	ib, sb := b.bigScaled()
	for sa < sb {
		ia.Mul(ia, big.NewInt(10))
		sa++
	}
	for sb < sa {
		ib.Mul(ib, big.NewInt(10))
		sb++
	}
	ia.Add(ia, ib)
	s := ia.String()
	if sa > 0 {
		neg := strings.HasPrefix(s, "-")
		s = strings.TrimPrefix(s, "-")
		for len(s) <= sa {
			s = "0" + s
		}
		s = s[:len(s)-sa] + "." + s[len(s)-sa:]
		if neg {
			s = "-" + s
		}
	} else if sa < 0 {
		s += "e" + strconv.Itoa(-sa)
	}
	return parseNumber(s)
}

func (a decimal) negate() decimal {
	if !a.isZero() {
		a.neg = !a.neg
	}
	return a
}

// normalizeNumber returns the canonical form of a number string.
func normalizeNumber(s string) (string, error) {
	d, err := parseNumber(strings.TrimSpace(s))
	if err != nil {
		return "", err
	}
	return d.String(), nil
}

// appendKey appends an encoding of d whose byte order is numeric order and
// that no other number's encoding extends.
func (d decimal) appendKey(b []byte) []byte {
	switch {
	case d.isZero():
		return append(b, '2')
	case d.neg:
		b = append(b, '1')
		b = appendExp(b, 999-(d.exp+200))
		for i := 0; i < len(d.digits); i++ {
			b = append(b, '0'+'9'-d.digits[i])
		}
		return append(b, '~')
	}
	b = append(b, '3')
	b = appendExp(b, d.exp+200)
	b = append(b, d.digits...)
	return append(b, 0)
}

func appendExp(b []byte, e int) []byte {
	return append(b, byte('0'+e/100), byte('0'+e/10%10), byte('0'+e%10))
}
