// Package ptr has the two helpers every handler needs for the optional members
// of generated API structs.
package ptr

// To returns a pointer to v.
func To[T any](v T) *T { return &v }

// Val returns *p, or T's zero value when p is nil.
func Val[T any](p *T) T {
	if p == nil {
		var zero T
		return zero
	}
	return *p
}

// Or returns *p, or def when p is nil.
func Or[T any](p *T, def T) T {
	if p == nil {
		return def
	}
	return *p
}
