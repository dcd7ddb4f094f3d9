package config

import "testing"

func TestPrecedence(t *testing.T) {
	env := map[string]string{"HANEUL_REGION": "us-east-1", "HANEUL_ACCOUNT_ID": "123456789012", "HANEUL_LISTEN": "127.0.0.1:1"}
	c := Default().FromEnv(func(k string) string { return env[k] })
	if c.Region != "us-east-1" || c.Account != "123456789012" || c.Listen != "127.0.0.1:1" || c.LogLevel != "info" {
		t.Fatalf("env overlay: %+v", c)
	}
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	bad := []Config{
		{Account: "12", Region: "r", LogLevel: "info"},
		{Account: "123456789012", Region: "", LogLevel: "info"},
		{Account: "123456789012", Region: "r", LogLevel: "loud"},
	}
	for _, b := range bad {
		if b.Validate() == nil {
			t.Errorf("%+v validated", b)
		}
	}
	if _, err := Load("haneul", []string{"--region", "eu-west-1", "extra"}); err == nil {
		t.Error("extra args accepted")
	}
	got, err := Load("haneul", []string{"--region", "eu-west-1", "--log-level", "debug"})
	if err != nil || got.Region != "eu-west-1" || got.LogLevel != "debug" {
		t.Errorf("flags: %+v %v", got, err)
	}
}
