package xmlshape

import "haneul/internal/awsproto/model"

// MemberName is the element (or query parameter) name of the structure member
// memberName referenced by ref.
//
// AWS: a flattened list whose member has a locationName is written as a run of
// elements with that name; otherwise the member's own locationName wins, then
// its member name.
func MemberName(memberName string, ref *model.ShapeRef) string {
	if ref.Shape != nil && ref.Shape.Type == "list" && isFlattened(ref) &&
		ref.Shape.Member != nil && ref.Shape.Member.LocationName != "" {
		return ref.Shape.Member.LocationName
	}
	if ref.LocationName != "" {
		return ref.LocationName
	}
	return memberName
}

// isFlattened reports whether the list or map ref points at is flattened,
// the trait being on the reference or on the shape.
func isFlattened(ref *model.ShapeRef) bool {
	return ref.Flattened || (ref.Shape != nil && ref.Shape.Flattened)
}

// namespace is the xmlNamespace trait of ref, on the reference or on the shape.
func namespace(ref *model.ShapeRef) *model.XMLNamespace {
	if ref.XMLNamespace != nil {
		return ref.XMLNamespace
	}
	if ref.Shape != nil {
		return ref.Shape.XMLNamespace
	}
	return nil
}

// timestampFormat is the timestampFormat trait of ref, "iso8601" by default.
//
// AWS: XML bodies carry ISO 8601 timestamps unless the model says otherwise.
func timestampFormat(ref *model.ShapeRef) string {
	if ref.TimestampFormat != "" {
		return ref.TimestampFormat
	}
	if ref.Shape != nil && ref.Shape.TimestampFormat != "" {
		return ref.Shape.TimestampFormat
	}
	return ISO8601
}

// inBody reports whether a structure member travels in the XML body.
func inBody(ref *model.ShapeRef) bool { return ref.Location == "" }

// localName strips a namespace prefix ("xsi:type" → "type").
func localName(name string) string {
	for i := len(name) - 1; i >= 0; i-- {
		if name[i] == ':' {
			return name[i+1:]
		}
	}
	return name
}

// listMemberName is the element name of a wrapped list's items.
func listMemberName(sh *model.Shape, opts Options) string {
	if sh.Member != nil && sh.Member.LocationName != "" {
		return sh.Member.LocationName
	}
	if opts.ListMember != "" {
		return opts.ListMember
	}
	return "member"
}

// mapNames are the element names of a map's key and value.
func mapNames(sh *model.Shape) (key, value string) {
	key, value = "key", "value"
	if sh.Key != nil && sh.Key.LocationName != "" {
		key = sh.Key.LocationName
	}
	if sh.Value != nil && sh.Value.LocationName != "" {
		value = sh.Value.LocationName
	}
	return key, value
}
