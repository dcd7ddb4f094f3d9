package query

import "haneul/internal/awsproto/model"

// compat holds the query traits a query-compatible JSON model (metadata
// awsQueryCompatible) no longer carries, for clients that still speak query to
// the service.
type compat struct {
	// xmlNamespace is the namespace of the query responses.
	xmlNamespace string
	// refNames sets the locationName of structure members, keyed "Shape.Member".
	refNames map[string]string
	// listMembers sets the locationName of list shapes' members.
	listMembers map[string]string
	// mapKeys sets the key and value locationNames of map shapes.
	mapKeys map[string][2]string
}

// compats is keyed by the model's service name. Models that kept their query
// traits (CloudWatch lists query among its protocols) need no entry beyond
// their namespace, which they also kept.
var compats = map[string]compat{
	// SQS moved to JSON in 2023; these are the element and parameter names of
	// the 2012-11-05 query API (its botocore and aws-sdk-js query models):
	// flattened lists and maps named after their singular member, map entries
	// as <Name>/<Value> (tags <Key>/<Value>).
	"sqs": {
		xmlNamespace: "http://queue.amazonaws.com/doc/2012-11-05/",
		refNames: map[string]string{
			// AWS: Attribute.N.Name / Attribute.N.Value, <Attribute><Name/><Value/></Attribute>.
			"CreateQueueRequest.Attributes":        "Attribute",
			"SetQueueAttributesRequest.Attributes": "Attribute",
			"GetQueueAttributesResult.Attributes":  "Attribute",
			"Message.Attributes":                   "Attribute",
			// AWS: MessageAttribute.N.Name / MessageAttribute.N.Value.StringValue.
			"Message.MessageAttributes":                      "MessageAttribute",
			"SendMessageRequest.MessageAttributes":           "MessageAttribute",
			"SendMessageBatchRequestEntry.MessageAttributes": "MessageAttribute",
			// AWS: MessageSystemAttribute.N.Name / .Value (AWSTraceHeader).
			"SendMessageRequest.MessageSystemAttributes":           "MessageSystemAttribute",
			"SendMessageBatchRequestEntry.MessageSystemAttributes": "MessageSystemAttribute",
			// AWS: Tag.N.Key / Tag.N.Value, <Tag><Key/><Value/></Tag>.
			"CreateQueueRequest.tags":  "Tag",
			"TagQueueRequest.Tags":     "Tag",
			"ListQueueTagsResult.Tags": "Tag",
			// AWS: StringListValue.N inside a message attribute value.
			"MessageAttributeValue.StringListValues":       "StringListValue",
			"MessageAttributeValue.BinaryListValues":       "BinaryListValue",
			"MessageSystemAttributeValue.StringListValues": "StringListValue",
			"MessageSystemAttributeValue.BinaryListValues": "BinaryListValue",
		},
		listMembers: map[string]string{
			"AWSAccountIdList":  "AWSAccountId",  // AddPermission AWSAccountId.N
			"ActionNameList":    "ActionName",    // AddPermission ActionName.N
			"AttributeNameList": "AttributeName", // GetQueueAttributes AttributeName.N
			// ReceiveMessage MessageAttributeName.N
			"MessageAttributeNameList": "MessageAttributeName",
			// Added after SQS left query, so no query client sends it; named
			// like its siblings (MessageSystemAttributeName.N).
			"MessageSystemAttributeList": "MessageSystemAttributeName",
			"TagKeyList":                 "TagKey",   // UntagQueue TagKey.N
			"QueueUrlList":               "QueueUrl", // <ListQueuesResult><QueueUrl/>…
			"MessageList":                "Message",  // <ReceiveMessageResult><Message/>…
			"StringList":                 "StringListValue",
			"BinaryList":                 "BinaryListValue",
			"BatchResultErrorEntryList":  "BatchResultErrorEntry",
			// Batch entries: SendMessageBatchRequestEntry.N.Id and so on.
			"SendMessageBatchRequestEntryList":             "SendMessageBatchRequestEntry",
			"SendMessageBatchResultEntryList":              "SendMessageBatchResultEntry",
			"DeleteMessageBatchRequestEntryList":           "DeleteMessageBatchRequestEntry",
			"DeleteMessageBatchResultEntryList":            "DeleteMessageBatchResultEntry",
			"ChangeMessageVisibilityBatchRequestEntryList": "ChangeMessageVisibilityBatchRequestEntry",
			"ChangeMessageVisibilityBatchResultEntryList":  "ChangeMessageVisibilityBatchResultEntry",
			"ListMessageMoveTasksResultEntryList":          "ListMessageMoveTasksResultEntry",
		},
		mapKeys: map[string][2]string{
			"QueueAttributeMap":             {"Name", "Value"},
			"MessageSystemAttributeMap":     {"Name", "Value"},
			"MessageBodyAttributeMap":       {"Name", "Value"},
			"MessageBodySystemAttributeMap": {"Name", "Value"},
			"TagMap":                        {"Key", "Value"},
		},
	},
	// CloudWatch's model kept its query traits; the namespace is its own.
	"cloudwatch": {xmlNamespace: "http://monitoring.amazonaws.com/doc/2010-08-01/"},
}

