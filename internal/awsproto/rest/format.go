package rest

import "haneul/internal/awsproto/model"

// Format is a REST protocol's body document format (JSON or XML).
type Format interface {
	// ContentType is the media type of body documents.
	ContentType() string
	// DecodeDocument parses body as a document holding a value of the
	// structure ref names. For a body without a payload member the ref's
	// shape holds only the body members, and its LocationName and
	// XMLNamespace are the operation's.
	DecodeDocument(body []byte, ref *model.ShapeRef) (map[string]any, error)
	// EncodeDocument renders v, a value of the structure ref names, as a document.
	EncodeDocument(ref *model.ShapeRef, v map[string]any) ([]byte, error)
}
