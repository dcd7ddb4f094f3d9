// Package xmlshape writes and reads model-shaped values (see package awsproto)
// as XML, following the botocore model's XML traits: locationName, flattened
// lists and maps, list member and map key/value names, xmlAttribute,
// xmlNamespace and timestampFormat.
//
// It is shared by the query, ec2 and rest-xml codecs. The API is four calls:
//
//	Encode        one value as one element (or, for flattened lists and maps, a run of elements)
//	EncodeMembers the members of a structure, without a wrapping element
//	Decode        one element, already started, from an *xml.Decoder
//	Unmarshal     the root element of a document
//
// plus the helpers MemberName, FormatTime and ParseTime the codecs share.
//
// Members bound elsewhere in the HTTP message (a ShapeRef with a location:
// header, uri, querystring, ...) are neither written nor read.
//
// Every error Decode and Unmarshal return is the client's fault: the codec
// answers it with a 400. They never panic, bound their nesting depth and skip
// unknown elements.
package xmlshape