// queryView returns svc with the compat traits applied: a deep copy of its
// shapes and operations, so the JSON codecs keep seeing the model as published.
// A service with no compat entry is returned as is.
func queryView(svc *model.Service) *model.Service {
	c, ok := compats[svc.Name]
	if !ok || (len(c.refNames) == 0 && len(c.listMembers) == 0 && len(c.mapKeys) == 0) {
		return svc
	}
	shapes := make(map[string]*model.Shape, len(svc.Shapes))
	for name, sh := range svc.Shapes {
		cp := *sh
		shapes[name] = &cp
	}
	relink := func(r *model.ShapeRef) *model.ShapeRef {
		if r == nil {
			return nil
		}
		cp := *r
		if sh, ok := shapes[r.ShapeName]; ok {
			cp.Shape = sh
		}
		return &cp
	}
	for name, sh := range shapes {
		if sh.Members != nil {
			members := make(map[string]*model.ShapeRef, len(sh.Members))
			for mn, r := range sh.Members {
				members[mn] = relink(r)
				if ln, ok := c.refNames[name+"."+mn]; ok {
					members[mn].LocationName = ln
				}
			}
			sh.Members = members
		}
		sh.Member, sh.Key, sh.Value = relink(sh.Member), relink(sh.Key), relink(sh.Value)
		if ln, ok := c.listMembers[name]; ok && sh.Member != nil {
			sh.Member.LocationName = ln
		}
		if kv, ok := c.mapKeys[name]; ok && sh.Key != nil && sh.Value != nil {
			sh.Key.LocationName, sh.Value.LocationName = kv[0], kv[1]
		}
	}
	view := &model.Service{Name: svc.Name, Metadata: svc.Metadata, Shapes: shapes,
		Operations: make(map[string]*model.Operation, len(svc.Operations))}
	for name, op := range svc.Operations {
		cp := *op
		cp.Service = view
		cp.Input, cp.Output = relink(op.Input), relink(op.Output)
		cp.Errors = make([]*model.ShapeRef, len(op.Errors))
		for i, e := range op.Errors {
			cp.Errors[i] = relink(e)
		}
		view.Operations[name] = &cp
	}
	return view
}

// namespace is the xmlns of the service's query responses.
func namespace(svc *model.Service) string {
	if svc.Metadata.XMLNamespace != "" {
		return svc.Metadata.XMLNamespace
	}
	if c, ok := compats[svc.Name]; ok && c.xmlNamespace != "" {
		return c.xmlNamespace
	}
	// AWS: query namespaces follow http://<endpoint prefix>.amazonaws.com/doc/<api version>/.
	return "http://" + svc.Metadata.EndpointPrefix + ".amazonaws.com/doc/" + svc.Metadata.APIVersion + "/"
}
