package gateway

import (
	"haneul/internal/awsproto"
	"haneul/internal/awsproto/awserr"
	"haneul/internal/awsproto/validate"
)

// validationCodes names the error code a service answers for input that breaks
// the model's constraints, where it is not its protocol's usual one.
var validationCodes = map[string]string{
	"sns":     "InvalidParameter",      // AWS: SNS reports constraint failures as InvalidParameter.
	"route53": "InvalidInput",          // AWS: Route 53's constraint failures are InvalidInput.
	"rds":     "InvalidParameterValue", // AWS: RDS answers InvalidParameterValue.
}

// validationError is the AWS error for constraint violations, in the shape the
// service and protocol use.
func validationError(svc, protocol string, vs []validate.Violation) *awserr.Error {
	if protocol == awsproto.EC2 {
		// AWS: EC2 names the first missing parameter, else the first bad value.
		v := vs[0]
		if v.Missing {
			return awserr.New("MissingParameter", 400, "The request must contain the parameter %s", v.Member)
		}
		return awserr.New("InvalidParameterValue", 400, "Value (%v) for parameter %s is invalid. %s", v.Value, v.Member, v.Constraint)
	}
	code := "ValidationException"
	if protocol == awsproto.Query {
		code = "ValidationError"
	}
	if c, ok := validationCodes[svc]; ok {
		code = c
	}
	return awserr.New(code, 400, "%s", validate.Message(vs))
}
