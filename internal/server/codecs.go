package server

import (
	"haneul/internal/awsproto"
	"haneul/internal/awsproto/cbor"
	"haneul/internal/awsproto/ec2query"
	"haneul/internal/awsproto/jsonrpc"
	"haneul/internal/awsproto/query"
	"haneul/internal/awsproto/restjson"
	"haneul/internal/awsproto/restxml"
)

// codecs is one codec per wire protocol, shared by every service.
func codecs() map[string]awsproto.Codec {
	return map[string]awsproto.Codec{
		awsproto.Query:    query.New(),
		awsproto.EC2:      ec2query.New(),
		awsproto.JSON:     jsonrpc.New(),
		awsproto.CBOR:     cbor.New(),
		awsproto.RESTJSON: restjson.New(),
		awsproto.RESTXML:  restxml.New(),
	}
}
