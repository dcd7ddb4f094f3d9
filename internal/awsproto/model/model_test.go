package model

import "testing"

func TestEveryVendoredModelLoads(t *testing.T) {
	l := NewLoader()
	names := Names()
	if len(names) < 30 {
		t.Fatalf("only %d vendored models: %v", len(names), names)
	}
	for _, n := range names {
		s, err := l.Load(n)
		if err != nil {
			t.Fatal(err)
		}
		if len(s.Operations) == 0 || s.Metadata.APIVersion == "" {
			t.Errorf("%s: %d operations, api version %q", n, len(s.Operations), s.Metadata.APIVersion)
		}
	}
	iam, _ := l.Load("iam")
	op := iam.Operations["CreateRole"]
	if op.Input.Shape.Name != "CreateRoleRequest" || !op.Input.Shape.IsRequired("RoleName") || op.Output.ResultWrapper != "CreateRoleResult" {
		t.Errorf("CreateRole linked wrongly: %+v", op)
	}
	if got := Version(); got == "" {
		t.Error("no VERSION")
	}
}

func TestCatalogMatchesModels(t *testing.T) {
	c, err := LoadCatalog()
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Entries) != len(Names()) {
		t.Fatalf("catalog has %d entries, %d models", len(c.Entries), len(Names()))
	}
	l := NewLoader()
	for _, e := range c.Entries {
		s, err := l.Load(e.Name)
		if err != nil {
			t.Fatal(err)
		}
		if e.APIVersion != s.Metadata.APIVersion || len(e.OperationNames) != len(s.Operations) || e.SigningService() != s.Metadata.SigningService() {
			t.Errorf("%s: catalog out of date; run python3 codegen/vendor-models.py", e.Name)
		}
	}
	sqs, _ := c.Lookup("sqs")
	if !sqs.HasOperation("SendMessage") || !sqs.QueryCompatible() || sqs.TargetPrefix != "AmazonSQS" {
		t.Errorf("sqs entry: %+v", sqs)
	}
}
