package jsonshape

import (
	"haneul/internal/awsproto/awserr"
	"haneul/internal/awsproto/model"
)

// ErrorDocument builds the JSON error body for e: the exception's extra
// members (e.Fields, in their wire form, header-bound ones left out) and the
// message. It returns the exception shape the code names in svc (nil when the
// model has none) and the type name clients match on: the shape name when the
// model has the shape, else e.Code.
func ErrorDocument(svc *model.Service, e *awserr.Error) (sh *model.Shape, typeName string, body map[string]any) {
	typeName = e.Code
	if svc != nil {
		sh = svc.ErrorShape(e.Code)
	}
	body = map[string]any{}
	msgKey := "message"
	if sh != nil {
		typeName = sh.Name
		for _, k := range []string{"message", "Message", "errorMessage"} {
			if r, ok := sh.Members[k]; ok && r.Location == "" {
				msgKey = k
				if r.LocationName != "" {
					msgKey = r.LocationName
				}
				break
			}
		}
		if len(e.Fields) > 0 {
			if v, err := ToJSON(&model.ShapeRef{ShapeName: sh.Name, Shape: sh}, e.Fields); err == nil {
				body, _ = v.(map[string]any)
			}
		}
	}
	if body == nil {
		body = map[string]any{}
	}
	if e.Message != "" || body[msgKey] == nil {
		body[msgKey] = e.Message
	}
	return sh, typeName, body
}
